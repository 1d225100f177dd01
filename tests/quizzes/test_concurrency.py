"""Parallel starts and submits of quiz attempts on PostgreSQL count once and lose nothing."""

from decimal import Decimal

import pytest
from django.db import connection
from django.utils import translation

from courses.services import enrol
from progress.models import ActivityProgress, CourseProgress, Status
from quizzes import services
from quizzes.models import Attempt, Response
from tests.builders import build_course
from tests.factories import UserFactory
from tests.quiz_builders import build_quiz, category, standard_questions
from tests.threads import run_in_threads_with_results

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locking is exercised on PostgreSQL (the PostgreSQL pass of make test)",
    ),
]

# Per question type of ``standard_questions``: a right and a wrong answer (ids as in the specs).
ANSWERS = {
    "multichoice": ({"choice": 1}, {"choice": 2}),
    "truefalse": ({"value": False}, {"value": True}),
    "shortanswer": ({"text": "كروم"}, {"text": "فایرفاکس"}),  # Arabic kaf: still right
    "numerical": ({"text": "۴"}, {"text": "5"}),
    "match": ({"pairs": {"1": 1, "2": 2}}, {"pairs": {"1": 2, "2": 1}}),
}


@pytest.fixture
def quiz():
    built = build_course(slug="parallel-quiz-course", lessons=1)
    return build_quiz(built.course, standard_questions(category(built.course)))


def learner(quiz):
    """A new learner enrolled in the quiz's course (only learners' grades reach progress)."""
    user = UserFactory()
    enrol(user=user, course=quiz.course)
    return user


def answers_for(attempt: Attempt, right: int) -> dict:
    """Answers to ``attempt``: the first ``right`` questions right, the others wrong."""
    answers = {}
    for response in attempt.responses.select_related("question"):
        good, bad = ANSWERS[response.question.type]
        answers[str(response.position)] = good if response.position <= right else bad
    return answers


def test_a_double_submit_counts_once(quiz):
    user = learner(quiz)
    attempt = services.attempt_start(user=user, quiz=quiz)
    answers = answers_for(attempt, right=5)

    results, errors = run_in_threads_with_results(
        2,
        lambda _i: services.attempt_submit(user=user, attempt_id=attempt.pk, answers=answers),
        language="en",
    )

    assert len(results) == 1, errors
    assert len(errors) == 1
    (error,) = errors
    assert isinstance(error, services.QuizError), repr(error)
    assert error.status == 409
    source = "This attempt has already been submitted."
    with translation.override("fa"):
        assert str(error.message) in {source, translation.gettext(source)}
    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.FINISHED
    assert attempt.submitted_at == results[0].submitted_at  # not written again by the loser
    assert attempt.score == Decimal(1)
    assert Attempt.objects.filter(user=user, quiz_key=quiz.translation_key).count() == 1
    progress = ActivityProgress.objects.get(user=user, activity_key=quiz.translation_key)
    assert progress.attempts == 1
    assert progress.status == Status.PASSED


def test_parallel_starts_for_one_learner_make_one_attempt(quiz):
    for _round in range(3):  # each round a new learner, released together
        user = learner(quiz)
        results, errors = run_in_threads_with_results(
            2, lambda _i, user=user: services.attempt_start(user=user, quiz=quiz), language="en"
        )

        assert errors == []
        attempts = Attempt.objects.filter(user=user, quiz_key=quiz.translation_key)
        assert attempts.count() == 1
        (attempt,) = attempts
        assert {result.pk for result in results} == {attempt.pk}
        assert (attempt.number, attempt.state) == (1, Attempt.State.IN_PROGRESS)
        positions = list(attempt.responses.values_list("position", flat=True))
        assert positions == [1, 2, 3, 4, 5]  # the losing start left no half-written rows
    assert Response.objects.count() == 3 * 5


def test_parallel_submits_of_several_learners_each_keep_their_own_score(quiz):
    count = 8
    users = [learner(quiz) for _ in range(count)]
    attempts = [services.attempt_start(user=user, quiz=quiz) for user in users]
    plans = [answers_for(attempt, right=index % 6) for index, attempt in enumerate(attempts)]

    results, errors = run_in_threads_with_results(
        count,
        lambda i: services.attempt_submit(
            user=users[i], attempt_id=attempts[i].pk, answers=plans[i]
        ),
        language="en",
    )

    assert errors == []
    assert len(results) == count
    for index, (user, attempt) in enumerate(zip(users, attempts, strict=True)):
        expected = Decimal(index % 6) / 5
        attempt.refresh_from_db()
        assert attempt.state == Attempt.State.FINISHED, index
        assert attempt.score == expected, (index, attempt.score)
        assert attempt.passed == (expected >= Decimal("0.5")), index
        right = attempt.responses.filter(state=Response.State.CORRECT).count()
        assert right == index % 6, index
        progress = ActivityProgress.objects.get(user=user, activity_key=quiz.translation_key)
        assert (progress.attempts, progress.score) == (1, expected), index
        assert progress.status == (Status.PASSED if expected >= Decimal("0.5") else Status.FAILED)
        assert CourseProgress.objects.filter(user=user).count() == 1
    assert ActivityProgress.objects.filter(activity_key=quiz.translation_key).count() == count
