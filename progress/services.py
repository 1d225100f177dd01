"""The progress service API that lessons, quizzes and H5P activities call.

Every write is race-safe: visits are single atomic UPDATEs (with a create on first sight that
tolerates a parallel create), and completions and scores lock the learner's course summary
row first, so parallel requests for one learner are serialised per course and the summary is
always recounted from the activity rows inside the same transaction.

Page views are reads: only the first view of an activity writes (``record_first_visit``);
the page then reports when it was seen and for how long with a beacon (``record_seen``). A
completion or score is one statement on PostgreSQL: a call of the database function
``progress_finish`` (``progress/migrations/0003_progress_finish_function.py``), which locks
the summary, writes the activity row, recounts by the course's rule and writes the summary.
Other databases run the same steps from Python in three statements (``_finish_in_python``);
``tests/progress/test_database_function.py`` holds the two to the same results. The
learning-record signals then add one INSERT for the xAPI statements.

The course's completion rule travels with each ``ActivityRef`` (from the course syllabus):
the required activities, the minimum scores some of them need, and whether the course accepts
self-reported results. A course is completed, once and for good, when every required activity
is done with its minimum score by a result the course accepts: a result the browser reported
itself (``ScoreSource.SELF_REPORTED``, an H5P score the server could not re-grade) still shows
as the learner's status and score but does not count unless the course accepts self-reported
scores. The learning-record signals of ``progress.signals`` are sent inside the same
transaction as the change.
"""

import math
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from functools import cached_property
from uuid import UUID

from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import Case, F, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.sql import db_values

from . import signals
from .models import DONE_STATUSES, ActivityProgress, CourseProgress, ScoreSource, Status

MAX_SECONDS_PER_VISIT = 60 * 60  # a heartbeat never credits more than an hour at once
DEADLOCK_RETRIES = 3


@dataclass(frozen=True)
class ActivityRef:
    """What the progress core needs to know about an activity.

    ``course_activity_keys`` are the translation keys of the activities required to complete
    the course; ``min_scores`` the score (0–1) some of them need to count as done;
    ``accept_self_reported`` whether self-reported results count (the course's setting).
    """

    activity_key: UUID
    course_key: UUID
    course_activity_keys: frozenset[UUID]
    min_scores: Mapping[UUID, Decimal] = field(default_factory=dict, compare=False)
    accept_self_reported: bool = field(default=False, compare=False)

    @cached_property
    def rule_arrays(self) -> tuple[list[UUID], list[UUID], list[Decimal]]:
        """The rule as the database function takes it: required keys, keys with a minimum
        score, and those minimums."""
        return (
            list(self.course_activity_keys),
            list(self.min_scores),
            [Decimal(str(score)) for score in self.min_scores.values()],
        )

    def counts(self, row: ActivityProgress | tuple) -> bool:
        """Whether a progress row (or an ``(activity_key, status, score[, score_source])``
        tuple) is done by the course's rule."""
        if isinstance(row, ActivityProgress):
            row = (row.activity_key, row.status, row.score, row.score_source)
        key, status, score = row[:3]
        source = row[3] if len(row) > 3 else ""
        if key not in self.course_activity_keys or status not in DONE_STATUSES:
            return False
        if source == ScoreSource.SELF_REPORTED and not self.accept_self_reported:
            return False
        minimum = self.min_scores.get(key)
        return minimum is None or (score is not None and score >= minimum)


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


def record_first_visit(*, user, activity: ActivityRef) -> None:
    """A page view of an activity the learner has no progress row for yet: create the rows.

    Later views write nothing in the request: the page reports when it was seen and how long
    it was read with :func:`record_seen` (a beacon).
    """
    record_visit(user=user, activity=activity, started=False)


