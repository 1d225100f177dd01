"""Benchmark of the learner's pages: catalogue, course and lesson, as an enrolled learner.

    python bench/pages.py [--lessons 10,1000] [--per-module 10] [--requests 200]

A throwaway database is created for the run (an in-memory one on SQLite; on PostgreSQL, when
DATABASE_URL points there, a ``test_<name>_bench_<pid>`` database next to the named one) and
dropped at the end, so no existing database is touched. It holds the demo site tree and, for
each size in ``--lessons``, one published Persian course of that many lessons in modules of
``--per-module`` (0: no modules); a learner enrolled in all of them, who has completed the
first ``--done`` lessons of each, is logged in. Run with ``CACHE_URL=redis://…`` to measure
the cache production uses (the default is the test settings' per-process locmem).

For each page: a few warm-up requests, the queries and cache round trips of one warm request
and the HTML's size (raw and as sent); then ``--requests`` timed GETs through Django's test
client (no network, no web server) that accept gzip as browsers do, one page after another
in turns (a busy machine slows every size alike); then the queries of one request after
``cache.clear()`` (cold: the cached published structure is built again).
A table per size is printed, the ratios of the largest size's median to the smallest's, then,
as the last line, one JSON object with the results.
"""

import argparse
import gzip
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

from django.conf import settings  # noqa: E402
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
from tests.cache_calls import counting_cache_calls  # noqa: E402

PAGES = ("catalogue", "course", "lesson")


def sizes(text: str) -> list[int]:
    values = [int(part) for part in text.split(",") if part.strip()]
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError("lesson counts of at least 1, separated by commas")
    return values


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--lessons", type=sizes, default=[10, 1000], help="lessons per course (10,1000)"
    )
    parser.add_argument(
        "--per-module", type=int, default=10, help="lessons per module, 0 for none (10)"
    )
    parser.add_argument("--done", type=int, default=3, help="lessons the learner completed (3)")
    parser.add_argument("--requests", type=int, default=200, help="timed GETs per page (200)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed GETs per page first (5)")
    args = parser.parse_args(argv)
    if args.requests < 1 or args.warmup < 1 or args.per_module < 0 or args.done < 0:
        parser.error(
            "--requests and --warmup must be at least 1, --per-module and --done 0 or more"
        )
    return args


def set_up_environment() -> None:
    render = Template._render
    setup_test_environment()
    # The test environment instruments template rendering so that the test client can keep a
    # copy of every context; production does no such thing, and on a long syllabus (one
    # template per entry) the copying costs about a fifth of the time. Render as production.
    Template._render = render


