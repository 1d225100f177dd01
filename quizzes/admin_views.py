"""Wagtail admin of the question bank: listings scoped to the teacher's courses, import,
export and the essay grading queue.

Listings only show what the user may see (their courses' categories and the shared ones); the
edit, delete, history and usage views refuse anything else the Wagtail way (back to the
dashboard with a message; 403 to scripts), and the choosers and filters list only those
categories and questions too.
"""

from django import forms
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import content_disposition_header
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST
from django_filters import ModelChoiceFilter
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.panels import ObjectList
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.widgets import Button
from wagtail.permissions import policy_registry
from wagtail.snippets.views import chooser, snippets
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from courses.models import CoursePage

from .exporting import export_gift
from .forms import CategoryForm, GradeForm, ImportForm, QuestionForm
from .importing import QuestionImportError, import_questions, parse_file, question_problems
from .models import Attempt, Question, QuestionCategory, QuestionType, Response
from .roles import (
    can_use_category,
    categories_for,
    editable_course_ids,
    editable_course_keys,
    questions_for,
)
from .services import QuizError, response_grade

IMPORT_SALT = "quizzes.import"
IMPORT_MAX_AGE = 60 * 60


# --------------------------------------------------------------------------- scoped snippets


def _scoped(model, user, *, read: bool):
    return (categories_for if model is QuestionCategory else questions_for)(user, read=read)


class ObjectPermissionMixin:
    """Refuse (``PermissionDenied``) unless the user may do ``object_action`` on this object."""

    object_action = "change"

    def get_object(self, *args, **kwargs):
        instance = super().get_object(*args, **kwargs)
        policy = self.permission_policy
        if not policy.user_has_permission_for_instance(
            self.request.user, self.object_action, instance
        ):
            raise PermissionDenied
        return instance


class EditView(ObjectPermissionMixin, snippets.EditView):
    pass


class DeleteView(ObjectPermissionMixin, snippets.DeleteView):
    object_action = "delete"


class HistoryView(ObjectPermissionMixin, snippets.HistoryView):
    object_action = "view"


class UsageView(ObjectPermissionMixin, snippets.UsageView):
    object_action = "view"


class InspectView(ObjectPermissionMixin, snippets.InspectView):
    object_action = "view"


class IndexView(snippets.IndexView):
    """Edit and delete links only on the rows the user may change; the rest link to inspect."""

    def _may(self, action, instance) -> bool:
        return self.permission_policy.user_has_permission_for_instance(
            self.request.user, action, instance
        )

    def get_edit_url(self, instance):
        return super().get_edit_url(instance) if self._may("change", instance) else None

    def get_delete_url(self, instance):
        return super().get_delete_url(instance) if self._may("delete", instance) else None


class CategoryIndexView(IndexView):
    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        url = reverse("quizzes_admin:export_category", args=[instance.pk])
        buttons.append(MenuItem(_("Export as GIFT"), url=url, icon_name="download", priority=40))
        return buttons


class QuestionIndexView(IndexView):
    @cached_property
    def header_more_buttons(self):
        buttons = super().header_more_buttons
        if self.user_has_permission("add"):
            url = reverse("quizzes_admin:import")
            buttons.append(Button(_("Import questions"), url=url, icon_name="upload", priority=50))
        return buttons


class NameSearchForm(BaseFilterForm):
    """Chooser search by name in the database (the scoped lists are not search-indexed)."""

    q = forms.CharField(label=gettext_lazy("Search term"), required=False)

    def filter(self, objects):
        query = self.cleaned_data.get("q", "").strip()
        if query:
            self.is_searching, self.search_query = True, query
            objects = objects.filter(name__icontains=query)
        return objects


class ScopedChooseMixin:
    filter_form_class = NameSearchForm

    def get_object_list(self):
        return _scoped(self.model_class, self.request.user, read=True)


class ChooseView(ScopedChooseMixin, chooser.ChooseView):
    pass


class ChooseResultsView(ScopedChooseMixin, chooser.ChooseResultsView):
    pass


class ChosenView(chooser.SnippetChosenView):
    def get_object(self, pk):
        return _scoped(self.model_class, self.request.user, read=True).get(pk=pk)


class BankChooserViewSet(chooser.SnippetChooserViewSet):
    choose_view_class = ChooseView
    choose_results_view_class = ChooseResultsView
    chosen_view_class = ChosenView


