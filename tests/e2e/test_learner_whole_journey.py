"""A new learner's whole journey in real Chromium, in Persian and English, on a 360 px phone and
a 1280 px desktop: sign up (with the e-mailed link), the home page and the catalogue, enrol,
work through a course's lessons, answer an H5P exercise in the lesson's language, take a quiz,
do a practice simulation, open the dashboard, download the certificate and verify it.
axe-core runs on every page the learner sees, and no page is wider than the screen."""

import json
import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import translation

from courses.models import LessonPage
from demo.curriculum import curriculum_dir
from demo.simulations import scenario_steps
from simulations.models import SimulationAttempt
from tests.e2e.conftest import axe_violations

SCREENS = {"phone": (360, 740), "desktop": (1280, 800)}
BROWSER_LOCALES = {"fa": "fa-IR", "en": "en-GB"}
# The H5P true/false exercise of the curriculum's two-step verification lesson, per language.
H5P_WORDS = {"fa": ("نادرست", "بررسی"), "en": ("False", "Check")}
CURRICULUM = [
    json.loads(path.read_text(encoding="utf-8")) for path in sorted(curriculum_dir().glob("*.json"))
]


@pytest.fixture
def full_demo(transactional_db):
    from demo import site as demo

    demo.seed()


def say(language: str, message: str) -> str:
    with translation.override(language):
        return translation.gettext(message)


class Journey:
    """The browser page with the checks every visited page gets."""

    def __init__(self, page, base: str, language: str, width: int):
        self.page, self.base, self.language, self.width = page, base, language, width
        self.visited: list[str] = []

    def t(self, message: str) -> str:
        return say(self.language, message)

    def goto(self, path: str) -> None:
        self.page.goto(self.base + path)
        self.check()

    def check(self) -> None:
        page = self.page
        page.wait_for_load_state()
        path = urlsplit(page.url).path
        assert page.locator("html").get_attribute("lang") == self.language, path
        assert page.locator("html").get_attribute("dir") == (
            "rtl" if self.language == "fa" else "ltr"
        ), path
        assert axe_violations(page) == [], path
        assert page.evaluate("document.documentElement.scrollWidth") <= self.width, path
        self.visited.append(path)

    def click(self, role: str, name: str, **wait) -> None:
        self.page.get_by_role(role, name=name, exact=True).first.click()
        if wait:
            self.page.wait_for_url(**wait)
        self.check()

    def enrol(self, course_path: str) -> None:
        self.goto(course_path)
        self.click("button", self.t("Enrol in this course"))


def test_new_learners_go_from_sign_up_to_a_verified_certificate(browser, live_server, full_demo):
    """One learner per language and screen (the demo site is seeded once for all four)."""
    for language in ("fa", "en"):
        for screen in SCREENS:
            journey_of_a_new_learner(browser, live_server.url, language, screen)


