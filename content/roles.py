"""Who may do what with H5P packages (the same model as the question bank, ``quizzes.roles``).

Teachers get the model permissions (add, change, view); which packages they may touch follows
the courses they can edit: a package of one of those courses, or one they uploaded themselves,
is theirs to see, use and replace. Shared packages (no course) are read-only for teachers: they
may see them and use them in any course, not change them. Administrators (superusers) may do
everything. A page may only use a package of its own course or a shared one (administrators
may use any).
"""

from django.db.models import Q, QuerySet
from wagtail.models import Page, ReferenceIndex
from wagtail.permission_policies import ModelPermissionPolicy

from courses.models import CoursePage
from courses.selectors import can_edit_course

from .models import H5PPackage

READ_ACTIONS = {"view"}


def editable_courses(user) -> list[CoursePage]:
    """The course pages (every translation) ``user`` can edit, cached on the user object."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_content_editable_courses", None)
    if cached is None:
        courses = CoursePage.objects.order_by("pk")
        cached = [course for course in courses if can_edit_course(user=user, course=course)]
        user._content_editable_courses = cached
    return cached


def editable_course_ids(user) -> set[int]:
    return {course.pk for course in editable_courses(user)}


def editable_course_keys(user) -> set:
    return {course.translation_key for course in editable_courses(user)}


def _own_filter(user) -> Q:
    return Q(course__translation_key__in=editable_course_keys(user)) | Q(uploaded_by=user)


def packages_for(user, *, read: bool = False) -> QuerySet[H5PPackage]:
    """Packages ``user`` may change (``read``: also the shared ones they may see and use)."""
    packages = H5PPackage.objects.all()
    if user.is_superuser:
        return packages
    if not user.is_authenticated:
        return packages.none()
    allowed = _own_filter(user)
    if read:
        allowed |= Q(course__isnull=True)
    return packages.filter(allowed)


def can_use_package(user, package: H5PPackage, *, read: bool = False) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    if package.uploaded_by_id is not None and package.uploaded_by_id == user.pk:
        return True
    if package.course_id is None:
        return read
    course = CoursePage.objects.filter(pk=package.course_id).only("translation_key").first()
    return course is not None and course.translation_key in editable_course_keys(user)


def course_of_page(page: Page) -> CoursePage | None:
    """The course a page belongs to (the page itself if it is a course), or None."""
    return CoursePage.objects.ancestor_of(page, inclusive=True).first()


def courses_using(package: H5PPackage) -> list[CoursePage]:
    """The courses with pages that use ``package`` (in a lesson block or as an exercise page)."""
    references = ReferenceIndex.get_references_to(package)
    page_ids = set(
        references.filter(base_content_type__model="page").values_list("object_id", flat=True)
    )
    pages = Page.objects.filter(pk__in=[int(pk) for pk in page_ids])
    found: dict[int, CoursePage] = {}
    for page in pages:
        course = course_of_page(page)
        if course is not None:
            found[course.pk] = course
    return sorted(found.values(), key=lambda course: course.pk)


def foreign_courses_using(user, package: H5PPackage) -> list[CoursePage]:
    """Courses using ``package`` that ``user`` cannot edit (its learners would see a change)."""
    if user is not None and user.is_superuser:
        return []
    keys = editable_course_keys(user) if user is not None else set()
    return [course for course in courses_using(package) if course.translation_key not in keys]


class H5PPackagePolicy(ModelPermissionPolicy):
    """Model permissions, narrowed per package to the user's courses and own uploads."""

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        return can_use_package(user, instance, read=action in READ_ACTIONS)

    def instances_user_has_any_permission_for(self, user, actions):
        allowed = [action for action in actions if self.user_has_permission(user, action)]
        if not allowed:
            return self.model._default_manager.none()
        return packages_for(user, read=bool(READ_ACTIONS.intersection(allowed)))
