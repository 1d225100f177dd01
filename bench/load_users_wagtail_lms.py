"""The locustfile of ``bench/load.py --target wagtail-lms``: learners through a wagtail-lms course.

Run by ``bench/load.py``, never alone (the plan comes from ``LOAD_PLAN``, the result goes to
``LOAD_RESULT``, as for ``bench/load_users.py``). The journey is Savad's where wagtail-lms has the
page: log in, open the course and enrol (wagtail-lms enrols on a GET of its enrol URL), then
round the course: the course page, each lesson in turn with its completion the first time round
(later rounds only read the lessons). wagtail-lms has no catalogue, dashboard or quiz.

A lesson is completed as wagtail-lms's lesson page does it in the browser once the H5P activity
is finished: a POST of an xAPI "completed" statement (JSON) to the activity's xAPI endpoint, with
the page's CSRF token in ``X-CSRFToken``. It counts as confirmed when the answer is 200
``{"status": "ok"}``, which wagtail-lms sends after storing the statement and the completion.
"""

import itertools
import json
import os
import re

from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

from bench.locust_result import figures

PLAN = json.loads(open(os.environ["LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115
THINK = PLAN["think"]
NUMBERS = itertools.count()
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
CONFIRMED = {"completions": []}
ATTEMPTED = {"completions": 0}
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"


class WagtailLmsLearner(FastHttpUser):
    wait_time = between(THINK * 0.5, THINK * 1.5)

    def __init__(self, environment):
        self.number = next(NUMBERS)
        self.host = PLAN["hosts"][self.number % len(PLAN["hosts"])]
        super().__init__(environment)
        self.username = f"{PLAN['username_prefix']}{self.number}"
        self.steps = self.journey()

    def on_start(self):
        form = self.page("login form", PLAN["login"])
        token = CSRF.search(form)
        data = {"username": self.username, "password": PLAN["password"]}
        data["csrfmiddlewaretoken"] = token.group(1) if token else ""
        self.redirect("login", "POST", PLAN["login"], data)
        self.page("course", PLAN["course"], expect="Enroll in Course")
        self.redirect("enrol", "GET", PLAN["enrol"], None, expect=PLAN["course"])

    @task
    def step(self):
        next(self.steps)

    def journey(self):
        lessons = list(PLAN["lessons"])
        while True:
            yield self.page("course", PLAN["course"])
            for lesson in PLAN["lessons"]:
                html = self.page(
                    "lesson", lesson["url"], expect=f'data-xapi-url="{lesson["xapi"]}"'
                )
                if lessons and lessons[0] is lesson:
                    lessons.pop(0)
                    ATTEMPTED["completions"] += 1
                    if self.complete(lesson, html):
                        CONFIRMED["completions"].append([self.username, lesson["id"]])
                yield

    def complete(self, lesson: dict, html: str) -> bool:
        """The xAPI "completed" statement of the lesson's activity; True when stored."""
        token = CSRF.search(html)
        statement = {
            "actor": {"name": self.username, "objectType": "Agent"},
            "verb": {"id": COMPLETED, "display": {"en-US": "completed"}},
            "object": {"id": lesson["activity_iri"], "objectType": "Activity"},
            "result": {"completion": True, "success": True, "duration": "PT12S"},
        }
        headers = {
            "Content-Type": "application/json",
            "X-CSRFToken": token.group(1) if token else "",
        }
        with self.client.post(
            lesson["xapi"],
            data=json.dumps(statement),
            headers=headers,
            name="complete",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or '"ok"' not in (response.text or ""):
                response.failure(f"status {response.status_code}")
                return False
            return True

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

    def redirect(self, name: str, method: str, url: str, data, expect: str = "/") -> bool:
        with self.client.request(
            method, url, data=data, name=name, allow_redirects=False, catch_response=True
        ) as response:
            location = response.headers.get("Location", "") if response.headers else ""
            if response.status_code != 302 or expect not in location:
                response.failure(f"status {response.status_code} to {location!r}")
                return False
            return True


@events.quitting.add_listener
def write_result(environment, **_kwargs):
    result = figures(environment.stats) | {
        "users_started": next(NUMBERS),
        "confirmed": CONFIRMED,
        "attempted": ATTEMPTED,
    }
    with open(os.environ["LOAD_RESULT"], "w", encoding="utf-8") as file:
        json.dump(result, file)
