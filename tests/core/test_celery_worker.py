"""A real Celery worker, started here against the machine's Redis, runs a task round trip."""

import os
import subprocess
import sys
import time
import uuid

import pytest
from celery import Celery

from tests.conftest import ROOT, clean_env

REDIS = "redis://127.0.0.1:6379/12"


@pytest.fixture
def worker_queue():
    queue = f"savad-test-{uuid.uuid4().hex[:8]}"
    env = clean_env(
        DJANGO_SETTINGS_MODULE="lms.settings.test",
        CELERY_BROKER_URL=REDIS,
        CELERY_RESULT_BACKEND=REDIS,
    )
    process = subprocess.Popen(
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
            queue,
            "--loglevel=INFO",
            "-n",
            f"{queue}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield queue
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


def test_worker_runs_a_task_round_trip(worker_queue):
    client = Celery("savad-test-client", broker=REDIS, backend=REDIS)
    nonce = uuid.uuid4().hex
    started = time.monotonic()
    result = client.send_task("core.tasks.ping", args=[nonce], queue=worker_queue)
    reply = result.get(timeout=90)
    assert reply["nonce"] == nonce
    assert reply["pid"] != os.getpid(), "the task must run in the worker, not in this process"
    assert result.status == "SUCCESS"
    assert time.monotonic() - started < 90
