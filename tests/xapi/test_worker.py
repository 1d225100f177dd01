"""A real Celery worker (a subprocess, against the machine's Redis) delivers the outbox to a real
HTTP server on 127.0.0.1: while the server is down nothing is lost, once it is up everything
arrives exactly once and in order per learner, and new events are delivered as they commit.

The worker shares this test's database: on PostgreSQL the test database itself (the test
commits, ``transaction=True``); on SQLite a file copy of the in-memory test database that this
process also switches to for the test. Redis must be running (``scripts/services.sh``): if it
is not, the test fails, it is not skipped.
"""

import os
import signal
import subprocess
import sys
import uuid
from collections import Counter

import pytest
from celery import Celery

from tests.conftest import ROOT, clean_env
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

pytestmark = pytest.mark.django_db(transaction=True)


class Worker:
    """A Celery worker on a queue of this test's own, delivering to the test's LRS."""

    def __init__(self, database_url: str, lrs_url: str, log_path):
        self.queue = f"savad-xapi-test-{uuid.uuid4().hex[:8]}"
        self.client = Celery("savad-xapi-test-client", broker=REDIS, backend=REDIS)
        self.log_path = log_path
        log = log_path.open("w")
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "lms",
                "worker",
                "--pool=solo",
                "--concurrency=1",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-Q",
                self.queue,
                "--loglevel=INFO",
                "-n",
                f"{self.queue}@%h",
            ],
            cwd=ROOT,
            env=clean_env(
                DJANGO_SETTINGS_MODULE="lms.settings.test",
                DATABASE_URL=database_url,
                CELERY_BROKER_URL=REDIS,
                CELERY_RESULT_BACKEND=REDIS,
                XAPI_LRS_URL=lrs_url,
                XAPI_LRS_KEY=KEY,
                XAPI_LRS_SECRET=SECRET,
            ),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.sent = 0

    def deliver(self) -> None:
        """Stands in for ``services._enqueue``: the real queue, not eager Celery."""
        self.client.send_task("xapi.tasks.deliver_outbox", queue=self.queue)
        self.sent += 1

    def log_tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        self.client.close()


@pytest.fixture
def worker(redis_up, shared_database, lrs, tmp_path, monkeypatch):
    running = Worker(shared_database, lrs.url, tmp_path / "worker.log")
    monkeypatch.setattr(services, "_enqueue", running.deliver)
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
    assert worker.sent >= 3  # deliveries were queued as the events committed
    wait_for(heads_tried, seconds=120, what="the worker to try the LRS", log=worker.log_tail)
    assert not OutboxStatement.objects.filter(sent_at__isnull=False).exists()
    assert OutboxStatement.objects.count() == total
    tried = OutboxStatement.objects.filter(attempts__gte=1).first()
    assert "refused" in tried.last_error.lower()

    # Up again; once the backoff is over, the next delivery (the beat's, here sent by hand)
    # sends everything.
    lrs.start()
    time_passes(3600)
    worker.deliver()
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
