"""Background jobs that survive a broker that is down or hung: an outbox for Celery tasks.

``enqueue_on_commit(task, *args, **kwargs)`` is how code reached from a request queues a task.

With a broker, the job is written as a ``PendingJob`` row in the caller's transaction, already
claimed by its writer (leased, so a flush leaves it alone). Once that commits, the row is
published with short timeouts (one try, ``JOBS_PUBLISH_TIMEOUT`` seconds to connect and for
each reply) and deleted. Each process (and thread) keeps its broker connection between
publishes: opening one costs more than the publish (about 8 ms of CPU with Redis, against
under 1 ms on an open connection). A kept connection that turns out closed (a broker restart)
is replaced once at once; a timeout is not retried. If the broker refuses, fails or does not
answer in time, the row stays, the failure is logged and the request goes on. This
process then publishes nothing for ``JOBS_BROKER_PAUSE`` seconds (a circuit breaker): jobs
queued meanwhile wait in the table, so no page pays the broker's timeout twice in a row.

Rows left behind are published by ``flush()`` (the task ``core.tasks.flush_pending_jobs``):
every minute by beat, when a worker starts, and after the first successful publish that follows
a failure. Rules the table keeps:

- a job is never lost: its row is deleted only after the broker took the message;
- a row is claimed before it is published (``SELECT … FOR UPDATE SKIP LOCKED`` and a lease),
  so two flushes, or a flush and the request that wrote the row, never publish it both;
- identical pending jobs (same task and arguments) are published once;
- a nudge (``kick``) that the broker did not take is kept as one row, not dropped;
- a process killed between publishing and deleting publishes the job again after the lease.
  Tasks queued this way must therefore be idempotent; ours bring state up to date (import a
  package, render a PDF, recount a course, deliver the xAPI outbox), so a repeat is harmless.

Without a broker (eager mode, the embedded default) the task runs in this process when the
transaction commits, exactly as ``transaction.on_commit(lambda: task.delay(...))`` did.
"""

import json
import logging
import os
import threading
import time
from contextvars import ContextVar
from datetime import timedelta
from functools import partial

from celery import current_app
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from .models import PendingJob
from .sql import delete_rows

log = logging.getLogger(__name__)

FLUSH_TASK = "core.tasks.flush_pending_jobs"
LEASE = timedelta(minutes=2)  # a claimed row is not claimed again before this
BATCH_SIZE = 100
ERROR_LENGTH = 300

_lock = threading.Lock()
_paused_until = 0.0  # time.monotonic() before which this process does not publish
_failed_since_flush = False  # a publish failed here since the last flush was asked for

# Jobs of the current request that could not be handed to the broker (see ``held_back``).
_held_back: ContextVar[list | None] = ContextVar("savad_jobs_held_back", default=None)

# This thread's broker connection, kept between publishes (see ``_kept_connection``).
_kept = threading.local()


def pause_seconds() -> float:
    """How long this process stops publishing after a failed publish."""
    return float(getattr(settings, "JOBS_BROKER_PAUSE", 30))


def broker_paused() -> bool:
    return time.monotonic() < _paused_until


def eager() -> bool:
    """True when no broker is configured: tasks run in the web process."""
    return bool(current_app.conf.task_always_eager)


class RunAtCommit:
    """Eager mode's callback: run the task in this process (as ``task.delay`` would)."""

    def __init__(self, task, args: tuple, kwargs: dict):
        self.task, self.args, self.kwargs = task, args, kwargs

    @property
    def task_name(self) -> str:
        return self.task.name

    def __call__(self) -> None:
        self.task.apply_async(self.args, self.kwargs)

    def __repr__(self) -> str:
        return f"<RunAtCommit {self.task.name}{self.args}>"