def record_seen(
    *,
    user,
    activity_key: UUID,
    course_key: UUID,
    seconds: int = 0,
    resume: bool = True,
    opened_at=None,
    activity=None,
) -> None:
    """What a page's beacon reports: the learner had ``activity_key`` open for ``seconds``
    more seconds (capped), until now; with ``resume`` (the page is open now) it becomes the
    course's resume point. A page left reports its time without ``resume``: the next page
    the learner opened is where they continue. ``opened_at`` (when the page was served):
    a report that arrives late, after the learner opened another activity of the course,
    leaves the resume point where it is.

    One or two UPDATEs. ``activity`` (an ``ActivityRef``, or a callable returning one) is
    needed only when a progress row is missing (for example deleted since the page view): the
    visit is then recorded with :func:`record_visit` (nothing is recorded if it is None).
    """
    now = timezone.now()
    seconds = max(0, min(int(seconds), MAX_SECONDS_PER_VISIT))
    touch = {
        "status": Case(
            When(status=Status.NOT_STARTED, then=Value(Status.IN_PROGRESS)), default=F("status")
        ),
        "first_seen_at": Coalesce(F("first_seen_at"), Value(now)),
        "last_seen_at": now,
    }
    if seconds:
        touch["time_spent"] = F("time_spent") + seconds
    found = ActivityProgress.objects.filter(user=user, activity_key=activity_key).update(**touch)
    if found and resume:
        summaries = CourseProgress.objects.filter(user=user, course_key=course_key)
        current = summaries
        if opened_at is not None:  # not over a visit of another page opened after this one
            current = summaries.filter(
                Q(last_activity_at__isnull=True) | Q(last_activity_at__lte=opened_at)
            )
        found = current.update(last_activity_key=activity_key, last_activity_at=now) or (
            opened_at is not None and summaries.exists()
        )
        seconds = 0  # already added to the activity row
    ref = activity() if not found and callable(activity) else activity
    if not found and ref is not None:
        record_visit(user=user, activity=ref, seconds=seconds)


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
        with transaction.atomic():
            ActivityProgress.objects.bulk_create(
                [row],
                update_conflicts=True,
                unique_fields=["user", "activity_key"],
                update_fields=["last_seen_at"],
            )
            signals.activity_launched.send(__name__, user=user, activity=activity)
        return
    try:
        with transaction.atomic():
            row.save(force_insert=True)
            signals.activity_launched.send(__name__, user=user, activity=activity)
    except IntegrityError:  # a parallel request created it first: add our time on top
        ActivityProgress.objects.filter(user=user, activity_key=activity.activity_key).update(
            **touch
        )


def _first_course_visit(user, activity: ActivityRef, *, now) -> None:
    """Create the learner's course summary in one upsert (counting what is already done)."""
    completed = _done_count(user.pk, activity)
    total = len(activity.course_activity_keys)
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


def record_completion(*, user, activity: ActivityRef, source: str = "") -> ActivityProgress:
    """Mark ``activity`` completed (a pass or a completion already recorded stays).

    ``source`` ``ScoreSource.SELF_REPORTED`` marks a completion only the browser vouches for
    (an H5P "completed"); it is kept only if this call is what completes the activity.
    """
    return _finish(user, activity, score=None, passed=None, source=source)


def record_score(
    *,
    user,
    activity: ActivityRef,
    score: float | Decimal,
    passed: bool | None = None,
    source: str = ScoreSource.SERVER,
) -> ActivityProgress:
    """Record a graded attempt: ``score`` between 0 and 1; ``passed`` None means no pass mark.

    ``source`` says who graded it: the server (quizzes, re-graded H5P answers) or the browser
    (``ScoreSource.SELF_REPORTED``: shown to the learner, counted only where the course
    accepts self-reported scores).
    """
    if score is None or not math.isfinite(float(score)) or not 0 <= float(score) <= 1:
        raise ProgressError(f"score must be between 0 and 1, not {score!r}")
    if source not in ScoreSource.values:
        raise ProgressError(f"unknown score source {source!r}")
    return _finish(user, activity, score=score, passed=passed, source=source)


