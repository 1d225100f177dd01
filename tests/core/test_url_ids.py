"""A primary key in a URL too long to be one answers 404, not 500.

Before: a 23-digit page id in the enrol, unenrol, complete and quiz URLs reached the
database, where SQLite raised OverflowError (500). ``<id:...>`` (core/converters.py) only
matches up to 18 digits.
"""

import pytest
from django.urls import reverse

from core.converters import IdConverter
from tests.builders import build_course
from tests.factories import UserFactory
from tests.quiz_builders import build_quiz, category, standard_questions

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

HUGE = "1" + "0" * 22  # 23 digits, far beyond 2**63


@pytest.fixture
def learner(client, user):
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    "method,path",
    [
        ("post", f"/fa/learn/{HUGE}/enrol/"),
        ("post", f"/fa/learn/{HUGE}/unenrol/"),
        ("post", f"/fa/learn/lessons/{HUGE}/complete/"),
        ("post", f"/fa/quizzes/{HUGE}/start/"),
        ("get", f"/fa/quizzes/attempts/{HUGE}/"),
        ("post", f"/fa/quizzes/attempts/{HUGE}/"),
        ("get", f"/fa/quizzes/attempts/{HUGE}/review/"),
        ("get", f"/en/quizzes/attempts/{'9' * 19}/review/"),
    ],
)
def test_an_id_too_long_for_the_database_is_not_found(client, learner, method, path):
    response = getattr(client, method)(path)
    assert response.status_code == 404


def test_admin_urls_with_an_id_too_long_are_not_found(client, site_tree):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    for path in (
        f"/admin/courses/{HUGE}/enrolments/",
        f"/admin/quizzes/grading/{HUGE}/",
    ):
        assert client.get(path, follow=True).status_code == 404, path


def test_ids_up_to_eighteen_digits_still_route(client, learner, site_tree):
    built = build_course(slug="ids", lessons=1)
    quiz = build_quiz(built.course, standard_questions(category(built.course)))
    assert reverse("quizzes:start", args=[quiz.pk]).endswith(f"/{quiz.pk}/start/")
    assert client.post(f"/fa/learn/{'9' * 18}/enrol/").status_code == 404
    assert client.post(f"/fa/learn/{built.course.pk}/enrol/").status_code == 302
    assert client.post(f"/fa/quizzes/{quiz.pk}/start/").status_code == 302
    assert IdConverter().to_url(12) == "12"
