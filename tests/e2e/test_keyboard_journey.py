"""A learner who uses only the keyboard, on a phone-sized Persian page: log in, open a course
from the dashboard, enrol, open the first lesson and mark it complete. Every element the Tab key
reaches shows where the focus is (an outline or a focus shadow)."""

import pytest
from django.utils import translation

from demo.site import DEMO_ACCOUNTS
from progress.models import ActivityProgress

LEARNER = next(a for a in DEMO_ACCOUNTS if a.role == "learner")
COURSE_PATH = "/fa/courses/pay-a-bill-online/"  # a demo course the demo learner is not in yet

FOCUS_SHOWN = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow && style.boxShadow !== "none";
  return {shown: Boolean(outline || shadow), tag: el.tagName, text: (el.innerText || "").trim(),
          href: el.getAttribute("href"), name: el.getAttribute("name")};
}"""


@pytest.fixture
def demo_site(transactional_db):
    from demo import site as demo

    demo.seed(curriculum=False)


def fa(message: str) -> str:
    with translation.override("fa"):
        return translation.gettext(message)


def tab_to(page, wanted, *, limit: int = 80) -> dict:
    """Press Tab until ``wanted(focused)`` holds; every stop on the way must show its focus."""
    for _press in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_SHOWN)
        if focused is None:
            continue
        assert focused["shown"], f"no visible focus on {focused}"
        if wanted(focused):
            return focused
    raise AssertionError(f"Tab never reached the element on {page.url}")


def test_a_keyboard_only_learner_enrols_and_completes_a_lesson(browser, live_server, demo_site):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fa-IR")
    page = context.new_page()
    base = live_server.url
    try:
        page.goto(f"{base}/fa/accounts/login/")
        tab_to(page, lambda el: el["name"] == "username")
        page.keyboard.type(LEARNER.username)
        tab_to(page, lambda el: el["name"] == "password")
        page.keyboard.type(LEARNER.password)
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base}/fa/dashboard/")

        page.goto(base + COURSE_PATH)
        tab_to(page, lambda el: el["tag"] == "BUTTON" and el["text"] == fa("Enrol in this course"))
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.get_by_role("button", name=fa("Enrol in this course")).count() == 0

        first = tab_to(
            page,
            lambda el: (
                el["tag"] == "A"
                and "/fa/courses/pay-a-bill-online/" in (el["href"] or "")
                and el["href"].rstrip("/") != COURSE_PATH.rstrip("/")
            ),
        )
        page.keyboard.press("Enter")
        page.wait_for_url(f"{base}{first['href']}")
        tab_to(page, lambda el: el["tag"] == "BUTTON" and el["text"] == fa("Mark as complete"))
        with page.expect_navigation():
            page.keyboard.press("Enter")
        done = ActivityProgress.objects.filter(
            user__username=LEARNER.username, completed_at__isnull=False
        )
        assert done.count() == 1
    finally:
        context.close()