def enqueue_on_commit(task, *args, robust: bool = False, **kwargs) -> None:
    """Run ``task(*args, **kwargs)`` in the background once the current transaction commits.

    The job is stored in the caller's transaction, so it is queued if and only if the work
    commits, and it is never lost when the broker is down or hung (see the module docstring).
    Arguments must be JSON values (ids, strings). ``robust`` only matters in eager mode, where
    the task runs at commit in this process: True logs its exception instead of raising it.
    """
    if eager():
        transaction.on_commit(RunAtCommit(task, args, kwargs), robust=robust)
        return
    # Leased to this writer from the start (no claim after the commit); due at once when this
    # process is not publishing, so a flush takes it.
    now = timezone.now()
    due = now if broker_paused() else now + LEASE
    job = PendingJob.objects.create(
        task=task.name, args=list(args), kwargs=kwargs, next_attempt_at=due
    )
    transaction.on_commit(partial(_publish_new, job), robust=True)


def kick(task) -> None:
    """Publish ``task()`` now if the broker takes it quickly; otherwise keep one such job.

    For tasks that take no arguments and work through a backlog kept elsewhere (the xAPI
    outbox's delivery). A nudge the broker does not take is kept as one pending row (never
    more than one per task), so the flush that follows the broker's return runs it.
    """
    if eager():
        task.delay()
        return
    job = PendingJob(task=task.name, args=[], kwargs={})
    if broker_paused() or _send(job):
        _keep_once(job)
        return
    _after_success()


def _keep_once(job: PendingJob) -> None:
    """Store ``job`` unless an identical one is already waiting."""
    if not PendingJob.objects.filter(task=job.task, args=job.args, kwargs=job.kwargs).exists():
        job.save()


def held_back() -> list[str]:
    """Names of the tasks this request queued that wait for the broker (for a notice)."""
    return list(_held_back.get() or [])


def start_request() -> None:
    _held_back.set([])


def _note_held_back(task: str) -> None:
    names = _held_back.get()
    if names is not None:
        names.append(task)


def _publish_new(job: PendingJob) -> None:
    """After commit: publish the job just written (and leased to this process), unless the
    broker is known to be failing; then the row is made due for a flush."""
    if broker_paused():
        waiting = PendingJob.objects.filter(pk=job.pk)
        if job.next_attempt_at > timezone.now():  # leased to this process: due for a flush now
            held = waiting.update(next_attempt_at=timezone.now())
        else:  # written due: a flush may have published it meanwhile
            held = waiting.exists()
        if held:
            _note_held_back(job.task)
        return
    error = _send(job)
    if error:
        _note_held_back(job.task)
        _mark_failed([job.pk], error)
        return
    delete_rows(PendingJob, [job.pk])
    _after_success()


def publish_timeout() -> float:
    """Seconds a publish may wait for the broker (to connect, and for each reply)."""
    return float(getattr(settings, "JOBS_PUBLISH_TIMEOUT", 0.5))


def _connection(app):
    """A new broker connection that tries once, within ``publish_timeout()``, never longer."""
    timeout = publish_timeout()
    return app.connection_for_write(
        connect_timeout=timeout,
        transport_options={
            "socket_connect_timeout": timeout,
            "socket_timeout": timeout,
            "max_retries": 0,
        },
    )


def _kept_connection(app) -> tuple:
    """This thread's broker connection and whether it was used before (a new one after a fork,
    or when the broker's URL changed)."""
    key, kept = (os.getpid(), app.conf.broker_url), getattr(_kept, "key", None)
    if kept == key:
        return _kept.connection, True
    if kept and kept[0] == key[0]:
        _drop_kept_connection()  # this process's, to another URL: close it
    _kept.connection, _kept.key = _connection(app), key  # a parent's is only forgotten
    return _kept.connection, False


def _drop_kept_connection() -> None:
    connection_, _kept.connection, _kept.key = getattr(_kept, "connection", None), None, None
    if connection_ is not None:
        try:
            connection_.release()
        except Exception:  # noqa: BLE001 - a broken connection may fail to close; it is gone
            log.debug("Closing the broker connection failed", exc_info=True)


