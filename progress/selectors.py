from collections.abc import Iterable
from uuid import UUID

from django.db.models import Count, OuterRef, Q, QuerySet, Sum

from .models import ActivityProgress, CourseProgress, ScoreSource


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
    """The unfinished course the learner worked in most recently, for "continue where you
    left off" (a completed course has nothing to continue)."""
    if not user.is_authenticated:
        return None
    return (
        CourseProgress.objects.filter(
            user=user, last_activity_at__isnull=False, completed_at__isnull=True
        )
        .order_by("-last_activity_at")
        .first()
    )


def completion_time(*, user, course_key: UUID):
    """When the learner completed the course, or None (one query)."""
    return (
        CourseProgress.objects.filter(user=user, course_key=course_key)
        .values_list("completed_at", flat=True)
        .first()
    )


def has_opened(*, user_id: int, activity_key: UUID) -> bool:
    """Whether the learner has opened the activity at least once (one query)."""
    return ActivityProgress.objects.filter(
        user_id=user_id, activity_key=activity_key, first_seen_at__isnull=False
    ).exists()


def incomplete_summaries(*, course_key: UUID) -> QuerySet[CourseProgress]:
    """Summaries of learners who have not completed the course yet, with their user."""
    return CourseProgress.objects.filter(
        course_key=course_key, completed_at__isnull=True, user__isnull=False
    ).select_related("user")


def summaries_by_learner(*, course_key: UUID) -> dict[int, CourseProgress]:
    """Every learner's summary of one course, by user id (one query)."""
    return {row.user_id: row for row in CourseProgress.objects.filter(course_key=course_key)}


def score_sources(*, course_key: UUID) -> dict[int, dict[str, int]]:
    """Per learner: how many of their activity scores the server graded (``server``) and how
    many the browser reported itself (``self_reported``), in one query."""
    rows = (
        ActivityProgress.objects.filter(course_key=course_key, score__isnull=False)
        .values("user_id")
        .annotate(
            server=Count("pk", filter=~Q(score_source=ScoreSource.SELF_REPORTED)),
            self_reported=Count("pk", filter=Q(score_source=ScoreSource.SELF_REPORTED)),
        )
    )
    return {row["user_id"]: row for row in rows}


def recent_completions(*, user, limit: int) -> list[ActivityProgress]:
    """The learner's most recently completed activities, newest first (one query)."""
    return list(
        ActivityProgress.objects.filter(user=user, completed_at__isnull=False).order_by(
            "-completed_at", "-pk"
        )[:limit]
    )


def all_summaries(*, user) -> dict[UUID, CourseProgress]:
    """Every course summary of the learner, by course key (one query)."""
    return {row.course_key: row for row in CourseProgress.objects.filter(user=user)}


# --- For statistics: querysets the stats app aggregates (no row is read here) ----------------


def course_summary_rows(*, course_keys, learners=None) -> QuerySet[CourseProgress]:
    """Course summaries of ``course_keys`` whose account still exists, narrowed by
    ``learners`` (a filter expression on ``user`` and ``course_key``, e.g. enrolled ones)."""
    rows = CourseProgress.objects.filter(course_key__in=list(course_keys), user__isnull=False)
    return rows if learners is None else rows.filter(learners)


def activity_rows(*, course_keys, learners=None) -> QuerySet[ActivityProgress]:
    """Activity progress of ``course_keys``, like ``course_summary_rows``."""
    rows = ActivityProgress.objects.filter(course_key__in=list(course_keys), user__isnull=False)
    return rows if learners is None else rows.filter(learners)


def outer_time_spent() -> QuerySet[ActivityProgress]:
    """A subquery: the seconds the outer row's ``user`` spent in its ``course_key``'s
    activities (None without any)."""
    return (
        ActivityProgress.objects.filter(user=OuterRef("user"), course_key=OuterRef("course_key"))
        .order_by()
        .values("user")
        .annotate(total=Sum("time_spent"))
        .values("total")
    )


def outer_summary() -> QuerySet[CourseProgress]:
    """A subquery: the summary of the outer row's ``user`` in its ``course_key``."""
    return CourseProgress.objects.filter(user=OuterRef("user"), course_key=OuterRef("course_key"))
