"""Load test over HTTP: learners on two gunicorn instances sharing PostgreSQL, Redis and a bucket.

    DATABASE_URL=postgres://… python bench/load.py [--users 50] [--seconds 60] [--spawn-rate 10]
        [--target savad|wagtail-lms] [--compare]

Everything runs on loopback and is removed at the end: a throwaway PostgreSQL database
(``bench/database.py``) with the demo site and a published course of ten lessons and a quiz,
``--users`` learner accounts made in bulk, moto's S3 server (``tests/s3.py``) holding the
media bucket, and two gunicorn instances on free ports with the production settings
(``lms.settings.production``; plain HTTP on loopback, so the cookies are not marked secure and
HTTPS is not enforced), a Redis cache and Celery queue of their own (keys under a prefix of
this run, deleted at the end). Locust (``bench/load_users.py``) then runs headless for
``--seconds``: each user logs in on one of the servers in turn, enrols, reads the catalogue,
the course and the lessons, marks each lesson complete, takes the quiz (start, save, submit,
review) and opens the dashboard.

It prints requests/s and p50/p95/p99 per page, the errors, and checks in the database that
every completion and every quiz submit the server confirmed (a redirect after its commit) is
recorded exactly once: no lost and no duplicated rows. The last line is one JSON object; the
exit status is 1 when a request failed or a write check failed.

``--target wagtail-lms`` puts the same learners on wagtail-lms instead (its own minimal project,
``bench/wagtail_lms_site/``, and locustfile, ``bench/load_users_wagtail_lms.py``): course,
lessons and their xAPI completion; ``--compare`` runs both targets and prints Savad's figures
over wagtail-lms's (bench/README.md).
"""

import argparse
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")

LESSONS = 10
USERNAME_PREFIX = "load-"
# LOAD_REDIS_URL: another Redis database, e.g. when database 15 is another run's.
REDIS = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/15")
TARGETS = ("savad", "wagtail-lms")
# The production settings, for plain HTTP on loopback (no TLS proxy in front). Logins check
# passwords with a fast hasher: PBKDF2 costs about a second of CPU per login on two cores, which
# would measure the hasher, not the site.
SERVER_SETTINGS = """\
import os

from lms.settings.production import *  # noqa: F403

# Not in CACHE_URL: django-environ passes a `key_prefix` query to Django's Redis cache in
# lower case, where Django ignores it.
CACHES["default"]["KEY_PREFIX"] = os.environ["LOAD_CACHE_PREFIX"]  # noqa: F405

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
LANGUAGE_COOKIE_SECURE = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
"""


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50, help="concurrent learners (50)")
    parser.add_argument("--seconds", type=int, default=60, help="duration of the run (60)")
    parser.add_argument("--spawn-rate", type=float, default=10, help="users started per s (10)")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between pages (1 s)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per server (2)")
    parser.add_argument("--threads", type=int, default=4, help="threads per worker (4)")
    parser.add_argument(
        "--target",
        choices=TARGETS,
        default="savad",
        help="the site under load: savad (default) or wagtail-lms (bench/wagtail_lms_site/)",
    )
    parser.add_argument(
        "--compare",
        action="store_true",
        help="run both targets one after the other and print their ratios",
    )
    args = parser.parse_args(argv)
    if min(args.users, args.seconds, args.workers, args.threads) < 1 or args.spawn_rate <= 0:
        parser.error("--users, --seconds, --workers, --threads and --spawn-rate must be positive")
    if not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")):
        parser.error(
            "DATABASE_URL must point at PostgreSQL (postgres://USER:PASSWORD@HOST:5432/NAME): "
            "two servers share the database, SQLite cannot be shared that way"
        )
    return args


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{url}: the server exited with status {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2).close()  # noqa: S310 - loopback
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer within {timeout} s")


def stop(process: subprocess.Popen) -> None:
    """Stop a process started in a session of its own, with its children (gunicorn's workers)."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    with contextlib.suppress(ProcessLookupError):  # a worker left behind by its master
        os.killpg(process.pid, signal.SIGKILL)


def start_gunicorns(
    application: str, env: dict, args: argparse.Namespace, health: str
) -> tuple[list[str], list[subprocess.Popen]]:
    """Two gunicorn instances of ``application`` on free ports, each in a session of its own;
    returns their base URLs and processes once ``health`` answers on both."""
    hosts, processes = [], []
    for _server in range(2):
        port = free_port()
        processes.append(
            subprocess.Popen(
                [sys.executable, "-m", "gunicorn", application]
                + ["--bind", f"127.0.0.1:{port}", "--workers", str(args.workers)]
                + ["--threads", str(args.threads), "--log-level", "warning"],
                cwd=ROOT,
                env=env,
                start_new_session=True,
            )
        )
        hosts.append(f"http://127.0.0.1:{port}")
    try:
        for host, process in zip(hosts, processes, strict=True):
            wait_for(f"{host}{health}", process)
    except BaseException:
        for process in processes:
            stop(process)
        raise
    return hosts, processes


def database_url(name: str) -> str:
    """The URL of the database ``name`` on the server the Django connection uses."""
    from django.conf import settings

    url = settings.DATABASES["default"]
    return (
        f"postgres://{url['USER']}:{url['PASSWORD']}@{url['HOST'] or '127.0.0.1'}:"
        f"{url['PORT'] or 5432}/{name}"
    )


def clear_redis(prefix: str) -> None:
    """A run's cache keys and queue (kombu names its bindings after the queue)."""
    import redis

    client = redis.Redis.from_url(REDIS)
    keys = list(client.scan_iter(f"{prefix}*"))
    keys += list(client.scan_iter(f"*{prefix}"))
    if keys:
        client.delete(*keys)


