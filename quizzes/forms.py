"""Admin forms of the question bank: question and category editing, import, essay grading."""

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.forms.pages import WagtailAdminPageForm

from courses.models import CoursePage

from .specs import QuestionDefinitionError, validate_question

CHOICE_FIELDS = ("text", "match_text", "fraction", "tolerance", "feedback")


class QuestionForm(WagtailAdminModelForm):
    """Refuses a question that could not be graded fairly, judged on the answers as submitted."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        category = self.fields.get("category")
        if category is not None and self.for_user is not None:
            # import cycle: .roles needs quizzes.models, which imports this module
            from .roles import categories_for

            category.queryset = categories_for(self.for_user)
            category.error_messages["invalid_choice"] = _(
                "Choose one of your courses' categories: shared categories and other "
                "courses' categories are read-only."
            )

    def clean(self):
        cleaned = super().clean()
        choices = self.submitted_choices()
        if choices is None or self.has_error("type"):
            return cleaned
        from .models import Question  # import cycle: quizzes.models imports this module

        probe = Question(
            type=cleaned.get("type", self.instance.type),
            text=cleaned.get("text", self.instance.text),
            single=cleaned.get("single", self.instance.single),
            correct_answer=cleaned.get("correct_answer", self.instance.correct_answer),
        )
        try:
            validate_question(probe, choices)
        except QuestionDefinitionError as error:
            self.add_error(None, error.message)
        return cleaned

    def submitted_choices(self):
        """The answers as they will be saved (deleted and blank forms left out), or None."""
        from .models import Choice  # import cycle: quizzes.models imports this module

        formset = self.formsets.get("choices")
        if formset is None or not formset.is_valid():
            return None
        deleted = set(formset.deleted_forms) if formset.can_delete else set()
        choices = []
        for form in formset.forms:
            data = getattr(form, "cleaned_data", None)
            if form in deleted or not data:
                continue
            values = {name: data[name] for name in CHOICE_FIELDS if data.get(name) is not None}
            choices.append(Choice(**values))
        return choices


class CategoryForm(WagtailAdminModelForm):
    """A category belongs to one of the editor's courses; only superusers make shared ones."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        course = self.fields.get("course")
        user = self.for_user
        if course is None or user is None or user.is_superuser:
            return
        # import cycle: .roles needs quizzes.models, which imports this module
        from .roles import editable_course_ids

        course.queryset = CoursePage.objects.filter(pk__in=editable_course_ids(user))
        course.required = True
        course.widget = forms.Select()
        course.widget.choices = course.choices
        course.help_text = _("One of the courses you edit.")


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Question file"))
    format = forms.ChoiceField(
        label=gettext_lazy("Format"),
        choices=[("gift", "GIFT (Moodle)"), ("aiken", "Aiken")],
        initial="gift",
    )
    category = forms.ModelChoiceField(
        label=gettext_lazy("Into category"),
        queryset=None,
        required=False,
        empty_label=gettext_lazy("The categories named in the file"),
    )
    course = forms.ModelChoiceField(
        label=gettext_lazy("Course of the file's categories"),
        queryset=None,
        required=False,
        help_text=gettext_lazy("Used when the questions go into the categories named in the file."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # import cycle: .roles needs quizzes.models, which imports this module
        from .roles import categories_for, editable_course_ids

        self.user = user
        self.fields["category"].queryset = categories_for(user)
        self.fields["course"].queryset = CoursePage.objects.filter(
            pk__in=editable_course_ids(user)
        ).order_by("title")
        if user.is_superuser:
            self.fields["course"].empty_label = _("None: shared categories")

    def clean_file(self):
        # import cycle: .importing needs quizzes.models, which imports this module
        from .importing import max_bytes

        upload = self.cleaned_data["file"]
        if upload.size > max_bytes():
            raise forms.ValidationError(
                _("The file is too large: the limit is %(size)s KB.")
                % {"size": max_bytes() // 1024}
            )
        return upload

    def clean(self):
        cleaned = super().clean()
        no_target = cleaned.get("category") is None and cleaned.get("course") is None
        if no_target and not self.user.is_superuser and not self.has_error("course"):
            self.add_error(
                "course", _("Choose a category, or the course the file's categories are for.")
            )
        return cleaned


class GradeForm(forms.Form):
    """Marks out of the response's marks, or a credit between 0 and 1."""

    marks = forms.DecimalField(label=gettext_lazy("Marks"), required=False, min_value=0)
    fraction = forms.DecimalField(
        label=gettext_lazy("or credit (0–1)"),
        required=False,
        min_value=0,
        max_value=1,
        help_text=gettext_lazy("1 = full marks, 0.5 = half."),
    )
    comment = forms.CharField(
        label=gettext_lazy("Comment for the learner"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, available: Decimal, **kwargs):
        super().__init__(*args, **kwargs)
        self.available = available
        self.fields["marks"].validators.append(MaxValueValidator(available))
        self.fields["marks"].help_text = _("Out of %(marks)s.") % {
            "marks": f"{available.normalize():f}"
        }

    def clean(self):
        cleaned = super().clean()
        marks, fraction = cleaned.get("marks"), cleaned.get("fraction")
        if self.errors:
            return cleaned
        if marks is None and fraction is None:
            raise forms.ValidationError(_("Give the marks or the credit."))
        if marks is not None and fraction is not None:
            raise forms.ValidationError(_("Give either the marks or the credit, not both."))
        if fraction is None:
            fraction = marks / self.available if self.available else Decimal(0)
        cleaned["grade"] = fraction
        return cleaned


class QuizPageForm(WagtailAdminPageForm):
    """A quiz may only use questions of its own course's bank or shared categories."""

    def clean(self):
        cleaned = super().clean()
        course = self._course()
        slots = self.formsets.get("slots")
        for form in slots.forms if slots is not None else []:
            if not form.is_valid():  # formsets are cleaned after the page form: do it now
                continue
            data = form.cleaned_data
            if not data or data.get("DELETE"):
                continue
            question, category = data.get("question"), data.get("random_category")
            if bool(question) == bool(category):
                form.add_error(
                    None,
                    _("Choose either one question or a category to draw random questions from."),
                )
                continue
            owner = (question.category if question else category).course
            if owner is not None and (
                course is None or owner.translation_key != course.translation_key
            ):
                form.add_error(
                    "question" if question else "random_category",
                    _("Use questions of this course's question bank or a shared category."),
                )
        return cleaned

    def _course(self):
        parent = self.parent_page if self.instance.pk is None else self.instance.get_parent()
        if parent is None:
            return None
        return CoursePage.objects.ancestor_of(parent, inclusive=True).first()
