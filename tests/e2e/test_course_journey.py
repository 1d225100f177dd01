import re

import pytest

from demo.site import DEMO_ACCOUNTS
from tests.e2e.conftest import axe_violations

LEARNER = next(a for a in DEMO_ACCOUNTS if a.role == "learner")


@pytest.fixture
def demo_site(transactional_db):
    from demo import site as demo

    demo.seed(curriculum=False)  # the demo courses: the whole learner journey loads the rest


def log_in(page, base):
    page.goto(f"{base}/fa/accounts/login/")
    page.get_by_label("نام کاربری").fill(LEARNER.username)
    page.get_by_label("گذرواژه").fill(LEARNER.password)
    page.get_by_role("button", name="ورود").click()
    page.wait_for_url(f"{base}/fa/dashboard/")


def test_learner_enrols_learns_and_resumes_in_persian(page, live_server, demo_site):
    base = live_server.url
    log_in(page, base)
    page.get_by_role("link", name="دوره‌ها").first.click()
    page.wait_for_url(f"{base}/fa/courses/")
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    page.get_by_role("link", name="پرداخت قبض به‌صورت آنلاین").click()
    page.get_by_role("button", name="ثبت‌نام در این دوره").click()
    assert (
        "در دورهٔ «پرداخت قبض به‌صورت آنلاین» ثبت‌نام شدید." in page.locator(".messages").inner_text()
    )
    page.get_by_role("link", name="شروع دوره").click()
    assert page.get_by_role("heading", level=1).inner_text() == "شناسهٔ قبض و شناسهٔ پرداخت"
    assert axe_violations(page) == []

    page.get_by_role("button", name="علامت‌گذاری به‌عنوان تکمیل‌شده").click()
    # Marking complete moves on to the next lesson, with a tick on the first in the syllabus.
    assert page.get_by_role("heading", level=1).inner_text() == "درگاه پرداخت امن"
    first_entry = page.locator(".syllabus-entry").first
    assert "status-completed" in first_entry.get_attribute("class")

    # Coming back later: the home page offers to continue where the learner stopped.
    page.goto(f"{base}/fa/")
    page.get_by_role("link", name=re.compile("از همان جایی که ماندید ادامه دهید")).click()
    assert page.get_by_role("heading", level=1).inner_text() == "درگاه پرداخت امن"

    # Switching language keeps the enrolment and the tick.
    page.get_by_role("link", name="English").click()
    page.wait_for_url(re.compile(r"/en/"))
    assert page.get_by_role("heading", level=1).inner_text() == "A safe payment page"
    assert "status-completed" in page.locator(".syllabus-entry").first.get_attribute("class")
    assert page.locator("html").get_attribute("dir") == "ltr"
