"""Who may do what with the question bank.

Teachers get the model permissions on questions, categories and answers; which objects they may
touch follows the courses they can edit: a course's categories (and their questions) are theirs
when they can edit the course. Shared categories (no course) are read-only except for
superusers, so teachers can use them in quizzes but not change them.
"""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db.models import Q
from wagtail.permission_policies import ModelPermissionPolicy

from courses.models import CoursePage
from courses.selectors import can_edit_course
from courses.services import TEACHERS_GROUP

from .models import Choice, Question, QuestionCategory

BANK_MODELS = (Question, QuestionCategory, Choice)
ACTIONS = ("add", "change", "delete", "view")
READ_ACTIONS = {"view"}


def ensure_question_bank_permissions() -> None:
    """Give the Teachers group add/change/delete/view on the question bank (idempotent)."""
    # post_migrate may reach this app before auth has created its permissions: create them.
    create_permissions(apps.get_app_config("quizzes"), verbosity=0)
    teachers, _created = Group.objects.get_or_create(name=TEACHERS_GROUP)
    codenames = [
        f"{action}_{model._meta.model_name}" for model in BANK_MODELS for action in ACTIONS
    ]
    teachers.permissions.add(
        *Permission.objects.filter(content_type__app_label="quizzes", codename__in=codenames)
    )


def editable_courses(user) -> list[CoursePage]:
    """The course pages ``user`` can edit (cached on the user object for the request)."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_quizzes_editable_courses", None)
    if cached is None:
        courses = CoursePage.objects.select_related("locale").order_by("title")
        cached = [course for course in courses if can_edit_course(user=user, course=course)]
        user._quizzes_editable_courses = cached
    return cached


def editable_course_ids(user) -> set[int]:
    return {course.pk for course in editable_courses(user)}


def editable_course_keys(user) -> set:
    return {course.translation_key for course in editable_courses(user)}


def _category_filter(user, *, read: bool, prefix: str = "") -> Q:
    allowed = Q(**{f"{prefix}course_id__in": editable_course_ids(user)})
    if read:
        allowed |= Q(**{f"{prefix}course__isnull": True})
    return allowed


def categories_for(user, *, read: bool = False):
    """Categories ``user`` may change (``read``: also the shared ones they may use)."""
    categories = QuestionCategory.objects.select_related("course")
    if user.is_superuser:
        return categories
    return categories.filter(_category_filter(user, read=read))


def questions_for(user, *, read: bool = False):
    """Questions in the categories of ``categories_for``."""
    questions = Question.objects.select_related("category", "category__course")
    if user.is_superuser:
        return questions
    return questions.filter(_category_filter(user, read=read, prefix="category__"))


def can_use_category(user, category: QuestionCategory, *, read: bool = False) -> bool:
    if user.is_superuser:
        return True
    if category.course_id is None:
        return read
    return category.course_id in editable_course_ids(user)


class QuestionBankPolicy(ModelPermissionPolicy):
    """Model permissions, narrowed per object to the categories of the user's courses."""

    def _category(self, instance) -> QuestionCategory:
        return instance if isinstance(instance, QuestionCategory) else instance.category

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        return can_use_category(user, self._category(instance), read=action in READ_ACTIONS)

    def instances_user_has_any_permission_for(self, user, actions):
        allowed = [action for action in actions if self.user_has_permission(user, action)]
        if not allowed:
            return self.model._default_manager.none()
        read = bool(READ_ACTIONS.intersection(allowed))
        if self.model is QuestionCategory:
            return categories_for(user, read=read)
        return questions_for(user, read=read)
