"""One learner's statistics page: the figures of tests/stats/conftest.py's world, who may see it,
its query budget and its dates.

On top of that world, u1's rows get known times, attempts and score sources (``detail_world``):

    course A    status     score  graded by      attempts  time spent  first / last seen  completed
    lesson 1    completed  -      -              1         125 s       3 d / 2 d ago      2 d ago
    lesson 2    completed  -      -              0         0           now / -            now
    lesson 3    completed  -      -              0         0           now / -            now
    quiz        passed     80%    the server     2         3,700 s     now / 1 d ago      now
    course B
    lesson 1    completed  50%    self-reported  1         60 s        now / -            now
    lesson 2    (not started)
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from wagtail.users.models import UserProfile

from accounts.models import User
from core.templatetags.savad import digits as in_page_digits
from core.templatetags.savad import jdate
from courses.models import CoursePage, LessonPage
from progress.models import ActivityProgress, ScoreSource, Status
from quizzes.models import Attempt
from stats.learner_detail import learner_detail
from stats.learner_views import duration_text
from stats.selectors import statistics_scope
from tests.builders import publish

pytestmark = pytest.mark.django_db

HOME = reverse("wagtailadmin_home")
LOGIN = reverse("wagtailadmin_login")


def detail_url(world, name) -> str:
    return reverse("stats:learner", args=[world.users[name]])


@pytest.fixture(scope="module")
def detail_world(stats_world):
    now = timezone.now()
    u1 = stats_world.users["u1"]
    lesson_1, _l2, _l3, quiz = stats_world.activities_a
    ActivityProgress.objects.filter(user_id=u1, activity_key=lesson_1).update(
        attempts=1,
        time_spent=125,
        first_seen_at=now - timedelta(days=3),
        last_seen_at=now - timedelta(days=2),
        completed_at=now - timedelta(days=2),
    )
    ActivityProgress.objects.filter(user_id=u1, activity_key=quiz).update(
        attempts=2, time_spent=3700, score_source=ScoreSource.SERVER, last_seen_at=now
    )
    ActivityProgress.objects.filter(
        user_id=u1, course_key=stats_world.course_b.translation_key
    ).update(
        score=Decimal("0.5"), score_source=ScoreSource.SELF_REPORTED, attempts=1, time_spent=60
    )
    return stats_world


def client_for(client, world, name):
    client.force_login(User.objects.get(pk=world.users[name]))
    return client


def test_the_learners_courses_and_activities_in_syllabus_order(detail_world):
    world = detail_world
    detail = learner_detail(user_id=world.users["u1"], keys=statistics_scope(_root(world)))
    assert detail.user.username == "u1"
    assert {group.name for group in detail.groups} == {"کلاس ۱", "مدرسه"}
    a, b = detail.courses
    assert (a.course_key, b.course_key) == (
        world.course_a.translation_key,
        world.course_b.translation_key,
    )
    assert (a.percent_complete, a.status, b.percent_complete, b.status) == (
        100,
        "completed",
        50,
        "in_progress",
    )
    assert a.completed_at is not None and b.completed_at is None
    assert [line.activity_key for line in a.activities] == world.activities_a
    assert [line.title for line in a.activities][:3] == ["درس 1", "درس 2", "درس 3"]
    lesson, _l2, _l3, quiz = a.activities
    assert (lesson.status, lesson.score, lesson.score_source) == (Status.COMPLETED, None, "")
    assert (lesson.attempts, lesson.time_spent) == (1, 125)
    assert lesson.first_seen_at < lesson.last_seen_at == lesson.completed_at
    assert (quiz.status, quiz.score, quiz.score_source) == (
        Status.PASSED,
        Decimal("0.8"),
        ScoreSource.SERVER,
    )
    assert (quiz.attempts, quiz.time_spent) == (2, 3700)
    assert [(t.number, t.score) for t in quiz.quiz_attempts] == [
        (1, Decimal("0.6")),
        (2, Decimal("0.8")),
    ]
    started, untouched = b.activities
    assert (started.status, started.score, started.score_source) == (
        Status.COMPLETED,
        Decimal("0.5"),
        ScoreSource.SELF_REPORTED,
    )
    assert (untouched.status, untouched.attempts, untouched.first_seen_at) == (
        Status.NOT_STARTED,
        0,
        None,
    )


def _root(world):
    return User.objects.get(pk=world.users["superuser"])


def test_a_learner_who_never_started_has_every_activity_not_started(detail_world):
    detail = learner_detail(
        user_id=detail_world.users["u4"], keys=statistics_scope(_root(detail_world))
    )
    (course,) = detail.courses
    assert (course.percent_complete, course.status, course.completed_at) == (0, "not_started", None)
    assert {line.status for line in course.activities} == {Status.NOT_STARTED}
    assert detail.groups == []


def test_an_editor_with_progress_but_no_enrolment_is_not_a_learner(detail_world):
    keys = statistics_scope(_root(detail_world))
    assert learner_detail(user_id=detail_world.users["editor"], keys=keys) is None
    assert learner_detail(user_id=999_999, keys=keys) is None


# who: (u1's page, u7's page, the editor's page); u1 is in A and B, u7 in C
MATRIX = {
    "superuser": (200, 200, 404),
    "viewer": (200, 200, 404),
    "teacher_a": (200, 404, 404),
    "teacher_c": (404, 200, 404),
    "no_course": (302, 302, 302),
}


@pytest.mark.parametrize("who", MATRIX)
def test_permission_matrix(client, detail_world, who):
    client = client_for(client, detail_world, who)
    for name, expected in zip(("u1", "u7", "editor"), MATRIX[who], strict=True):
        # LocaleMiddleware first sends a 404's path to its /fa/ form, itself a 404
        response = client.get(detail_url(detail_world, name), follow=expected == 404)
        assert response.status_code == expected, name
        if expected == 404:
            assert [url for url, _code in response.redirect_chain] == [
                "/fa" + detail_url(detail_world, name)
            ]
        if expected == 302:  # admin access, but no course: sent back to the admin's home
            assert response["Location"] == HOME


def test_a_teacher_sees_only_the_courses_they_edit(client, detail_world):
    """teacher_a edits A and B; the superuser sees u1's courses the same way (u1 is not in C)."""
    response = client_for(client, detail_world, "teacher_a").get(detail_url(detail_world, "u1"))
    assert [c.title for c in response.context["courses"]] == ["الف دوره", "ب دوره"]
    teacher_c = client_for(client, detail_world, "teacher_c")
    response = teacher_c.get(detail_url(detail_world, "u7"))
    assert [c.title for c in response.context["courses"]] == ["ج دوره"]


