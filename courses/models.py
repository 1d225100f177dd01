from functools import cached_property

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.views import redirect_to_login
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalManyToManyField
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page, TranslatableMixin
from wagtail.search import index
from wagtail.snippets.models import register_snippet

from core.pages import SavadPage
from core.text import search_document
from progress.services import ActivityRef, record_first_visit

from .blocks import LessonBodyBlock
from .page_forms import LessonPageForm
from .visits import issue_token


class Level(models.TextChoices):
    BEGINNER = "beginner", _("Beginner")
    INTERMEDIATE = "intermediate", _("Intermediate")
    ADVANCED = "advanced", _("Advanced")


class EnrolmentMode(models.TextChoices):
    OPEN = "open", _("Open: learners enrol themselves")
    INVITATION = "invitation", _("Invitation only: teachers enrol learners")


class CatalogueIndexPage(SavadPage):
    """The course catalogue of one language: published courses with filters."""

    intro = models.CharField(_("introduction"), max_length=300, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["core.HomePage"]
    subpage_types = ["courses.CoursePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("course catalogue")

    def get_context(self, request, *args, **kwargs):
        # import cycle: courses.selectors imports this module
        from .selectors import catalogue_context

        context = super().get_context(request, *args, **kwargs)
        context.update(catalogue_context(catalogue=self, request=request))
        return context


class CoursePage(SavadPage):
    """A course. Its lessons (optionally grouped in modules) are its descendants."""

    summary = models.TextField(_("summary"), max_length=600)
    outcomes = StreamField(
        [("outcome", blocks.CharBlock(label=_("learning outcome"), max_length=300))],
        verbose_name=_("learning outcomes"),
        blank=True,
    )
    audience = models.CharField(_("audience"), max_length=300, blank=True)
    level = models.CharField(
        _("level"), max_length=16, choices=Level.choices, default=Level.BEGINNER
    )
    estimated_minutes = models.PositiveIntegerField(_("estimated time (minutes)"), default=30)
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cover_image_alt = models.CharField(
        _("cover image alternative text"),
        max_length=300,
        blank=True,
        help_text=_("Required with a cover image: describe it for people who cannot see it."),
    )
    prerequisites = ParentalManyToManyField(
        "self",
        verbose_name=_("prerequisites"),
        blank=True,
        symmetrical=False,
        related_name="required_by",
        help_text=_("Courses a learner must complete before enrolling in this one."),
    )
    competences = ParentalManyToManyField(
        "competences.Competence",
        verbose_name=_("DigComp competences"),
        blank=True,
        related_name="courses",
    )
    enrolment_mode = models.CharField(
        _("enrolment"), max_length=16, choices=EnrolmentMode.choices, default=EnrolmentMode.OPEN
    )
    accept_self_reported_scores = models.BooleanField(
        _("accept self-reported scores"),
        default=False,
        help_text=_(
            "Off (recommended): a required interactive exercise counts towards completing the "
            "course, and its certificate, only when Savad re-graded the answer on the server. "
            "On: scores the learner's browser reports for itself also count. A learner who "
            "knows how can send any score, so switch this on only for practice courses whose "
            "certificate does not need to prove anything."
        ),
    )
    editors_group = models.ForeignKey(
        Group,
        verbose_name=_("editors group"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("outcomes"),
        FieldPanel("audience"),
        MultiFieldPanel(
            [FieldPanel("level"), FieldPanel("estimated_minutes"), FieldPanel("enrolment_mode")],
            heading=_("Course facts"),
        ),
        MultiFieldPanel(
            [FieldPanel("cover_image"), FieldPanel("cover_image_alt")], heading=_("Cover image")
        ),
        FieldPanel("prerequisites"),
        FieldPanel("competences"),
    ]
    settings_panels = [
        MultiFieldPanel(
            [FieldPanel("accept_self_reported_scores")], heading=_("Course completion")
        ),
        *Page.settings_panels,
    ]
    search_fields = [*SavadPage.search_fields, index.FilterField("level")]
    search_content_fields = ("summary", "outcomes", "audience")
    parent_page_types = ["courses.CatalogueIndexPage"]
    subpage_types = [
        "courses.ModulePage",
        "courses.LessonPage",
        "quizzes.QuizPage",
        "content.H5PActivityPage",
        "simulations.SimulationPage",
    ]

    class Meta:
        verbose_name = _("course")

    def clean(self):
        super().clean()
        if self.cover_image_id and not self.cover_image_alt.strip():
            raise ValidationError(
                {"cover_image_alt": _("Describe the cover image for people who cannot see it.")}
            )

    @property
    def is_open(self) -> bool:
        return self.enrolment_mode == EnrolmentMode.OPEN

    def get_context(self, request, *args, **kwargs):
        from .selectors import course_context  # import cycle: courses.selectors imports this module

        context = super().get_context(request, *args, **kwargs)
        context.update(course_context(course=self, request=request))
        return context


class ModulePage(SavadPage):
    """A group of lessons inside a course."""

    intro = models.TextField(_("introduction"), max_length=600, blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_content_fields = ("intro",)
    parent_page_types = ["courses.CoursePage"]
    subpage_types = [
        "courses.LessonPage",
        "quizzes.QuizPage",
        "content.H5PActivityPage",
        "simulations.SimulationPage",
    ]

    class Meta:
        verbose_name = _("module")

    def serve(self, request, *args, **kwargs):
        """A module has no page of its own: go to the course's syllabus."""
        return HttpResponseRedirect(self.get_parent().get_url(request) + f"#module-{self.pk}")


class ActivityPage(SavadPage):
    """Base of everything a learner works through in a course (lessons now; quizzes, H5P later).

    The body is shown only to those the course lets in; a learner's visit is recorded in the
    progress core, keyed by the translation keys of the activity and the course.
    """

    estimated_minutes = models.PositiveIntegerField(_("estimated time (minutes)"), default=10)
    required_for_completion = models.BooleanField(
        _("required to complete the course"),
        default=True,
        help_text=_(
            "The course is completed when every required activity is done. "
            "If no activity is required, all of them are."
        ),
    )
    completion_min_score = models.PositiveSmallIntegerField(
        _("minimum score to count (%)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_(
            "For quizzes and exercises: the score a learner needs for this activity to count "
            "towards completing the course. Empty: finishing it (and passing, if it has a pass "
            "mark) is enough."
        ),
    )

    parent_page_types = ["courses.CoursePage", "courses.ModulePage"]
    subpage_types: list[str] = []

    class Meta:
        abstract = True

    @cached_property
    def course(self) -> Page:
        """The course this activity belongs to: from the routed ancestors when served."""
        course_type = ContentType.objects.get_for_model(CoursePage)
        for ancestor in getattr(self, "_route_ancestors", ()):
            if ancestor.content_type_id == course_type.pk:
                return ancestor
        return CoursePage.objects.ancestor_of(self).select_related("locale").get()

    def access_for(self, request):
        # import cycle: courses.selectors imports this module
        from .selectors import activity_access

        # One answer per page and request (a request may check several pages).
        cache = request.__dict__.setdefault("_savad_access_by_page", {})
        if self.pk not in cache:
            cache[self.pk] = activity_access(user=request.user, course=self.course, request=request)
        return cache[self.pk]

    def get_context(self, request, *args, **kwargs):
        from .selectors import lesson_context  # import cycle: courses.selectors imports this module

        context = super().get_context(request, *args, **kwargs)
        context.update(
            lesson_context(
                activity=self,
                course=self.course,
                request=request,
                access=self.access_for(request),
            )
        )
        return context

    def serve(self, request, *args, **kwargs):
        if not self.course.live:
            raise Http404
        access = self.access_for(request)
        if access.reason == "anonymous":
            return redirect_to_login(request.get_full_path())
        if not access.allowed:
            return render(
                request,
                "courses/activity_locked.html",
                {"page": self, "course": self.course, "access": access},
                status=access.status,
            )
        response = super().serve(request, *args, **kwargs)
        if access.is_learner and not getattr(request, "is_preview", False):
            # A page view is a read: only the first one writes; later ones are reported by
            # the page's beacon (courses.visits).
            context = response.context_data
            ref = context["activity_ref"]
            if context["activity_progress"] is None:
                record_first_visit(user=request.user, activity=ref)
            context["visit_token"] = issue_token(
                user=request.user,
                page=self,
                activity_key=ref.activity_key,
                course_key=ref.course_key,
            )
        return response

    completion_panels = [
        MultiFieldPanel([FieldPanel("required_for_completion")], heading=_("Course completion"))
    ]
    scored_completion_panels = [
        MultiFieldPanel(
            [FieldPanel("required_for_completion"), FieldPanel("completion_min_score")],
            heading=_("Course completion"),
        )
    ]

    def activity_ref(self, syllabus) -> ActivityRef:
        """This activity for the progress core, with its course's completion rule."""
        return ActivityRef(
            activity_key=self.translation_key,
            course_key=self.course.translation_key,
            course_activity_keys=syllabus.required_keys,
            min_scores=syllabus.min_scores,
            accept_self_reported=syllabus.accept_self_reported,
        )


class LessonPage(ActivityPage):
    """A lesson: a body of text, media, guides and key points."""

    body = StreamField(LessonBodyBlock(), verbose_name=_("body"), blank=True)

    base_form_class = LessonPageForm  # H5P blocks: only this course's packages or shared ones
    content_panels = [*Page.content_panels, FieldPanel("estimated_minutes"), FieldPanel("body")]
    settings_panels = [*ActivityPage.completion_panels, *Page.settings_panels]
    search_content_fields = ("body",)

    class Meta:
        verbose_name = _("lesson")


@register_snippet
class GlossaryTerm(TranslatableMixin, index.Indexed, models.Model):
    """A word learners may not know, with a short definition shown inline in lessons."""

    term = models.CharField(_("term"), max_length=120)
    definition = models.TextField(_("definition"), max_length=600)

    panels = [FieldPanel("term"), FieldPanel("definition")]
    search_fields = [
        index.SearchField("term"),
        index.AutocompleteField("term"),
        index.SearchField("definition"),
        index.SearchField("search_text"),  # folded for the site search (core.text)
        index.FilterField("locale"),
    ]

    class Meta(TranslatableMixin.Meta):
        verbose_name = _("glossary term")
        verbose_name_plural = _("glossary terms")
        ordering = ["term"]

    def __str__(self) -> str:
        return self.term

    def search_text(self) -> str:
        return search_document(self.term, self.definition)


class Enrolment(models.Model):
    """A learner enrolled in a course (in every language of it: keyed by translation key)."""

    class Source(models.TextChoices):
        SELF = "self", _("Self-enrolled")
        TEACHER = "teacher", _("Enrolled by a teacher")
        CSV = "csv", _("Enrolled from a list")
        DEMO = "demo", _("Demo data")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="enrolments"
    )
    course_key = models.UUIDField(_("course"))
    source = models.CharField(
        _("source"), max_length=16, choices=Source.choices, default=Source.SELF
    )
    enrolled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    enrolled_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)

    class Meta:
        verbose_name = _("enrolment")
        constraints = [
            models.UniqueConstraint(fields=["user", "course_key"], name="courses_one_enrolment")
        ]
        indexes = [
            models.Index(fields=["course_key", "enrolled_at"], name="courses_enrol_course"),
            # the statistics' learner table, newest first, over many courses
            models.Index(fields=["-enrolled_at", "id"], name="courses_enrol_newest"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.course_key}"
