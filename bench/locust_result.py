"""What a locustfile of ``bench/load.py`` hands back: its figures per page and in total."""


def figures(stats) -> dict:
    """Requests, failures, requests/s and p50/p95/p99 in total and per page, and the errors."""
    pages = {name: _row(entry) for (name, _method), entry in sorted(stats.entries.items())}
    return {
        **_row(stats.total),
        "pages": pages,
        "errors": [
            {"name": error.name, "error": str(error.error), "occurrences": error.occurrences}
            for error in stats.errors.values()
        ],
    }


def _row(entry) -> dict:
    return {
        "requests": entry.num_requests,
        "failures": entry.num_failures,
        "requests_per_s": round(entry.total_rps, 2),
        "p50_ms": entry.get_response_time_percentile(0.5),
        "p95_ms": entry.get_response_time_percentile(0.95),
        "p99_ms": entry.get_response_time_percentile(0.99),
    }
