"""Benchmark of durable progress writes through the service API, beside pgbench's inserts.

    DATABASE_URL=postgres://… python bench/progress.py [--writes 3000] [--clients 4] [--seconds 10]

A throwaway database is created for the run (as in ``bench/pages.py``) and dropped at the end.
``--clients`` client processes on PostgreSQL (one client on SQLite, which has one writer at
a time), each with its own connection, call ``record_score`` /
``record_completion`` (alternating) for distinct learners over the 10 lessons of a published
course: every call is one committed transaction with the summary recount and the
learning-record signals (xAPI outbox row; a certificate when a learner completes the course),
as in production.

On PostgreSQL the script then runs ``pgbench`` against the same database with the same number
of clients, for ``--seconds``, with a one-statement custom script: a single-row INSERT into a
table shaped like a progress row. That is the ceiling a single durable write can reach on this
server; ``ratio`` says how much of it the service keeps. On SQLite pgbench is skipped and its
fields are null. The last line is one JSON object.
"""

import argparse
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

# Durable commits, as in production and as pgbench's: the test settings turn PostgreSQL's
# synchronous_commit off for the suite. No connection is open yet, so this takes effect.
settings.DATABASES["default"].get("OPTIONS", {}).pop("options", None)

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, connections  # noqa: E402

from bench.database import create_database  # noqa: E402
from core import caching  # noqa: E402
from lms.celery import app as celery_app  # noqa: E402
from progress import signals as progress_signals  # noqa: E402
from progress.models import ActivityProgress, CourseProgress  # noqa: E402
from progress.services import record_completion, record_score  # noqa: E402

ACTIVITIES = 10
PGBENCH_TABLE = "bench_single_row_inserts"
BENCH_QUEUE = "savad-bench-progress"  # where PDF jobs are published; nothing consumes it
PGBENCH_SCRIPT = """\\set learner random(1, 100000000)
INSERT INTO bench_single_row_inserts (user_id, activity_key, status, score, written_at)
VALUES (:learner, gen_random_uuid(), 'passed', 0.9, now());
"""


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--writes", type=int, default=3000, help="service writes in all (3000)")
    parser.add_argument("--clients", type=int, default=4, help="parallel clients (4)")
    parser.add_argument("--seconds", type=int, default=10, help="pgbench duration (10)")
    parser.add_argument(
        "--core-only",
        action="store_true",
        help="the progress write alone: the learning-record receivers (xAPI, statistics, "
        "certificates) disconnected, to see what they cost",
    )
    parser.add_argument(
        "--broker",
        default="memory://",
        help="where the certificates' PDF jobs are published (memory://); a Redis URL "
        "(redis://127.0.0.1:6379/6) pays for the publish as production does. The run "
        f"publishes to a queue of its own ({BENCH_QUEUE}) and empties it at the end",
    )
    args = parser.parse_args(argv)
    if args.writes < args.clients or args.clients < 1 or args.seconds < 1:
        parser.error("--clients and --seconds must be at least 1, --writes at least --clients")
    return args


