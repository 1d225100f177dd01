"""A learner plays a real H5P multiple-choice package in Chromium; the score reaches progress,
and the answer saved by the player comes back after a reload.

The player runs in a sandboxed, opaque-origin frame (on the site's host, or on a separate
``H5P_CONTENT_ORIGIN``): its results reach the server through the page, by postMessage.
"""

import copy
import re

import pytest

from content.models import H5PActivityPage, H5PResult, H5PUserData
from courses.services import enrol
from progress.models import ActivityProgress
from tests.builders import build_course, publish
from tests.content.installed import install
from tests.e2e.conftest import axe_violations
from tests.factories import PASSWORD, UserFactory


@pytest.fixture
def h5p_activity(transactional_db):
    from demo import site as demo

    demo.seed(courses=False)
    built = build_course(slug="h5p-journey", lessons=1)
    package = install("multichoice.h5p")
    page = H5PActivityPage(title="رنگ توت سیاه", slug="berry", package=package)
    built.course.add_child(instance=page)
    publish(page)
    learner = UserFactory(username="h5p-learner")
    enrol(user=learner, course=built.course)
    return H5PActivityPage.objects.get(pk=page.pk), learner


def use_content_origin(settings, origin: str):
    settings.H5P_CONTENT_ORIGIN = origin
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["frame-src"] = ["'self'", origin]
    settings.CONTENT_SECURITY_POLICY = policy


@pytest.mark.parametrize("content_host", ["site", "separate"])
def test_learner_answers_a_real_multiple_choice_package_and_it_is_kept(
    page, live_server, h5p_activity, settings, content_host
):
    activity, learner = h5p_activity
    settings.H5P_SAVE_SECONDS = 2
    base = live_server.url
    content_base, frame_prefix = base, "/h5p/frame/"
    if content_host == "separate":  # the same server under another origin
        content_base = base.replace("localhost", "127.0.0.1")
        frame_prefix = content_base + frame_prefix
        use_content_origin(settings, content_base)
    page.goto(f"{base}/fa/accounts/login/")
    page.locator("input[name=username]").fill(learner.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(f"{base}/fa/dashboard/")

    page.goto(base + activity.url)
    assert page.locator("html").get_attribute("dir") == "rtl"
    iframe = page.locator("iframe[data-h5p-frame]")
    assert iframe.get_attribute("src").startswith(frame_prefix)
    assert "allow-same-origin" not in iframe.get_attribute("sandbox")
    player = page.frame_locator("iframe[data-h5p-frame]")
    player.locator(".h5p-answer", has_text="Very dark purple").click()
    # The player's state saves from now on (it saves only a state that changed, so the one
    # that follows the answer may come while the checks below run on a slow machine).
    saves = []

    def note_save(response):
        if "/h5p/state/" in response.url and response.request.method == "POST":
            saves.append(response)

    page.on("response", note_save)
    # The page (not the frame) posts the result, with the learner's session.
    with page.expect_response(re.compile(r"/h5p/xapi/")) as posted:
        player.locator(".h5p-question-check-answer").click()
    assert posted.value.status == 200
    assert posted.value.url.startswith(f"{base}/h5p/xapi/")
    assert posted.value.request.frame == page.main_frame
    assert axe_violations(page) == []

    assert H5PResult.objects.filter(user=learner, verb="answered").exists()
    progress = ActivityProgress.objects.get(user=learner, activity_key=activity.translation_key)
    assert progress.score == 1

    # The player saves its state on the server as the learner goes (every 2 s here) ...
    for _wait in range(100):  # 20 s at most
        if saves:
            break
        page.wait_for_timeout(200)
    assert saves, "the player saved no state within 20 s of the answer"
    saved = saves[-1]
    assert saved.ok and saved.url.startswith(content_base)
    assert "cookie" not in saved.request.all_headers()  # token only: no session sent
    assert H5PUserData.objects.filter(user=learner, package=activity.package).exists()

    # ... and a reload hands it back to the player: the answer is still chosen.
    page.reload()
    assert "۱۰۰" in page.locator("main").inner_text() or "100" in page.locator("main").inner_text()
    player = page.frame_locator("iframe[data-h5p-frame]")
    chosen = player.locator(".h5p-answer[aria-checked='true']")
    chosen.first.wait_for(timeout=30_000)
    assert chosen.count() == 1
    assert "Very dark purple" in chosen.inner_text()
