"""Light pages for slow networks: the catalogue, a course and a lesson cost at most 100 KB each
over the wire (compressed as the production server sends them; uploaded media and H5P content
apart), and a lesson reads in full with JavaScript turned off."""

import gzip
from urllib.parse import urlsplit

import pytest
from django.utils import translation
from django.utils.html import strip_tags

from courses.models import LessonPage
from demo.site import DEMO_ACCOUNTS

LEARNER = next(a for a in DEMO_ACCOUNTS if a.role == "learner")
BUDGET = 100 * 1024
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")
# Served apart from the page itself: uploads, H5P packages and the player.
NOT_COUNTED = ("/media/", "/h5p/", "/documents/")


@pytest.fixture
def demo_site(transactional_db):
    from demo import site as demo

    demo.seed(curriculum=False)


def wire_bytes(response) -> int:
    """What ``response`` costs over the wire: its body gzip-compressed when it is text (as
    whitenoise and the proxy send it), else as it is (images, fonts: compressed already)."""
    body = response.body()
    kind = response.headers.get("content-type", "")
    if kind.startswith(COMPRESSIBLE):  # the wire size whether or not this server compressed it
        return len(gzip.compress(body, compresslevel=6))
    return len(body)


def page_weight(page, url: str) -> tuple[int, list[str]]:
    """The wire bytes of ``url`` and everything it loads (what ``NOT_COUNTED`` names apart)."""
    counted: list[tuple[str, int]] = []
    missing: list[str] = []

    def record(response):
        path = urlsplit(response.url).path
        if response.status >= 400:
            missing.append(f"{response.url}: {response.status}")
        if response.status < 300 and not path.startswith(NOT_COUNTED):
            counted.append((response.url, wire_bytes(response)))  # before the page moves on

    page.on("response", record)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.remove_listener("response", record)
    assert not missing, f"{url} asked for what is not there: {missing}"
    return sum(size for _url, size in counted), [url for url, _size in counted]


def log_in(page, base: str) -> None:
    page.goto(f"{base}/fa/accounts/login/")
    page.locator("input[name=username]").fill(LEARNER.username)
    page.locator("input[name=password]").fill(LEARNER.password)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(f"{base}/fa/dashboard/")


def test_catalogue_course_and_lesson_pages_weigh_at_most_100_kb(browser, live_server, demo_site):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fa-IR")
    page = context.new_page()
    base = live_server.url
    try:
        log_in(page, base)
        # Every page as on a first visit: nothing comes from the browser's cache.
        context.new_cdp_session(page).send("Network.setCacheDisabled", {"cacheDisabled": True})
        lesson = LessonPage.objects.live().filter(locale__language_code="fa").first()
        for path in ("/fa/courses/", "/fa/courses/your-phone/", lesson.url, "/en/courses/"):
            weight, urls = page_weight(page, base + path)
            assert 0 < weight <= BUDGET, (path, weight, urls)
            assert any(url.endswith(".css") for url in urls)  # the styles were counted too
    finally:
        context.close()


def test_a_lesson_reads_in_full_without_javascript(browser, live_server, demo_site):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="fa-IR", java_script_enabled=False
    )
    page = context.new_page()
    try:
        log_in(page, live_server.url)
        lesson = LessonPage.objects.live().filter(locale__language_code="fa").first()
        page.goto(live_server.url + lesson.url)
        assert page.get_by_role("heading", level=1).inner_text() == lesson.title
        text = " ".join(page.locator("main").inner_text().split())
        blocks = [block for block in lesson.body if block.block_type == "text"]
        assert blocks
        for block in blocks:
            expected = " ".join(strip_tags(str(block.value)).split())
            assert expected[:80] in text, (expected[:80], text[:300])
        with translation.override("fa"):
            mark = translation.gettext("Mark as complete")
        assert page.get_by_role("button", name=mark).is_visible()  # a plain form
    finally:
        context.close()
