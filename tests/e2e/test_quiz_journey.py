"""A learner takes the demo quiz in Persian, reloads midway, submits; a teacher grades the essay."""

import re

import pytest
from django.utils import translation

from demo.site import DEMO_ACCOUNTS
from tests.e2e.conftest import axe_violations

ACCOUNTS = {a.role: a for a in DEMO_ACCOUNTS}
QUIZ_PATH = "/fa/courses/pay-a-bill-online/bill-quiz/"


def fa(text: str) -> str:
    with translation.override("fa"):
        return translation.gettext(text)


@pytest.fixture
def demo_site(transactional_db):
    from demo import site as demo

    demo.seed(curriculum=False)  # the demo courses: the whole learner journey loads the rest


def log_in(page, base, role):
    account = ACCOUNTS[role]
    page.goto(f"{base}/fa/accounts/login/")
    page.locator("input[name=username]").fill(account.username)
    page.locator("input[name=password]").fill(account.password)
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()


def question(page, number: int):
    return page.locator(f"#question-{number}")


def test_learner_takes_a_quiz_in_persian_and_a_teacher_grades_the_essay(
    browser, page, live_server, demo_site
):
    base = live_server.url
    log_in(page, base, "learner")
    page.goto(f"{base}/fa/courses/pay-a-bill-online/")
    page.get_by_role("button", name=fa("Enrol in this course")).click()
    page.goto(base + QUIZ_PATH)
    assert axe_violations(page) == []
    page.get_by_role("button", name=fa("Start the quiz")).click()
    page.wait_for_url(re.compile(r"/fa/quizzes/attempts/\d+/$"))
    attempt_url = page.url
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # The first three answers, then a reload: they were saved on the server as the learner went.
    question(page, 1).get_by_label("روی خود قبض، کنار شناسهٔ پرداخت").check()
    question(page, 2).get_by_label(fa("True"), exact=True).check()
    question(page, 3).get_by_role("textbox").fill("رمز يكبار مصرف")  # Arabic ي and ك
    saved = fa("Your answers are saved.")
    page.wait_for_function(
        "text => document.querySelector('[data-autosave-status]').textContent === text", arg=saved
    )
    page.reload()
    assert question(page, 1).get_by_label("روی خود قبض، کنار شناسهٔ پرداخت").is_checked()
    assert question(page, 3).get_by_role("textbox").input_value() == "رمز يكبار مصرف"

    question(page, 4).get_by_role("textbox").fill("۱۲۰۰۰")  # Persian digits
    pairs = {
        "شناسهٔ قبض": "نشان می‌دهد قبض مال کدام مشترک است",
        "شناسهٔ پرداخت": "نشان می‌دهد چه مبلغی برای کدام دوره است",
        "رمز پویا": "خرید را تأیید می‌کند",
    }
    for left, right in pairs.items():
        question(page, 5).get_by_label(left, exact=True).select_option(label=right)
    question(page, 6).get_by_role("textbox").fill("قبض برق را از برنامهٔ بانک می‌پردازم.")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=fa("Submit"), exact=True).click()

    page.wait_for_url(re.compile(r"/review/$"))
    review = page.locator("main").inner_text()
    assert fa("A teacher still has to grade some answers.") in review
    assert "درست است؛ هر دو شناسه روی قبض چاپ شده‌اند." in review  # feedback after submit
    assert axe_violations(page) == []

    # The teacher grades the essay in the admin's grading queue.
    teacher_context = browser.new_context(locale="en-GB")
    teacher = teacher_context.new_page()
    log_in(teacher, base, "teacher")
    teacher.goto(f"{base}/admin/quizzes/grading/")
    teacher.locator("main a.button[href*='/admin/quizzes/grading/']").first.click()
    assert "قبض برق را از برنامهٔ بانک می‌پردازم." in teacher.locator("main").inner_text()
    teacher.locator("input[name=marks]").fill("1")
    teacher.locator("textarea[name=comment]").fill("خوب نوشتید.")
    teacher.locator("main form button[type=submit]").click()
    teacher.wait_for_url(re.compile(r"/admin/quizzes/grading/$"))
    teacher_context.close()

    page.goto(attempt_url + "review/")
    review = page.locator("main").inner_text()
    assert "۱۰۰٪" in review or "100%" in review
    assert "خوب نوشتید." in review
    page.goto(base + QUIZ_PATH)
    assert fa("Review") in page.locator("table.attempts").inner_text()