@pytest.mark.parametrize("who", ["learner", None])
def test_learners_and_anonymous_visitors_are_sent_to_the_admin_login(client, detail_world, who):
    if who:
        client = client_for(client, detail_world, who)
    response = client.get(detail_url(detail_world, "u1"))
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_the_page_shows_the_figures_with_jalali_dates_and_review_links(client, detail_world):
    client = client_for(client, detail_world, "teacher_a")
    html = client.get(detail_url(detail_world, "u1")).content.decode()  # the admin is in Persian
    with translation.override("fa"):  # figures in Persian digits, as the other reports
        figures = [in_page_digits(text) for text in ("0:02:05", "1:01:40", "80%", "50%")]
    assert figures[0] == "۰:۰۲:۰۵"
    for text in ("u1@example.org", "کلاس ۱", "مدرسه", *figures):
        assert text in html, text
    with translation.override("fa"):
        graded_by = [str(ScoreSource.SERVER.label), str(ScoreSource.SELF_REPORTED.label)]
        lesson = ActivityProgress.objects.get(
            user_id=detail_world.users["u1"], activity_key=detail_world.activities_a[0]
        )
        first_seen = jdate(lesson.first_seen_at)
    assert all(label in html for label in graded_by)
    assert first_seen.endswith(("۱۴۰۴", "۱۴۰۵", "۱۴۰۶")) and first_seen in html
    assert lesson.first_seen_at.strftime("%Y-%m-%d") not in html
    attempts = Attempt.objects.filter(user_id=detail_world.users["u1"]).order_by("number")
    for attempt in attempts:
        url = reverse("stats:attempt", args=[attempt.pk])
        assert f'href="{url}"' in html
        assert client.get(url).status_code == 200
    quiz_report = reverse("stats:quiz", args=[detail_world.activities_a[3]])
    assert f'href="{quiz_report}"' in html


def test_the_page_is_in_english_for_an_english_admin(client, detail_world):
    root = User.objects.get(pk=detail_world.users["superuser"])
    profile = UserProfile.get_for_user(root)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(root)
    html = client.get(detail_url(detail_world, "u1")).content.decode()
    assert "Graded by the server" in html and "Self-reported by the browser" in html
    assert "Attempt reviews" in html


def test_the_learner_table_links_each_name_to_the_learners_page(client, detail_world):
    client = client_for(client, detail_world, "teacher_a")
    html = client.get(reverse("stats:learners"), {"q": "u1@"}).content.decode()
    assert f'href="{detail_url(detail_world, "u1")}"' in html


def test_the_query_count_does_not_grow_with_activities(
    client, detail_world, django_assert_max_num_queries
):
    """The same number of queries with 3 more lessons (the syllabus cached, as between requests)."""
    client = client_for(client, detail_world, "teacher_a")
    url = detail_url(detail_world, "u1")

    def count() -> int:
        client.get(url)  # warm the per-process caches (the syllabus, the site)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    before = count()
    course = CoursePage.objects.get(pk=detail_world.course_a.pk)
    for number in range(3):
        lesson = LessonPage(
            title=f"درس افزوده {number}", slug=f"extra-{number}", locale=course.locale
        )
        course.add_child(instance=lesson)
        publish(lesson)
        ActivityProgress.objects.create(
            user_id=detail_world.users["u1"],
            course_key=course.translation_key,
            activity_key=lesson.translation_key,
            status=Status.IN_PROGRESS,
            first_seen_at=timezone.now(),
        )
    assert count() == before
    page = client.get(url)
    (a, _b) = page.context["courses"]
    assert len(a.activities) == 7
    keys = statistics_scope(User.objects.get(pk=detail_world.users["teacher_a"]))
    with django_assert_max_num_queries(6):
        learner_detail(user_id=detail_world.users["u1"], keys=keys)
    root = client_for(client, detail_world, "superuser")
    root.get(url)
    with django_assert_max_num_queries(13):  # what the overview costs a superuser, menu and all
        assert root.get(url).status_code == 200


def test_duration_text():
    assert [duration_text(s) for s in (0, 59, 125, 3700, 36000)] == [
        "",
        "0:00:59",
        "0:02:05",
        "1:01:40",
        "10:00:00",
    ]