def make_learners(users: int) -> str:
    """``users`` accounts named ``USERNAME_PREFIX<n>``, made in bulk; returns their password."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import MD5PasswordHasher

    password = secrets.token_urlsafe(12)
    hashed = MD5PasswordHasher().encode(password, MD5PasswordHasher().salt())
    user_model = get_user_model()
    user_model.objects.bulk_create(
        user_model(username=f"{USERNAME_PREFIX}{n}", email=f"load-{n}@example.org", password=hashed)
        for n in range(users)
    )
    return password


def completion_counts(confirmed: Counter, rows: Counter) -> dict:
    """Confirmed completions against the stored rows (both counted per learner and lesson)."""
    return {
        "completions": sum(confirmed.values()),
        "completion_rows": sum(rows.values()),
        "completions_lost": sum((confirmed - rows).values()),
        "completions_extra": sum((rows - confirmed).values()),
        "completions_duplicated": sum(count - 1 for count in rows.values() if count > 1)
        + sum(count - 1 for count in confirmed.values() if count > 1),
    }


def build_site(users: int) -> dict:
    """The course, its quiz and the accounts; returns the paths the users follow."""
    from tests.builders import build_course, catalogue
    from tests.quiz_builders import build_quiz, category, standard_questions

    built = build_course(slug="load-course", lessons=LESSONS)
    questions = standard_questions(category(built.course))[:4]  # choice, true/false, text, number
    quiz = build_quiz(built.course, questions, slug="load-quiz")
    return {
        "password": make_learners(users),
        "username_prefix": USERNAME_PREFIX,
        "login": "/fa/accounts/login/",
        "catalogue": catalogue("fa").url,
        "course": built.course.url,
        "enrol": f"/fa/learn/{built.course.pk}/enrol/",
        "lessons": [
            {
                "id": lesson.pk,
                "url": lesson.url,
                "complete": f"/fa/learn/lessons/{lesson.pk}/complete/",
            }
            for lesson in built.lessons
        ],
        "quiz": quiz.url,
        "quiz_start": f"/fa/quizzes/{quiz.pk}/start/",
        "dashboard": "/fa/dashboard/",
        "lesson_keys": {str(lesson.pk): str(lesson.translation_key) for lesson in built.lessons},
    }


class Servers:
    """moto's S3 server and two gunicorn instances; ``close()`` stops them all."""

    def __init__(self, workdir: Path, database: str, args: argparse.Namespace):
        self.processes: list[subprocess.Popen] = []
        self.prefix = f"savad-load-{os.getpid()}"
        self.workdir = workdir
        self.database = database
        self.args = args
        self.s3 = None

    def start(self) -> list[str]:
        from tests.s3 import S3Server

        self.s3 = S3Server.start()
        self.processes.append(self.s3.process)
        (self.workdir / "savad_load_settings.py").write_text(SERVER_SETTINGS)
        env = {
            **os.environ,
            **self.s3.environment(self.s3.make_bucket()),
            "PYTHONPATH": os.pathsep.join([str(self.workdir), str(ROOT)]),
            "DJANGO_SETTINGS_MODULE": "savad_load_settings",
            "DATABASE_URL": database_url(self.database),
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "DEBUG": "0",
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
            "CACHE_URL": REDIS,
            "LOAD_CACHE_PREFIX": self.prefix,
            "CELERY_BROKER_URL": REDIS,
            "CELERY_QUEUE": self.prefix,
            "STATIC_ROOT": str(self.workdir / "static"),
            "MEDIA_ROOT": str(self.workdir / "media"),
            "LOG_LEVEL": "WARNING",
        }
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        hosts, processes = start_gunicorns("lms.wsgi:application", env, self.args, "/healthz")
        self.processes += processes
        return hosts

    def close(self) -> None:
        for process in reversed(self.processes[1:]):
            stop(process)
        if self.s3 is not None:
            self.s3.stop()
        clear_redis(self.prefix)


