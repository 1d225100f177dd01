"""A real Celery worker (a subprocess, against the machine's Redis) delivers the outbox to a real
HTTP server on 127.0.0.1: while the server is down nothing is lost, once it is up everything
arrives exactly once and in order per learner, and new events are delivered as they commit.

The worker shares this test's database: on PostgreSQL the test database itself (the test
commits, ``transaction=True``); on SQLite a file copy of the in-memory test database that this
process also switches to for the test. Redis must be running (``scripts/services.sh``): if it
is not, the test fails, it is not skipped.
"""

from collections import Counter

import pytest

from tests.celery_worker import CeleryWorkers
from tests.factories import UserFactory
from tests.xapi.conftest import (
    REDIS,
    arrival_order,
    expected_order,
    learner_journey,
    time_passes,
    wait_for,
)
from tests.xapi.lrs_server import KEY, SECRET
from xapi import services
from xapi.models import OutboxStatement

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("celery-worker"),
    pytest.mark.sqlite,
]


@pytest.fixture
def worker(redis_up, shared_database, lrs, tmp_path, monkeypatch):
    running = CeleryWorkers(
        redis_url=REDIS,
        name="savad-xapi-test",
        logs=tmp_path / "logs",
        env={
            "DATABASE_URL": shared_database,
            "XAPI_LRS_URL": lrs.url,
            "XAPI_LRS_KEY": KEY,
            "XAPI_LRS_SECRET": SECRET,
        },
    )
    running.start()
    # Stands in for ``services._enqueue``: the real queue, not eager Celery.
    monkeypatch.setattr(services, "_enqueue", lambda: running.send("xapi.tasks.deliver_outbox"))
    try:
        yield running
    finally:
        running.stop()


def heads_tried() -> bool:
    """Every learner's oldest statement has been tried (so all the rest waits behind it)."""
    heads = [
        OutboxStatement.objects.filter(user_id=user_id).order_by("id").first()
        for user_id in OutboxStatement.objects.values_list("user_id", flat=True).distinct()
    ]
    return bool(heads) and all(row.attempts >= 1 for row in heads)


def test_a_worker_delivers_everything_once_in_order_after_the_lrs_comes_back(
    worker, lrs, built, learners
):
    # The LRS is down: every committed event queues a delivery, and the worker fails them.
    for user in learners:
        learner_journey(user, built, lessons=2)
    total = OutboxStatement.objects.count()
    assert total == 3 * 7  # registered, and launched, completed, progressed for 2 lessons
    assert len(worker.sent) >= 3  # deliveries were queued as the events committed
    wait_for(heads_tried, seconds=120, what="the worker to try the LRS", log=worker.log_tail)
    assert not OutboxStatement.objects.filter(sent_at__isnull=False).exists()
    assert OutboxStatement.objects.count() == total
    tried = OutboxStatement.objects.filter(attempts__gte=1).first()
    assert "refused" in tried.last_error.lower()

    # Up again; once the backoff is over, the next delivery (the beat's, here sent by hand)
    # sends everything.
    lrs.start()
    time_passes(3600)
    worker.send("xapi.tasks.deliver_outbox")
    wait_for(
        lambda: not OutboxStatement.objects.filter(sent_at__isnull=True).exists(),
        seconds=120,
        what="every statement to be delivered",
        log=worker.log_tail,
    )
    order = expected_order()
    assert [i for i, count in Counter(lrs.stored).items() if count > 1] == []
    assert len(lrs.stored) == total
    assert arrival_order(lrs, order) == order

    # With the LRS up, a new event is delivered as soon as it commits.
    newcomer = UserFactory()
    learner_journey(newcomer, built, lessons=1)
    wait_for(
        lambda: not OutboxStatement.objects.filter(sent_at__isnull=True).exists(),
        seconds=120,
        what="the new statements to be delivered",
        log=worker.log_tail,
    )
    assert len(lrs.stored) == total + 4
    order = expected_order()
    assert arrival_order(lrs, order) == order
    assert len(set(lrs.stored)) == len(lrs.stored)
