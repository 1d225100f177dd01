"""A learner pays the practice electricity bill in Persian, in guided mode, in real Chromium:
one payment ID mistyped in Persian digits, the portal's error and the hint, the receipt, the
tracking step, the result, and the score on the dashboard; axe-core on every screen."""

import re
from decimal import Decimal

import pytest
from django.utils import translation

from core.templatetags.savad import fraction_percent
from core.text import persian_digits
from demo.site import DEMO_ACCOUNTS
from simulations.models import SimulationAttempt
from tests.e2e.conftest import axe_violations

ACCOUNTS = {a.role: a for a in DEMO_ACCOUNTS}
COURSE_PATH = "/fa/courses/pay-a-bill-online/"
SIMULATION_PATH = COURSE_PATH + "practice-pay-a-bill/"


def fa(text: str) -> str:
    with translation.override("fa"):
        return translation.gettext(text)


@pytest.fixture
def demo_site(transactional_db):
    from demo import site as demo

    demo.seed(curriculum=False)  # the demo courses: the whole learner journey loads the rest


def log_in(page, base):
    account = ACCOUNTS["learner"]
    page.goto(f"{base}/fa/accounts/login/")
    page.locator("input[name=username]").fill(account.username)
    page.locator("input[name=password]").fill(account.password)
    page.locator("form button[type=submit]").click()
    page.wait_for_load_state()


def screen_checked(page, title: str) -> None:
    """The step is shown alone, marked as practice, fits 360 px, and axe finds nothing serious."""
    assert page.get_by_role("heading", level=1).inner_text() == title
    assert page.locator(".practice-banner").is_visible()
    assert page.locator(".sim-screen[data-watermark]").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(page) == [], title


