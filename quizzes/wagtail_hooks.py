"""Admin glue for the question bank: snippets, permission policies, URLs and menu items."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from . import admin_views
from .models import Question, QuestionCategory
from .roles import QuestionBankPolicy

# Registered before the snippets so the admin never falls back to the model-wide policy.
register_permission_policy(Question, QuestionBankPolicy(Question))
register_permission_policy(QuestionCategory, QuestionBankPolicy(QuestionCategory))
register_snippet(admin_views.QuestionBankGroup)


@hooks.register("register_admin_urls")
def register_admin_urls():
    urls = [
        path("import/", admin_views.import_upload, name="import"),
        path("import/confirm/", admin_views.import_confirm, name="import_confirm"),
        path("categories/<int:pk>/export/", admin_views.export_category, name="export_category"),
        path("grading/", admin_views.grading_queue, name="grading_queue"),
        path("grading/<int:response_id>/", admin_views.grade_response, name="grade_response"),
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
