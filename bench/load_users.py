"""The locustfile of ``bench/load.py``: learners walking through a course over HTTP.

Run by ``bench/load.py`` (``locust -f bench/load_users.py --headless …``), never alone: the
plan (accounts, URLs, servers) comes from the JSON file ``LOAD_PLAN`` names, and what the users
did (figures, errors, every write the server confirmed) goes to the file ``LOAD_RESULT`` names.

Each user logs in with an account of its own, on one of the servers in turn, enrols, then, a
page per task: the catalogue, the course, each lesson in turn with its "mark complete" (the
first time round; later rounds only read them), the dashboard and the quiz (start, save
answers, submit, review), then round again. A write counts as confirmed when its answer is the
redirect the view sends after the commit.
"""

import re

from bench.locust_common import CSRF, PLAN, PlannedLearner, report_on_quit

CONFIRMED = {"completions": [], "submits": []}
ATTEMPTED = {"completions": 0, "submits": 0}


class Learner(PlannedLearner):
    def on_start(self):
        form = self.page("login form", PLAN["login"])
        self.post(
            "login", PLAN["login"], form, {"username": self.username, "password": PLAN["password"]}
        )
        page = self.page("course", PLAN["course"])
        self.post("enrol", PLAN["enrol"], page, {})

    def journey(self):
        """The course from its first lesson to the quiz, then again (the lessons only read)."""
        lessons = list(PLAN["lessons"])
        while True:
            yield self.page("catalogue", PLAN["catalogue"])
            yield self.page("course", PLAN["course"])
            for lesson in PLAN["lessons"]:
                html = self.page("lesson", lesson["url"])
                if lessons and lessons[0] is lesson:
                    lessons.pop(0)
                    ATTEMPTED["completions"] += 1
                    if self.post("complete", lesson["complete"], html, {}):
                        CONFIRMED["completions"].append([self.username, lesson["id"]])
                yield
            yield self.page("dashboard", PLAN["dashboard"])
            yield from self.quiz()

    def quiz(self):
        html = self.page("quiz", PLAN["quiz"])
        attempt = self.post("quiz start", PLAN["quiz_start"], html, {}, expect="/attempts/")
        if not attempt:
            return
        yield
        html = self.page("quiz attempt", attempt)
        choice = re.search(r'name="q1-choice" value="([^"]+)"', html or "")
        answers = {"q1-choice": choice.group(1) if choice else "", "q2-value": "false"}
        answers |= {"q3-text": "کروم", "q4-text": "۴"}
        self.post("quiz save", attempt, html, {**answers, "action": "save"}, expect="/attempts/")
        yield
        ATTEMPTED["submits"] += 1
        review = self.post(
            "quiz submit", attempt, html, {**answers, "action": "submit"}, expect="/review/"
        )
        if review:
            CONFIRMED["submits"].append(self.username)
            yield self.page("quiz review", review)

    def post(self, name: str, url: str, form_page: str, data: dict, expect: str = "/") -> str:
        """POST with the CSRF token of ``form_page``; the redirect's target, or "" on failure."""
        token = CSRF.search(form_page or "")
        data = {**data, "csrfmiddlewaretoken": token.group(1) if token else ""}
        with self.client.post(
            url, data=data, name=name, allow_redirects=False, catch_response=True
        ) as response:
            location = response.headers.get("Location", "") if response.headers else ""
            if response.status_code != 302 or expect not in location:
                response.failure(f"status {response.status_code} to {location!r}")
                return ""
            return location


report_on_quit(CONFIRMED, ATTEMPTED)
