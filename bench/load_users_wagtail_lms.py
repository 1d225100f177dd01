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

import json

from bench.locust_common import CSRF, PLAN, PlannedLearner, report_on_quit

CONFIRMED = {"completions": []}
ATTEMPTED = {"completions": 0}
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"


class WagtailLmsLearner(PlannedLearner):
    def on_start(self):
        form = self.page("login form", PLAN["login"])
        token = CSRF.search(form)
        data = {"username": self.username, "password": PLAN["password"]}
        data["csrfmiddlewaretoken"] = token.group(1) if token else ""
        self.redirect("login", "POST", PLAN["login"], data)
        self.page("course", PLAN["course"], expect="Enroll in Course")
        self.redirect("enrol", "GET", PLAN["enrol"], None, expect=PLAN["course"])

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

    def redirect(self, name: str, method: str, url: str, data, expect: str = "/") -> bool:
        with self.client.request(
            method, url, data=data, name=name, allow_redirects=False, catch_response=True
        ) as response:
            location = response.headers.get("Location", "") if response.headers else ""
            if response.status_code != 302 or expect not in location:
                response.failure(f"status {response.status_code} to {location!r}")
                return False
            return True


report_on_quit(CONFIRMED, ATTEMPTED)
