"""Statements about Savad's own activities, from enrolled learners, feed the progress core.

A statement counts when the client that sent it is registered for its object's activity IRI
(``Client.activities``), that IRI is one of Savad's activity IRIs naming a page of a type
clients may report on (``CLIENT_REPORTED_TYPES``: lessons; never quizzes, H5P exercises or
anything else Savad grades itself, whatever the registration says), its actor is an active
Savad user (``xapi.identity.user_for_agent``), the activity is a live page in the published
syllabus of a live course, and the learner is enrolled in that course. Then:

* a score (``xapi.validation.scaled_score``: ``scaled``, else raw within min/max) records a
  graded attempt, passed or failed by the verb (passed/failed) or else by ``result.success``;
* otherwise ``completed`` (or ``result.completion: true``) and ``passed`` record a completion.

Statements that do not count are still stored (and readable by the client that sent them);
they only change no progress. Voiding a statement later does not undo progress it recorded.
"""

from uuid import UUID

from wagtail.models import Page

from courses.models import ActivityPage, CoursePage, LessonPage
from courses.selectors import course_syllabus, is_enrolled
from progress.services import ActivityRef, record_completion, record_score
from xapi.identity import activity_key_from_iri, user_for_agent
from xapi.validation import scaled_score

ADL_VERBS = "http://adlnet.gov/expapi/verbs/"
COMPLETED = f"{ADL_VERBS}completed"
PASSED = f"{ADL_VERBS}passed"
FAILED = f"{ADL_VERBS}failed"

# The activity types whose progress a client application may report. An allow-list, so that
# any new type (graded on the server or not) takes no progress from clients until added here.
CLIENT_REPORTED_TYPES: tuple[type[ActivityPage], ...] = (LessonPage,)


def feed_progress(document: dict, *, client) -> str | None:
    """Record what ``document`` from ``client`` says about a Savad activity; the new status.

    None when the statement changes no progress (see the module's docstring for the rules).
    """
    target = document["object"]
    if target.get("objectType", "Activity") != "Activity":
        return None
    if not client.reports_on(target["id"]):
        return None
    activity_key = activity_key_from_iri(target["id"])
    if activity_key is None:
        return None
    verb = document["verb"]["id"]
    result = document.get("result", {})
    score = scaled_score(result.get("score"))
    completes = verb in {COMPLETED, PASSED} or result.get("completion") is True
    if score is None and not completes:
        return None
    user = user_for_agent(document["actor"])
    if user is None:
        return None
    activity = enrolled_activity_ref(user=user, activity_key=activity_key)
    if activity is None:
        return None
    if score is not None:
        passed = {PASSED: True, FAILED: False}.get(verb)
        if passed is None and isinstance(result.get("success"), bool):
            passed = result["success"]
        return record_score(user=user, activity=activity, score=score, passed=passed).status
    return record_completion(user=user, activity=activity).status


def enrolled_activity_ref(*, user, activity_key: UUID) -> ActivityRef | None:
    """The activity as the progress core knows it, if ``user`` is enrolled in its course."""
    pages = Page.objects.live().filter(translation_key=activity_key).order_by("pk").specific()
    for page in pages:
        if not isinstance(page, CLIENT_REPORTED_TYPES):
            continue
        try:
            course = page.course
        except CoursePage.DoesNotExist:
            continue
        if not course.live:
            continue
        if not is_enrolled(user=user, course=course):
            return None
        syllabus = course_syllabus(course)
        if any(activity.pk == page.pk for activity in syllabus.activities):
            return page.activity_ref(syllabus)
    return None
