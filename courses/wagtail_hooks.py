from django.http import HttpResponseForbidden
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.menus.pages import PageMenuItem

from core import hooks as core_hooks
from core.localized import page_titles

from . import admin_views, services
from .models import CatalogueIndexPage, CoursePage, Enrolment
from .selectors import (
    activity_access,
    can_edit_course,
    catalogue_url,
    home_context,
    media_restricted_to,
)


@hooks.register(core_hooks.HOME_PAGE_CONTEXT)
def add_courses(*, request, context) -> None:
    """The home page's courses, "start here" and "continue where you left off"."""
    context.update(home_context(request=request))


@hooks.register(core_hooks.CATALOGUE_URL)
def give_catalogue_url(*, request) -> str | None:
    return catalogue_url(request)


@hooks.register("register_admin_urls")
def register_admin_urls():
    urls = [path("<id:page_id>/enrolments/", admin_views.enrolments, name="enrolments")]
    return [path("courses/", include((urls, "courses_admin")))]


class EnrolmentsMenuItem(PageMenuItem):
    label = _("Enrolments")
    icon_name = "group"
    url_name = "courses_admin:enrolments"

    def is_shown(self, user):
        course = self.page.specific_deferred
        return isinstance(course, CoursePage) and can_edit_course(user=user, course=course)


@hooks.register("register_page_listing_more_buttons")
def enrolments_listing_button(page, user, next_url=None):
    yield EnrolmentsMenuItem(page=page, priority=45)


@hooks.register("register_page_header_buttons")
def enrolments_header_button(page, user, view_name, next_url=None):
    yield EnrolmentsMenuItem(page=page, priority=40)


@hooks.register("after_create_page")
def give_new_pages_their_roles(request, page):
    specific = page.specific
    if isinstance(specific, CatalogueIndexPage):
        services.catalogue_use_review_workflow(specific)
    elif isinstance(specific, CoursePage):
        services.course_ensure_editors_group(course=specific, owners=[request.user])


@hooks.register("before_serve_document")
def protect_invitation_only_documents(document, request):
    """Documents used only in invitation-only lessons go only to those who may see them."""
    return _media_access(document, request)


@hooks.register("savad_before_serve_image")
def protect_invitation_only_images(image, request):
    """Images (and their renditions) used only in invitation-only lessons, likewise."""
    return _media_access(image, request)


def _media_access(obj, request):
    courses = media_restricted_to(obj)
    if not courses:
        return None
    request._savad_media_private = True
    if any(activity_access(user=request.user, course=course).allowed for course in courses):
        return None
    return HttpResponseForbidden(_("This file belongs to a course you are not enrolled in."))


# --- Privacy: a learner's enrolments in their data export (see core.privacy) ----------------


@hooks.register("savad_user_data")
def enrolment_data(user) -> dict:
    enrolments = list(Enrolment.objects.filter(user=user).order_by("enrolled_at", "pk"))
    titles = page_titles(e.course_key for e in enrolments)
    rows = [
        {
            "course_key": e.course_key,
            "course": titles.get(e.course_key, ""),
            "source": e.get_source_display(),
            "enrolled_at": e.enrolled_at,
        }
        for e in enrolments
    ]
    return {"enrolments.csv": rows}
