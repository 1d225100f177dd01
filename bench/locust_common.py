"""What the locustfiles of ``bench/load.py`` share: the plan, the learner's frame and the result.

The plan (accounts, URLs, servers, think time) comes from the JSON file ``LOAD_PLAN`` names; a
locustfile hands back its figures per page and in total, the users started and every write the
server confirmed, in the JSON file ``LOAD_RESULT`` names (``report_on_quit``).
"""

import itertools
import json
import os
import re

from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

PLAN = json.loads(open(os.environ["LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
NUMBERS = itertools.count()


class PlannedLearner(FastHttpUser):
    """A learner with an account of its own, on one of the servers in turn, taking one step of
    its ``journey()`` (a generator the locustfile writes) per task."""

    abstract = True
    wait_time = between(PLAN["think"] * 0.5, PLAN["think"] * 1.5)

    def __init__(self, environment):
        self.number = next(NUMBERS)
        self.host = PLAN["hosts"][self.number % len(PLAN["hosts"])]
        super().__init__(environment)
        self.username = f"{PLAN['username_prefix']}{self.number}"
        self.steps = self.journey()

    def journey(self):
        raise NotImplementedError

    @task
    def step(self):
        next(self.steps)

    def page(self, name: str, url: str, expect: str = "") -> str:
        """The page's HTML, or "" when it failed (or lacks ``expect``)."""
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
                return ""
            if expect not in response.text:
                response.failure(f"no {expect!r}")
                return ""
            return response.text


def report_on_quit(confirmed: dict, attempted: dict) -> None:
    """Write the result file when Locust quits: figures, users started, the writes."""

    @events.quitting.add_listener
    def write_result(environment, **_kwargs):
        result = figures(environment.stats) | {
            "users_started": next(NUMBERS),
            "confirmed": confirmed,
            "attempted": attempted,
        }
        with open(os.environ["LOAD_RESULT"], "w", encoding="utf-8") as file:
            json.dump(result, file)


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
