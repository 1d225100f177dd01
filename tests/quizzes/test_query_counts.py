"""The quiz page and a running attempt stay within 10 queries, however many questions."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.services import enrol
from tests.builders import build_course
from tests.quiz_builders import build_quiz, category, question, standard_questions

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


SUBMIT_BUDGET = 12


def _started(client, user, quiz) -> tuple[str, dict]:
    """``user`` opens the quiz and starts an attempt; returns its URL and the right answers
    to its first five questions (the other five stay unanswered)."""
    from tests.quizzes.test_attempts import right_answers

    client.force_login(user)
    client.get(quiz.url)
    attempt_url = client.post(f"/fa/quizzes/{quiz.pk}/start/")["Location"]
    answers = right_answers(client.get(attempt_url).content.decode())
    assert {key.split("-")[0] for key in answers} == {"q1", "q2", "q3", "q4", "q5"}
    return attempt_url, answers


def test_submitting_a_quiz_of_ten_mixed_questions_stays_within_twelve_queries(
    client, user, django_assert_max_num_queries
):
    """Grading stays on the server. The submit reads the locked attempt with its responses,
    its page and the learner's earlier grades in one query, stores answers and grades in one
    UPDATE, totals the attempt, and feeds the progress core (summary lock, course rows, both
    rows written) with the attempt's xAPI statements in one INSERT. Another learner's submit
    first warms the caches (course page names for the statements), as on a running site."""
    from progress.models import ActivityProgress, CourseProgress, Status
    from quizzes.models import Attempt, Response
    from tests.factories import UserFactory
    from xapi.models import OutboxStatement

    built = build_course(slug="submit-budget", lessons=2)
    questions = standard_questions(category(built.course, name="بانک یک"))
    questions += standard_questions(category(built.course, name="بانک دو"))
    quiz = build_quiz(built.course, questions, slug="submit-budget-quiz")
    other = UserFactory()
    for learner in (other, user):
        enrol(user=learner, course=built.course)
    warm_url, warm_answers = _started(client, other, quiz)
    assert client.post(warm_url, {**warm_answers, "action": "submit"}).status_code == 302
    attempt_url, answers = _started(client, user, quiz)
    statements = OutboxStatement.objects.filter(user=user).count()

    with django_assert_max_num_queries(SUBMIT_BUDGET):
        response = client.post(attempt_url, {**answers, "action": "submit"})

    assert response.status_code == 302
    attempt = Attempt.objects.get(user=user)
    assert attempt.state == Attempt.State.FINISHED
    assert attempt.score == Decimal("0.5")
    graded = Response.objects.filter(attempt=attempt)
    assert graded.filter(state=Response.State.CORRECT).count() == 5
    assert graded.filter(answered_at__isnull=False).count() == 5
    row = ActivityProgress.objects.get(user=user, activity_key=quiz.translation_key)
    assert (row.status, row.score, row.attempts) == (Status.PASSED, Decimal("0.5"), 1)
    summary = CourseProgress.objects.get(user=user, course_key=built.course.translation_key)
    assert summary.last_activity_key == quiz.translation_key
    assert summary.completed_activities == 1
    verbs = OutboxStatement.objects.filter(user=user).values_list("verb", flat=True)
    assert len(verbs) > statements
    assert {"answered", "passed", "progressed"} <= set(verbs)
