"""Report figures at national scale: computed once per scope, kept in ``Rollup`` rows.

A report (the overview, a funnel, a quiz's item analysis, an H5P exercise's report) is a
function of its arguments (course keys, an activity key, the language). ``snapshot(report,
**arguments)`` returns its result:

- **exact for a small scope:** when the scope counted at most ``STATS_EXACT_LIMIT`` learners
  (or attempts) last time, or was never computed, the report is computed in the request and
  its row written, so small courses and every test see the figures as they are now;
- **from the rollup for a large one:** the stored result is returned at once, with the time it
  was computed. A row is stale once a learning event touched one of its courses since then
  (``mark_changed``, sent by the progress services' signals after their commit and kept in
  the cache) or once it is ``STATS_ROLLUP_MAX_AGE`` seconds old (events without a signal:
  time spent, unenrolments, deletions). Reading a stale row kicks ``stats.tasks.refresh_rollups``,
  which Celery beat also runs every minute: it recomputes the stale rows read in the last
  day, one at a time (``SELECT … FOR UPDATE SKIP LOCKED``: two workers never compute the
  same row), and deletes the rows nobody read for a week.

Refreshing is incremental by course: a learner's event makes stale only the reports of that
learner's course (and the overviews that include it). The payload is a pickle of the compute
function's result, written and read only by this server.
"""

import hashlib
import json
import pickle
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from uuid import UUID

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import get_language

from core import jobs
from core.commits import on_commit_once

from .models import Rollup

READ_MARK = timedelta(hours=1)  # ``read_at`` is written at most this often per row
UNREAD_FOR = timedelta(days=7)  # rows nobody read for this long are deleted
REFRESHED_IF_READ_WITHIN = timedelta(days=1)


@dataclass
class Snapshot:
    result: object
    computed_at: datetime
    exact: bool  # computed in this request (True) or read from the rollup


@dataclass
class Computed:
    result: object
    size: int  # learners or attempts counted: decides exact or rollup next time
    courses: list[UUID]  # the courses whose events make the result stale


_REPORTS: dict[str, Callable[..., Computed]] = {}


def report(name: str):
    """Register a compute function for ``snapshot(name, …)``; it takes JSON-able keyword
    arguments and returns ``Computed``."""

    def register(function):
        _REPORTS[name] = function
        return function

    return register


def exact_limit() -> int:
    return int(getattr(settings, "STATS_EXACT_LIMIT", 1000))


def max_age() -> timedelta:
    return timedelta(seconds=int(getattr(settings, "STATS_ROLLUP_MAX_AGE", 600)))


# --- Changes ----------------------------------------------------------------------------------


def _change_key(course_key) -> str:
    return f"stats:changed:{course_key}"


def mark_changed(course_key: UUID) -> None:
    """Note that a learning event touched ``course_key``, once the current transaction commits
    (so a refresh that starts after the mark sees the change); once per course and
    transaction, however many events it has."""
    on_commit_once(partial(_write_mark, str(course_key)), robust=True)


def _write_mark(course_key: str) -> None:
    cache.set(_change_key(course_key), time.time(), timeout=int(max_age().total_seconds()) * 2)


def last_changes(course_keys) -> float:
    """The time (epoch seconds) of the latest marked change of any of ``course_keys``, 0 if none."""
    marks = cache.get_many([_change_key(key) for key in course_keys])
    return max(marks.values(), default=0.0)


def is_stale(row: Rollup, *, now=None) -> bool:
    now = now or timezone.now()
    if now - row.computed_at > max_age():
        return True
    return last_changes(row.courses) > row.computed_at.timestamp()


# --- Reading ----------------------------------------------------------------------------------


