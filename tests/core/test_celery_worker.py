"""A real Celery worker, started here against the machine's Redis, runs a task round trip."""

import os
import time

import pytest

from tests.celery_worker import CeleryWorkers, require_redis

REDIS = "redis://127.0.0.1:6379/12"

pytestmark = pytest.mark.xdist_group("celery-worker")


@pytest.fixture
def worker(tmp_path):
    require_redis(REDIS)
    running = CeleryWorkers(redis_url=REDIS, name="savad-test", logs=tmp_path / "logs")
    running.start()
    try:
        yield running
    finally:
        running.stop()


def test_worker_runs_a_task_round_trip(worker):
    nonce = os.urandom(8).hex()
    started = time.monotonic()
    result = worker.send("core.tasks.ping", nonce)
    reply = result.get(timeout=90)
    assert reply["nonce"] == nonce, worker.log_tail()
    assert reply["pid"] != os.getpid(), "the task must run in the worker, not in this process"
    assert result.status == "SUCCESS"
    assert time.monotonic() - started < 90
