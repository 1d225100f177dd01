"""Benchmark of the statistics reports and exports after ``seed_scale``, as an administrator.

    DATABASE_URL=postgres://… python bench/stats.py [--learners 2000] [--courses 5]
        [--activities 20] [--requests 20]
    # the issue's size (~10M progress rows; minutes to seed, hours on a small machine):
    python bench/stats.py --learners 100000 --courses 20 --activities 100

A throwaway database is created for the run (``bench/database.py``) and dropped at the end.
It gets the demo site tree, then ``manage.py seed_scale`` with the sizes given; on PostgreSQL
``VACUUM ANALYZE`` follows, as autovacuum would on a live site.

Timed through Django's test client (no network), logged in as a superuser:

- the reports: overview, one course's funnel, the first page of the learner table, and one
  quiz's item analysis — a few warm-up GETs, then ``--requests`` timed GETs, p50/p95 in ms;
- the exports (CSV and XLSX of the learner table, CSV of the overview and the funnel): rows
  written per second (the CSV rows parsed back, the XLSX rows read with openpyxl) and the
  process's peak resident memory after the export (``getrusage``: a running maximum, so an
  export that needed more memory than the ones before it raises it);
- the reports over more than ``STATS_EXACT_LIMIT`` learners are computed by the first warm-up
  GET and stored (``stats/rollups.py``); the timed GETs read them, as on a live site where
  beat refreshes them in the background. ``rollups`` gives each one's computing time;
- beside them, ``scan_ms``: the p50 of ``SELECT count(*)`` over the whole progress table,
  which PostgreSQL answers with an index-only scan after the VACUUM: the floor a report that
  reads every row cannot beat.

The last line is one JSON object:
``{"scan_ms": …, "reports": {"<name>": {"p50_ms": …, "p95_ms": …}}, "exports": {…}, …}``.
"""

import argparse
import csv
import io
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment, teardown_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

from bench.database import create_database  # noqa: E402

