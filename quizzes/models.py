"""Question bank, quiz pages and learners' attempts.

Questions are Wagtail snippets grouped in categories (one set of categories per course, or
shared). A quiz page is an activity in a course's tree; its slots hold fixed questions or N
random questions from a category. An attempt snapshots the grading data of the questions it was
given (``Response.spec``), so a teacher editing a question never changes a running or past
attempt, and every response is stored per question for item analysis.
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from courses.models import ActivityPage

from .forms import QuizPageForm
from .specs import QuestionDefinitionError, validate_question


class QuestionType(models.TextChoices):
    MULTICHOICE = "multichoice", _("Multiple choice")
    TRUEFALSE = "truefalse", _("True/false")
    SHORTANSWER = "shortanswer", _("Short answer")
    NUMERICAL = "numerical", _("Numerical")
    MATCH = "match", _("Matching")
    ORDERING = "ordering", _("Ordering")
    CLOZE = "cloze", _("Cloze (gaps in text)")
    ESSAY = "essay", _("Essay")
    DESCRIPTION = "description", _("Description (no answer)")


class QuestionCategory(index.Indexed, models.Model):
    """A folder of the question bank, belonging to one course (or shared by all)."""

    name = models.CharField(_("name"), max_length=255)
    course = models.ForeignKey(
        "courses.CoursePage",
        verbose_name=_("course"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="question_categories",
        help_text=_("Leave empty for a category shared by every course."),
    )
    description = models.TextField(_("description"), blank=True)

    panels = [FieldPanel("name"), FieldPanel("course"), FieldPanel("description")]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = _("question category")
        verbose_name_plural = _("question categories")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["course", "name"], name="quizzes_category_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Question(index.Indexed, ClusterableModel):
    """One question of the bank; its answers are ``choices`` (see ``quizzes.specs``)."""

    category = models.ForeignKey(
        QuestionCategory,
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="questions",
    )
    type = models.CharField(_("type"), max_length=16, choices=QuestionType.choices)
    name = models.CharField(_("name"), max_length=255)
    text = RichTextField(
        _("question text"),
        help_text=_("For a cloze question, write the gaps as {1:SHORTANSWER:=answer}."),
    )
    general_feedback = RichTextField(_("general feedback"), blank=True)
    default_mark = models.DecimalField(
        _("default mark"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal(0))],
    )
    idnumber = models.CharField(_("ID number"), max_length=100, blank=True)
    tags = models.CharField(_("tags"), max_length=255, blank=True, help_text=_("Comma separated."))
    single = models.BooleanField(
        _("one answer only"), default=True, help_text=_("Multiple choice: one answer or several.")
    )
    shuffle_choices = models.BooleanField(_("shuffle the choices"), default=True)
    correct_answer = models.BooleanField(_("the statement is true"), null=True, blank=True)
    feedback_true = models.TextField(_("feedback for the answer 'true'"), blank=True)
    feedback_false = models.TextField(_("feedback for the answer 'false'"), blank=True)
    case_sensitive = models.BooleanField(_("short answer is case sensitive"), default=False)
    source_format = models.CharField(_("imported from format"), max_length=16, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    panels = [
        FieldPanel("category"),
        FieldPanel("type"),
        FieldPanel("name"),
        FieldPanel("text"),
        MultiFieldPanel(
            [
                FieldPanel("single"),
                FieldPanel("shuffle_choices"),
                FieldPanel("correct_answer"),
                FieldPanel("feedback_true"),
                FieldPanel("feedback_false"),
                FieldPanel("case_sensitive"),
            ],
            heading=_("Type settings"),
        ),
        InlinePanel("choices", heading=_("Answers"), label=_("Answer")),
        FieldPanel("general_feedback"),
        FieldPanel("default_mark"),
        FieldPanel("idnumber"),
        FieldPanel("tags"),
    ]
    search_fields = [
        index.SearchField("name"),
        index.AutocompleteField("name"),
        index.SearchField("text"),
        index.SearchField("idnumber"),
        index.SearchField("tags"),
        index.FilterField("category"),
        index.FilterField("type"),
    ]

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["category", "name", "pk"]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        if self.type == "cloze":  # other types: QuestionForm checks the answers as submitted
            try:
                validate_question(self, choices=[])
            except QuestionDefinitionError as error:
                raise ValidationError(error.message) from error


class Choice(Orderable):
    """An answer of a question: a choice, an accepted text or number, a pair or an item."""

    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="choices")
    text = models.TextField(
        _("text"),
        blank=True,
        help_text=_(
            "The choice, accepted answer, number, matching sub-question (empty for an extra "
            "answer) or item."
        ),
    )
    match_text = models.CharField(
        _("matches"), max_length=500, blank=True, help_text=_("Matching: the right-hand answer.")
    )
    fraction = models.DecimalField(
        _("credit"),
        max_digits=10,
        decimal_places=7,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(-1)), MaxValueValidator(Decimal(1))],
        help_text=_("1 = full marks, 0.5 = half, negative = a penalty."),
    )
    tolerance = models.FloatField(
        _("tolerance"), null=True, blank=True, help_text=_("Numerical: accepted error (±).")
    )
    feedback = models.TextField(_("feedback"), blank=True)

    panels = [
        FieldPanel("text"),
        FieldPanel("match_text"),
        FieldPanel("fraction"),
        FieldPanel("tolerance"),
        FieldPanel("feedback"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("answer")


class ReviewTiming(models.TextChoices):
    IMMEDIATELY = "immediately", _("Immediately, question by question")
    AFTER_SUBMIT = "after_submit", _("After the attempt is submitted")
    AFTER_CLOSE = "after_close", _("After the quiz closes")
    NEVER = "never", _("Never")


class GradingMethod(models.TextChoices):
    HIGHEST = "highest", _("Highest attempt")
    LAST = "last", _("Last attempt")
    AVERAGE = "average", _("Average of attempts")
    FIRST = "first", _("First attempt")


class QuizPage(ActivityPage):
    """A quiz in a course: graded on the server, results go to the progress core."""

    intro = RichTextField(_("introduction"), blank=True)
    attempts_allowed = models.PositiveSmallIntegerField(
        _("attempts allowed"), default=0, help_text=_("0 = unlimited.")
    )
    time_limit_minutes = models.PositiveSmallIntegerField(
        _("time limit (minutes)"), null=True, blank=True, help_text=_("Empty = no limit.")
    )
    pass_mark = models.DecimalField(
        _("pass mark (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal(50),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=False)
    shuffle_choices = models.BooleanField(_("shuffle choices"), default=True)
    feedback_timing = models.CharField(
        _("show feedback"),
        max_length=16,
        choices=ReviewTiming.choices,
        default=ReviewTiming.AFTER_SUBMIT,
    )
    answers_timing = models.CharField(
        _("show correct answers"),
        max_length=16,
        choices=ReviewTiming.choices,
        default=ReviewTiming.AFTER_SUBMIT,
    )
    grading_method = models.CharField(
        _("grade from"), max_length=16, choices=GradingMethod.choices, default=GradingMethod.HIGHEST
    )
    opens_at = models.DateTimeField(_("opens"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes"), null=True, blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("estimated_minutes"),
        InlinePanel("slots", heading=_("Questions"), label=_("Question slot"), min_num=1),
    ]
    settings_panels = [
        MultiFieldPanel(
            [
                FieldPanel("attempts_allowed"),
                FieldPanel("time_limit_minutes"),
                FieldPanel("pass_mark"),
                FieldPanel("grading_method"),
                FieldPanel("shuffle_questions"),
                FieldPanel("shuffle_choices"),
                FieldPanel("feedback_timing"),
                FieldPanel("answers_timing"),
                FieldPanel("opens_at"),
                FieldPanel("closes_at"),
            ],
            heading=_("Quiz settings"),
        ),
        *ActivityPage.scored_completion_panels,
        *Page.settings_panels,
    ]
    template = "quizzes/quiz_page.html"
    search_content_fields = ("intro",)  # never the questions or their answers
    base_form_class = QuizPageForm

    class Meta:
        verbose_name = _("quiz")

    def clean(self):
        super().clean()
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("The quiz must close after it opens.")})

    @property
    def time_limit(self) -> timedelta | None:
        return timedelta(minutes=self.time_limit_minutes) if self.time_limit_minutes else None

    def get_context(self, request, *args, **kwargs):
        from .selectors import quiz_context  # import cycle: quizzes.selectors imports this module

        context = super().get_context(request, *args, **kwargs)
        context.update(quiz_context(quiz=self, request=request))
        return context


class QuizSlot(Orderable):
    """A place in a quiz: one fixed question, or ``count`` random questions of a category."""

    quiz = ParentalKey(QuizPage, on_delete=models.CASCADE, related_name="slots")
    question = models.ForeignKey(
        Question,
        verbose_name=_("question"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    random_category = models.ForeignKey(
        QuestionCategory,
        verbose_name=_("or random questions from"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    count = models.PositiveSmallIntegerField(
        _("how many random questions"), default=1, validators=[MinValueValidator(1)]
    )
    mark = models.DecimalField(
        _("mark per question"),
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Empty = the question's default mark."),
    )

    panels = [
        FieldPanel("question"),
        FieldPanel("random_category"),
        FieldPanel("count"),
        FieldPanel("mark"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("question slot")

    def clean(self):
        super().clean()
        if bool(self.question_id) == bool(self.random_category_id):
            raise ValidationError(
                _("Choose either one question or a category to draw random questions from.")
            )


class Attempt(models.Model):
    """One learner's attempt at a quiz (keyed by the quiz's translation key)."""

    class State(models.TextChoices):
        IN_PROGRESS = "in_progress", _("In progress")
        NEEDS_GRADING = "needs_grading", _("Waiting for a teacher")
        FINISHED = "finished", _("Finished")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="attempts"
    )
    quiz_key = models.UUIDField(_("quiz"))
    course_key = models.UUIDField(_("course"))
    quiz_page = models.ForeignKey(
        QuizPage, null=True, on_delete=models.SET_NULL, related_name="attempts"
    )
    number = models.PositiveSmallIntegerField(_("attempt"))
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.IN_PROGRESS
    )
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    overdue = models.BooleanField(
        _("submitted by the server after the time ran out"), default=False
    )
    max_marks = models.DecimalField(_("marks available"), max_digits=8, decimal_places=2)
    marks = models.DecimalField(_("marks"), max_digits=10, decimal_places=4, null=True)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=4, null=True)
    passed = models.BooleanField(_("passed"), null=True)

    class Meta:
        verbose_name = _("attempt")
        ordering = ["quiz_key", "user", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "quiz_key", "number"], name="quizzes_attempt_number"
            ),
            models.UniqueConstraint(
                fields=["user", "quiz_key"],
                condition=models.Q(state="in_progress"),
                name="quizzes_one_open_attempt",
            ),
        ]
        indexes = [models.Index(fields=["quiz_key", "state"], name="quizzes_attempt_state")]

    def __str__(self) -> str:
        return f"{self.user_id} · {self.quiz_key} · {self.number}"

    @property
    def is_finished(self) -> bool:
        """Graded in full (not open, not waiting for a teacher)."""
        return self.state == self.State.FINISHED


class Response(models.Model):
    """The learner's answer to one question of an attempt, and what it earned."""

    class State(models.TextChoices):
        UNANSWERED = "unanswered", _("Not answered")
        CORRECT = "correct", _("Correct")
        PARTIAL = "partial", _("Partially correct")
        INCORRECT = "incorrect", _("Incorrect")
        NEEDS_GRADING = "needs_grading", _("Waiting for a teacher")

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="responses")
    position = models.PositiveSmallIntegerField(_("position"))
    question = models.ForeignKey(
        Question, null=True, on_delete=models.SET_NULL, related_name="responses"
    )
    spec = models.JSONField(_("question as given"))
    mark = models.DecimalField(_("marks available"), max_digits=6, decimal_places=2)
    answer = models.JSONField(_("answer"), default=dict, blank=True)
    fraction = models.DecimalField(
        _("fraction earned"), max_digits=8, decimal_places=7, null=True, blank=True
    )
    state = models.CharField(
        _("state"), max_length=16, choices=State.choices, default=State.UNANSWERED
    )
    checked = models.BooleanField(_("checked during the attempt"), default=False)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    graded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    grader_comment = models.TextField(_("teacher's comment"), blank=True)

    class Meta:
        verbose_name = _("response")
        ordering = ["attempt", "position"]
        constraints = [
            models.UniqueConstraint(fields=["attempt", "position"], name="quizzes_response_slot")
        ]
        indexes = [models.Index(fields=["question", "state"], name="quizzes_response_item")]

    def __str__(self) -> str:
        return f"{self.attempt_id} · {self.position}"
