"""The quiz page and a running attempt stay within 10 queries, however many questions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.services import enrol
from tests.builders import build_course
from tests.quiz_builders import build_quiz, category, question

pytestmark = pytest.mark.django_db

BUDGET = 10


def count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def quiz_with(course, size: int, slug: str):
    cat = category(course, name=f"بانک {slug}")
    questions = [
        question(cat, "multichoice", f"سؤال {n}", [("درست", 1), ("نادرست", 0), ("شاید", 0)])
        for n in range(size)
    ]
    return build_quiz(course, questions, slug=slug)


def test_quiz_and_attempt_pages_use_the_same_few_queries_for_5_and_40_questions(client, user):
    built = build_course(slug="quiz-budget", lessons=2)
    enrol(user=user, course=built.course)
    client.force_login(user)
    counts = {}
    for size in (5, 40):
        quiz = quiz_with(built.course, size, f"quiz-{size}")
        client.get(quiz.url)  # warms the caches, records the first visit
        attempt_url = client.post(f"/fa/quizzes/{quiz.pk}/start/")["Location"]
        client.get(attempt_url)
        counts[size] = (count(client, quiz.url), count(client, attempt_url))
        html = client.get(attempt_url).content.decode()
        assert html.count('class="question ') == size

    assert counts[5] == counts[40]
    quiz_page, attempt_page = counts[40]
    assert quiz_page <= BUDGET and attempt_page <= BUDGET
