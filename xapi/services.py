"""Writes to the xAPI outbox: recording statements, retrying now, and a learner's erasure."""

import logging

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from core import jobs
from core.sql import insert_ignoring_conflicts
from progress import signals as progress_signals

from .models import OutboxStatement

log = logging.getLogger(__name__)


def lrs_configured() -> bool:
    return bool(settings.XAPI_LRS_URL)


def record(statement: dict, *, user, ignore_conflicts: bool = False) -> None:
    """Store ``statement`` for delivery (in the caller's transaction) and queue a delivery.

    ``ignore_conflicts``: a statement whose id is already stored is skipped (a deterministic
    id recorded twice by parallel requests is kept once).
    """
    row = _row(statement, user)
    if progress_signals.defer(_record_rows, row):
        return  # stored with the other statements of the same progress write
    if ignore_conflicts:
        OutboxStatement.objects.bulk_create([row], ignore_conflicts=True)
    else:
        row.save(force_insert=True)
    schedule_delivery()


def record_many(statements: list[dict], *, user) -> None:
    """Store several statements in one INSERT (an attempt's answers), in their order."""
    if not statements:
        return
    rows = [_row(statement, user) for statement in statements]
    if all(progress_signals.defer(_record_rows, row) for row in rows):
        return  # in a progress write's batch: stored with its other statements
    OutboxStatement.objects.bulk_create(rows)
    schedule_delivery()


def _record_rows(rows: list[OutboxStatement]) -> None:
    """The statements of one progress write in one INSERT.

    Conflicts are ignored: the deterministic ids (a launch, a course completion) are kept
    once; the others are random UUIDs.
    """
    insert_ignoring_conflicts(rows)
    schedule_delivery()


def _row(statement: dict, user) -> OutboxStatement:
    return OutboxStatement(
        statement_id=statement["id"],
        user=user,
        verb=statement["verb"]["id"].rsplit("/", 1)[-1][:32],
        statement=statement,
    )


def schedule_delivery() -> None:
    """Queue one delivery task when the current transaction commits (one per transaction)."""
    if not lrs_configured():
        return
    pending = connection.run_on_commit if connection.in_atomic_block else ()
    if any(callback is _enqueue for _savepoints, callback, _robust in pending):
        return
    transaction.on_commit(_enqueue, robust=True)


def _enqueue() -> None:
    """Nudge a worker to deliver (kept in the job table while the broker is away)."""
    # import cycle: xapi.tasks imports .delivery, which imports this module
    from .tasks import deliver_outbox

    jobs.kick(deliver_outbox)


def retry_now() -> int:
    """Make every pending statement that is waiting after a failure due at once."""
    return OutboxStatement.objects.filter(
        sent_at__isnull=True, attempts__gt=0, next_attempt_at__gt=timezone.now()
    ).update(next_attempt_at=timezone.now())


def erase_user(user) -> None:
    """Delete the learner's unsent statements; sent ones stay in the LRS, so keep them detached."""
    OutboxStatement.objects.filter(user=user, sent_at__isnull=True).delete()
    OutboxStatement.objects.filter(user=user).update(user=None)