REPORTS = ("overview", "funnel", "learners", "quiz_items")
EXPORTS = ("learners_csv", "learners_xlsx", "overview_csv", "funnel_csv")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--learners", type=int, default=2000, help="learners seeded (2000)")
    parser.add_argument("--courses", type=int, default=5, help="courses seeded (5)")
    parser.add_argument("--activities", type=int, default=20, help="pages per course (20)")
    parser.add_argument("--requests", type=int, default=20, help="timed GETs per report (20)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed GETs per report first (2)")
    parser.add_argument(
        "--existing",
        action="store_true",
        help="measure DATABASE_URL's database as it is (already seeded by seed_scale and "
        "vacuumed): no throwaway database, no seeding, nothing dropped",
    )
    args = parser.parse_args(argv)
    if min(args.learners, args.courses, args.requests, args.warmup) < 1 or args.activities < 2:
        parser.error("sizes and counts must be at least 1, --activities at least 2")
    return args


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile (p95 of 20 values is the 19th smallest)."""
    ordered = sorted(values)
    rank = max(1, -(-int(fraction * 100) * len(ordered) // 100))
    return ordered[rank - 1]


def seed(args) -> dict:
    from demo import site

    started = time.perf_counter()
    site.seed(courses=False)
    out = io.StringIO()
    call_command(
        "seed_scale",
        learners=args.learners,
        courses=args.courses,
        activities=args.activities,
        force=True,
        stdout=out,
    )
    print(out.getvalue().rstrip())
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    return {"seed_s": round(time.perf_counter() - started, 2)}


def report_urls() -> dict[str, str]:
    from courses.models import CoursePage
    from quizzes.models import QuizPage

    course = CoursePage.objects.filter(slug="scale-1").get()
    quiz = QuizPage.objects.descendant_of(course).get()
    return {
        "overview": reverse("stats:overview"),
        "funnel": reverse("stats:funnel", args=[course.translation_key]),
        "learners": reverse("stats:learners"),
        "quiz_items": reverse("stats:quiz", args=[quiz.translation_key]),
    }


def time_get(client: Client, url: str, requests: int, warmup: int) -> dict:
    for _ in range(warmup):
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    times = []
    for _ in range(requests):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
    return {"p50_ms": round(percentile(times, 0.5), 2), "p95_ms": round(percentile(times, 0.95), 2)}


def time_export(client: Client, url: str, kind: str) -> dict:
    started = time.perf_counter()
    response = client.get(url, {"export": kind})
    if response.status_code != 200:
        raise SystemExit(f"{url}?export={kind} answered {response.status_code}")
    with tempfile.TemporaryFile() as file:  # not in memory: the RSS is the view's
        for chunk in response.streaming_content if response.streaming else [response.content]:
            file.write(chunk)
        elapsed = time.perf_counter() - started
        max_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        file.seek(0)
        rows = count_rows(file, kind)
    return {
        "rows": rows,
        "rows_per_s": round(rows / elapsed, 1),
        "seconds": round(elapsed, 3),
        "max_rss_mb": round(max_rss_mb, 1),
    }


def count_rows(file, kind: str) -> int:
    """The data rows of an exported file (its heading row left out)."""
    if kind == "csv":
        return sum(1 for _row in csv.reader(io.TextIOWrapper(file, encoding="utf-8-sig"))) - 1
    from openpyxl import load_workbook

    sheet = load_workbook(file, read_only=True).active
    return sum(1 for _row in sheet.iter_rows()) - 1


def scan_ms(repeats: int) -> float:
    from progress.models import ActivityProgress

    table = connection.ops.quote_name(ActivityProgress._meta.db_table)
    times = []
    with connection.cursor() as cursor:
        for _ in range(repeats + 1):  # the first one warms the cache
            started = time.perf_counter()
            cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608 - a model's table
            cursor.fetchone()
            times.append((time.perf_counter() - started) * 1000)
    return round(statistics.median(times[1:]), 3)


def measure(args) -> dict:
    admin = get_user_model().objects.filter(username="bench-admin").first()
    admin = admin or get_user_model().objects.create_superuser(
        username="bench-admin", email="bench-admin@example.org"
    )
    client = Client()
    client.force_login(admin)
    urls = report_urls()
    reports = {name: time_get(client, urls[name], args.requests, args.warmup) for name in REPORTS}
    exports = {
        name: time_export(client, urls[name.rsplit("_", 1)[0]], name.rsplit("_", 1)[1])
        for name in EXPORTS
    }
    return {
        "scan_ms": scan_ms(args.requests),
        "reports": reports,
        "exports": exports,
        "rollups": rollup_costs(),
    }


def rollup_costs() -> dict:
    """How long computing each stored rollup took (the first view of a large scope, and each
    background refresh), by report."""
    from stats.models import Rollup

    rows = Rollup.objects.values_list("report", "compute_ms", "size")
    return {report: {"compute_ms": ms, "size": size} for report, ms, size in rows}


def counts() -> dict:
    from courses.models import Enrolment
    from progress.models import ActivityProgress
    from quizzes.models import Attempt

    return {
        "enrolments": Enrolment.objects.count(),
        "progress_rows": ActivityProgress.objects.count(),
        "attempts": Attempt.objects.count(),
    }


def main(argv=None) -> int:
    args = parse_args(argv)
    vendor = connection.vendor
    setup_test_environment()
    if args.existing:
        from stats.models import Rollup

        Rollup.objects.all().delete()  # derived data: the warm-up computes it again, timed
        try:
            seeded = {"seed_s": 0.0}
            sizes = counts()
            figures = measure(args)
        finally:
            connections.close_all()
            teardown_test_environment()
    else:
        old_name = create_database()
        try:
            seeded = seed(args)
            sizes = counts()
            figures = measure(args)
        finally:
            connections.close_all()
            connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
            teardown_test_environment()
    summary = {**figures, "database": vendor, **sizes, **seeded}
    shape = (
        "an existing database"
        if args.existing
        else f"{args.learners} learners, {args.courses} courses × {args.activities} activities"
    )
    print(
        f"Savad statistics: {vendor}, {shape}, {sizes['enrolments']} enrolments, "
        f"{sizes['progress_rows']} progress rows, {sizes['attempts']} attempts "
        f"(seeded in {seeded['seed_s']} s)"
    )
    print(f"  index-only scan of the progress table (count(*)): {figures['scan_ms']} ms")
    for name, row in figures["reports"].items():
        ratio = row["p95_ms"] / figures["scan_ms"] if figures["scan_ms"] else float("inf")
        print(
            f"  {name:<12} p50 {row['p50_ms']:>8} ms  p95 {row['p95_ms']:>8} ms  "
            f"({ratio:.1f}× scan)"
        )
    for name, row in figures["rollups"].items():
        print(f"  rollup {name:<10} computed in {row['compute_ms']} ms over {row['size']} learners")
    for name, row in figures["exports"].items():
        print(
            f"  {name:<14} {row['rows']:>7} rows  {row['rows_per_s']:>10} rows/s  "
            f"peak RSS {row['max_rss_mb']} MB"
        )
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