def _finish(
    user, activity: ActivityRef, *, score, passed: bool | None, source: str
) -> ActivityProgress:
    """Write a completion or score; a deadlock (possible under heavy contention) is retried."""
    for attempt in range(DEADLOCK_RETRIES):
        try:
            return _finish_once(user, activity, score=score, passed=passed, source=source)
        except OperationalError as error:
            retry = _is_deadlock(error) and not transaction.get_connection().in_atomic_block
            if not retry or attempt == DEADLOCK_RETRIES - 1:
                raise
            time.sleep(0.01 * (attempt + 1))
    raise AssertionError("unreachable")


def _is_deadlock(error: OperationalError) -> bool:
    code = getattr(getattr(error, "__cause__", None), "sqlstate", None)
    return code in ("40P01", "40001")  # deadlock detected, serialization failure


def _finish_once(
    user, activity: ActivityRef, *, score, passed: bool | None, source: str
) -> ActivityProgress:
    """One call of the database function on PostgreSQL, three statements elsewhere; the
    learning-record signals are sent in the same transaction."""
    now = timezone.now()
    if score is not None:
        score = Decimal(str(score)).quantize(Decimal("0.0001"), ROUND_HALF_UP)
    finish = _finish_in_database if connection.vendor == "postgresql" else _finish_in_python
    # No savepoint inside a caller's transaction (a quiz submit): a failure rolls it all back.
    with transaction.atomic(savepoint=False), signals.batch():
        progress, before, summary, change = finish(
            user, activity, score=score, passed=passed, source=source, now=now
        )
        if score is not None or progress.status != before:
            signals.activity_finished.send(
                __name__, user=user, activity=activity, progress=progress
            )
        _announce(summary, change, user=user)
    return progress


# progress/migrations/0003_progress_finish_function.py; every argument typed (a NULL too).
FINISH_CALL = (
    "SELECT * FROM progress_finish(%s, %s, %s, %s::uuid[], %s::uuid[], %s::numeric[], "
    "%s::boolean, %s::numeric, %s::boolean, %s::varchar, %s::timestamptz)"
)


def _finish_in_database(user, activity: ActivityRef, *, score, passed, source, now):
    """PostgreSQL: the whole write, recount included, in one call of ``progress_finish``."""
    required, min_keys, min_scores = activity.rule_arrays
    params = [
        user.pk,
        activity.course_key,
        activity.activity_key,
        required,
        min_keys,
        min_scores,
        activity.accept_self_reported,
        score,
        passed,
        source,
        now,
    ]
    with connection.cursor() as cursor:
        cursor.execute(FINISH_CALL, params)
        (
            activity_id,
            status,
            before,
            score,
            score_source,
            attempts,
            time_spent,
            first_seen_at,
            completed_at,
            summary_id,
            completed,
            total,
            percent,
            started_at,
            course_completed_at,
            progressed,
            newly_completed,
        ) = cursor.fetchone()
    progress = ActivityProgress(
        id=activity_id,
        user=user,
        course_key=activity.course_key,
        activity_key=activity.activity_key,
        status=status,
        score=score,
        score_source=score_source,
        attempts=attempts,
        time_spent=time_spent,
        first_seen_at=first_seen_at,
        last_seen_at=now,
        completed_at=completed_at,
    )
    summary = CourseProgress(
        id=summary_id,
        user=user,
        course_key=activity.course_key,
        completed_activities=completed,
        total_activities=total,
        percent_complete=percent,
        last_activity_key=activity.activity_key,
        last_activity_at=now,
        started_at=started_at,
        completed_at=course_completed_at,
    )
    change = _Change(stored=True, progressed=progressed, completed=newly_completed)
    return progress, before, summary, change


