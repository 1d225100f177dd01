"""Reading time in real Chromium: the lesson page reports it with navigator.sendBeacon when the
learner leaves, and the visit itself wrote nothing beyond the first time."""

import pytest

from courses.services import enrol
from progress.models import ActivityProgress, CourseProgress
from tests.builders import build_course
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def learning(transactional_db):
    user = UserFactory()
    built = build_course(slug="reading", lessons=2)
    enrol(user=user, course=built.course)
    return user, built


def test_time_spent_on_a_lesson_arrives_when_the_learner_leaves_it(page, live_server, learning):
    user, built = learning
    first, second = built.lessons
    page.goto(f"{live_server.url}/fa/accounts/login/?next={first.url}")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}{first.url}")

    page.wait_for_timeout(3500)  # reading
    page.get_by_role("link", name=f"بعدی: {second.title}").click()
    page.wait_for_url(f"{live_server.url}{second.url}")

    # Both beacons (the first lesson's time, the second's "seen") arrive within a few seconds;
    # the test reads the database once they have (SQLite: no reads beside the server's writes).
    page.wait_for_timeout(4000)
    spent = ActivityProgress.objects.get(user=user, activity_key=first.translation_key).time_spent
    assert 3 <= spent <= 30
    # The second lesson's page reported that it was seen: it is the resume point.
    summary = CourseProgress.objects.get(user=user, course_key=built.course.translation_key)
    assert summary.last_activity_key == second.translation_key
