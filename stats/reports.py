"""The reports the views show, through the rollups (``stats.rollups``): exact for a small
scope, stored and refreshed in the background for a large one. Each returns a ``Snapshot``."""

from uuid import UUID

from courses.models import CoursePage

from . import rollups, selectors
from .h5p_analysis import embedded_exercise_analysis, exercise_analysis
from .quiz_analysis import quiz_analysis
from .rollups import Computed, Snapshot


@rollups.report("overview")
def _overview(*, keys: list[str]) -> Computed:
    keys = [UUID(key) for key in keys]
    rows, total = selectors.course_overview(keys=keys)
    trend = selectors.weekly_trend(keys=keys)
    return Computed(
        (rows, total, trend), size=total.enrolled, courses=[row.course_key for row in rows]
    )


@rollups.report("funnel")
def _funnel(*, course_key: str) -> Computed:
    course = CoursePage.objects.filter(translation_key=course_key).order_by("-live", "pk").first()
    steps = selectors.course_funnel(course=course) if course is not None else []
    trend = selectors.weekly_trend(keys=[UUID(course_key)])
    size = max((step.reached for step in steps), default=0)
    return Computed((steps, trend), size=size, courses=[course_key])


@rollups.report("quiz")
def _quiz(*, quiz_key: str, course_key: str) -> Computed:
    analysis = quiz_analysis(quiz_key=UUID(quiz_key))
    return Computed(analysis, size=analysis.attempts, courses=[course_key])


@rollups.report("exercise")
def _exercise(*, activity_key: str, course_key: str) -> Computed:
    analysis = exercise_analysis(activity_key=UUID(activity_key), course_key=UUID(course_key))
    return Computed(analysis, size=analysis.enrolled, courses=[course_key])


@rollups.report("embedded_exercise")
def _embedded_exercise(*, lesson_key: str, package_id: int, course_key: str) -> Computed:
    analysis = embedded_exercise_analysis(
        lesson_key=UUID(lesson_key), package_id=package_id, course_key=UUID(course_key)
    )
    return Computed(analysis, size=analysis.enrolled, courses=[course_key])


def overview(*, keys) -> Snapshot:
    """``selectors.course_overview`` of the courses ``keys`` and their ``weekly_trend``:
    (rows, total, trend)."""
    return rollups.snapshot("overview", keys=keys)


def funnel(*, course_key: UUID) -> Snapshot:
    """``selectors.course_funnel`` of one course and its ``weekly_trend``: (steps, trend)."""
    return rollups.snapshot("funnel", course_key=course_key)


def quiz(*, quiz_key: UUID, course_key: UUID) -> Snapshot:
    return rollups.snapshot("quiz", quiz_key=quiz_key, course_key=course_key)


def exercise(*, activity_key: UUID, course_key: UUID) -> Snapshot:
    return rollups.snapshot("exercise", activity_key=activity_key, course_key=course_key)


def embedded_exercise(*, lesson_key: UUID, package_id: int, course_key: UUID) -> Snapshot:
    return rollups.snapshot(
        "embedded_exercise", lesson_key=lesson_key, package_id=package_id, course_key=course_key
    )
