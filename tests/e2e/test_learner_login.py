import pytest

from demo.site import DEMO_ACCOUNTS
from tests.e2e.conftest import axe_violations

LEARNER = next(a for a in DEMO_ACCOUNTS if a.role == "learner")


@pytest.fixture
def demo_site(transactional_db):
    from demo import site as demo

    demo.seed(curriculum=False)  # the demo courses: the whole learner journey loads the rest


def test_demo_learner_logs_in_in_persian_and_sees_home(page, live_server, demo_site):
    page.goto(f"{live_server.url}/")
    assert page.url == f"{live_server.url}/fa/"
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "fa"

    page.get_by_role("link", name="ورود").first.click()
    page.get_by_label("نام کاربری").fill(LEARNER.username)
    page.get_by_label("گذرواژه").fill(LEARNER.password)
    page.get_by_role("button", name="ورود").click()

    page.wait_for_url(f"{live_server.url}/fa/dashboard/")  # a learner lands on the dashboard
    page.goto(f"{live_server.url}/fa/")
    welcome = page.locator(".welcome")
    assert welcome.inner_text().strip() == f"{LEARNER.display_name}، خوش برگشتید!"
    assert page.get_by_role("button", name="خروج").is_visible()

    # Usable on a 360 px phone: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # The Vazirmatn web font from npm is loaded and used.
    assert page.evaluate("document.fonts.check('16px Vazirmatn')")
    # Keyboard: the first Tab reaches the skip link.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert axe_violations(page) == []


def test_wrong_password_in_the_browser_shows_message(page, live_server, demo_site):
    page.goto(f"{live_server.url}/fa/accounts/login/")
    page.get_by_label("نام کاربری").fill(LEARNER.username)
    page.get_by_label("گذرواژه").fill("not-the-password")
    page.get_by_role("button", name="ورود").click()
    alert = page.get_by_role("alert")
    assert "نام کاربری و گذرواژه" in alert.inner_text()
    assert axe_violations(page) == []


def test_language_switcher_keeps_the_page(page, live_server, demo_site):
    page.goto(f"{live_server.url}/fa/accounts/signup/")
    page.get_by_role("link", name="English").click()
    page.wait_for_url(f"{live_server.url}/en/accounts/signup/")
    assert page.locator("html").get_attribute("dir") == "ltr"
    assert page.get_by_role("heading", level=1).inner_text() == "Create your Savad account"
    assert axe_violations(page) == []
