"""Real Celery workers for the tests that need one: subprocesses against the machine's Redis.

Each test module passes its own Redis database (see ``REDIS`` in each of them: 8 the broker
outage, 9 content imports, 10 xAPI delivery, 12 the round trip; 11 is tests/core/test_jobs.py's,
where no worker runs; 13 and 14 belong to tests/core/test_health.py) and gets a queue of its own,
so workers of different tests never take each other's messages. The worker
reaches the test's database through the ``shared_database`` fixture (tests/conftest.py).
Redis must be running (``scripts/services.sh``, which ``make test`` and ``.ci/run`` call): if it
is not, these tests fail, they are not skipped.
"""

import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis
from celery import Celery
from celery.result import AsyncResult

from tests.conftest import ROOT, clean_env


def require_redis(url: str) -> None:
    """Fail the test (never skip it) when Redis does not answer at ``url``."""
    try:
        redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except redis.exceptions.RedisError as error:
        pytest.fail(
            f"Redis is not answering at {url} ({error}). This test needs a real broker: "
            "start Redis with scripts/services.sh (make test and .ci/run do).",
            pytrace=False,
        )


class CeleryWorkers:
    """Starts ``celery -A lms worker`` processes on one queue of their own and sends them tasks.

    ``env`` is added to every worker's environment (which starts without the settings'
    variables of this process); ``bootstrap`` is Python code run in place of ``python -m
    celery``, for what the settings cannot take from the environment (it must end by calling
    Celery's ``main``). Each worker logs to ``logs/worker<N>.log``.
    """

    def __init__(
        self,
        *,
        redis_url: str,
        name: str,
        logs: Path,
        env: dict | None = None,
        bootstrap: str | None = None,
    ):
        self.redis_url, self.logs = redis_url, logs
        self.env, self.bootstrap = env or {}, bootstrap
        self.queue = f"{name}-{uuid.uuid4().hex[:8]}"
        # Not the current app: the code under test keeps using the project's (eager) app.
        self.client = Celery(
            f"{name}-client", broker=redis_url, backend=redis_url, set_as_current=False
        )
        self.processes: list[subprocess.Popen] = []
        self.sent: list[AsyncResult] = []
        logs.mkdir(parents=True, exist_ok=True)

    def start(self, **env: str) -> subprocess.Popen:
        number = len(self.processes)
        program = ["-c", self.bootstrap] if self.bootstrap else ["-m", "celery"]
        log = (self.logs / f"worker{number}.log").open("w")
        process = subprocess.Popen(
            [
                sys.executable,
                *program,
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
                f"{self.queue}-{number}@%h",
            ],
            cwd=ROOT,
            env=clean_env(
                DJANGO_SETTINGS_MODULE="lms.settings.test",
                CELERY_BROKER_URL=self.redis_url,
                CELERY_RESULT_BACKEND=self.redis_url,
                **self.env,
                **env,
            ),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, to kill it whole
        )
        log.close()
        self.processes.append(process)
        return process

    def send(self, task: str, *args, **kwargs) -> AsyncResult:
        """Queue ``task`` for these workers (the real queue, not eager Celery)."""
        result = self.client.send_task(task, args=list(args), kwargs=kwargs, queue=self.queue)
        self.sent.append(result)
        return result

    def log_tail(self) -> str:
        parts = []
        for path in sorted(self.logs.glob("worker*.log")):
            parts.append(f"--- {path.name}\n" + path.read_text(errors="replace")[-4000:])
        return "\n".join(parts)

    def stop(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait(timeout=10)
        self.client.close()