def next_step(page, button: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()


def test_learner_pays_the_practice_bill_in_persian_with_one_mistyped_payment_id(
    browser, page, live_server, demo_site
):
    base = live_server.url
    log_in(page, base)
    page.goto(base + COURSE_PATH)
    page.get_by_role("button", name=fa("Enrol in this course")).click()
    page.goto(base + SIMULATION_PATH)
    assert axe_violations(page) == []
    page.get_by_role("button", name=fa("Start the practice")).click()
    page.wait_for_url(re.compile(r"/fa/simulations/attempts/\d+/$"))
    assert page.locator("html").get_attribute("dir") == "rtl"
    persona = SimulationAttempt.objects.get().persona

    screen_checked(page, "قبض برق شما")
    card = page.locator(".sim-card").inner_text()
    bill_id, payment_id = persian_digits(persona["bill_id"]), persian_digits(persona["payment_id"])
    assert bill_id in card and payment_id in card  # the learner reads the bill
    next_step(page, fa("Continue"))

    screen_checked(page, "نوع قبض")
    page.get_by_label("برق", exact=True).check()
    next_step(page, fa("Continue"))

    screen_checked(page, "شناسهٔ قبض و شناسهٔ پرداخت")
    assert bill_id not in page.content() and payment_id not in page.content()
    page.get_by_label("شناسهٔ قبض", exact=True).fill(bill_id)
    typo = persona["payment_id"][:-1] + str((int(persona["payment_id"][-1]) + 1) % 10)
    mistyped = persian_digits(typo)  # the last digit mistyped: its check digit fails
    page.get_by_label("شناسهٔ پرداخت", exact=True).fill(mistyped)
    next_step(page, "استعلام قبض")
    alert = page.get_by_role("alert")
    error = fa("The payment ID is not valid for this bill. Check the digits on your bill.")
    assert error in alert.inner_text()
    field = page.get_by_label("شناسهٔ پرداخت", exact=True)
    assert field.get_attribute("aria-invalid") == "true"
    assert (
        error in page.locator(f"#{field.get_attribute('aria-describedby').split()[0]}").inner_text()
    )
    assert axe_violations(page) == []
    next_step(page, fa("Show a hint (lowers the score)"))
    assert "زیر نام مشترک" in page.locator("#hint").inner_text()
    page.get_by_label("شناسهٔ قبض", exact=True).fill(bill_id)
    page.get_by_label("شناسهٔ پرداخت", exact=True).fill(payment_id)
    next_step(page, "استعلام قبض")

    screen_checked(page, "مبلغ را بررسی کنید")
    page.get_by_label("مبلغ (ریال)").fill(persian_digits(persona["amount"]))
    next_step(page, fa("Continue"))

    screen_checked(page, "پیامک رمز پویا")
    otp = persian_digits(persona["otp"])
    assert otp in page.locator(".sim-card").inner_text()
    next_step(page, fa("Continue"))

    screen_checked(page, "تأیید پرداخت")
    page.get_by_label("رمز پویا", exact=True).fill(otp)
    page.get_by_label("مبلغ و شناسه‌ها را بررسی کردم.").check()
    next_step(page, "پرداخت")

    screen_checked(page, "رسید پرداخت")
    tracking = persian_digits(persona["tracking_code"])
    assert tracking in page.locator(".sim-card").inner_text()
    next_step(page, fa("Continue"))

    screen_checked(page, "پیگیری پرداخت")
    page.get_by_label("کد پیگیری").fill(tracking)
    next_step(page, "پیگیری")

    page.wait_for_url(re.compile(r"/result/$"))
    assert axe_violations(page) == []
    attempt = SimulationAttempt.objects.get()
    assert str(attempt.score) == "0.9000"  # one step lost a wrong try and a hint: 4.5 of 5
    assert "۹۰٪" in page.locator(".quiz-grade").inner_text()

    page.goto(f"{base}/fa/dashboard/")
    with translation.override("fa"):
        shown = fraction_percent(attempt.score)
    recent = page.locator("li", has_text="تمرین: پرداخت قبض برق").first
    assert shown in recent.inner_text()
    assert axe_violations(page) == []


def test_learner_registers_a_birth_with_a_solar_date_and_the_sample_certificate(
    browser, page, live_server, demo_site
):
    import datetime

    import jdatetime
    from django.contrib.staticfiles import finders

    base = live_server.url
    log_in(page, base)
    page.goto(base + COURSE_PATH)
    page.get_by_role("button", name=fa("Enrol in this course")).click()
    page.goto(base + COURSE_PATH + "practice-register-a-birth/")
    page.get_by_role("button", name=fa("Start the practice")).click()
    page.wait_for_url(re.compile(r"/fa/simulations/attempts/\d+/$"))
    persona = SimulationAttempt.objects.get().persona
    screen_checked(page, "تولد فرزند")
    next_step(page, fa("Continue"))

    screen_checked(page, "فرم ثبت ولادت")
    born = jdatetime.date.fromgregorian(date=datetime.date.fromisoformat(persona["issue_date"]))
    page.get_by_label("کد ملی پدر یا مادر").fill(persian_digits(persona["national_code"]))
    page.get_by_label(fa("Day"), exact=True).fill(persian_digits(str(born.day)))
    page.get_by_label(fa("Month"), exact=True).select_option(str(born.month))
    page.get_by_label(fa("Year"), exact=True).fill(persian_digits(str(born.year)))
    wrong = finders.find("simulations/samples/rental-contract.pdf")
    page.get_by_label("گواهی ولادت").set_input_files(wrong)
    page.get_by_label("درستی اطلاعات را تأیید می‌کنم.").check()
    next_step(page, "ثبت درخواست")
    assert (
        fa("This is not the document this form asks for.") in page.get_by_role("alert").inner_text()
    )
    assert axe_violations(page) == []
    assert page.get_by_label(fa("Month"), exact=True).input_value() == str(born.month)
    right = finders.find("simulations/samples/birth-certificate.pdf")
    page.get_by_label("گواهی ولادت").set_input_files(right)
    page.get_by_label("درستی اطلاعات را تأیید می‌کنم.").check()
    next_step(page, "ثبت درخواست")

    screen_checked(page, "رسید درخواست")
    next_step(page, fa("Continue"))
    screen_checked(page, "پیگیری درخواست")
    page.get_by_label("کد رهگیری").fill(persian_digits(persona["tracking_code"]))
    next_step(page, "پیگیری")
    page.wait_for_url(re.compile(r"/result/$"))
    assert SimulationAttempt.objects.get().score == Decimal("0.875")  # 0.75 and 1 over 2 steps
    assert axe_violations(page) == []
