"""The benchmarks run end to end, on the database this test run uses, and stay in budget.

Each benchmark makes its own throwaway database. On PostgreSQL they copy this run's test
database as it was migrated (``migrated_template``, ``bench/database.py``) instead of migrating;
on SQLite each migrates an in-memory database, as a user's run does.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import redis
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
PAGES = {"catalogue", "course", "lesson"}
WARM_BUDGET = 10
PROGRESS_BROKER = "redis://127.0.0.1:6379/6"  # the progress bench's own Redis database

# django_db: the test database must exist, the benchmarks copy it (``migrated_template``).
pytestmark = [pytest.mark.slow, pytest.mark.django_db]


@pytest.fixture
def bench_env(request):
    """The environment of the benchmarks: this run's, DATABASE_URL included, plus a template."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "lms.settings.test"}
    if connection.vendor == "postgresql":
        env["SAVAD_BENCH_TEMPLATE"] = request.getfixturevalue("migrated_template")
    return env


def test_page_benchmark_runs_and_reports_warm_pages_within_ten_queries(bench_env):
    # The environment is kept as it is, DATABASE_URL included: the bench makes its own
    # throwaway database on whichever server this test run uses.
    env = bench_env
    result = subprocess.run(
        [
            sys.executable,
            "bench/pages.py",
            *("--lessons", "5,12", "--per-module", "4", "--requests", "5"),
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads(result.stdout.strip().splitlines()[-1])

    assert summary["lessons"] == [5, 12]
    assert summary["database"] in {"sqlite", "postgresql"}
    assert set(summary["sizes"]) == {"5", "12"}
    assert set(summary["p50_ratio"]) == PAGES
    for size, pages in summary["sizes"].items():
        assert set(pages) == PAGES
        for page, row in pages.items():
            where = (size, page, row)
            assert 0 < row["queries"] <= WARM_BUDGET, where
            assert row["queries_cold"] >= row["queries"], where
            assert 0 < row["cache_calls"] <= (3 if page != "catalogue" else 10), where
            assert row["requests_per_s"] > 0, where
            assert 0 < row["p50_ms"] <= row["p95_ms"], where
            assert 0 < row["sent_bytes"] < row["html_bytes"], where  # gzipped
        assert pages["course"]["queries"] == summary["sizes"]["5"]["course"]["queries"]
    assert summary["max_rss_mb"] > 0


def test_quiz_benchmark_grades_everything_and_keeps_quiz_page_queries_flat(bench_env):
    # As for pages.py: DATABASE_URL is kept, the bench makes its own throwaway database.
    env = bench_env
    result = subprocess.run(
        [sys.executable, "bench/quizzes.py", "--quick"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]  # a wrong grade or score exits 1
    summary = json.loads(result.stdout.strip().splitlines()[-1])

    assert summary["database"] in {"sqlite", "postgresql"}
    assert summary["responses"] == sum(summary["response_states"].values()) == 400
    assert set(summary["response_states"]) == {"correct", "partial", "incorrect", "unanswered"}
    assert summary["responses_graded_per_s"] > 0
    assert summary["attempt_submits"] == 10
    assert summary["attempt_submits_per_s"] > 0
    assert summary["queries_flat"] is True
    for page in ("quiz_page", "attempt_page"):
        queries = summary[f"{page}_queries"]
        assert set(queries) == {"10", "50"}, (page, queries)
        assert queries["10"] == queries["50"], (page, queries)  # no query per question
        assert 0 < queries["10"] <= WARM_BUDGET, (page, queries)
        assert all(ms > 0 for ms in summary[f"{page}_ms"].values()), page
    submit = summary["submit_queries"]
    assert submit["50"] <= submit["10"] + 2, submit  # a submit grades in bulk, too


def test_h5p_import_benchmark_places_every_file(bench_env):
    env = bench_env
    result = subprocess.run(
        [sys.executable, "bench/h5p_import.py", "--quick"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["files"] == summary["files_placed"] > 0
    assert summary["import_s"] > 0 and summary["unzip_t_s"] >= 0
    assert summary["peak_rss_mb"] > 0


def test_progress_benchmark_loses_no_write_and_compares_with_pgbench_on_postgresql(bench_env):
    # As for pages.py: DATABASE_URL is kept, the bench makes its own throwaway database.
    env = bench_env
    result = subprocess.run(
        [
            *[sys.executable, "bench/progress.py", "--writes", "40", "--clients", "2"],
            *["--seconds", "1", "--broker", PROGRESS_BROKER],
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]  # a lost write exits non-zero
    summary = json.loads(result.stdout.strip().splitlines()[-1])

    assert summary["writes"] == 40
    assert summary["writes_per_s"] > 0
    assert summary["broker"] == "redis"
    # Four learners completed the course: their PDF jobs went to the bench's queue, emptied.
    client = redis.Redis.from_url(PROGRESS_BROKER, socket_connect_timeout=3)
    try:
        assert client.llen("savad-bench-progress") == 0
        assert client.exists("_kombu.binding.savad-bench-progress")
    finally:
        client.close()
    if summary["database"] == "postgresql":
        assert summary["synchronous_commit"] == "on"  # durable, as pgbench's inserts
        assert summary["pgbench_inserts_per_s"] > 0
        assert summary["ratio"] == round(
            summary["writes_per_s"] / summary["pgbench_inserts_per_s"], 3
        )
    else:
        assert summary["database"] == "sqlite"
        assert summary["pgbench_inserts_per_s"] is None and summary["ratio"] is None


def test_stats_benchmark_times_every_report_and_export_beside_a_scan(bench_env):
    result = subprocess.run(
        [sys.executable, "bench/stats.py", "--learners", "30", "--courses", "2"]
        + ["--activities", "3", "--requests", "2", "--warmup", "1"],
        cwd=ROOT,
        env=bench_env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]  # a report that fails exits non-zero
    summary = json.loads(result.stdout.strip().splitlines()[-1])

    assert summary["scan_ms"] > 0
    assert set(summary["reports"]) == {"overview", "funnel", "learners", "quiz_items"}
    for name, row in summary["reports"].items():
        assert set(row) == {"p50_ms", "p95_ms"}, name
        assert 0 < row["p50_ms"] <= row["p95_ms"], (name, row)
    assert set(summary["exports"]) == {
        "learners_csv",
        "learners_xlsx",
        "overview_csv",
        "funnel_csv",
    }
    for name, row in summary["exports"].items():
        assert row["rows"] > 0 and row["rows_per_s"] > 0 and row["max_rss_mb"] > 0, (name, row)
    # every learner is enrolled in one course: one learner-table row each, in both formats
    assert summary["exports"]["learners_csv"]["rows"] == summary["enrolments"] == 30
    assert summary["exports"]["learners_xlsx"]["rows"] == 30
    assert summary["exports"]["funnel_csv"]["rows"] == 3  # the first course's activities
    assert summary["progress_rows"] > 0 and summary["attempts"] > 0


def test_search_benchmark_times_search_page_and_autocomplete_beside_a_raw_query(bench_env):
    result = subprocess.run(
        [sys.executable, "bench/search.py", "--lessons", "40", "--courses", "2"]
        + ["--queries", "10", "--warmup", "2"],
        cwd=ROOT,
        env=bench_env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]  # a search that fails exits non-zero
    summary = json.loads(result.stdout.strip().splitlines()[-1])

    assert summary["lessons"] == 40 and summary["queries"] == 10
    for name in ("search", "page", "autocomplete"):
        row = summary[name]
        assert 0 < row["p50_ms"] <= row["p95_ms"], (name, row)
    assert summary["queries_with_results"] > 0  # the queries come from the lessons' words
    if summary["database"] == "postgresql":
        assert 0 < summary["raw"]["p50_ms"] <= summary["raw"]["p95_ms"]
        assert summary["ratio"] > 0
    else:
        assert summary["database"] == "sqlite"
        assert summary["raw"] is None and summary["ratio"] is None


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="bench/load.py runs two servers on one PostgreSQL database",
)
def test_load_benchmark_serves_learners_on_two_servers_and_stores_each_write_once(bench_env):
    result = subprocess.run(
        [sys.executable, "bench/load.py", "--users", "5", "--seconds", "8", "--think", "0.2"]
        + ["--workers", "1", "--threads", "2"],
        cwd=ROOT,
        env=bench_env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-3000:]  # a failed request or write exits 1
    summary = json.loads(result.stdout.strip().splitlines()[-1])

    assert summary["target"] == "savad" and summary["servers"] == 2
    assert summary["total"]["requests"] > 0 and summary["total"]["failures"] == 0
    assert summary["errors"] == []
    for page in ("login", "catalogue", "course", "lesson", "complete"):
        row = summary["pages"][page]
        assert row["requests"] > 0 and row["failures"] == 0, (page, row)
        assert 0 < row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"], (page, row)
    writes = summary["writes"]
    assert writes["completions"] > 0  # the users marked lessons complete …
    assert writes["completion_rows"] == writes["completions"]  # … each stored exactly once
    assert writes["submitted_attempts"] == writes["submits"]
    assert writes["completions_lost"] == writes["completions_extra"] == 0
    assert writes["completions_duplicated"] == writes["submits_lost"] == 0
    assert writes["submits_extra"] == 0 and summary["writes_ok"] is True


@pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://")),
    reason="bench/load.py runs two servers on one PostgreSQL database",
)
def test_load_benchmark_on_wagtail_lms_stores_each_completion_once(bench_env):
    # Its own project and database (bench/wagtail_lms_site/), migrated from scratch.
    result = subprocess.run(
        [sys.executable, "bench/load.py", "--target", "wagtail-lms", "--users", "3"]
        + ["--seconds", "5", "--think", "0.2", "--workers", "1", "--threads", "2"],
        cwd=ROOT,
        env=bench_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]  # a failed request or write exits 1
    summary = json.loads(result.stdout.strip().splitlines()[-1])

    assert summary["target"] == "wagtail-lms" and summary["servers"] == 2
    assert summary["total"]["requests"] > 0 and summary["total"]["failures"] == 0
    assert summary["errors"] == []
    for page in ("login", "enrol", "course", "lesson", "complete"):
        row = summary["pages"][page]
        assert row["requests"] > 0 and row["failures"] == 0, (page, row)
        assert 0 < row["p50_ms"] <= row["p95_ms"] <= row["p99_ms"], (page, row)
    writes = summary["writes"]
    assert writes["completions"] > 0  # the users completed lessons over xAPI …
    assert writes["completion_rows"] == writes["completions"]  # … each stored exactly once
    assert writes["statements"] == writes["completions"]
    assert writes["completions_lost"] == writes["completions_extra"] == 0
    assert writes["completions_duplicated"] == 0 and summary["writes_ok"] is True