def scope_digest(report_name: str, arguments: dict) -> str:
    text = json.dumps([report_name, arguments], sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def snapshot(report_name: str, **arguments) -> Snapshot:
    """The result of ``report_name`` for ``arguments`` (plus the active language): exact for
    a small scope, else the rollup (see the module docstring). One query when read from a
    fresh rollup; a stale one is read again after the refresh it kicks."""
    arguments = {**_jsonable(arguments), "language": get_language()}
    digest = scope_digest(report_name, arguments)
    row = Rollup.objects.filter(report=report_name, scope=digest).first()
    if row is None or row.size <= exact_limit():
        return _compute_and_store(report_name, digest, arguments, stored=row is not None)
    now = timezone.now()
    if now - row.read_at > READ_MARK:
        Rollup.objects.filter(pk=row.pk).update(read_at=now)
    if is_stale(row, now=now):
        from . import tasks  # stats.tasks imports this module

        jobs.kick(tasks.refresh_rollups)  # eager mode (no broker): refreshed right here
        row = Rollup.objects.filter(pk=row.pk).only("payload", "computed_at").first()
        if row is None:  # deleted meanwhile
            return _compute_and_store(report_name, digest, arguments, stored=False)
    return Snapshot(pickle.loads(row.payload), row.computed_at, exact=False)  # noqa: S301


def _jsonable(arguments: dict) -> dict:
    def plain(value):
        if isinstance(value, UUID):
            return str(value)
        if isinstance(value, list | tuple | set | frozenset):
            return sorted(plain(item) for item in value)
        return value

    return {name: plain(value) for name, value in arguments.items()}


def _compute(report_name: str, arguments: dict) -> tuple[Computed, datetime, int]:
    started_at = timezone.now()  # before any query: a change after it makes the row stale
    started = time.perf_counter()
    function = _REPORTS[report_name]
    call = {name: value for name, value in arguments.items() if name != "language"}
    with translation.override(arguments.get("language")):
        computed = function(**call)
    return computed, started_at, round((time.perf_counter() - started) * 1000)


def _compute_and_store(report_name: str, digest: str, arguments: dict, *, stored) -> Snapshot:
    """Compute in this request; keep the result only for a large scope (a small one is
    computed again on every view, so nothing is written)."""
    computed, computed_at, milliseconds = _compute(report_name, arguments)
    if computed.size <= exact_limit():
        if stored:  # the scope has shrunk
            Rollup.objects.filter(report=report_name, scope=digest).delete()
        return Snapshot(computed.result, computed_at, exact=True)
    values = {
        "arguments": arguments,
        "courses": sorted(str(key) for key in computed.courses),
        "size": computed.size,
        "computed_at": computed_at,
        "compute_ms": milliseconds,
        "read_at": computed_at,
        "payload": pickle.dumps(computed.result),
    }
    try:
        with transaction.atomic():
            Rollup.objects.update_or_create(report=report_name, scope=digest, defaults=values)
    except IntegrityError:  # another request stored it first: theirs is as good
        pass
    return Snapshot(computed.result, computed_at, exact=True)


# --- Refreshing -------------------------------------------------------------------------------


def refresh_stale(*, now=None) -> dict:
    """Recompute the stale rows read in the last day; delete the rows unread for a week.
    Returns how many were refreshed and deleted."""
    now = now or timezone.now()
    deleted, _by_model = Rollup.objects.filter(read_at__lt=now - UNREAD_FOR).delete()
    candidates = Rollup.objects.filter(read_at__gte=now - REFRESHED_IF_READ_WITHIN).only(
        "pk", "computed_at", "courses"
    )
    refreshed = 0
    for candidate in list(candidates):
        if is_stale(candidate, now=now) and refresh_row(candidate.pk, now=now):
            refreshed += 1
    return {"refreshed": refreshed, "deleted": deleted}


def refresh_row(pk: int, *, now=None) -> bool:
    """Recompute one row unless another worker holds it or it became fresh meanwhile."""
    with transaction.atomic():
        row = (
            Rollup.objects.select_for_update(skip_locked=True)
            .filter(pk=pk)
            .defer("payload")
            .first()
        )
        if row is None or not is_stale(row, now=now):
            return False
        computed, computed_at, milliseconds = _compute(row.report, row.arguments)
        row.courses = sorted(str(key) for key in computed.courses)
        row.size = computed.size
        row.computed_at = computed_at
        row.compute_ms = milliseconds
        row.payload = pickle.dumps(computed.result)
        row.save(update_fields=["courses", "size", "computed_at", "compute_ms", "payload"])
    return True