def journey_of_a_new_learner(browser, base: str, language: str, screen: str) -> None:
    width, height = SCREENS[screen]
    context = browser.new_context(
        viewport={"width": width, "height": height}, locale=BROWSER_LOCALES[language]
    )
    journey = Journey(context.new_page(), base, language, width)
    page, t = journey.page, journey.t
    try:
        # Sign up: the form, then the link sent by e-mail creates the account and signs in.
        journey.goto(f"/{language}/accounts/signup/")
        username = f"journey-{language}-{screen}"
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=display_name]").fill("مریم" if language == "fa" else "Maryam")
        page.locator("input[name=email]").fill(f"{username}@example.org")
        page.locator("input[name=password1]").fill("a long pass phrase 2026")
        page.locator("input[name=password2]").fill("a long pass phrase 2026")
        journey.click("button", t("Sign up"))
        link = re.search(r"https?://\S+/signup/confirm/\S+", mail.outbox[-1].body).group(0)
        page.goto(link)
        journey.check()
        journey.click("button", t("Create my account"), url=re.compile(r"/dashboard/$"))
        name = "مریم" if language == "fa" else "Maryam"
        assert t("Welcome to Savad, %(name)s!") % {"name": name} in page.content()

        journey.goto(f"/{language}/")
        journey.goto(f"/{language}/courses/")
        for spec in CURRICULUM:  # the curriculum's courses, in the page's language
            assert page.get_by_role("link", name=spec[language]["title"], exact=True).is_visible()

        # A course worked through lesson by lesson: "mark as complete" leads on, then back.
        course_path = f"/{language}/courses/your-phone/"
        journey.enrol(course_path)
        journey.goto(page.locator(".syllabus-entry a").first.get_attribute("href"))
        for _lesson in range(10):
            if not page.get_by_role("button", name=t("Mark as complete")).count():
                break
            journey.click("button", t("Mark as complete"))
        assert urlsplit(page.url).path == course_path
        assert page.get_by_role("link", name=t("See your certificate")).is_visible()
        assert not page.get_by_role("link", name=re.compile(t("Continue"))).count()

        # An H5P exercise that speaks the lesson's language, answered and reported.
        lesson = LessonPage.objects.get(
            slug="two-step-verification", locale__language_code=language
        )
        journey.enrol(lesson.get_parent().specific.url)
        journey.goto(lesson.url)
        frame = page.frame_locator("iframe[data-h5p-frame]")
        assert frame.locator("html").get_attribute("lang") == language
        direction = "rtl" if language == "fa" else "ltr"
        assert frame.locator("html").get_attribute("dir") == direction
        wrong, check = H5P_WORDS[language]
        frame.get_by_role("radio", name=wrong).click()
        with page.expect_response(re.compile(r"/h5p/xapi/")) as posted:
            frame.get_by_role("button", name=check).click()
        assert posted.value.status == 200
        # The language switch leads to the lesson's translation, whose exercise speaks its own.
        other = "en" if language == "fa" else "fa"
        translation_url = LessonPage.objects.get(
            translation_key=lesson.translation_key, locale__language_code=other
        ).url
        assert page.locator(f"a[hreflang={other}]").first.get_attribute("href") == translation_url

        # A quiz: started, submitted, reviewed with its score.
        bills = f"/{language}/courses/pay-a-bill-online/"
        journey.enrol(bills)
        journey.goto(bills + "bill-quiz/")
        journey.click(
            "button", t("Start the quiz"), url=re.compile(rf"/{language}/quizzes/attempts/\d+/$")
        )
        page.locator("#question-1 input[type=radio]").first.check()
        page.once("dialog", lambda dialog: dialog.accept())
        journey.click("button", t("Submit"), url=re.compile(r"/review/$"))
        assert ("٪" if language == "fa" else "%") in page.locator("main").inner_text()

        # A practice simulation in test mode: each screen answered, then the result.
        slug = "practice-spot-the-fake"
        journey.goto(bills + slug + "/")
        journey.click(
            "button",
            t("Start the practice"),
            url=re.compile(rf"/{language}/simulations/attempts/\d+/$"),
        )
        for step in scenario_steps(slug, language):
            assert page.get_by_role("heading", level=1).inner_text() == step["value"]["title"]
            right = next(option for option in step["value"]["options"] if option["correct"])
            page.locator("label.sim-option", has_text=right["text"]).locator("input").check()
            journey.click("button", t("Answer"))
        attempt = SimulationAttempt.objects.get(user__username=username)
        assert attempt.finished_at is not None and attempt.score == 1
        assert page.get_by_role("heading", level=1).inner_text() == t("Your result")
        hundred = "۱۰۰٪" if language == "fa" else "100%"
        assert hundred in page.locator(".quiz-grade").inner_text()

        # The dashboard, the certificate's PDF and its verification page.
        journey.goto(f"/{language}/dashboard/")
        certificate = page.locator(".certificates li").first
        with page.expect_download() as download:
            certificate.get_by_role("link", name=re.compile(re.escape(t("Download (PDF)")))).click()
        with open(download.value.path(), "rb") as pdf:
            assert pdf.read(5) == b"%PDF-"
        verify = certificate.get_by_role("link", name=re.compile(t("Verification page")))
        journey.goto(urlsplit(verify.get_attribute("href")).path)
        assert t("This certificate is valid.") in page.locator(".verdict").inner_text()
        assert name in page.locator(".certificate-facts").inner_text()
        # The verification page switches language on the learner's demand.
        switch = page.locator(f"a[hreflang={other}]").first
        switch.click()
        page.wait_for_function(f"document.documentElement.lang === '{other}'")
        assert say(other, "This certificate is valid.") in page.locator(".verdict").inner_text()
        assert axe_violations(page) == []
        assert len(journey.visited) >= 15, journey.visited
    except AssertionError as error:
        raise AssertionError(f"{language}, {screen}: {error}") from error
    finally:
        context.close()
