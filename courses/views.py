from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import Page

from core.exceptions import SavadError
from progress import selectors as progress_selectors
from progress.services import record_completion

from . import services, visits
from .models import ActivityPage, CoursePage, LessonPage
from .selectors import activity_access, course_syllabus


def _live_course(page_id: int) -> CoursePage:
    return get_object_or_404(CoursePage.objects.live().select_related("locale"), pk=page_id)


def _back_to(request, course: CoursePage) -> tuple[str, str]:
    return course.get_url(request), _("Back to the course")


@require_POST
@login_required
def enrol(request, page_id: int):
    course = _live_course(page_id)
    try:
        services.enrol(user=request.user, course=course)
    except SavadError as error:
        error.back = _back_to(request, course)
        raise
    messages.success(request, _("You are enrolled in “%(course)s”.") % {"course": course.title})
    return HttpResponseRedirect(course.get_url(request))


@require_POST
@login_required
def unenrol(request, page_id: int):
    course = _live_course(page_id)
    if services.unenrol(user=request.user, course=course):
        messages.success(
            request,
            _("You left “%(course)s”. Your progress is kept if you come back.")
            % {"course": course.title},
        )
    return HttpResponseRedirect(course.get_url(request))


@require_POST
@login_required
def complete(request, page_id: int):
    """Mark a lesson complete (only lessons: quizzes and H5P are completed by their results)."""
    lesson = get_object_or_404(LessonPage.objects.live().select_related("locale"), pk=page_id)
    course = lesson.course
    if not course.live:
        raise Http404
    access = activity_access(user=request.user, course=course)
    if not access.enrolled:
        raise SavadError(
            _("Enrol in this course to record your progress."),
            status=403,
            back=_back_to(request, course),
        )
    syllabus = course_syllabus(course)
    record_completion(user=request.user, activity=lesson.activity_ref(syllabus))
    _previous, following = syllabus.neighbours(lesson)
    if progress_selectors.completion_time(user=request.user, course_key=course.translation_key):
        messages.success(
            request,
            _(
                "Lesson marked as complete. You have completed “%(course)s”: congratulations! "
                "Your certificate is under My certificates."
            )
            % {"course": course.title},
        )
        return HttpResponseRedirect(course.get_url(request))
    messages.success(request, _("Lesson marked as complete."))
    target = course.get_url(request) + (following.path if following else "")
    return HttpResponseRedirect(target)


@require_POST
def visit_beacon(request):
    """The reports of ``courses/visits.js``: when an activity page was seen and for how long.

    204 when recorded, 429 when every report was throttled, 400 (nothing written) when one was
    tampered with; a CSRF-protected form post, as ``navigator.sendBeacon`` sends it.
    """
    if not request.user.is_authenticated:
        return JsonResponse({"error": _("Log in to record your progress.")}, status=403)
    try:
        batch = visits.parse(
            user=request.user,
            tokens=request.POST.getlist("token"),
            seconds=request.POST.getlist("seconds"),
            kinds=request.POST.getlist("kind"),
        )
    except visits.VisitError as error:
        return JsonResponse({"error": str(error)}, status=400)
    if batch and not visits.accept(user=request.user, visits=batch, activity_for=_activity_ref):
        return JsonResponse({"error": _("Reported too often; try again later.")}, status=429)
    return HttpResponse(status=204)


def _activity_ref(visit: visits.Visit):
    """The progress reference of a reported page (only when its progress rows are missing)."""
    page = Page.objects.live().filter(pk=visit.page_id).first()
    page = page.specific if page is not None else None
    if not isinstance(page, ActivityPage):  # unpublished or deleted since: nothing to record
        return None
    return page.activity_ref(course_syllabus(page.course))
