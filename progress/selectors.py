from collections.abc import Iterable
from uuid import UUID

from .models import ActivityProgress, CourseProgress


def activity_statuses(*, user, course_key: UUID) -> dict[UUID, ActivityProgress]:
    """The learner's progress rows in one course, by activity key (one query)."""
    if not user.is_authenticated:
        return {}
    rows = ActivityProgress.objects.filter(user=user, course_key=course_key)
    return {row.activity_key: row for row in rows}


def course_summaries(*, user, course_keys: Iterable[UUID]) -> dict[UUID, CourseProgress]:
    """The learner's course summaries for the given courses, by course key (one query)."""
    if not user.is_authenticated:
        return {}
    rows = CourseProgress.objects.filter(user=user, course_key__in=list(course_keys))
    return {row.course_key: row for row in rows}


def course_summary(*, user, course_key: UUID) -> CourseProgress | None:
    if not user.is_authenticated:
        return None
    return CourseProgress.objects.filter(user=user, course_key=course_key).first()


def latest_summary(*, user) -> CourseProgress | None:
    """The course the learner worked in most recently, for "continue where you left off"."""
    if not user.is_authenticated:
        return None
    return (
        CourseProgress.objects.filter(user=user, last_activity_at__isnull=False)
        .order_by("-last_activity_at")
        .first()
    )