def build(lessons: int, per_module: int, done: int, learner) -> dict:
    """One course of ``lessons`` lessons, ``learner`` enrolled with ``done`` completed."""
    from courses.selectors import course_syllabus
    from courses.services import enrol
    from progress.services import record_completion
    from tests.builders import build_course, catalogue

    modules = math.ceil(lessons / per_module) if per_module else 0
    built = build_course(slug=f"bench-{lessons}", lessons=lessons, modules=modules)
    enrol(user=learner, course=built.course)
    syllabus = course_syllabus(built.course)
    for lesson in built.lessons[:done]:
        record_completion(user=learner, activity=lesson.activity_ref(syllabus))
    return {
        "catalogue": catalogue("fa").url,
        "course": built.course.url,
        "lesson": built.lessons[len(built.lessons) // 2].url,
    }


def get(client: Client, url: str):
    response = client.get(url, HTTP_ACCEPT_ENCODING="gzip")
    if response.status_code != 200:
        raise SystemExit(f"GET {url} answered {response.status_code}, not 200")
    return response


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        get(client, url)
    return len(queries)


def count_cache_calls(client: Client, url: str) -> int:
    with counting_cache_calls() as calls:
        get(client, url)
    return len(calls)


def html_bytes(client: Client, url: str) -> tuple[int, int]:
    """The page's HTML: its size, and the size sent to a browser that accepts gzip."""
    sent = get(client, url)
    body = sent.content
    if sent.get("Content-Encoding") == "gzip":
        return len(gzip.decompress(body)), len(body)
    return len(body), len(body)


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest-rank percentile of already sorted values."""
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


def measure(client: Client, urls: dict[int, dict], *, requests: int, warmup: int) -> dict:
    """Every page of every size, timed in turns (one GET of each, ``requests`` times over),
    so that a busy machine slows all sizes alike and their ratio stays fair."""
    targets = [(size, page, url) for size, pages in urls.items() for page, url in pages.items()]
    results: dict[int, dict] = {size: {} for size in urls}
    for size, page, url in targets:
        for _ in range(warmup):
            get(client, url)
        raw, sent = html_bytes(client, url)
        results[size][page] = {
            "url": url,
            "queries": count_queries(client, url),
            "cache_calls": count_cache_calls(client, url),
            "html_bytes": raw,
            "sent_bytes": sent,
        }
    timings: dict[tuple, list[float]] = {(size, page): [] for size, page, _url in targets}
    for _ in range(requests):
        for size, page, url in targets:
            before = time.perf_counter()
            get(client, url)
            timings[size, page].append(time.perf_counter() - before)
    for size, page, url in targets:
        taken = sorted(timings[size, page])
        cache.clear()
        results[size][page].update(
            {
                "requests_per_s": round(len(taken) / sum(taken), 1),
                "mean_ms": round(1000 * sum(taken) / len(taken), 2),
                "p50_ms": round(1000 * percentile(taken, 0.50), 2),
                "p95_ms": round(1000 * percentile(taken, 0.95), 2),
                "queries_cold": count_queries(client, url),
            }
        )
    return results


def max_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux and in bytes on macOS.
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(rss / (1024 * 1024 if sys.platform == "darwin" else 1024), 1)


def table(results: dict) -> str:
    header = (
        f"{'page':<10} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'queries':>8} {'cold':>5} "
        f"{'cache':>6} {'HTML B':>8} {'gzip B':>7}"
    )
    lines = [header, "-" * len(header)]
    for page, row in results.items():
        lines.append(
            f"{page:<10} {row['requests_per_s']:>8} {row['p50_ms']:>8} {row['p95_ms']:>8} "
            f"{row['queries']:>8} {row['queries_cold']:>5} {row['cache_calls']:>6} "
            f"{row['html_bytes']:>8} {row['sent_bytes']:>7}"
        )
    return "\n".join(lines)


def main(argv=None) -> int:
    args = parse_args(argv)
    set_up_environment()
    vendor = connection.vendor
    cache_backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    old_name = create_database()
    try:
        cache.clear()  # entries of another database must not be read
        learner = get_user_model().objects.create_user(  # no password: logged in by force_login
            username="bench-learner", email="bench-learner@example.org"
        )
        client = Client()
        client.force_login(learner)
        urls = {
            lessons: build(lessons, args.per_module, args.done, learner) for lessons in args.lessons
        }
        cache.clear()
        results = measure(client, urls, requests=args.requests, warmup=args.warmup)
    finally:
        cache.clear()
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
        teardown_test_environment()
    smallest, largest = min(results), max(results)
    ratios = {
        page: round(results[largest][page]["p50_ms"] / results[smallest][page]["p50_ms"], 2)
        for page in PAGES
    }
    summary = {
        "database": vendor,
        "cache": cache_backend,
        "lessons": args.lessons,
        "per_module": args.per_module,
        "done": args.done,
        "requests": args.requests,
        "sizes": {
            str(lessons): {
                page: {key: value for key, value in row.items() if key != "url"}
                for page, row in rows.items()
            }
            for lessons, rows in results.items()
        },
        "p50_ratio": ratios,
        "max_rss_mb": max_rss_mb(),
    }
    print(
        f"Savad page benchmark: {vendor}, cache {cache_backend}, {args.requests} requests per "
        f"page (Django test client accepting gzip, logged-in enrolled learner who completed "
        f"{args.done} lessons)"
    )
    for lessons, rows in results.items():
        modules = math.ceil(lessons / args.per_module) if args.per_module else 0
        print(f"\n{lessons} lessons in {modules} modules:")
        for page in PAGES:
            print(f"  {page}: {rows[page]['url']}")
        print(table(rows))
    print(
        f"\np50 ratio {largest}/{smallest} lessons: "
        + ", ".join(f"{page} {ratio}" for page, ratio in ratios.items())
    )
    print(f"peak memory (max RSS): {summary['max_rss_mb']} MB")
    print(json.dumps(summary, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
