"""Delivery to a real HTTP server on 127.0.0.1: nothing is lost while it is down, everything is
delivered exactly once when it is back, and a learner's statements arrive in order."""

import threading
import time
from collections import Counter
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from courses.services import enrol
from progress.services import record_completion, record_visit
from tests.builders import build_course
from tests.factories import UserFactory
from tests.xapi.conftest import (
    assert_all_delivered_once_in_order,
    learner_journey,
    ref,
    time_passes,
)
from xapi import delivery, services
from xapi.delivery import backoff, claim_batch, deliver_outbox
from xapi.models import OutboxStatement

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def test_an_lrs_that_is_down_loses_nothing_and_gets_everything_once_it_is_back(
    lrs, built, learners
):
    # Per course: registered, 3 statements per lesson (launched, completed, progressed) and
    # the course completed. 3 learners × 11, and 20 more for the first one: 53, over a batch.
    for user in learners:
        learner_journey(user, built)
    learner_journey(learners[0], build_course(slug="second", lessons=6))
    total = OutboxStatement.objects.count()
    assert total == 53 > delivery.BATCH_SIZE

    # Down: the port is closed. The first batch is tried and backed off, the rest waits.
    before = timezone.now()
    figures = deliver_outbox()
    assert figures == {"sent": 0, "failed": delivery.BATCH_SIZE, "batches": 1}
    assert OutboxStatement.objects.count() == total
    assert not OutboxStatement.objects.filter(sent_at__isnull=False).exists()
    tried = OutboxStatement.objects.filter(attempts=1)
    assert tried.count() == delivery.BATCH_SIZE
    assert list(tried.values_list("id", flat=True)) == list(
        OutboxStatement.objects.order_by("id").values_list("id", flat=True)[: delivery.BATCH_SIZE]
    )
    for row in tried:
        assert "refused" in row.last_error.lower()
        assert (
            before + timedelta(seconds=9)
            < row.next_attempt_at
            < timezone.now() + timedelta(seconds=11)
        )
    # Every learner's later statements wait behind their backed-off ones: no new attempt.
    assert deliver_outbox() == {"sent": 0, "failed": 0, "batches": 0}

    # Still down after the backoff: a second failure doubles the wait.
    time_passes(10)
    assert deliver_outbox()["failed"] == delivery.BATCH_SIZE
    row = OutboxStatement.objects.filter(attempts=2).first()
    assert row is not None
    assert timezone.now() + timedelta(seconds=18) < row.next_attempt_at
    assert row.next_attempt_at < timezone.now() + timedelta(seconds=21)

    # Up again, but the backoff is not over: nothing is sent yet.
    lrs.start()
    assert deliver_outbox() == {"sent": 0, "failed": 0, "batches": 0}
    assert lrs.requests == []

    time_passes(20)
    figures = deliver_outbox()
    assert figures == {"sent": total, "failed": 0, "batches": 2}
    assert_all_delivered_once_in_order(lrs)
    assert len(lrs.stored) == total
    assert all(status == 200 for status, _ids in lrs.requests)

    # Nothing is sent twice by later rounds.
    time_passes(3600)
    assert deliver_outbox() == {"sent": 0, "failed": 0, "batches": 0}
    assert len(lrs.stored) == total


def test_a_server_error_is_retried_and_then_delivered_once(lrs, built, learners):
    for user in learners[:2]:
        learner_journey(user, built, lessons=2)
    total = OutboxStatement.objects.count()
    lrs.script.extend([500])
    lrs.start()

    assert deliver_outbox() == {"sent": 0, "failed": total, "batches": 1}
    assert set(OutboxStatement.objects.values_list("attempts", flat=True)) == {1}
    assert set(OutboxStatement.objects.values_list("last_error", flat=True)) == {
        'HTTP 500: {"error": "not stored"}'
    }
    assert lrs.stored == []

    time_passes(10)
    assert deliver_outbox() == {"sent": total, "failed": 0, "batches": 1}
    assert [status for status, _ids in lrs.requests] == [500, 200]
    assert_all_delivered_once_in_order(lrs)