class BankViewSet(SnippetViewSet):
    index_view_class = IndexView
    edit_view_class = EditView
    delete_view_class = DeleteView
    history_view_class = HistoryView
    usage_view_class = UsageView
    inspect_view_class = InspectView
    inspect_view_enabled = True
    chooser_viewset_class = BankChooserViewSet
    search_backend_name = None  # search the scoped listing with the ORM (see NameSearchForm)

    def get_queryset(self, request):
        return _scoped(self.model, request.user, read=True)


class CategoryViewSet(BankViewSet):
    model = QuestionCategory
    icon = "folder-open-inverse"
    menu_label = gettext_lazy("Categories")
    index_view_class = CategoryIndexView
    list_display = ["name", "course", Column("question_count", label=gettext_lazy("Questions"))]
    search_fields = ["name"]
    edit_handler = ObjectList(QuestionCategory.panels, base_form_class=CategoryForm)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(question_count=Count("questions"))


def _visible_categories(request):
    return categories_for(request.user, read=True) if request else QuestionCategory.objects.none()


class QuestionFilterSet(WagtailFilterSet):
    category = ModelChoiceFilter(label=gettext_lazy("Category"), queryset=_visible_categories)

    class Meta:
        model = Question
        fields = ["type", "category"]


class QuestionViewSet(BankViewSet):
    model = Question
    icon = "help"
    menu_label = gettext_lazy("Questions")
    index_view_class = QuestionIndexView
    list_display = ["name", "type", "category", "updated_at"]
    filterset_class = QuestionFilterSet
    search_fields = ["name", "text", "idnumber", "tags"]
    edit_handler = ObjectList(Question.panels, base_form_class=QuestionForm)


class QuestionBankGroup(SnippetViewSetGroup):
    items = (QuestionViewSet, CategoryViewSet)
    menu_label = gettext_lazy("Question bank")
    menu_icon = "help"
    menu_order = 250
    submenu_hook = "register_question_bank_menu_item"


def question_policy():
    return policy_registry.get_by_type(Question)


def question_index_url() -> str:
    return reverse(Question.snippet_viewset.get_url_name("list"))


# --------------------------------------------------------------------------- import


def _require_add(user) -> None:
    if not question_policy().user_has_permission(user, "add"):
        raise PermissionDenied


def import_upload(request):
    """Step 1: the file, its format and where its questions go."""
    _require_add(request.user)
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        plan = {
            "fmt": form.cleaned_data["format"],
            "category": getattr(form.cleaned_data["category"], "pk", None),
            "course": getattr(form.cleaned_data["course"], "pk", None),
            "name": upload.name,
        }
        return _preview(request, upload.read(), plan)
    return _upload_page(request, form)


def _upload_page(request, form, *, error: str = "", status: int = 200):
    context = {"form": form, "error": error, "header_title": _("Import questions")}
    return TemplateResponse(request, "quizzes/admin/import.html", context, status=status)


def _preview(request, data: bytes, plan: dict):
    """Step 2: what the file holds, every problem with its line, and the signed content."""
    result = parse_file(data, plan["fmt"])
    errors = result.errors or question_problems(result.questions)
    payload = ""
    if not errors:
        text = data.decode("utf-8-sig")
        payload = signing.dumps(
            {**plan, "text": text, "user": request.user.pk}, salt=IMPORT_SALT, compress=True
        )
    rows = [
        {
            "number": number,
            "line": question.line,
            "type": QuestionType(question.type).label,
            "name": question.name,
            "answers": len(question.answers) or len(question.pairs),
        }
        for number, question in enumerate(result.questions, start=1)
    ]
    context = {
        "rows": rows,
        "errors": sorted(errors, key=lambda issue: issue.line),
        "payload": payload,
        "plan": plan,
        "target": _target_label(plan),
        "header_title": _("Import questions"),
    }
    return TemplateResponse(request, "quizzes/admin/import_preview.html", context)


def _target_label(plan: dict) -> str:
    category = plan["category"] and QuestionCategory.objects.filter(pk=plan["category"]).first()
    return str(category) if category else _("The categories named in the file")


