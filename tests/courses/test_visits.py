"""Page views are reads: a learner's repeat visit writes nothing; the page's beacon reports
when it was seen and for how long (``courses.visits``)."""

import re
import time

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from courses import visits
from courses.services import enrol
from progress.models import ActivityProgress, CourseProgress
from tests.builders import build_course
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

BEACON = "/fa/learn/visits/"
WRITES = ("INSERT", "UPDATE", "DELETE")
TOKEN = re.compile(r'name="token" value="([^"]+)"')
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@pytest.fixture
def course(site_tree):
    return build_course(slug="reads", lessons=3)


@pytest.fixture
def learner(client, course):
    user = UserFactory()
    enrol(user=user, course=course.course)
    client.force_login(user)
    return user


def visit(client, page) -> str:
    """Open ``page``; returns its visit token."""
    response = client.get(page.url)
    assert response.status_code == 200
    return TOKEN.search(response.content.decode()).group(1)


def later(monkeypatch, seconds: int) -> None:
    """Move the server's clock ``seconds`` on (the page has been open that long)."""
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now + seconds)


def unthrottle(user, page) -> None:
    cache.delete_many(
        [visits.throttle_key(user.pk, page.translation_key, kind) for kind in ("seen", "time")]
    )


def spent(token: str, seconds) -> dict:
    return {"token": token, "seconds": str(seconds), "kind": "time"}


def seen(token: str) -> dict:
    return {"token": token, "seconds": "0", "kind": "seen"}


def row(user, page) -> ActivityProgress:
    return ActivityProgress.objects.get(user=user, activity_key=page.translation_key)


def summary(user, course) -> CourseProgress:
    return CourseProgress.objects.get(user=user, course_key=course.course.translation_key)


def test_a_second_lesson_view_by_an_enrolled_learner_writes_nothing(client, learner, course):
    lesson = course.lessons[1]
    visit(client, lesson)  # the first visit creates the progress rows (and warms the caches)
    first = row(learner, lesson)

    with CaptureQueriesContext(connection) as queries:
        token = visit(client, lesson)

    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]
    assert writes == []
    assert token
    again = row(learner, lesson)
    assert (again.last_seen_at, again.time_spent) == (first.last_seen_at, first.time_spent)


def test_the_first_visit_creates_the_rows_once(client, learner, course):
    lesson = course.lessons[0]
    visit(client, lesson)
    visit(client, lesson)
    assert ActivityProgress.objects.filter(user=learner).count() == 1
    assert summary(learner, course).last_activity_key == lesson.translation_key


def test_the_beacon_records_time_and_the_dashboard_continues_there(
    client, learner, course, monkeypatch
):
    first, second = course.lessons[0], course.lessons[1]
    visit(client, first)
    visit(client, second)  # first visits: the resume point is the second lesson
    token = visit(client, first)  # a second view of the first lesson writes nothing...
    assert summary(learner, course).last_activity_key == second.translation_key
    before = row(learner, first).last_seen_at

    # ...its page reports that it is open (the resume point), then, left, its reading time
    assert client.post(BEACON, seen(token)).status_code == 204
    later(monkeypatch, 60)
    response = client.post(BEACON, spent(token, 42))

    assert response.status_code == 204
    read = row(learner, first)
    assert read.time_spent == 42
    assert read.last_seen_at > before
    assert summary(learner, course).last_activity_key == first.translation_key
    dashboard = client.get("/fa/dashboard/").content.decode()
    assert f'class="button" href="{first.url}"' in dashboard
    assert f'class="button" href="{second.url}"' not in dashboard


def test_the_time_of_a_page_left_does_not_move_the_resume_point(
    client, learner, course, monkeypatch
):
    """Leaving a page reports its time when the next page has already loaded: the learner
    continues on the page they went on to."""
    first, second = course.lessons[0], course.lessons[1]
    token = visit(client, first)
    visit(client, second)
    later(monkeypatch, 30)
    assert client.post(BEACON, spent(token, 20)).status_code == 204
    assert row(learner, first).time_spent == 20
    assert summary(learner, course).last_activity_key == second.translation_key


def test_a_late_seen_report_of_a_page_left_earlier_does_not_move_the_resume_point(
    client, learner, course
):
    """A page's "open now" report can arrive after the learner has gone on (a slow network,
    a busy server): the page opened since stays the resume point."""
    first, second = course.lessons[0], course.lessons[1]
    token = visit(client, first)
    visit(client, second)
    assert client.post(BEACON, seen(token)).status_code == 204
    assert summary(learner, course).last_activity_key == second.translation_key
    assert row(learner, first).last_seen_at is not None


