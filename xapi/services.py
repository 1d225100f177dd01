"""Writes to the xAPI outbox: recording statements, retrying now, and a learner's erasure."""

import logging
from uuid import UUID

from django.conf import settings
from django.db import connection
from django.utils import timezone

from core import jobs
from core.commits import on_commit_once
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
    if progress_signals.defer(_record_batch, (statement, user.pk)):
        return  # stored with the other statements of the same progress write
    row = _row(statement, user)
    if ignore_conflicts:
        OutboxStatement.objects.bulk_create([row], ignore_conflicts=True)
    else:
        row.save(force_insert=True)
    schedule_delivery()


def record_many(statements: list[dict], *, user) -> None:
    """Store several statements in one INSERT (an attempt's answers), in their order."""
    if not statements:
        return
    if all(progress_signals.defer(_record_batch, (statement, user.pk)) for statement in statements):
        return  # in a progress write's batch: stored with its other statements
    OutboxStatement.objects.bulk_create([_row(statement, user) for statement in statements])
    schedule_delivery()


def _record_batch(items: list[tuple[dict, int]]) -> None:
    """The statements of one progress write, as (statement, user id), in one INSERT."""
    _insert_statements(items)
    schedule_delivery()


def _insert_statements(items: list[tuple[dict, int]]) -> None:
    """One INSERT with a VALUES list; a statement whose id is stored already is skipped (the
    deterministic ids of a launch or a course completion are kept once; the others are
    random UUIDs).

    The hot path of every progress write: no model instances, each value converted once by
    its field (the times once for all rows), and the columns a new row always starts with
    (not sent, no attempt, no error: the model's defaults) written as constants.
    """
    field = OutboxStatement._meta.get_field
    now = field("created_at").get_db_prep_save(timezone.now(), connection=connection)
    uuid_field, json_field = field("statement_id"), field("statement")
    quote = connection.ops.quote_name
    columns = ", ".join(
        quote(field(name).column)
        for name in (
            *("statement_id", "user", "verb", "statement", "created_at", "next_attempt_at"),
            *("sent_at", "attempts", "last_error"),  # the constants at the end of each row
        )
    )
    values, params = [], []
    for statement, user_id in items:
        values.append("(%s, %s, %s, %s, %s, %s, NULL, 0, '')")
        params += [
            uuid_field.get_db_prep_save(UUID(statement["id"]), connection=connection),
            user_id,
            _verb_name(statement),
            json_field.get_db_prep_save(statement, connection=connection),
            now,
            now,
        ]
    table = quote(OutboxStatement._meta.db_table)
    # Names come from the model's metadata; every value is a parameter.
    sql = (
        f"INSERT INTO {table} ({columns}) VALUES {', '.join(values)} "  # noqa: S608
        "ON CONFLICT DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def _row(statement: dict, user) -> OutboxStatement:
    return OutboxStatement(
        statement_id=statement["id"], user=user, verb=_verb_name(statement), statement=statement
    )


def _verb_name(statement: dict) -> str:
    return statement["verb"]["id"].rsplit("/", 1)[-1][:32]


def schedule_delivery() -> None:
    """Queue one delivery task when the current transaction commits (one per transaction)."""
    if lrs_configured():
        on_commit_once(_enqueue, robust=True)


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
