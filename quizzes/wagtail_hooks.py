"""Admin glue for the question bank: snippets, permission policies, URLs and menu items."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from core.localized import page_titles

from . import admin_views
from .models import Attempt, Question, QuestionCategory
from .roles import QuestionBankPolicy
from .specs import learner_view

# Registered before the snippets so the admin never falls back to the model-wide policy.
register_permission_policy(Question, QuestionBankPolicy(Question))
register_permission_policy(QuestionCategory, QuestionBankPolicy(QuestionCategory))
register_snippet(admin_views.QuestionBankGroup)


@hooks.register("register_admin_urls")
def register_admin_urls():
    urls = [
        path("import/", admin_views.import_upload, name="import"),
        path("import/confirm/", admin_views.import_confirm, name="import_confirm"),
        path("categories/<id:pk>/export/", admin_views.export_category, name="export_category"),
        path("grading/", admin_views.grading_queue, name="grading_queue"),
        path("grading/<id:response_id>/", admin_views.grade_response, name="grade_response"),
    ]
    return [path("quizzes/", include((urls, "quizzes_admin")))]


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.question_policy().user_has_permission(request.user, "add")


class GradingMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.can_grade(request.user)


@hooks.register("register_question_bank_menu_item")
def import_menu_item():
    return ImportMenuItem(
        _("Import questions"), reverse("quizzes_admin:import"), icon_name="upload", order=300
    )


@hooks.register("register_question_bank_menu_item")
def grading_menu_item():
    return GradingMenuItem(
        _("Grading queue"),
        reverse("quizzes_admin:grading_queue"),
        icon_name="tasks",
        order=400,
    )


# --- Privacy: a learner's attempts in their data export (see core.privacy) ------------------


@hooks.register("savad_user_data")
def attempt_data(user) -> dict:
    """Attempts with the learner's answers and scores; never the questions' right answers."""
    attempts = list(
        Attempt.objects.filter(user=user).prefetch_related("responses").order_by("started_at")
    )
    titles = page_titles({a.quiz_key for a in attempts} | {a.course_key for a in attempts})
    return {
        "attempts.json": [
            {
                "quiz_key": attempt.quiz_key,
                "quiz": titles.get(attempt.quiz_key, ""),
                "course_key": attempt.course_key,
                "course": titles.get(attempt.course_key, ""),
                "attempt": attempt.number,
                "state": attempt.state,
                "started_at": attempt.started_at,
                "submitted_at": attempt.submitted_at,
                "marks": attempt.marks,
                "max_marks": attempt.max_marks,
                "score": attempt.score,
                "passed": attempt.passed,
                "responses": [_response_data(r) for r in attempt.responses.all()],
            }
            for attempt in attempts
        ]
    }


def _response_data(response) -> dict:
    return {
        "position": response.position,
        "question": _question_as_shown(response.spec),
        "answer": response.answer,
        "state": response.state,
        "mark": response.mark,
        "fraction": response.fraction,
        "answered_at": response.answered_at,
        "teacher_comment": response.grader_comment,
    }


def _question_as_shown(stored: dict) -> dict:
    """The question as the learner saw it (answer ids refer to its choices), without credit."""
    try:
        view = learner_view(stored)
    except (KeyError, TypeError, ValueError):  # an old or damaged snapshot: its text only
        return {"text": stored.get("text", "")}
    for name in ("choices", "subquestions", "options"):
        for item in view.get(name, []):
            item.pop("key", None)
    for gap in view.get("gaps", []):
        for item in gap.get("choices", []):
            item.pop("key", None)
    return view


@hooks.register("savad_erase_user")
def erase_open_attempts(user) -> None:
    """Unsubmitted attempts go; submitted ones stay, without the person, for item analysis."""
    Attempt.objects.filter(user=user, state=Attempt.State.IN_PROGRESS).delete()