def run_locust(
    plan: dict, hosts: list[str], args, workdir: Path, locustfile: str = "load_users.py"
) -> dict:
    plan_path, result_path = workdir / "plan.json", workdir / "result.json"
    plan_path.write_text(json.dumps({**plan, "hosts": hosts, "think": args.think}))
    process = subprocess.run(
        [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / locustfile)]
        + ["--headless", "--users", str(args.users), "--spawn-rate", str(args.spawn_rate)]
        + ["--run-time", f"{args.seconds}s", "--stop-timeout", "30", "--host", hosts[0]]
        + ["--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0"],
        cwd=ROOT,
        env={**os.environ, "LOAD_PLAN": str(plan_path), "LOAD_RESULT": str(result_path)},
        capture_output=True,
        text=True,
        timeout=args.seconds + 120,
    )
    if process.returncode or not result_path.exists():
        raise SystemExit(f"locust failed ({process.returncode}):\n{process.stderr[-3000:]}")
    return json.loads(result_path.read_text())


def check_writes(plan: dict, result: dict) -> dict:
    """Compare the confirmed writes with the rows: each once, none lost, none extra."""
    from progress.models import ActivityProgress, Status
    from quizzes.models import Attempt

    keys = plan["lesson_keys"]
    confirmed = Counter(
        (user, keys[str(lesson)]) for user, lesson in result["confirmed"]["completions"]
    )
    rows = Counter(
        (user, str(key))
        for user, key in ActivityProgress.objects.filter(
            activity_key__in=keys.values(), status=Status.COMPLETED
        ).values_list("user__username", "activity_key")
    )
    submits = Counter(result["confirmed"]["submits"])
    attempts = Counter(
        Attempt.objects.filter(submitted_at__isnull=False).values_list("user__username", flat=True)
    )
    return {
        **completion_counts(confirmed, rows),
        "submits": sum(submits.values()),
        "submitted_attempts": sum(attempts.values()),
        "submits_lost": sum((submits - attempts).values()),
        "submits_extra": sum((attempts - submits).values()),
        "unconfirmed": result["attempted"]["completions"]
        + result["attempted"]["submits"]
        - len(result["confirmed"]["completions"])
        - len(result["confirmed"]["submits"]),
    }


def report(summary: dict) -> None:
    print(
        f"{summary['users']} users, {summary['seconds']} s, load average "
        f"{summary['load_average_before']} before, {summary['load_average_after']} after"
    )
    print(f"{'page':<14} {'requests':>8} {'fail':>5} {'req/s':>7} {'p50':>6} {'p95':>6} {'p99':>6}")
    for name, row in [*summary["pages"].items(), ("total", summary["total"])]:
        print(
            f"{name:<14} {row['requests']:>8} {row['failures']:>5} {row['requests_per_s']:>7} "
            f"{row['p50_ms']:>6} {row['p95_ms']:>6} {row['p99_ms']:>6}"
        )
    for error in summary["errors"]:
        print(f"error: {error['name']}: {error['error']} ({error['occurrences']}x)")
    writes = summary["writes"]
    line = (
        f"completions: {writes['completions']} confirmed, {writes['completion_rows']} rows, "
        f"{writes['completions_lost']} lost, {writes['completions_extra']} extra, "
        f"{writes['completions_duplicated']} duplicated"
    )
    if "submits" in writes:
        line += (
            f"; submits: {writes['submits']} confirmed, "
            f"{writes['submitted_attempts']} attempts, {writes['submits_lost']} lost, "
            f"{writes['submits_extra']} extra"
        )
    print(line)


SAVAD_WRITE_KEYS = (
    "completions_lost",
    "completions_extra",
    "completions_duplicated",
    "submits_lost",
    "submits_extra",
)
WAGTAIL_LMS_WRITE_KEYS = ("completions_lost", "completions_extra", "completions_duplicated")


def run_savad(args, workdir: Path) -> dict:
    """Savad's run: locust's result, the servers, the setup time, the loads, the write check."""
    from django.db import connection

    servers = Servers(workdir, connection.settings_dict["NAME"], args)
    return run_target(servers, build_site, check_writes, args, workdir, "load_users.py")


def run_wagtail_lms(args, workdir: Path) -> dict:
    """wagtail-lms's run (``bench/wagtail_lms_site/``), as ``run_savad``."""
    from django.db import connection

    from bench.wagtail_lms_site import load

    url = database_url(connection.settings_dict["NAME"])
    servers = load.Servers(workdir, url, args, f"wagtail-lms-load-{os.getpid()}", REDIS)
    return run_target(
        servers, load.build_site, load.check_writes, args, workdir, load.LOCUSTFILE.name
    )


