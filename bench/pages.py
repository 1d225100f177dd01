"""Benchmark of the learner's pages: catalogue, course and lesson, as an enrolled learner.

    python bench/pages.py [--lessons 50] [--modules 0] [--requests 200]

A throwaway database is created for the run (an in-memory one on SQLite; on PostgreSQL, when
DATABASE_URL points there, a ``test_<name>_bench_<pid>`` database next to the named one) and
dropped at the end, so no existing database is touched. It holds the demo site tree and one
published Persian course with ``--lessons`` lessons; a learner enrolled in it is logged in.

For each page: a few warm-up requests, then ``--requests`` timed GETs through Django's test
client (no network, no web server), the queries of one warm request, and the queries of one
request after ``cache.clear()`` (cold: the cached published structure is built again).
A table is printed, then, as the last line, one JSON object with the results.
"""

import argparse
import json
import math
import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection  # noqa: E402
from django.template import Template  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
    teardown_test_environment,
)

from bench.database import create_database  # noqa: E402

PAGES = ("catalogue", "course", "lesson")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lessons", type=int, default=50, help="lessons in the course (50)")
    parser.add_argument(
        "--modules", type=int, default=0, help="modules the lessons are spread over (0)"
    )
    parser.add_argument("--requests", type=int, default=200, help="timed GETs per page (200)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed GETs per page first (5)")
    args = parser.parse_args(argv)
    if args.lessons < 1 or args.requests < 1 or args.warmup < 1 or args.modules < 0:
        parser.error("--lessons, --requests and --warmup must be at least 1, --modules 0 or more")
    return args


def set_up_environment() -> None:
    render = Template._render
    setup_test_environment()
    # The test environment instruments template rendering so that the test client can keep a
    # copy of every context; production does no such thing, and on a long syllabus (one
    # template per entry) the copying costs about a fifth of the time. Render as production.
    Template._render = render


def build(lessons: int, modules: int):
    """The site tree, one course of ``lessons`` lessons and a learner enrolled in it."""
    from courses.services import enrol
    from tests.builders import build_course, catalogue

    built = build_course(slug="bench-course", lessons=lessons, modules=modules)
    learner = get_user_model().objects.create_user(  # no password: logged in by force_login
        username="bench-learner", email="bench-learner@example.org"
    )
    enrol(user=learner, course=built.course)
    urls = {
        "catalogue": catalogue("fa").url,
        "course": built.course.url,
        "lesson": built.lessons[len(built.lessons) // 2].url,
    }
    return learner, urls


def get(client: Client, url: str):
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}, not 200")
    return response


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        get(client, url)
    return len(queries)


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


def measure(client: Client, url: str, *, requests: int, warmup: int) -> dict:
    for _ in range(warmup):
        get(client, url)
    queries = count_queries(client, url)
    timings = []
    started = time.perf_counter()
    for _ in range(requests):
        before = time.perf_counter()
        get(client, url)
        timings.append(time.perf_counter() - before)
    elapsed = time.perf_counter() - started
    timings.sort()
    cache.clear()
    queries_cold = count_queries(client, url)
    return {
        "url": url,
        "requests_per_s": round(requests / elapsed, 1),
        "mean_ms": round(1000 * sum(timings) / len(timings), 2),
        "p95_ms": round(1000 * percentile(timings, 0.95), 2),
        "queries": queries,
        "queries_cold": queries_cold,
    }


def max_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux and in bytes on macOS.
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(rss / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def table(results: dict) -> str:
    header = f"{'page':<10} {'req/s':>8} {'mean ms':>9} {'p95 ms':>9} {'queries':>8} {'cold':>6}"
    lines = [header, "-" * len(header)]
    for page, row in results.items():
        lines.append(
            f"{page:<10} {row['requests_per_s']:>8} {row['mean_ms']:>9} {row['p95_ms']:>9} "
            f"{row['queries']:>8} {row['queries_cold']:>6}"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    args = parse_args(argv)
    set_up_environment()
    vendor = connection.vendor
    old_name = create_database()
    try:
        cache.clear()  # entries of another database must not be read
        learner, urls = build(args.lessons, args.modules)
        client = Client()
        client.force_login(learner)
        results = {
            page: measure(client, urls[page], requests=args.requests, warmup=args.warmup)
            for page in PAGES
        }
    finally:
        cache.clear()
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
        teardown_test_environment()
    summary = {
        "database": vendor,
        "lessons": args.lessons,
        "modules": args.modules,
        "requests": args.requests,
        "pages": {
            page: {key: value for key, value in row.items() if key != "url"}
            for page, row in results.items()
        },
        "max_rss_mb": max_rss_mb(),
    }
    print(
        f"Savad page benchmark: {vendor}, {args.lessons} lessons in {args.modules} modules, "
        f"{args.requests} requests per page (Django test client, logged-in enrolled learner)"
    )
    for page in PAGES:
        print(f"  {page}: {results[page]['url']}")
    print(table(results))
    print(f"peak memory (max RSS): {summary['max_rss_mb']} MB")
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