def test_a_view_is_counted_once_however_often_it_is_reported(client, learner, course, monkeypatch):
    lesson = course.lessons[0]
    token = visit(client, lesson)
    later(monkeypatch, 100)
    assert client.post(BEACON, spent(token, 30)).status_code == 204
    throttled = client.post(BEACON, spent(token, 40))
    assert throttled.status_code == 429
    assert throttled.json()["error"]
    assert row(learner, lesson).time_spent == 30

    unthrottle(learner, lesson)  # the throttle interval has passed
    assert client.post(BEACON, spent(token, 50)).status_code == 204
    unthrottle(learner, lesson)
    assert client.post(BEACON, spent(token, 50)).status_code == 204
    assert row(learner, lesson).time_spent == 50  # 30, then the 20 more; the repeat adds 0


def test_seconds_are_clamped_to_the_time_the_page_was_open(client, learner, course, monkeypatch):
    lesson = course.lessons[0]
    token = visit(client, lesson)
    later(monkeypatch, 10)
    assert client.post(BEACON, spent(token, 3600)).status_code == 204
    assert 10 <= row(learner, lesson).time_spent <= 16


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda token: (token[:-2] + "xx", "10"), id="forged-token"),
        pytest.param(lambda token: ("not-a-token", "10"), id="garbage-token"),
        pytest.param(lambda token: (token, "-5"), id="negative-seconds"),
        pytest.param(lambda token: (token, "1.5"), id="fractional-seconds"),
        pytest.param(lambda token: (token, "۱۰"), id="persian-digits"),
        pytest.param(lambda token: (token, "99999999999"), id="huge-seconds"),
        pytest.param(lambda token: (token, "10", "resume"), id="unknown-kind"),
    ],
)
def test_tampered_reports_are_refused_and_write_nothing(client, learner, course, tamper):
    lesson = course.lessons[0]
    token = visit(client, lesson)
    before = row(learner, lesson)
    bad_token, seconds, kind = (*tamper(token), "time")[:3]

    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            BEACON,
            {"token": [token, bad_token], "seconds": ["5", seconds], "kind": ["time", kind]},
        )

    assert response.status_code == 400
    assert response.json()["error"]
    assert not [q for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]
    after = row(learner, lesson)
    assert (after.time_spent, after.last_seen_at) == (0, before.last_seen_at)


def test_another_learners_token_and_a_broken_batch_are_refused(client, learner, course):
    token = visit(client, course.lessons[0])
    client.force_login(UserFactory())
    assert client.post(BEACON, spent(token, 5)).status_code == 400
    client.force_login(learner)
    assert client.post(BEACON, {"token": token, "kind": "time"}).status_code == 400  # no seconds
    assert client.post(BEACON, {"token": token, "seconds": "1"}).status_code == 400  # no kind
    eleven = {"token": [token] * 11, "seconds": ["1"] * 11, "kind": ["time"] * 11}
    assert client.post(BEACON, eleven).status_code == 400


def test_anonymous_and_get_requests_are_refused(client, course):
    assert client.get(BEACON).status_code == 405
    assert Client().post(BEACON, spent("x", 1)).status_code == 403


def test_the_beacon_is_csrf_protected(learner, course):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(learner)
    html = browser.get(course.lessons[0].url).content.decode()
    token, csrf = TOKEN.search(html).group(1), CSRF.search(html).group(1)
    assert browser.post(BEACON, seen(token)).status_code == 403
    sent = {**seen(token), "csrfmiddlewaretoken": csrf}
    assert browser.post(BEACON, sent).status_code == 204


def test_a_report_whose_rows_are_gone_records_the_visit_again(client, learner, course, monkeypatch):
    lesson = course.lessons[2]
    token = visit(client, lesson)
    ActivityProgress.objects.filter(user=learner).delete()
    CourseProgress.objects.filter(user=learner).delete()
    later(monkeypatch, 30)
    assert client.post(BEACON, spent(token, 12)).status_code == 204
    assert row(learner, lesson).time_spent == 12
    assert summary(learner, course).last_activity_key == lesson.translation_key


def test_editors_and_not_enrolled_users_get_no_token(client, course):
    client.force_login(UserFactory(is_superuser=True))
    html = client.get(course.lessons[0].url).content.decode()
    assert "visit-beacon" not in html
    assert not ActivityProgress.objects.exists()