def test_a_refused_statement_holds_back_only_its_learners_later_statements(lrs, built, learners):
    first, second = learners[:2]
    learner_journey(first, built, lessons=2)
    learner_journey(second, built, lessons=2)
    firsts = list(OutboxStatement.objects.filter(user=first).order_by("id"))
    bad = firsts[2]
    lrs.refuse.add(str(bad.statement_id))
    lrs.start()

    figures = deliver_outbox()
    assert figures["failed"] == 1
    bad.refresh_from_db()
    assert bad.sent_at is None and bad.attempts == 1 and bad.last_error.startswith("HTTP 400")
    assert bad.next_attempt_at > timezone.now()
    for row in firsts[:2]:
        row.refresh_from_db()
        assert row.sent_at is not None
    for row in firsts[3:]:  # waiting behind the refused one, not tried
        row.refresh_from_db()
        assert row.sent_at is None and row.attempts == 0
    assert not OutboxStatement.objects.filter(user=second, sent_at__isnull=True).exists()

    # Once the LRS accepts it (fixed on its side), the rest follows in order.
    lrs.refuse.clear()
    services.retry_now()
    deliver_outbox()
    assert_all_delivered_once_in_order(lrs)


def test_a_conflict_on_one_statement_means_the_lrs_already_has_it(lrs, built, user):
    learner_journey(user, built, lessons=1)
    row = OutboxStatement.objects.order_by("id").first()
    OutboxStatement.objects.exclude(pk=row.pk).delete()
    lrs.script.extend([409])
    lrs.start()
    assert deliver_outbox()["sent"] == 1
    row.refresh_from_db()
    assert row.sent_at is not None and row.last_error.startswith("HTTP 409")


def test_claimed_batches_never_overlap_and_keep_each_learner_in_order(lrs, built, learners):
    first, second, third = learners
    for user in learners:
        learner_journey(user, built, lessons=1)  # registered, launched, completed, progressed
    rows = {
        user.pk: list(OutboxStatement.objects.filter(user=user).order_by("id")) for user in learners
    }

    claimed = claim_batch(size=6)
    assert [row.pk for row in claimed] == [row.pk for row in rows[first.pk] + rows[second.pk][:2]]
    # Another worker now: the first learner's rows are leased; the second learner's later
    # rows wait behind the claimed ones; only the third learner's rows may go.
    other = claim_batch(size=50)
    assert [row.pk for row in other] == [row.pk for row in rows[third.pk]]
    assert claim_batch(size=50) == []


def test_backoff_doubles_up_to_an_hour():
    assert [backoff(n).total_seconds() for n in (1, 2, 3, 4)] == [10, 20, 40, 80]
    assert backoff(9).total_seconds() == 2560
    assert backoff(10).total_seconds() == backoff(50).total_seconds() == 3600


def test_without_an_lrs_delivery_does_nothing(settings, built, user):
    settings.XAPI_LRS_URL = ""
    learner_journey(user, built, lessons=1)
    assert deliver_outbox() == {"sent": 0, "failed": 0, "batches": 0}
    assert set(OutboxStatement.objects.values_list("attempts", flat=True)) == {0}


def test_a_queued_delivery_runs_when_the_event_commits(
    lrs, built, user, django_capture_on_commit_callbacks
):
    lrs.start()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        learner_journey(user, built, lessons=1)
    assert len(callbacks) >= 1
    assert_all_delivered_once_in_order(lrs)
    assert len(lrs.stored) == 4


@pytest.mark.django_db(transaction=True)
def test_parallel_deliveries_send_every_statement_once_in_order(
    shared_database, lrs, built, monkeypatch
):
    """Four deliveries at once (as four workers would run them), in small batches, against a
    slow LRS: the row locks and leases give each statement to exactly one of them."""
    learners = [UserFactory() for _ in range(6)]
    for user in learners:
        enrol(user=user, course=built.course)
    for lesson in built.lessons:  # the learners' statements interleave in the outbox
        for user in learners:
            record_visit(user=user, activity=ref(lesson))
            record_completion(user=user, activity=ref(lesson))
    total = OutboxStatement.objects.count()
    assert total == 6 * 11
    monkeypatch.setattr(delivery, "BATCH_SIZE", 4)
    lrs.delay = 0.02
    lrs.start()

    sent_by = Counter()
    errors = []
    start = threading.Barrier(4)

    def run(name: str) -> None:
        try:
            start.wait()
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                sent_by[name] += deliver_outbox()["sent"]
                if not OutboxStatement.objects.filter(sent_at__isnull=True).exists():
                    break
                time.sleep(0.01)
        except Exception as error:  # reported below, with the thread's name
            errors.append((name, repr(error)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(f"worker-{n}",)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    # No statement was claimed by two deliveries. (How the work is shared between them is up
    # to timing: on SQLite one delivery may hold the write lock for every batch.)
    assert sum(sent_by.values()) == total
    assert_all_delivered_once_in_order(lrs)
