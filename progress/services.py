"""The progress service API that lessons, quizzes and H5P activities call.

Every write is race-safe: visits are single atomic UPDATEs (with a create on first sight that
tolerates a parallel create), and completions and scores lock the learner's course summary
row first, so parallel requests for one learner are serialised per course and the summary is
always recounted from the activity rows inside the same transaction.
"""

import math
from collections.abc import Collection
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from uuid import UUID

from django.db import IntegrityError, transaction
from django.db.models import Case, F, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from .models import DONE_STATUSES, ActivityProgress, CourseProgress, Status

MAX_SECONDS_PER_VISIT = 60 * 60  # a heartbeat never credits more than an hour at once


@dataclass(frozen=True)
class ActivityRef:
    """What the progress core needs to know about an activity.

    ``course_activity_keys`` are the translation keys of every activity that counts towards
    the course's completion.
    """

    activity_key: UUID
    course_key: UUID
    course_activity_keys: frozenset[UUID]


class ProgressError(ValueError):
    """An impossible progress write (for example a score outside 0–1)."""


def record_visit(
    *, user, activity: ActivityRef, seconds: int = 0, started: bool | None = None
) -> None:
    """Note that ``user`` opened ``activity`` now; starts it and makes it the resume point.

    ``started=False`` says the caller has just seen that no progress row exists yet (saves a
    query on a first visit); a parallel first visit is still merged correctly.
    """
    now = timezone.now()
    seconds = max(0, min(int(seconds), MAX_SECONDS_PER_VISIT))
    rows = ActivityProgress.objects.filter(user=user, activity_key=activity.activity_key)
    touch = {
        "status": Case(
            When(status=Status.NOT_STARTED, then=Value(Status.IN_PROGRESS)), default=F("status")
        ),
        "first_seen_at": Coalesce(F("first_seen_at"), Value(now)),
        "last_seen_at": now,
        "time_spent": F("time_spent") + seconds,
    }
    if started is False or not rows.update(**touch):
        _first_visit(user, activity, now=now, seconds=seconds, touch=touch)
    summary_rows = CourseProgress.objects.filter(user=user, course_key=activity.course_key)
    if not summary_rows.update(last_activity_key=activity.activity_key, last_activity_at=now):
        _first_course_visit(user, activity, now=now)


def _first_visit(user, activity: ActivityRef, *, now, seconds: int, touch: dict) -> None:
    """Create the activity row; a parallel first visit is merged, never lost."""
    row = ActivityProgress(
        user=user,
        activity_key=activity.activity_key,
        course_key=activity.course_key,
        status=Status.IN_PROGRESS,
        first_seen_at=now,
        last_seen_at=now,
        time_spent=seconds,
    )
    if not seconds:  # a plain page view: one upsert, nothing to add on a conflict
        ActivityProgress.objects.bulk_create(
            [row],
            update_conflicts=True,
            unique_fields=["user", "activity_key"],
            update_fields=["last_seen_at"],
        )
        return
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:  # a parallel request created it first: add our time on top
        ActivityProgress.objects.filter(user=user, activity_key=activity.activity_key).update(
            **touch
        )


def _first_course_visit(user, activity: ActivityRef, *, now) -> None:
    """Create the learner's course summary in one upsert (counting what is already done)."""
    keys = activity.course_activity_keys
    completed = ActivityProgress.objects.filter(
        user=user,
        course_key=activity.course_key,
        activity_key__in=list(keys),
        status__in=DONE_STATUSES,
    ).count()
    total = len(keys)
    summary = CourseProgress(
        user=user,
        course_key=activity.course_key,
        completed_activities=completed,
        total_activities=total,
        percent_complete=(100 * completed) // total if total else 0,
        completed_at=now if total and completed >= total else None,
        last_activity_key=activity.activity_key,
        last_activity_at=now,
    )
    CourseProgress.objects.bulk_create(
        [summary],
        update_conflicts=True,
        unique_fields=["user", "course_key"],
        update_fields=["last_activity_key", "last_activity_at"],
    )


def record_completion(*, user, activity: ActivityRef) -> ActivityProgress:
    """Mark ``activity`` completed (a pass or a completion already recorded stays)."""
    return _finish(user, activity, score=None, passed=None)


def record_score(
    *, user, activity: ActivityRef, score: float | Decimal, passed: bool | None = None
) -> ActivityProgress:
    """Record a graded attempt: ``score`` between 0 and 1; ``passed`` None means no pass mark."""
    if score is None or not math.isfinite(float(score)) or not 0 <= float(score) <= 1:
        raise ProgressError(f"score must be between 0 and 1, not {score!r}")
    return _finish(user, activity, score=score, passed=passed)


def _finish(user, activity: ActivityRef, *, score, passed: bool | None) -> ActivityProgress:
    now = timezone.now()
    with transaction.atomic():
        summary = _locked_summary(user, activity)
        progress, _created = ActivityProgress.objects.select_for_update().get_or_create(
            user=user,
            activity_key=activity.activity_key,
            defaults={"course_key": activity.course_key, "first_seen_at": now},
        )
        progress.last_seen_at = now
        if score is None:
            if progress.status not in DONE_STATUSES:
                progress.status = Status.COMPLETED
        else:
            progress.attempts += 1
            progress.score = Decimal(str(score)).quantize(Decimal("0.0001"), ROUND_HALF_UP)
            progress.status = {True: Status.PASSED, False: Status.FAILED}.get(
                passed, Status.COMPLETED
            )
        if progress.status in DONE_STATUSES and progress.completed_at is None:
            progress.completed_at = now
        progress.save()
        summary.last_activity_key, summary.last_activity_at = activity.activity_key, now
        _recount(summary, activity.course_activity_keys)
    return progress


def _locked_summary(user, activity: ActivityRef) -> CourseProgress:
    """The learner's summary row for the course, created if needed and locked until commit."""
    try:
        with transaction.atomic():
            summary, _created = CourseProgress.objects.select_for_update().get_or_create(
                user=user, course_key=activity.course_key
            )
    except IntegrityError:  # created by a parallel request between our SELECT and INSERT
        summary = CourseProgress.objects.select_for_update().get(
            user=user, course_key=activity.course_key
        )
    return summary


def _recount(summary: CourseProgress, activity_keys: Collection[UUID]) -> None:
    completed = ActivityProgress.objects.filter(
        user_id=summary.user_id,
        course_key=summary.course_key,
        activity_key__in=list(activity_keys),
        status__in=DONE_STATUSES,
    ).count()
    total = len(activity_keys)
    summary.completed_activities, summary.total_activities = completed, total
    summary.percent_complete = (100 * completed) // total if total else 0
    if total and completed >= total and summary.completed_at is None:
        summary.completed_at = timezone.now()
    summary.save()


def refresh_course_totals(*, user, activity: ActivityRef) -> CourseProgress:
    """Recount a summary (for example after a teacher added or removed activities)."""
    with transaction.atomic():
        summary = _locked_summary(user, activity)
        _recount(summary, activity.course_activity_keys)
    return summary


__all__ = [
    "ActivityRef",
    "ProgressError",
    "record_completion",
    "record_score",
    "record_visit",
    "refresh_course_totals",
]
