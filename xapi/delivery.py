"""Delivery of the outbox to the configured LRS: in order per learner, never losing a statement.

A round claims a batch of due statements (rows locked with ``SKIP LOCKED`` so parallel workers
take different batches, then leased by moving ``next_attempt_at`` past the send), POSTs them
as one JSON array, and marks them sent, or backs them off exponentially when the LRS is down,
answers with an error or is slow. A learner's statement is never sent while an earlier one of
theirs is unsent: it waits behind it. Statement ids are fixed, so a statement sent twice (a
worker killed after the POST) is stored once by the LRS.
"""

import base64
import json
import logging
import math
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, F, Min, OuterRef
from django.utils import timezone

from .identity import XAPI_VERSION
from .models import OutboxStatement
from .services import lrs_configured

log = logging.getLogger(__name__)

BATCH_SIZE = 50
HTTP_TIMEOUT = 10  # seconds, per request
LEASE = timedelta(minutes=5)  # a claimed batch is not claimed again before this
BASE_DELAY = 10  # seconds; doubled after every failed attempt
MAX_DELAY = 60 * 60
ERROR_LENGTH = 300


@dataclass
class Figures:
    sent: int = 0
    failed: int = 0
    batches: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"sent": self.sent, "failed": self.failed, "batches": self.batches}