def service_writes(writes: int, clients: int) -> dict:
    """``writes`` committed service calls from ``clients`` threads; returns the figures."""
    from courses.selectors import course_syllabus
    from tests.builders import build_course

    built = build_course(slug="bench-progress", lessons=ACTIVITIES)
    syllabus = course_syllabus(built.course)
    refs = [lesson.activity_ref(syllabus) for lesson in built.lessons]
    learners_needed = -(-writes // ACTIVITIES)
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"bench-{n}", email=f"bench-{n}@example.org")
        for n in range(learners_needed)
    )
    plan = [(users[n // ACTIVITIES], refs[n % ACTIVITIES], n) for n in range(writes)]
    # Each client writes for its own learners, as web workers do: one learner's requests come
    # from one browser, one after another, so two clients never wait for the same learner.
    parts = [
        [write for write in plan if write[2] // ACTIVITIES % clients == i] for i in range(clients)
    ]
    before = cpu_seconds()
    if connection.vendor == "postgresql":
        checkpoint()
        before = cpu_seconds()
        elapsed = _run_in_processes(parts)
    else:  # SQLite has one writer at a time: the writes go one after another
        elapsed = _run_in_threads([plan])
    after = cpu_seconds()
    rows = ActivityProgress.objects.count()
    completed = CourseProgress.objects.filter(completed_at__isnull=False).count()
    if rows != writes or completed != writes // ACTIVITIES:
        raise SystemExit(f"lost writes: {rows} rows, {completed} completed courses")
    cpu = {
        name: None
        if after[name] is None
        else round(1000 * (after[name] - before[name]) / writes, 3)
        for name in after
    }
    return {
        "writes": writes,
        "seconds": round(elapsed, 3),
        "per_s": round(writes / elapsed, 1),
        "cpu_ms": cpu,
    }


def cpu_seconds() -> dict:
    """CPU used so far by the clients (this process and its finished children) and, when the
    server runs on this machine, by PostgreSQL's processes (None when it does not)."""
    times = os.times()
    clients = times.user + times.system + times.children_user + times.children_system
    return {"clients": clients, "postgres": _postgres_cpu_seconds()}


def _postgres_cpu_seconds() -> float | None:
    if connection.vendor != "postgresql":
        return None
    ticks, found = 0, False
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:  # gone meanwhile, or not ours to read
            continue
        name, fields = stat[stat.index("(") + 1 : stat.rindex(")")], stat[stat.rindex(")") + 2 :]
        if name.startswith("postgres"):
            found = True
            # utime, stime, and the same of reaped children (backends that have exited)
            ticks += sum(int(value) for value in fields.split()[11:15])
    return ticks / os.sysconf("SC_CLK_TCK") if found else None


def disconnect_learning_records() -> None:
    """``--core-only``: no receiver of the progress signals runs."""
    for signal in (
        progress_signals.enrolled,
        progress_signals.activity_launched,
        progress_signals.activity_finished,
        progress_signals.attempt_answered,
        progress_signals.course_progressed,
        progress_signals.course_completed,
    ):
        with signal.lock:
            signal.receivers.clear()
            signal.sender_receivers_cache.clear()


def _write(part: list) -> None:
    """Each call as a web request makes it: inside the request's content-cache memo (the
    content version read once, cached entries kept for the request)."""
    for user, ref, number in part:
        token = caching.start_request()
        try:
            if number % 2:
                record_completion(user=user, activity=ref)
            else:
                record_score(user=user, activity=ref, score=0.9, passed=True)
        finally:
            caching.end_request(token)


def _run_in_processes(parts: list[list]) -> float:
    """One forked process per client, as web workers run in production (no shared GIL)."""
    connections.close_all()  # each child opens its own connection
    context = multiprocessing.get_context("fork")
    start = context.Barrier(len(parts) + 1)

    def child(part):
        start.wait()
        _write(part)
        connections.close_all()

    processes = [context.Process(target=child, args=(part,)) for part in parts]
    for process in processes:
        process.start()
    start.wait()
    started = time.perf_counter()
    for process in processes:
        process.join()
    elapsed = time.perf_counter() - started
    failed = [process.exitcode for process in processes if process.exitcode != 0]
    if failed:
        raise SystemExit(f"service writes failed in {len(failed)} client process(es)")
    return elapsed


def _run_in_threads(parts: list[list]) -> float:
    errors: list[BaseException] = []
    start = threading.Barrier(len(parts) + 1)

    def work(part):
        try:
            start.wait()
            _write(part)
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work, args=(part,)) for part in parts]
    for thread in threads:
        thread.start()
    start.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    if errors:
        raise SystemExit(f"service writes failed: {errors[0]!r}")
    return time.perf_counter() - started


def synchronous_commit() -> str | None:
    """PostgreSQL's ``synchronous_commit`` for the service's connections (None on SQLite)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


def checkpoint() -> None:
    """Start a phase with no dirty pages from the one before (a checkpoint that the earlier
    phase's writes set off would otherwise land in the middle of the next one)."""
    connections.close_all()
    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")
    connections.close_all()


def pgbench_inserts(clients: int, seconds: int) -> dict:
    """pgbench's single-row INSERT rate on the throwaway database."""
    binary = shutil.which("pgbench")
    if binary is None:
        raise SystemExit("pgbench was not found (Debian package postgresql-client or postgresql)")
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {PGBENCH_TABLE} (id bigserial PRIMARY KEY, user_id integer NOT NULL, "
            "activity_key uuid NOT NULL, status varchar(16) NOT NULL, score numeric(5, 4), "
            "written_at timestamptz NOT NULL, UNIQUE (user_id, activity_key))"
        )
    settings = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": settings.get("PASSWORD") or ""}
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write(PGBENCH_SCRIPT)
    checkpoint()
    before = _postgres_cpu_seconds()
    try:
        command = [binary, "-n", "-f", script.name, "-c", str(clients), "-j", str(clients)]
        command += ["-T", str(seconds), "-d", settings["NAME"]]
        for flag, key in (("-h", "HOST"), ("-p", "PORT"), ("-U", "USER")):
            if settings.get(key):
                command += [flag, str(settings[key])]
        result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    finally:
        os.unlink(script.name)
    if result.returncode != 0:
        raise SystemExit(f"pgbench failed: {result.stderr.strip()[-2000:]}")
    match = re.search(r"tps = ([0-9.]+) \(without initial connection time\)", result.stdout)
    if match is None:
        raise SystemExit(f"pgbench printed no rate: {result.stdout[-2000:]}")
    after = _postgres_cpu_seconds()
    done = re.search(r"number of transactions actually processed: ([0-9]+)", result.stdout)
    cpu = None
    if before is not None and after is not None and done and int(done.group(1)):
        cpu = round(1000 * (after - before) / int(done.group(1)), 3)
    return {
        "per_s": round(float(match.group(1)), 1),
        "output": result.stdout,
        "postgres_cpu_ms": cpu,
    }


def queue_tasks_without_running_them(broker: str) -> None:
    """As in production, rendering a certificate PDF is a worker's job, not the writer's:
    tasks are published to ``broker`` (in memory by default), to a queue of the bench's own
    that nothing consumes, instead of running inline."""
    celery_app.conf.task_always_eager = False
    celery_app.conf.broker_url = broker
    celery_app.conf.task_default_queue = BENCH_QUEUE


def purge_bench_queue() -> None:
    """Drop what the run published (the bench's own queue only)."""
    with celery_app.connection_for_write() as conn:
        conn.default_channel.queue_purge(BENCH_QUEUE)


def main(argv=None) -> int:
    args = parse_args(argv)
    queue_tasks_without_running_them(args.broker)
    vendor = connection.vendor
    if args.core_only:
        disconnect_learning_records()
    old_name = create_database()
    try:
        durability = synchronous_commit()
        service = service_writes(args.writes, args.clients)
        pgbench = pgbench_inserts(args.clients, args.seconds) if vendor == "postgresql" else None
    finally:
        connections.close_all()
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
        purge_bench_queue()
    summary = {
        "database": vendor,
        "clients": args.clients if vendor == "postgresql" else 1,
        "writes": service["writes"],
        "writes_per_s": service["per_s"],
        "pgbench_inserts_per_s": pgbench["per_s"] if pgbench else None,
        "ratio": round(service["per_s"] / pgbench["per_s"], 3) if pgbench else None,
        "core_only": args.core_only,
        "broker": args.broker.split("://", 1)[0],
        "synchronous_commit": durability,
        "cpu_ms_per_write": service["cpu_ms"],
        "postgres_cpu_ms_per_pgbench_insert": pgbench["postgres_cpu_ms"] if pgbench else None,
    }
    print(
        f"Savad progress writes: {vendor}, {args.clients} clients, {service['writes']} "
        f"service calls (record_score / record_completion, each one committed transaction)"
    )
    print(f"  service API: {service['per_s']} writes/s ({service['seconds']} s)")
    cpu = service["cpu_ms"]
    print(f"  CPU per write: clients {cpu['clients']} ms, PostgreSQL {cpu['postgres']} ms")
    if pgbench:
        print(f"  pgbench single-row INSERT, {args.seconds} s: {pgbench['per_s']} inserts/s")
        print(f"  PostgreSQL CPU per pgbench insert: {pgbench['postgres_cpu_ms']} ms")
        print(f"  ratio: {summary['ratio']}")
    else:
        print("  pgbench: skipped (not PostgreSQL)")
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
