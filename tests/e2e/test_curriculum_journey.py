"""A learner finds the curriculum's courses and practises in a lesson whose H5P exercise speaks
the lesson's language: Persian (right to left) in the Persian lesson, English in the English one."""

import json
import re

import pytest

from courses.models import LessonPage
from demo.curriculum import curriculum_dir
from demo.site import DEMO_ACCOUNTS
from tests.e2e.conftest import axe_violations

LEARNER = next(a for a in DEMO_ACCOUNTS if a.role == "learner")
SPECS = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(curriculum_dir().glob("*.json"))]


@pytest.fixture
def curriculum_site(transactional_db):
    from demo import site as demo

    demo.seed()


def test_learner_practises_with_an_exercise_in_the_lessons_language(
    page, live_server, curriculum_site
):
    base = live_server.url
    page.goto(f"{base}/fa/accounts/login/")
    page.get_by_label("نام کاربری").fill(LEARNER.username)
    page.get_by_label("گذرواژه").fill(LEARNER.password)
    page.get_by_role("button", name="ورود").click()
    page.wait_for_url(f"{base}/fa/dashboard/")

    page.goto(f"{base}/fa/courses/")
    for spec in SPECS:
        assert page.get_by_role("link", name=spec["fa"]["title"], exact=True).is_visible()
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.get_by_role("link", name="امنیت در فضای مجازی", exact=True).click()
    page.get_by_role("button", name="ثبت‌نام در این دوره").click()
    lesson = LessonPage.objects.get(slug="two-step-verification", locale__language_code="fa")
    page.goto(base + lesson.url)
    assert page.get_by_role("heading", level=1).inner_text() == "تأیید دومرحله‌ای"

    frame = page.frame_locator("iframe[data-h5p-frame]")
    assert frame.locator("html").get_attribute("lang") == "fa"
    assert frame.locator("html").get_attribute("dir") == "rtl"
    assert "کارمند بانک" in frame.locator(".h5p-question-introduction").inner_text()
    frame.get_by_role("radio", name="نادرست").click()
    with page.expect_response(re.compile(r"/h5p/xapi/")) as posted:
        frame.get_by_role("button", name="بررسی").click()
    assert posted.value.status == 200
    assert axe_violations(page) == []

    # The language switch leads to the lesson's English translation.
    href = page.get_by_role("link", name="English").get_attribute("href")
    assert (
        href
        == LessonPage.objects.get(
            translation_key=lesson.translation_key, locale__language_code="en"
        ).url
    )
    page.goto(base + href)
    assert page.get_by_role("heading", level=1).inner_text() == "Two-step verification"
    frame = page.frame_locator("iframe[data-h5p-frame]")
    assert frame.locator("html").get_attribute("lang") == "en"
    assert frame.locator("html").get_attribute("dir") == "ltr"
    assert "bank" in frame.locator(".h5p-question-introduction").inner_text()
    assert frame.get_by_role("radio", name="False").is_visible()