@dataclass(frozen=True)
class Reply:
    """What the LRS said: an HTTP status, or ``status`` 0 when it could not be reached."""

    status: int
    error: str = ""
    retry_after: int = 0

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def transient(self) -> bool:
        """The LRS is down, overloaded or slow: every statement would fail alike."""
        return self.status == 0 or self.status == 429 or self.status >= 500


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failure: 10 s, 20 s, 40 s … at most 1 h."""
    return timedelta(seconds=min(BASE_DELAY * 2 ** max(attempts - 1, 0), MAX_DELAY))


def deliver_outbox(*, budget: float = 50.0) -> dict:
    """Send due statements, batch after batch, until none is due, the LRS fails or time is up."""
    figures = Figures()
    if not lrs_configured():
        return figures.as_dict()
    deadline = time.monotonic() + budget
    while time.monotonic() < deadline:
        rows = claim_batch()
        if not rows:
            break
        figures.batches += 1
        if not _deliver(rows, figures):
            break  # the LRS is unreachable or failing: try again after the backoff
    if figures.sent or figures.failed:
        log.info(
            "xAPI outbox: %d sent, %d failed in %d batches%s",
            figures.sent,
            figures.failed,
            figures.batches,
            f" (last error: {figures.errors[-1]})" if figures.errors else "",
        )
    return figures.as_dict()


def claim_batch(size: int = BATCH_SIZE) -> list[OutboxStatement]:
    """Due statements that may go now, oldest first, leased to this worker."""
    now = timezone.now()
    with transaction.atomic():
        if connection.vendor == "sqlite":  # no row locks: take the database's write lock first
            OutboxStatement.objects.filter(pk=0).update(attempts=F("attempts"))
        held_back = OutboxStatement.objects.filter(
            user_id=OuterRef("user_id"),
            sent_at__isnull=True,
            id__lt=OuterRef("id"),
            next_attempt_at__gt=now,
        )
        due = (
            OutboxStatement.objects.filter(sent_at__isnull=True, next_attempt_at__lte=now)
            .exclude(Exists(held_back))
            .order_by("id")
        )
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        rows = list(due[:size])
        if not rows:
            return []
        rows = _in_learner_order(rows)
        OutboxStatement.objects.filter(pk__in=[row.pk for row in rows]).update(
            next_attempt_at=now + LEASE
        )
    return rows


def _in_learner_order(rows: list[OutboxStatement]) -> list[OutboxStatement]:
    """Drop statements with an earlier unsent one of the same learner outside the batch.

    That earlier statement is being sent by another worker (locked, so skipped above), and
    the learner's later statements must wait for it.
    """
    ids = [row.pk for row in rows]
    first_elsewhere = dict(
        OutboxStatement.objects.filter(
            user_id__in={row.user_id for row in rows if row.user_id},
            sent_at__isnull=True,
            id__lt=max(ids),
        )
        .exclude(pk__in=ids)
        .values("user_id")
        .annotate(first=Min("id"))
        .values_list("user_id", "first")
    )
    return [row for row in rows if row.pk < first_elsewhere.get(row.user_id, math.inf)]


def _deliver(rows: list[OutboxStatement], figures: Figures) -> bool:
    """Send one claimed batch; False when the LRS is not taking statements now."""
    reply = post_statements([row.statement for row in rows])
    if reply.ok:
        _mark_sent(rows)
        figures.sent += len(rows)
        return True
    if reply.transient or len(rows) == 1:
        if len(rows) == 1 and reply.status == 409:
            # The LRS holds a statement with this id already: ours was delivered before.
            _mark_sent(rows, note=_describe(reply))
            figures.sent += 1
            return True
        _mark_failed(rows, reply)
        figures.failed += len(rows)
        figures.errors.append(_describe(reply))
        return not reply.transient
    return _deliver_one_by_one(rows, figures)


def _deliver_one_by_one(rows: list[OutboxStatement], figures: Figures) -> bool:
    """The LRS refused the batch: find the statements it refuses, and send the others.

    A learner's statements after a refused one wait for it (released, not attempted).
    """
    stopped: set = set()
    for index, row in enumerate(rows):
        if row.user_id is not None and row.user_id in stopped:
            _release([row])
            continue
        reply = post_statements([row.statement])
        if reply.ok or reply.status == 409:
            _mark_sent([row], note="" if reply.ok else _describe(reply))
            figures.sent += 1
            continue
        _mark_failed([row], reply)
        figures.failed += 1
        figures.errors.append(_describe(reply))
        if reply.transient:
            _release(rows[index + 1 :])
            return False
        stopped.add(row.user_id)
    return True


def _mark_sent(rows: list[OutboxStatement], note: str = "") -> None:
    updates = {"sent_at": timezone.now()}
    if note:
        updates["last_error"] = note[:ERROR_LENGTH]
    OutboxStatement.objects.filter(pk__in=[row.pk for row in rows]).update(**updates)


def _mark_failed(rows: list[OutboxStatement], reply: Reply) -> None:
    now = timezone.now()
    error = _describe(reply)[:ERROR_LENGTH]
    for row in rows:
        row.attempts += 1
        delay = max(backoff(row.attempts), timedelta(seconds=reply.retry_after))
        row.next_attempt_at = now + delay
        row.last_error = error
    OutboxStatement.objects.bulk_update(rows, ["attempts", "next_attempt_at", "last_error"])


def _release(rows: list[OutboxStatement]) -> None:
    """Give leased statements back without an attempt (they wait behind an earlier one)."""
    if rows:
        OutboxStatement.objects.filter(pk__in=[row.pk for row in rows]).update(
            next_attempt_at=timezone.now()
        )


def _describe(reply: Reply) -> str:
    if reply.status == 0:
        return reply.error
    return f"HTTP {reply.status}: {reply.error}".strip().rstrip(":")


def post_statements(statements: list[dict]) -> Reply:
    """POST statements to ``{XAPI_LRS_URL}/statements`` with HTTP Basic authentication."""
    endpoint = settings.XAPI_LRS_URL.rstrip("/") + "/statements"
    if not endpoint.lower().startswith(("http://", "https://")):
        return Reply(0, "XAPI_LRS_URL must be an http:// or https:// address")
    credentials = f"{settings.XAPI_LRS_KEY}:{settings.XAPI_LRS_SECRET}".encode()
    request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
        endpoint,
        data=json.dumps(statements, ensure_ascii=False).encode(),
        method="POST",
        headers={
            "Content-Type": "application/json; charset=utf-8",
            "X-Experience-API-Version": XAPI_VERSION,
            "Authorization": "Basic " + base64.b64encode(credentials).decode(),
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT) as response:  # noqa: S310
            response.read()
            return Reply(response.status)
    except urllib.error.HTTPError as error:
        body = error.read(200).decode("utf-8", "replace")
        retry_after = error.headers.get("Retry-After", "") if error.headers else ""
        return Reply(
            error.code,
            " ".join(body.split()) or str(error.reason),
            int(retry_after) if retry_after.isdigit() else 0,
        )
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        return Reply(0, f"{type(error).__name__}: {reason}")