def _timed_out(error: BaseException | None) -> bool:
    """Whether ``error`` (or what caused it) is a timeout: the broker is hung, not restarted."""
    while error is not None:
        if isinstance(error, TimeoutError) or type(error).__name__ == "TimeoutError":
            return True
        error = error.__cause__ or error.__context__
    return False


def _publish(name: str, args=None, kwargs=None) -> None:
    """Send one task message on this thread's broker connection, one try (raises on failure).

    A kept connection that fails other than by a timeout had gone stale (the broker restarted,
    an idle connection was cut): it is replaced and the message sent once more.
    """
    app = current_app
    while True:
        conn, reused = _kept_connection(app)
        try:
            app.send_task(
                name, args=args, kwargs=kwargs, connection=conn, retry=False, ignore_result=True
            )
            return
        except Exception as exc:
            _drop_kept_connection()
            if reused and not _timed_out(exc):
                continue
            raise


def _send(job: PendingJob) -> str:
    """Hand the job to the broker; the error as text, or "" when the broker took it."""
    global _paused_until, _failed_since_flush
    try:
        _publish(job.task, job.args, job.kwargs)
    except Exception as exc:  # noqa: BLE001 - whatever the broker did, the job is kept
        error = f"{type(exc).__name__}: {exc}"[:ERROR_LENGTH]
        with _lock:
            _paused_until = time.monotonic() + pause_seconds()
            _failed_since_flush = True
        log.warning(
            "The task queue did not take %s (%s); kept for later, publishing paused %ss",
            job.task,
            error,
            pause_seconds(),
        )
        return error
    return ""


def _after_success() -> None:
    """The broker is back after a failure here: have a worker publish what waited meanwhile."""
    global _failed_since_flush
    with _lock:
        kick, _failed_since_flush = _failed_since_flush, False
    if kick:
        try:
            _publish(FLUSH_TASK)
        except Exception:  # noqa: BLE001 - beat asks for a flush every minute anyway
            log.warning("Could not ask for a flush of pending jobs", exc_info=True)


def _mark_failed(ids: list[int], error: str) -> None:
    """Give claimed rows back, due at once (the pause and the beat space the next attempts)."""
    for job in PendingJob.objects.filter(pk__in=ids):
        job.attempts += 1
        job.last_error = error
        job.next_attempt_at = timezone.now()
        job.save(update_fields=["attempts", "last_error", "next_attempt_at"])


def claim_batch(size: int = BATCH_SIZE) -> list[PendingJob]:
    """Due rows, oldest first, leased to the caller (rows locked elsewhere are skipped)."""
    now = timezone.now()
    with transaction.atomic():
        due = PendingJob.objects.filter(next_attempt_at__lte=now).order_by("id")
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        rows = list(due[:size])
        if rows:
            PendingJob.objects.filter(pk__in=[row.pk for row in rows]).update(
                next_attempt_at=now + LEASE
            )
    return rows


def _key(job: PendingJob) -> str:
    return json.dumps([job.task, job.args, job.kwargs], sort_keys=True)


def flush(*, budget: float = 50.0) -> dict:
    """Publish the due pending jobs, identical ones once; stop at a failure or after ``budget``."""
    published = coalesced = 0
    deadline = time.monotonic() + budget
    while time.monotonic() < deadline:
        rows = claim_batch()
        if not rows:
            break
        groups: dict[str, list[PendingJob]] = {}
        for row in rows:
            groups.setdefault(_key(row), []).append(row)
        for index, group in enumerate(groups.values()):
            error = _send(group[0])
            if error:
                rest = [row.pk for g in list(groups.values())[index:] for row in g]
                _mark_failed(rest, error)
                return {"published": published, "coalesced": coalesced, "error": error}
            delete_rows(PendingJob, [row.pk for row in group])
            published += 1
            coalesced += len(group) - 1
    if published:
        log.info("Published %d pending jobs (%d duplicates dropped)", published, coalesced)
    return {"published": published, "coalesced": coalesced, "error": ""}