def _resolve(plan: dict, user):
    """The category and course of a plan, refused if the user may not add to them."""
    category = course = None
    if plan.get("category"):
        category = categories_for(user).filter(pk=plan["category"]).first()
        if category is None:
            raise PermissionDenied
    elif plan.get("course"):
        if plan["course"] not in editable_course_ids(user):
            raise PermissionDenied
        course = CoursePage.objects.get(pk=plan["course"])
    elif not user.is_superuser:
        raise PermissionDenied
    return category, course


@require_POST
def import_confirm(request):
    """Step 3: re-check the signed file content and import it, all or nothing."""
    _require_add(request.user)
    try:
        plan = signing.loads(
            request.POST.get("payload", ""), salt=IMPORT_SALT, max_age=IMPORT_MAX_AGE
        )
    except signing.BadSignature:
        plan = None
    if plan is None or plan.get("user") != request.user.pk:
        form = ImportForm(user=request.user)
        error = _("The import could not be confirmed: it was changed or is too old. Upload again.")
        return _upload_page(request, form, error=error, status=400)
    category, course = _resolve(plan, request.user)
    data = plan["text"].encode("utf-8")
    result = parse_file(data, plan["fmt"])
    if not result.ok:
        return _preview(request, data, plan)
    try:
        created = import_questions(
            parsed=result.questions, category=category, course=course, source_format=plan["fmt"]
        )
    except QuestionImportError:
        return _preview(request, data, plan)
    count = len(created)
    message = ngettext("%(count)d question imported.", "%(count)d questions imported.", count)
    messages.success(request, message % {"count": count})
    return redirect(question_index_url())


# --------------------------------------------------------------------------- export


def export_category(request, pk: int):
    category = get_object_or_404(QuestionCategory, pk=pk)
    policy = policy_registry.get_by_type(QuestionCategory)
    if not policy.user_has_permission(request.user, "view") or not can_use_category(
        request.user, category, read=True
    ):
        raise PermissionDenied
    response = HttpResponse(export_gift(category), content_type="text/plain; charset=utf-8")
    filename = f"{slugify(category.name, allow_unicode=True) or 'questions'}.gift.txt"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


# --------------------------------------------------------------------------- grading


def pending_responses(user):
    """Essays waiting for a teacher in the courses ``user`` edits, oldest submission first."""
    responses = Response.objects.filter(
        state=Response.State.NEEDS_GRADING, attempt__state=Attempt.State.NEEDS_GRADING
    ).select_related("attempt__user", "attempt__quiz_page")
    if not user.is_superuser:
        responses = responses.filter(attempt__course_key__in=editable_course_keys(user))
    return responses.order_by("attempt__submitted_at", "attempt_id", "position")


def can_grade(user) -> bool:
    return user.is_superuser or bool(editable_course_ids(user))


def grading_queue(request):
    if not can_grade(request.user):
        raise PermissionDenied
    rows = [_describe(response) for response in pending_responses(request.user)]
    context = {"rows": rows, "header_title": _("Grading queue")}
    return TemplateResponse(request, "quizzes/admin/grading_queue.html", context)


def _describe(response: Response) -> dict:
    attempt = response.attempt
    return {
        "response": response,
        "learner": str(attempt.user) if attempt.user else _("Deleted account"),
        "quiz": attempt.quiz_page.title if attempt.quiz_page else _("Deleted quiz"),
        "question": response.spec.get("name", ""),
        "submitted_at": attempt.submitted_at,
    }


def grade_response(request, response_id: int):
    response = get_object_or_404(
        Response.objects.select_related("attempt__user", "attempt__quiz_page"), pk=response_id
    )
    user = request.user
    if not user.is_superuser and response.attempt.course_key not in editable_course_keys(user):
        raise PermissionDenied
    form = GradeForm(request.POST or None, available=response.mark)
    if request.method == "POST" and form.is_valid():
        try:
            response_grade(
                grader=user,
                response_id=response.pk,
                fraction=form.cleaned_data["grade"],
                comment=form.cleaned_data["comment"],
            )
        except QuizError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Grade saved."))
            return redirect("quizzes_admin:grading_queue")
    context = {
        **_describe(response),
        "form": form,
        "essay": (response.answer or {}).get("text", ""),
        "question_text": response.spec.get("text", ""),
        "header_title": _("Grade an answer"),
    }
    return TemplateResponse(request, "quizzes/admin/grade_response.html", context)