def _finish_in_python(user, activity: ActivityRef, *, score, passed, source, now):
    """Other databases: lock the summary (an upsert), read the course's rows, write both."""
    summary = _upsert_summary(user, activity, now)
    rows = _course_rows(user.pk, activity)
    progress = rows.pop(activity.activity_key, None) or ActivityProgress(
        user=user,
        activity_key=activity.activity_key,
        course_key=activity.course_key,
        first_seen_at=now,
    )
    progress.user = user
    progress.last_seen_at = now
    before = progress.status
    if score is None:
        if progress.status not in DONE_STATUSES:
            progress.status = Status.COMPLETED
            progress.score_source = source
    else:
        progress.attempts += 1
        progress.score_source = source
        progress.score = score
        progress.status = {True: Status.PASSED, False: Status.FAILED}.get(passed, Status.COMPLETED)
    if progress.status in DONE_STATUSES and progress.completed_at is None:
        progress.completed_at = now
    if progress.first_seen_at is None:
        progress.first_seen_at = now
    done = sum(1 for row in [progress, *rows.values()] if activity.counts(row))
    change = _count(summary, activity, done, now=now)
    _write(progress, summary if change.stored else None)
    return progress, before, summary, change


# The activity row of a completion or score, created or updated (time spent is the visits').
ACTIVITY_COLUMNS = (
    "user_id",
    "course_key",
    "activity_key",
    "status",
    "score",
    "score_source",
    "attempts",
    "first_seen_at",
    "last_seen_at",
    "completed_at",
)
ACTIVITY_UPSERT = (
    "INSERT INTO progress_activityprogress (user_id, course_key, activity_key, status, score, "
    "score_source, attempts, first_seen_at, last_seen_at, completed_at, time_spent) "
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 0) ON CONFLICT (user_id, activity_key) "
    "DO UPDATE SET status = excluded.status, score = excluded.score, "
    "score_source = excluded.score_source, attempts = excluded.attempts, "
    "first_seen_at = COALESCE(progress_activityprogress.first_seen_at, excluded.first_seen_at), "
    "last_seen_at = excluded.last_seen_at, completed_at = excluded.completed_at"
)
SUMMARY_COLUMNS = ("completed_activities", "total_activities", "percent_complete", "completed_at")
SUMMARY_UPDATE = (
    "UPDATE progress_courseprogress SET completed_activities = %s, total_activities = %s, "
    "percent_complete = %s, completed_at = %s WHERE id = %s"
)
# PostgreSQL: both in one statement (the summary is already locked by this transaction).
BOTH_WRITES = (
    f"WITH activity AS ({ACTIVITY_UPSERT} RETURNING id) "  # noqa: S608 - constants only
    f"{SUMMARY_UPDATE} RETURNING (SELECT id FROM activity)"
)
# The learner's course summary, created if needed and made the resume point; the row stays
# locked until commit (a parallel write for the same learner and course waits here).
SUMMARY_UPSERT = (
    "INSERT INTO progress_courseprogress (user_id, course_key, completed_activities, "
    "total_activities, percent_complete, last_activity_key, last_activity_at, started_at) "
    "VALUES (%s, %s, 0, 0, 0, %s, %s, %s) ON CONFLICT (user_id, course_key) DO UPDATE SET "
    "last_activity_key = excluded.last_activity_key, "
    "last_activity_at = excluded.last_activity_at RETURNING id, completed_activities, "
    "total_activities, percent_complete, started_at, completed_at"
)


def _upsert_summary(user, activity: ActivityRef, now) -> CourseProgress:
    """The learner's summary of the course, locked until commit, in one statement."""
    summary = CourseProgress(
        user=user,
        course_key=activity.course_key,
        last_activity_key=activity.activity_key,
        last_activity_at=now,
        started_at=now,
    )
    columns = ("user_id", "course_key", "last_activity_key", "last_activity_at", "started_at")
    stored = next(iter(CourseProgress.objects.raw(SUMMARY_UPSERT, db_values(summary, columns))))
    for name in ("id", *SUMMARY_COLUMNS, "started_at"):
        setattr(summary, name, getattr(stored, name))
    return summary


def _write(progress: ActivityProgress, summary: CourseProgress | None) -> None:
    """Upsert the activity row and (if given) update the summary's count: one statement on
    PostgreSQL (a data-modifying WITH), two elsewhere."""
    params = db_values(progress, ACTIVITY_COLUMNS)
    with connection.cursor() as cursor:
        if summary is not None and connection.vendor == "postgresql":
            cursor.execute(BOTH_WRITES, [*params, *db_values(summary, SUMMARY_COLUMNS), summary.pk])
            progress.pk = cursor.fetchone()[0]
            return
        cursor.execute(ACTIVITY_UPSERT + " RETURNING id", params)
        progress.pk = cursor.fetchone()[0]
        if summary is not None:
            cursor.execute(SUMMARY_UPDATE, [*db_values(summary, SUMMARY_COLUMNS), summary.pk])