def run_target(servers, build, check, args, workdir: Path, locustfile: str) -> dict:
    """Seed with ``build``, start ``servers``, run ``locustfile``, check with ``check``; the
    servers are stopped (and their Redis keys deleted) whatever happens."""
    from django.db import connection

    started = time.perf_counter()
    try:
        plan = build(args.users)
        connection.close()
        hosts = servers.start()
        setup_s = time.perf_counter() - started
        load_before = os.getloadavg()[0]
        result = run_locust(plan, hosts, args, workdir, locustfile=locustfile)
        load_after = os.getloadavg()[0]
        return {
            "result": result,
            "hosts": hosts,
            "setup_s": setup_s,
            "load_before": load_before,
            "load_after": load_after,
            "writes": check(plan, result),
        }
    finally:
        servers.close()


COMPARED_PAGES = ("course", "lesson", "complete")


def compare(argv) -> int:
    """Both targets one after the other (``--target`` each, the other options as given); their
    outputs, then Savad's requests/s and p50 over wagtail-lms's for the pages both have."""
    argv = list(sys.argv[1:] if argv is None else argv)
    argv.remove("--compare")
    if "--target" in argv:
        del argv[argv.index("--target") : argv.index("--target") + 2]
    argv = [arg for arg in argv if not arg.startswith("--target=")]
    summaries, status = {}, 0
    for target in TARGETS:
        process = subprocess.run(
            [sys.executable, str(Path(__file__).resolve()), *argv, "--target", target],
            capture_output=True,
            text=True,
        )
        print(f"== {target}\n{process.stdout}", end="")
        if process.returncode:
            sys.stderr.write(process.stderr[-3000:])
        lines = process.stdout.strip().splitlines()
        if not lines or not lines[-1].startswith("{"):
            raise SystemExit(f"{target}: no summary (exit status {process.returncode})")
        summaries[target] = json.loads(lines[-1])
        status = status or process.returncode
    savad, other = summaries["savad"], summaries["wagtail-lms"]
    ratios = {}
    for name in (*COMPARED_PAGES, "total"):
        ours = savad["total"] if name == "total" else savad["pages"].get(name)
        theirs = other["total"] if name == "total" else other["pages"].get(name)
        if not ours or not theirs:
            continue
        ratios[name] = {
            key: round(ours[key] / theirs[key], 2) if theirs[key] else None
            for key in ("requests_per_s", "p50_ms")
        }
    print("savad / wagtail-lms")
    print(f"{'page':<14} {'req/s':>7} {'p50':>6}")
    for name, row in ratios.items():
        print(f"{name:<14} {row['requests_per_s']!s:>7} {row['p50_ms']!s:>6}")
    print(json.dumps({"target": "compare", "ratio": ratios, **summaries}, ensure_ascii=False))
    return status


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.compare:
        return compare(argv)
    workdir = Path(tempfile.mkdtemp(prefix=f"{args.target}-load-"))
    if args.target == "wagtail-lms":
        # Its own project and database, migrated from scratch (Savad's template has none of
        # its tables); the seeding process unpacks the H5P packages into this run's media.
        os.environ["DJANGO_SETTINGS_MODULE"] = "bench.wagtail_lms_site.settings"
        os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
        os.environ["MEDIA_ROOT"] = str(workdir / "media")
        os.environ.pop("CACHE_URL", None)  # local memory while seeding
        os.environ.pop("SAVAD_BENCH_TEMPLATE", None)
    import django

    django.setup()
    from django.db import connection

    from bench.database import create_database

    old_name = create_database()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    run = run_wagtail_lms if args.target == "wagtail-lms" else run_savad
    try:
        done = run(args, workdir)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
        shutil.rmtree(workdir, ignore_errors=True)
    result, writes = done["result"], done["writes"]
    summary = {
        "target": args.target,
        "users": args.users,
        "seconds": args.seconds,
        "servers": len(done["hosts"]),
        "workers": args.workers,
        "threads": args.threads,
        "setup_s": round(done["setup_s"], 1),
        "load_average_before": round(done["load_before"], 2),
        "load_average_after": round(done["load_after"], 2),
        "total": {key: result[key] for key in ("requests", "failures", "requests_per_s")}
        | {key: result[key] for key in ("p50_ms", "p95_ms", "p99_ms")},
        "pages": result["pages"],
        "errors": result["errors"],
        "writes": writes,
    }
    report(summary)
    keys = WAGTAIL_LMS_WRITE_KEYS if args.target == "wagtail-lms" else SAVAD_WRITE_KEYS
    summary["writes_ok"] = not any(writes[key] for key in keys)
    print(json.dumps(summary, ensure_ascii=False))
    return 0 if summary["writes_ok"] and not result["failures"] else 1


if __name__ == "__main__":
    sys.exit(main())
