"""A learner plays a real H5P multiple-choice package in Chromium; the score reaches progress."""

import json
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
    from core import demo

    demo.seed(courses=False)
    built = build_course(slug="h5p-journey", lessons=1)
    package = install("multichoice.h5p")
    page = H5PActivityPage(title="رنگ توت سیاه", slug="berry", package=package)
    built.course.add_child(instance=page)
    publish(page)
    learner = UserFactory(username="h5p-learner")
    enrol(user=learner, course=built.course)
    return H5PActivityPage.objects.get(pk=page.pk), learner


def test_learner_answers_a_real_multiple_choice_package_and_sees_the_score(
    page, live_server, h5p_activity
):
    activity, learner = h5p_activity
    base = live_server.url
    page.goto(f"{base}/fa/accounts/login/")
    page.locator("input[name=username]").fill(learner.username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(f"{base}/fa/dashboard/")

    page.goto(base + activity.url)
    assert page.locator("html").get_attribute("dir") == "rtl"
    player = page.frame_locator("iframe[data-h5p-frame]").frame_locator("iframe.h5p-iframe")
    player.locator(".h5p-answer", has_text="Very dark purple").click()
    with page.expect_response(re.compile(r"/h5p/xapi/")) as posted:
        player.locator(".h5p-question-check-answer").click()
    assert posted.value.status == 200
    assert axe_violations(page) == []

    page.wait_for_function("() => true")
    assert H5PResult.objects.filter(user=learner, verb="answered").exists()
    progress = ActivityProgress.objects.get(user=learner, activity_key=activity.translation_key)
    assert progress.score == 1

    # The player saves its state on the server as the learner goes (every 15 s here) ...
    with page.expect_response(
        lambda r: "/h5p/state/" in r.url and r.request.method == "POST", timeout=40_000
    ) as saved:
        pass
    assert saved.value.ok
    assert H5PUserData.objects.filter(user=learner, package=activity.package).exists()

    # ... and a reload hands it back to the player, and shows the recorded score.
    page.reload()
    assert "۱۰۰" in page.locator("main").inner_text() or "100" in page.locator("main").inner_text()
    frame = page.frame_locator("iframe[data-h5p-frame]")
    config = json.loads(frame.locator("#h5p-config").text_content())
    saved_state = H5PUserData.objects.get(user=learner, package=activity.package).data
    assert config["contentUserData"][0]["previousState"] == saved_state
