"""The site, served by gunicorn, keeps answering while its broker accepts connections and never
replies; the jobs queued meanwhile run on a real Celery worker once the broker answers again.

The broker the site sees is ``tests.brokers.SwitchableProxy``: a pipe to the machine's Redis
(database 8, this test's own), then a black hole, then a pipe again. The worker talks to Redis
directly (the web-to-broker path is the one that hangs). Both share this test's database
(``transaction=True``).
Redis must be running (``scripts/services.sh``): if it is not, the test fails.
"""

import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
import redis
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from certificates.models import Certificate, PdfStatus
from core import jobs
from core.models import PendingJob
from courses.services import enrol
from tests.brokers import SwitchableProxy
from tests.builders import build_course
from tests.celery_worker import CeleryWorkers
from tests.conftest import ROOT, clean_env
from tests.factories import UserFactory
from tests.xapi.lrs_server import KEY, SECRET, FakeLRS, free_port
from xapi.models import OutboxStatement

REDIS_DB = 8  # this module's own Redis database (no other test uses it)
REDIS = f"redis://127.0.0.1:6379/{REDIS_DB}"
ANSWER_WITHIN = 3.0  # seconds: every page, POST and /healthz while the broker hangs
PAUSE = 2  # JOBS_BROKER_PAUSE for the site: seconds without publishing after a failure

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("celery-worker"),  # one real worker at a time
]


def wait_for(check, *, seconds: float, what: str, log=lambda: ""):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.2)
    pytest.fail(f"Waited {seconds} s for {what}, in vain.\n{log()}", pytrace=False)


class Process:
    """A subprocess in its own process group, its output in a log file."""

    def __init__(self, args: list[str], *, env: dict, log_path):
        self.log_path = log_path
        with log_path.open("w") as log:
            self.process = subprocess.Popen(
                args,
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def log_tail(self) -> str:
        return f"--- {self.log_path.name}\n" + self.log_path.read_text(errors="replace")[-4000:]

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)


class Browser:
    """HTTP against the served site with a learner's session, timing every answer."""

    def __init__(self, base: str, session_key: str):
        self.base = base
        self.csrf = secrets.token_hex(16)  # 32 characters: Django takes it as the secret
        self.cookies = f"sessionid={session_key}; csrftoken={self.csrf}"
        self.timings: list[tuple[str, float, int]] = []
        self.location = ""

    def request(self, path: str, *, post: bool = False, timeout: float = 60) -> int:
        request = urllib.request.Request(  # noqa: S310 (http://127.0.0.1 only)
            self.base + path,
            data=b"" if post else None,
            method="POST" if post else "GET",
            headers={"Cookie": self.cookies, "X-CSRFToken": self.csrf},
        )
        opener = urllib.request.build_opener(NoRedirect())
        started = time.monotonic()
        try:
            with opener.open(request, timeout=timeout) as response:
                response.read()
                status, self.location = response.status, ""
        except urllib.error.HTTPError as error:
            status, self.location = error.code, error.headers.get("Location", "")
        took = time.monotonic() - started
        self.timings.append((("POST " if post else "GET ") + path, took, status))
        return status


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.fixture
def redis_db():
    client = redis.Redis.from_url(REDIS, socket_connect_timeout=3)
    try:
        client.flushdb()  # no message left over from an earlier run
    except redis.exceptions.RedisError as error:
        pytest.fail(
            f"Redis is not answering at {REDIS} ({error}). This test needs a real broker: "
            "start Redis with scripts/services.sh.",
            pytrace=False,
        )
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def proxy():
    hole = SwitchableProxy(hung=False)
    yield hole
    hole.close()


@pytest.fixture
def lrs():
    server = FakeLRS(free_port()).start()
    yield server
    server.stop()


def site_settings(database_url: str, lrs: FakeLRS, **extra) -> dict:
    """The settings' variables that site and worker share."""
    return {
        "DATABASE_URL": database_url,
        "XAPI_LRS_URL": lrs.url,
        "XAPI_LRS_KEY": KEY,
        "XAPI_LRS_SECRET": SECRET,
        "JOBS_BROKER_PAUSE": str(PAUSE),
        **extra,
    }


def site_env(database_url: str, broker_url: str, lrs: FakeLRS, **extra) -> dict:
    return clean_env(
        DJANGO_SETTINGS_MODULE="lms.settings.test",
        CELERY_BROKER_URL=broker_url,
        CELERY_RESULT_BACKEND="cache+memory://",
        **site_settings(database_url, lrs, **extra),
    )


def start_site(env: dict, tmp_path) -> tuple[Process, str]:
    port = free_port()
    site = Process(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "lms.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
            "--timeout",
            "120",
            "--preload",
        ],
        env=env,
        log_path=tmp_path / "gunicorn.log",
    )
    base = f"http://127.0.0.1:{port}"

    def up() -> bool:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=10) as response:  # noqa: S310
                return response.status == 200
        except (OSError, urllib.error.URLError):
            return False

    wait_for(up, seconds=180, what="gunicorn to serve", log=site.log_tail)
    return site, base


