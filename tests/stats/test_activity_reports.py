"""The quiz and H5P exercise reports in the admin: who sees what, bad ids, exports, queries.

The figures themselves are checked by hand in test_activity_analysis.py (same fixture).
"""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import User
from quizzes.models import Attempt
from tests.stats.test_views import export_rows

pytestmark = pytest.mark.django_db

HOME = reverse("wagtailadmin_home")
ACTIVITIES = reverse("stats:activities")


def login(client, world, name):
    client.force_login(User.objects.get(pk=world.users[name]))
    return client


def not_found(client, url) -> bool:
    """A 404 (LocaleMiddleware first redirects an unknown path to its /fa/ form, also 404)."""
    response = client.get(url, follow=True)
    return response.status_code == 404 and not response.redirect_chain[1:]


def quiz_url(page) -> str:
    return reverse("stats:quiz", args=[page.translation_key])


def exercise_url(page) -> str:
    return reverse("stats:exercise", args=[page.translation_key])


# who: (quiz report of S, exercise report of S, quiz report of O, activities listed);
# 302 = permission denied, sent back to the admin's home page
MATRIX = {
    "superuser": (200, 200, 200, 4),
    "viewer": (200, 200, 200, 4),
    "teacher_s": (200, 200, 302, 3),
    "teacher_o": (302, 302, 200, 1),
    "no_course": (302, 302, 302, None),
}


@pytest.mark.parametrize("who", MATRIX)
def test_permission_matrix(client, activity_world, who):
    quiz_s, exercise_s, quiz_o, listed = MATRIX[who]
    client = login(client, activity_world, who)
    for url, expected in (
        (quiz_url(activity_world.quiz), quiz_s),
        (exercise_url(activity_world.exercise), exercise_s),
        (quiz_url(activity_world.other_quiz), quiz_o),
    ):
        for params in ({}, {"export": "csv"}):
            response = client.get(url, params)
            assert response.status_code == expected, (url, params)
            assert expected == 200 or response["Location"] == HOME
    activities = client.get(ACTIVITIES)
    if listed is None:
        assert activities.status_code == 302
    else:
        assert len(activities.context["object_list"]) == listed


