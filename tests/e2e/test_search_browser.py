"""The header search box in Chromium: suggestions as one types, and the plain form without."""

import pytest

from tests.e2e.conftest import axe_violations


@pytest.fixture
def demo_site(transactional_db):
    from demo import site as demo

    demo.seed(curriculum=False)  # the demo courses: the whole learner journey loads the rest


def test_the_header_box_suggests_titles_however_they_are_spelled(page, live_server, demo_site):
    page.goto(f"{live_server.url}/fa/")
    box = page.locator("#header-q")
    box.fill("گوشي")  # Arabic yeh: the course is «گوشی همراه، گام به گام»
    suggestion = page.locator(".search-suggestions a", has_text="گوشی همراه")
    suggestion.wait_for()
    assert page.locator(".search-suggestions .search-type").first.inner_text() == "دوره"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(page) == []
    box.press("ArrowDown")
    assert page.evaluate("document.activeElement.textContent").startswith("گوشی همراه")
    page.keyboard.press("Enter")
    page.wait_for_url("**/fa/courses/**")
    assert "گوشی همراه" in page.get_by_role("heading", level=1).inner_text()


def test_the_search_form_works_without_script(browser, live_server, demo_site):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="fa-IR", java_script_enabled=False
    )
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/fa/")
        page.locator("#header-q").fill("گام")
        page.locator("#header-q").press("Enter")
        page.wait_for_url("**/fa/search/?q=*")
        results = page.locator(".search-results li")
        assert results.count() >= 1
        assert "گام" in page.locator(".search-results mark").first.inner_text()
    finally:
        context.close()