def test_a_hung_broker_never_holds_up_pages_and_queued_jobs_run_once_it_is_back(
    redis_db,
    proxy,
    lrs,
    shared_database,
    tmp_path,
):
    built = build_course(slug="outage-course", lessons=3)
    learner = UserFactory()
    enrol(user=learner, course=built.course)
    client = Client()
    client.force_login(learner)
    OutboxStatement.objects.all().delete()  # statements of the set-up, sent in eager mode

    # The worker talks to Redis directly (the web-to-broker path is the one that hangs); site
    # and worker send tasks to the workers' own queue.
    workers = CeleryWorkers(redis_url=REDIS, name="outage", logs=tmp_path / "logs")
    site, base = start_site(
        site_env(shared_database, proxy.url(REDIS_DB), lrs, CELERY_QUEUE=workers.queue), tmp_path
    )
    workers.start(**site_settings(shared_database, lrs, CELERY_QUEUE=workers.queue))

    def logs() -> str:
        state = [
            "pending jobs: "
            f"{list(PendingJob.objects.values_list('task', 'next_attempt_at', 'attempts'))}",
            f"certificates: {list(Certificate.objects.values_list('pdf_status', flat=True))}",
            f"unsent statements: {OutboxStatement.objects.filter(sent_at__isnull=True).count()}",
            f"now: {timezone.now()}",
        ]
        return "\n".join(state) + "\n" + site.log_tail() + "\n" + workers.log_tail()

    try:
        # A starting worker has the waiting jobs flushed: let that happen before the outage,
        # or a slow start would flush (and run) jobs the test expects to wait.
        started = time.monotonic()
        while not re.search(r"flush_pending_jobs\[[^]]+\] succeeded", workers.log_tail()):
            assert time.monotonic() - started < 90, "the worker did not start\n" + logs()
            time.sleep(0.5)
        browser = Browser(base, client.cookies["sessionid"].value)
        # The site runs with its broker; both gunicorn workers warm up (first requests load
        # templates): the timings below are about the broker, not about a cold start.
        for _ in range(3):
            for page in (built.course, *built.lessons):
                assert browser.request(page.url) == 200
        warm_up = len(browser.timings)

        # The broker hangs: it accepts connections and never answers. The learner works
        # through the course, and pages are visited meanwhile: more requests than gunicorn
        # has workers, each of which would be stuck for good if a request waited on the broker.
        proxy.hang()
        accepted = proxy.accepted
        followers = [*built.lessons[1:], built.course]
        for lesson, following in zip(built.lessons, followers, strict=True):
            assert browser.request(lesson.url) == 200
            with translation.override("fa"):
                complete = reverse("courses:complete", args=[lesson.pk])
            assert browser.request(complete, post=True) == 302
            assert browser.location.endswith(following.url), browser.location
            assert browser.request("/healthz") == 200
        for _ in range(4):
            assert browser.request(built.course.url) == 200
            assert browser.request(built.lessons[0].url) == 200
        assert proxy.accepted > accepted, "the site must have tried the hung broker"
        hung = browser.timings[warm_up:]
        assert len(hung) >= 12
        assert [timing for timing in hung if timing[1] >= ANSWER_WITHIN] == [], hung

        # Everything was saved; the jobs wait in the database, none reached a worker.
        certificate = Certificate.objects.get(user=learner)
        assert certificate.pdf_status == PdfStatus.PENDING
        assert PendingJob.objects.filter(task="certificates.tasks.render_certificate_pdf").exists()
        statements = OutboxStatement.objects.count()
        assert statements >= 7  # launched and completed per lesson, the course completed

        # The broker answers again. Once the pause is over, the next publish of a process that
        # failed asks for a flush; a worker publishes what waited, and runs it.
        proxy.forward()
        time.sleep(PAUSE + 0.5)

        last_visit = [0.0]

        def all_done() -> bool:
            if time.monotonic() - last_visit[0] > 2:  # traffic: visits nudge the xAPI delivery
                browser.request(built.lessons[1].url)
                workers.send(jobs.FLUSH_TASK)  # as beat does every minute in production
                last_visit[0] = time.monotonic()
            certificate.refresh_from_db()
            return (
                not PendingJob.objects.exists()
                and certificate.pdf_status == PdfStatus.READY
                and not OutboxStatement.objects.filter(sent_at__isnull=True).exists()
            )

        wait_for(all_done, seconds=180, what="the queued jobs to run", log=logs)
        assert len(lrs.stored) == len(set(lrs.stored)) == OutboxStatement.objects.count()
        assert len(lrs.stored) >= statements
    finally:
        site.stop()
        workers.stop()
