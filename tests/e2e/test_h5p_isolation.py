"""Hostile H5P content, played by a learner and previewed by an admin in Chromium, cannot reach
the site: no cookies, no storage, no DOM of the page around it, no pages fetched with the session.

Two packages built in code (``tests/content/hostile_player.py``) run the same probe: a custom
library's script, and a stock MultiChoice whose question text is ``<img src=x onerror=…>``. The
probe records what each attempt got in its own frame's DOM; the test reads it there.
"""

import json

import pytest

from courses.models import LessonPage
from courses.services import enrol
from tests.builders import build_course, publish
from tests.content.hostile_player import probe_package, xss_multichoice
from tests.content.installed import install_file
from tests.e2e.test_h5p_player import use_content_origin
from tests.factories import PASSWORD, UserFactory

SECRET = "s3cret-of-the-site"
PROBED = ["cookie", "localStorage", "parentDocument", "topDocument", "parentWrite", "topLocation"]


@pytest.fixture
def hostile(transactional_db, tmp_path):
    from demo import site as demo

    demo.seed(courses=False)
    built = build_course(slug="hostile-h5p", lessons=1)
    probe = install_file(probe_package(tmp_path / "probe.h5p"))
    xss = install_file(xss_multichoice(tmp_path / "xss.h5p"))
    lesson = LessonPage.objects.get(pk=built.lessons[0].pk)
    lesson.body = [
        ("h5p", {"package": probe, "title": "Probe"}),
        ("h5p", {"package": xss, "title": "Colours"}),
    ]
    publish(lesson)
    learner = UserFactory(username="hostile-learner")
    enrol(user=learner, course=built.course)
    admin = UserFactory(username="hostile-admin", is_superuser=True, is_staff=True)
    return {
        "lesson": LessonPage.objects.get(pk=lesson.pk),
        "probe": probe,
        "xss": xss,
        "learner": learner,
        "admin": admin,
    }


def log_in(page, base, user):
    page.goto(f"{base}/en/accounts/login/")
    page.locator("input[name=username]").fill(user.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(f"{base}/en/dashboard/")
    page.evaluate(f"localStorage.setItem('savad-secret', '{SECRET}')")
    cookies = {cookie["name"] for cookie in page.context.cookies()}
    assert {"sessionid", "csrftoken"} <= cookies  # there is something to steal


def probe_results(page, frame_index: int, name: str) -> dict:
    """What the probe in the page's ``frame_index``-th H5P frame recorded (frame API)."""
    iframe = page.locator("iframe[data-h5p-frame]").nth(frame_index)
    iframe.scroll_into_view_if_needed()
    frame = iframe.element_handle().content_frame()
    assert frame is not None
    out = frame.locator(f"#probe-{name}[data-done='1']")
    out.wait_for(state="attached", timeout=30_000)
    return json.loads(out.text_content())


def assert_contained(results: dict, *, fetched: set[str]):
    for key in PROBED:
        assert key in results, key
    assert results["cookie"].startswith("blocked"), results["cookie"]
    assert SECRET not in results["localStorage"]
    for key in ["parentDocument", "topDocument", "parentWrite", "topLocation"]:
        assert results[key].startswith("blocked: SecurityError"), (key, results[key])
    tried = {key.removeprefix("fetch:") for key in results if key.startswith("fetch:")}
    assert tried == fetched
    for key in tried:
        assert results[f"fetch:{key}"].startswith("blocked"), (key, results[f"fetch:{key}"])


def assert_page_unchanged(page, *, url: str, title: str):
    assert page.url == url
    assert page.title() == title
    assert page.locator("body").get_attribute("data-pwned") is None


FETCHED = {"admin", "dashboard", "siteAdmin", "siteDashboard", "adminUsers"}


@pytest.mark.parametrize("content_host", ["site", "separate"])
def test_hostile_packages_cannot_reach_the_learners_session_or_page(
    page, live_server, hostile, settings, content_host
):
    base = live_server.url
    if content_host == "separate":  # the same server under another origin
        use_content_origin(settings, base.replace("localhost", "127.0.0.1"))
    log_in(page, base, hostile["learner"])
    url = base + hostile["lesson"].url
    page.goto(url)
    title = page.title()
    frames = page.locator("iframe[data-h5p-frame]")
    assert frames.count() == 2
    for i in range(2):
        sandbox = frames.nth(i).get_attribute("sandbox").split()
        assert "allow-scripts" in sandbox and "allow-same-origin" not in sandbox

    library = probe_results(page, 0, "library")
    xss = probe_results(page, 1, "xss")
    assert_contained(library, fetched=FETCHED)
    assert_contained(xss, fetched=FETCHED)
    assert_page_unchanged(page, url=url, title=title)
    # The stock MultiChoice around the injected image still plays.
    player = page.locator("iframe[data-h5p-frame]").nth(1).element_handle().content_frame()
    assert player.locator(".h5p-answer", has_text="Very dark purple").count() == 1


def test_hostile_packages_cannot_reach_an_admins_session_in_preview(page, live_server, hostile):
    base = live_server.url
    log_in(page, base, hostile["admin"])
    for package, name in [(hostile["probe"], "library"), (hostile["xss"], "xss")]:
        url = f"{base}/h5p/preview/{package.uuid}/"
        page.goto(url)
        title = page.title()
        results = probe_results(page, 0, name)
        assert_contained(results, fetched=FETCHED)
        assert_page_unchanged(page, url=url, title=title)
    # The admin's own session still works: the probes did not lock it out or change it.
    page.goto(f"{base}/admin/users/")
    assert "/admin/users/" in page.url and page.locator("form[action*=login]").count() == 0


def test_opening_the_frame_url_on_its_own_is_still_opaque(page, live_server, hostile):
    base = live_server.url
    log_in(page, base, hostile["learner"])
    page.goto(base + hostile["lesson"].url)
    src = page.locator("iframe[data-h5p-frame]").first.get_attribute("src")
    page.goto(base + src)  # top-level: only the frame's CSP sandbox header isolates it now
    assert page.evaluate("() => window.origin") == "null"
    out = page.locator("#probe-library[data-done='1']")
    out.wait_for(state="attached", timeout=30_000)
    results = json.loads(out.text_content())
    assert results["cookie"].startswith("blocked")
    assert SECRET not in results["localStorage"]
    for key in ["admin", "dashboard", "siteAdmin", "siteDashboard", "adminUsers"]:
        assert results[f"fetch:{key}"].startswith("blocked"), results[f"fetch:{key}"]