# The activity's row and the learner's done rows of the course's required activities; raw SQL
# (the ORM's query building was a third of a write's Python), with one placeholder per key.
COURSE_ROWS = (
    "SELECT id, user_id, course_key, activity_key, status, score, score_source, attempts, "
    "time_spent, first_seen_at, last_seen_at, completed_at FROM progress_activityprogress "
    "WHERE user_id = %s AND (activity_key = %s OR (activity_key IN ({keys}) "
    "AND status IN (%s, %s)))"
)


def _course_rows(user_id: int, activity: ActivityRef) -> dict[UUID, ActivityProgress]:
    """The activity's row and the learner's done rows of the course's required activities
    (one query, after the summary lock: it sees every write that held the lock before)."""
    key_field = ActivityProgress._meta.get_field("activity_key")
    keys = [
        key_field.get_db_prep_value(key, connection)
        for key in (activity.activity_key, *activity.course_activity_keys)
    ]
    sql = COURSE_ROWS.format(keys=", ".join(["%s"] * (len(keys) - 1)) or "NULL")
    rows = ActivityProgress.objects.raw(sql, [user_id, *keys, *DONE_STATUSES])
    return {row.activity_key: row for row in rows}


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


def _done_count(user_id: int, activity: ActivityRef) -> int:
    """How many required activities the learner has done by the rule (one query)."""
    rows = ActivityProgress.objects.filter(
        user_id=user_id,
        activity_key__in=list(activity.course_activity_keys),
        status__in=DONE_STATUSES,
    )
    if not activity.accept_self_reported:
        rows = rows.exclude(score_source=ScoreSource.SELF_REPORTED)
    if not activity.min_scores:
        return rows.count()
    rows = rows.values_list("activity_key", "status", "score", "score_source")
    return sum(1 for row in rows if activity.counts(row))


@dataclass(frozen=True)
class _Change:
    stored: bool  # the summary's count changed and must be written
    progressed: bool  # its percentage changed
    completed: bool  # the course is completed by this write


def _count(summary: CourseProgress, activity: ActivityRef, completed: int, *, now=None) -> _Change:
    """Set the locked summary's count by the course's rule; say what changed."""
    total = len(activity.course_activity_keys)
    before = (summary.completed_activities, summary.total_activities, summary.percent_complete)
    summary.completed_activities, summary.total_activities = completed, total
    summary.percent_complete = (100 * completed) // total if total else 0
    newly_completed = bool(total and completed >= total and summary.completed_at is None)
    if newly_completed:
        summary.completed_at = now or timezone.now()
    return _Change(
        stored=newly_completed or before[:2] != (completed, total),
        progressed=summary.percent_complete != before[2],
        completed=newly_completed,
    )


def _announce(summary: CourseProgress, change: _Change, *, user) -> None:
    if change.progressed:
        signals.course_progressed.send(__name__, user=user, summary=summary)
    if change.completed:
        signals.course_completed.send(__name__, user=user, summary=summary)


def refresh_course_totals(*, user, activity: ActivityRef) -> CourseProgress:
    """Recount a summary (for example after a teacher added or removed activities)."""
    with transaction.atomic(), signals.batch():
        summary = _locked_summary(user, activity)
        change = _count(summary, activity, _done_count(summary.user_id, activity))
        if change.stored:
            CourseProgress.objects.filter(pk=summary.pk).update(
                **{name: getattr(summary, name) for name in SUMMARY_COLUMNS}
            )
        _announce(summary, change, user=user)
    return summary


__all__ = [
    "ActivityRef",
    "ProgressError",
    "record_completion",
    "record_first_visit",
    "record_score",
    "record_seen",
    "record_visit",
    "refresh_course_totals",
]
