"""A learner's attempt from start to review, graded on the server, and every way to cheat it."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from courses.services import enrol
from progress.models import ActivityProgress, Status
from quizzes import services
from quizzes.models import Attempt, Response
from tests.builders import build_course
from tests.factories import UserFactory
from tests.quiz_builders import build_quiz, category, question, standard_questions

# The SQLite pass of `make test` runs the tests marked `sqlite` (the browser journeys cover
# the rest of these pages on SQLite).
pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    return build_course(slug="quiz-course", lessons=1)


@pytest.fixture
def learner(client, course):
    user = UserFactory()
    enrol(user=user, course=course.course)
    client.force_login(user)
    return user


def make_quiz(course, questions=None, **settings):
    cat = category(course.course)
    return build_quiz(course.course, questions or standard_questions(cat), **settings)


def start(client, quiz) -> str:
    response = client.post(f"/fa/quizzes/{quiz.pk}/start/")
    assert response.status_code == 302, response.content.decode()
    return response["Location"]


def option_value(html: str, name: str, label: str) -> str:
    match = re.search(rf'name="{re.escape(name)}" value="([^"]+)"[^>]*> {re.escape(label)}<', html)
    assert match, (name, label)
    return match.group(1)


def right_answers(html: str) -> dict:
    """The form data a learner who knows the answers posts for ``standard_questions``."""
    data = {
        "q1-choice": option_value(html, "q1-choice", "تهران"),
        "q2-value": "false",
        "q3-text": "كروم",  # Arabic kaf: the same word for grading
        "q4-text": "۴",
    }
    for found in re.finditer(r'<span>(آب|برق)</span> <select id="(q5-pair-\w+)"', html):
        options = html[found.end() : html.index("</select>", found.end())]
        key = re.search(rf'<option value="(\w+)">قبض {found.group(1)}</option>', options)
        data[found.group(2)] = key.group(1)
    return data


@pytest.mark.sqlite
def test_a_learner_takes_a_quiz_resumes_after_a_reload_and_sees_the_review(client, course, learner):
    quiz = make_quiz(course)
    url = start(client, quiz)
    html = client.get(url).content.decode()
    answers = right_answers(html)

    saved = client.post(url, {"q1-choice": answers["q1-choice"], "q3-text": "كروم"})
    assert saved.status_code == 302
    reloaded = client.get(url).content.decode()  # a reload keeps what was saved
    assert re.search(rf'value="{answers["q1-choice"]}" checked', reloaded)
    assert 'value="كروم"' in reloaded
    # The quiz page offers to continue the same attempt, not a new one.
    assert client.post(f"/fa/quizzes/{quiz.pk}/start/")["Location"] == url

    done = client.post(url, {**answers, "action": "submit"})
    assert done.status_code == 302 and done["Location"].endswith("/review/")
    review = client.get(done["Location"]).content.decode()
    assert "۱۰۰" in review or "100" in review
    assert "درست است" in review  # per-answer feedback after submit

    attempt = Attempt.objects.get(user=learner)
    assert attempt.state == Attempt.State.FINISHED
    assert attempt.score == 1 and attempt.passed is True
    assert set(attempt.responses.values_list("state", flat=True)) == {"correct"}
    progress = ActivityProgress.objects.get(user=learner, activity_key=quiz.translation_key)
    assert progress.status == Status.PASSED and progress.score == 1 and progress.attempts == 1


def test_autosave_answers_json_without_a_page_reload(client, course, learner):
    quiz = make_quiz(course)
    url = start(client, quiz)
    response = client.post(url, {"q3-text": "کروم"}, HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == 200
    assert response.json()["ok"] is True
    assert set(response.json()) == {"ok", "saved_at"}  # nothing about right or wrong
    assert Response.objects.get(position=3).answer == {"text": "کروم"}


def test_the_attempt_page_gives_away_no_answers(client, course, learner):
    cat = category(course.course)
    items = [
        *standard_questions(cat),
        question(cat, "ordering", "به ترتیب", [("یک", 0), ("دو", 0), ("سه", 0), ("چهار", 0)]),
        question(cat, "cloze", "پایتخت فرانسه {1:SHORTANSWER:=پاریس#آفرین} است."),
    ]
    quiz = make_quiz(course, items)
    url = start(client, quiz)
    html = client.get(url).content.decode()
    for secret in ["درست است", "پاریس", "آفرین", "fraction", "0.0000000", "1.0000000"]:
        assert secret not in html
    # Choice names are opaque: a matching option is not named after its sub-question, and the
    # ordering items' names do not sort into the right order.
    sub_keys = re.findall(r'name="q5-pair-(\w+)"', html)
    option_keys = re.findall(r'<option value="([0-9a-f]{10})">قبض', html)
    assert sub_keys and not set(sub_keys) & set(option_keys)
    rank_keys = re.findall(r'name="q6-rank-(\w+)"', html)
    assert len(rank_keys) == 4 and all(re.fullmatch(r"[0-9a-f]{10}", key) for key in rank_keys)
    assert not set(rank_keys) & {"1", "2", "3", "4"}  # not the choice ids, which give the order


def test_late_answers_are_refused_and_the_answers_saved_in_time_are_submitted(
    client, course, learner
):
    quiz = make_quiz(course, time_limit_minutes=5)
    url = start(client, quiz)
    answers = right_answers(client.get(url).content.decode())
    client.post(url, {"q3-text": "کروم"})  # saved in time
    Attempt.objects.update(deadline=timezone.now() - timedelta(minutes=2))  # time is over

    late = client.post(url, {**answers, "action": "submit"})

    assert late.status_code == 409
    assert "time" in late.content.decode().lower() or "زمان" in late.content.decode()
    assert Response.objects.get(position=1).answer == {}  # the late answer was not stored
    client.get(url)  # opening it now closes it with what was saved in time
    attempt = Attempt.objects.get()
    assert attempt.state == Attempt.State.FINISHED and attempt.overdue
    assert attempt.marks == 1  # only the short answer saved before the deadline


def test_a_submit_within_the_grace_period_is_accepted(client, course, learner, settings):
    settings.QUIZ_GRACE_SECONDS = 60
    quiz = make_quiz(course, time_limit_minutes=5)
    url = start(client, quiz)
    answers = right_answers(client.get(url).content.decode())
    Attempt.objects.update(deadline=timezone.now() - timedelta(seconds=20))
    assert client.post(url, {**answers, "action": "submit"}).status_code == 302
    assert Attempt.objects.get().score == 1


@pytest.mark.sqlite
def test_a_second_submit_changes_nothing(client, course, learner):
    quiz = make_quiz(course)
    url = start(client, quiz)
    answers = right_answers(client.get(url).content.decode())
    client.post(url, {**answers, "action": "submit"})
    attempt = Attempt.objects.get()

    with pytest.raises(services.QuizError) as refused:
        services.attempt_submit(user=learner, attempt_id=attempt.pk, answers={})
    assert refused.value.status == 409
    resubmitted = client.post(url, {"q3-text": "غلط", "action": "submit"})

    assert resubmitted.status_code == 302  # a finished attempt only shows its review
    assert Attempt.objects.get().submitted_at == attempt.submitted_at
    assert Response.objects.get(position=3).answer == {"text": "كروم"}
    progress = ActivityProgress.objects.get(user=learner, activity_key=quiz.translation_key)
    assert progress.attempts == 1


@pytest.mark.sqlite
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("q1-choice", "999"),  # a choice that does not exist
        ("q1-choice", "1"),  # a real id, but pages only know opaque names
        ("q2-value", "maybe"),
        ("q5-pair-forged", "nope"),
        ("q9-text", "a question not in the attempt"),
    ],
)
def test_forged_answers_are_refused_with_a_message_and_nothing_is_stored(
    client, course, learner, field, value
):
    quiz = make_quiz(course)
    url = start(client, quiz)
    client.post(url, {"q3-text": "کروم"})

    response = client.post(url, {"q3-text": "تغییر", field: value})

    if field in {"q2-value", "q9-text"}:
        # Unknown fields and values outside the form are ignored, like any browser would post.
        assert response.status_code == 302
        assert Response.objects.get(position=2).answer == {}
        return
    assert response.status_code == 400
    assert "question" in response.content.decode().lower() or "سؤال" in response.content.decode()
    assert Response.objects.get(position=3).answer == {"text": "کروم"}  # nothing changed


def test_another_learners_attempt_cannot_be_read_or_written(client, course, learner):
    quiz = make_quiz(course)
    url = start(client, quiz)
    other = UserFactory()
    enrol(user=other, course=course.course)
    client.force_login(other)

    assert client.get(url).status_code == 404
    assert client.post(url, {"q3-text": "x", "action": "submit"}).status_code == 404
    assert client.get(url + "review/").status_code == 404
    with pytest.raises(services.QuizError):
        services.attempt_submit(user=other, attempt_id=Attempt.objects.get().pk, answers={})
    attempt = Attempt.objects.get()
    assert attempt.state == Attempt.State.IN_PROGRESS and attempt.user == learner


def test_no_attempts_beyond_the_limit(client, course, learner):
    quiz = make_quiz(course, attempts_allowed=1)
    url = start(client, quiz)
    client.post(url, {"action": "submit"})

    refused = client.post(f"/fa/quizzes/{quiz.pk}/start/")

    assert refused.status_code == 403
    assert Attempt.objects.count() == 1
    assert "start" not in client.get(quiz.url).content.decode().split("</h1>")[1].split("<nav")[0]


def test_only_enrolled_learners_may_start(client, course):
    quiz = make_quiz(course)
    client.force_login(UserFactory())
    assert client.post(f"/fa/quizzes/{quiz.pk}/start/").status_code == 403
    client.logout()
    assert client.post(f"/fa/quizzes/{quiz.pk}/start/").status_code == 302  # to log in
    assert Attempt.objects.count() == 0


def test_a_closed_or_not_yet_open_quiz_cannot_be_started(client, course, learner):
    now = timezone.now()
    closed = make_quiz(course, slug="closed", closes_at=now - timedelta(hours=1))
    early = make_quiz(course, slug="early", opens_at=now + timedelta(hours=1))
    assert client.post(f"/fa/quizzes/{closed.pk}/start/").status_code == 403
    assert client.post(f"/fa/quizzes/{early.pk}/start/").status_code == 403
    assert Attempt.objects.count() == 0


def test_immediate_feedback_checks_one_question_and_locks_it(client, course, learner):
    quiz = make_quiz(course, feedback_timing="immediately", answers_timing="immediately")
    url = start(client, quiz)
    answers = right_answers(client.get(url).content.decode())

    client.post(url, {"q1-choice": answers["q1-choice"], "check": "1"})
    page = client.get(url).content.decode()
    assert "درست است" in page  # the choice's feedback, now that it was checked
    wrong = option_value(page, "q1-choice", "شیراز")
    client.post(url, {"q1-choice": wrong})  # a checked answer is final
    response = Response.objects.get(position=1)
    assert response.checked and response.state == "correct"
    assert response.answer == {"choice": 1} or response.fraction == 1


def test_feedback_and_answers_hidden_when_the_quiz_says_never(client, course, learner):
    quiz = make_quiz(course, feedback_timing="never", answers_timing="never")
    url = start(client, quiz)
    answers = right_answers(client.get(url).content.decode())
    done = client.post(url, {**answers, "q1-choice": "", "action": "submit"})
    review = client.get(done["Location"]).content.decode()
    assert "درست است" not in review
    assert "right-answer" not in review


def test_the_grade_follows_the_grading_method(course, learner):
    quiz = make_quiz(course, grading_method="last")
    for answers in ({3: {"text": "کروم"}}, {}):
        attempt = services.attempt_start(user=learner, quiz=quiz)
        services.attempt_submit(user=learner, attempt_id=attempt.pk, answers=answers)
    progress = ActivityProgress.objects.get(user=learner, activity_key=quiz.translation_key)
    assert services.quiz_grade(user=learner, quiz=quiz) == 0
    assert progress.score == 0 and progress.status == Status.FAILED
    quiz.grading_method = "highest"
    assert services.quiz_grade(user=learner, quiz=quiz) == Decimal("0.2")


def test_random_questions_are_drawn_from_the_category_without_repeats(course, learner):
    from quizzes.models import QuizSlot

    cat = category(course.course, name="مخزن")
    pool = [question(cat, "truefalse", f"جملهٔ {n}", correct_answer=True) for n in range(6)]
    quiz = make_quiz(course, [pool[0]])
    QuizSlot.objects.create(quiz=quiz, random_category=cat, count=3, sort_order=1)

    attempt = services.attempt_start(user=learner, quiz=quiz)

    drawn = list(attempt.responses.values_list("question_id", flat=True))
    assert len(drawn) == 4 and len(set(drawn)) == 4 and drawn[0] == pool[0].pk
    assert attempt.max_marks == 4


def test_answers_to_questions_outside_the_attempt_are_refused_by_the_service(course, learner):
    quiz = make_quiz(course)
    attempt = services.attempt_start(user=learner, quiz=quiz)
    services.attempt_save(user=learner, attempt_id=attempt.pk, answers={3: {"text": "کروم"}})

    for forged in ({99: {"text": "x"}}, {"3": {"text": "y"}, "not-a-number": {}}):
        with pytest.raises(services.QuizError) as refused:
            services.attempt_submit(user=learner, attempt_id=attempt.pk, answers=forged)
        assert refused.value.status == 400 and "تلاش" in refused.value.message  # in Persian

    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.IN_PROGRESS
    assert Response.objects.get(attempt=attempt, position=3).answer == {"text": "کروم"}


def page_title(html: str) -> str:
    return re.search(r"<title>(.*?)</title>", html, re.S).group(1)


def test_attempt_and_review_pages_are_titled_with_a_separator(client, course, learner):
    quiz = make_quiz(course, title="آزمون پرداخت قبض")
    url = start(client, quiz)
    assert page_title(client.get(url).content.decode()) == "آزمون پرداخت قبض · سواد"
    done = client.post(url, {"action": "submit"})
    review = page_title(client.get(done["Location"]).content.decode())
    assert review == "مرور تلاش ۱ · آزمون پرداخت قبض · سواد"