def test_a_learner_is_sent_to_the_admin_login(client, activity_world):
    client = login(client, activity_world, "l1")
    for url in (quiz_url(activity_world.quiz), exercise_url(activity_world.exercise)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_bad_ids_are_not_found(client, activity_world):
    client = login(client, activity_world, "superuser")
    world = activity_world
    for url in (
        reverse("stats:quiz", args=[uuid.uuid4()]),
        reverse("stats:exercise", args=[uuid.uuid4()]),
        reverse("stats:quiz", args=[world.exercise.translation_key]),  # not a quiz
        reverse("stats:exercise", args=[world.quiz.translation_key]),  # not an exercise
        reverse("stats:quiz", args=[world.lesson_key]),  # a lesson
        reverse("stats:overview") + "quiz/abc/",
        reverse("stats:overview") + "exercise/123/",
    ):
        assert not_found(client, url), url
        assert not_found(client, url + "?export=xlsx"), url
    teacher = login(client, activity_world, "teacher_o")
    assert not_found(teacher, reverse("stats:quiz", args=[uuid.uuid4()]))


def test_quiz_report_page_shows_the_figures(client, activity_world):
    client = login(client, activity_world, "teacher_s")
    response = client.get(quiz_url(activity_world.quiz))
    html = response.content.decode()
    rows = response.context["object_list"]
    assert [(r.name, r.facility_text, r.discrimination_text) for r in rows] == [
        ("Q1", "60.0%", "27.2%"),
        ("Q2", "60.0%", "72.1%"),
        ("Q3", "40.0%", "78.6%"),
    ]
    assert rows[0].choices_text == "الف: 3; ب: 1; ج: 1"
    summary = [value for _label, value in response.context["summary"]]
    assert summary == [8, 5, "66%"]  # finished attempts, learners, average score
    # the distribution as a table, for screen readers and without JavaScript
    distribution = html[html.index('class="listing stats-distribution"') :]
    distribution = distribution[: distribution.index("</table>")]
    assert '<th scope="row">90–100%</th><td>3</td>' in distribution
    assert distribution.count("<tr>") == 11  # the headings and ten bins
    trail = [item["url"] for item in response.context["breadcrumbs_items"][1:-1]]
    assert trail == [
        ACTIVITIES,
        reverse("stats:funnel", args=[activity_world.course.translation_key]),
    ]


@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_quiz_export_holds_the_item_analysis(client, activity_world, export):
    client = login(client, activity_world, "viewer")
    rows = export_rows(client.get(quiz_url(activity_world.quiz), {"export": export}))
    assert len(rows[0]) == 7  # the headings
    assert [row[1] for row in rows[1:]] == ["Q1", "Q2", "Q3"]
    assert rows[1][4:6] == ["60.0%", "27.2%"]


def test_exercise_report_and_export(client, activity_world):
    client = login(client, activity_world, "teacher_s")
    response = client.get(exercise_url(activity_world.exercise))
    summary = [value for _label, value in response.context["summary"]]
    # attempts, learners, average, enrolled, opened, completed, completion rate, passed, failed
    assert summary == [5, 4, "60%", 5, 4, 2, "40%", 1, 1]
    rows = export_rows(client.get(exercise_url(activity_world.exercise), {"export": "csv"}))
    assert [row[0] for row in rows[1:3]] == ["0–10%", "10–20%"]
    assert [row[1] for row in rows[1:]] == ["1", "0", "0", "0", "1", "0", "1", "0", "0", "2"]


def test_reports_are_linked_from_the_funnel_and_the_list(client, activity_world):
    client = login(client, activity_world, "teacher_s")
    world = activity_world
    funnel = client.get(reverse("stats:funnel", args=[world.course.translation_key]))
    html = funnel.content.decode()
    assert quiz_url(world.quiz) in html and exercise_url(world.exercise) in html
    listed = client.get(ACTIVITIES).context["object_list"]
    assert {row.report_url for row in listed} == {
        quiz_url(world.quiz),
        quiz_url(world.small_quiz),
        exercise_url(world.exercise),
    }
    assert ACTIVITIES in client.get(HOME).content.decode()  # in the Statistics menu


def test_report_pages_make_no_query_per_attempt(client, activity_world):
    """The report of a quiz with 2 attempts costs the same queries as one with 8."""
    client = login(client, activity_world, "superuser")
    client.get(quiz_url(activity_world.small_quiz))  # warm what is cached per process
    counts = []
    for quiz in (activity_world.small_quiz, activity_world.quiz):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(quiz_url(quiz)).status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1] <= 15  # 14, and the rollup looked up (stats.rollups)


def test_quiz_report_links_to_attempt_reviews(client, activity_world):
    client = login(client, activity_world, "teacher_s")
    response = client.get(quiz_url(activity_world.quiz))
    recent = response.context["recent_attempts"]
    assert len(recent) == 8  # the finished attempts of enrolled learners, newest first
    assert [row["learner"] for row in recent].count("یادگیرنده l2") == 2
    html = response.content.decode()
    assert all(row["url"] in html for row in recent)


def test_a_teacher_reviews_an_attempt_of_their_course(client, activity_world):
    world = activity_world
    l2 = User.objects.get(pk=world.users["l2"])
    first = Attempt.objects.get(user=l2, quiz_key=world.quiz.translation_key, number=1)
    url = reverse("stats:attempt", args=[first.pk])
    response = login(client, world, "teacher_s").get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Chrome"' in html  # l2's answer to Q3
    assert [q.state for q in response.context["questions"]] == ["correct", "correct", "partial"]
    assert login(client, world, "teacher_o").get(url)["Location"] == HOME
    open_attempt = Attempt.objects.get(user_id=world.users["l5"], state=Attempt.State.IN_PROGRESS)
    superuser = login(client, world, "superuser")
    assert not_found(superuser, reverse("stats:attempt", args=[open_attempt.pk]))
    assert not_found(superuser, reverse("stats:attempt", args=[999999]))
