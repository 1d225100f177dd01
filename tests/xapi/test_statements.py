"""Learning events through the real views and services become valid xAPI statements, written
in the event's own transaction, without correct answers, and a launch is stored once."""

import json
import uuid

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from courses.services import enrol
from progress import signals
from progress.services import record_visit
from quizzes import services as quizzes
from tests.builders import build_course
from tests.factories import UserFactory
from tests.quiz_builders import build_quiz, category, standard_questions
from tests.xapi.conftest import ref
from tests.xapi.validation import assert_valid_statement
from xapi import identity, services
from xapi.models import OutboxStatement
from xapi.statements import PROGRESS_EXTENSION, deterministic_id

pytestmark = pytest.mark.django_db

RIGHT_ANSWERS = {  # standard_questions by position, with the choices' ids
    1: {"choice": 1},
    2: {"value": False},
    3: {"text": "کروم"},
    4: {"text": "4"},
    5: {"pairs": {"1": 1, "2": 2}},
}


def statements(user) -> list[dict]:
    return [row.statement for row in OutboxStatement.objects.filter(user=user).order_by("id")]


def verbs(items) -> list[str]:
    return [item["verb"]["id"].rsplit("/", 1)[1] for item in items]


def take_quiz(user, quiz, answers):
    attempt = quizzes.attempt_start(user=user, quiz=quiz)
    return quizzes.attempt_submit(user=user, attempt_id=attempt.pk, answers=answers)


@pytest.fixture
def journey(client):
    """A learner's whole course: enrol, two lessons, a quiz failed then passed."""
    built = build_course(slug="journey", lessons=2, translate=True)
    quiz = build_quiz(built.course, standard_questions(category(built.course)))
    user = UserFactory()
    client.force_login(user)
    first, second = built.lessons
    assert client.post(f"/fa/learn/{built.course.pk}/enrol/").status_code == 302
    assert client.get(first.url).status_code == 200
    assert client.post(f"/fa/learn/lessons/{first.pk}/complete/").status_code == 302
    failed = take_quiz(user, quiz, {})
    passed = take_quiz(user, quiz, RIGHT_ANSWERS)
    assert client.get(second.url).status_code == 200
    assert client.post(f"/fa/learn/lessons/{second.pk}/complete/").status_code == 302
    return built, quiz, user, failed, passed


def test_every_event_of_a_course_becomes_a_valid_statement_in_order(journey):
    built, quiz, user, failed, passed = journey
    items = statements(user)
    assert verbs(items) == [
        "registered",
        "launched",
        "completed",
        "progressed",
        *["answered"] * 5,
        "failed",
        *["answered"] * 5,
        "passed",
        "progressed",
        "launched",
        "completed",
        "progressed",
        "completed",
    ]
    for item in items:
        assert_valid_statement(item)
        assert item["actor"]["account"] == {
            "homePage": settings.XAPI_IRI_BASE,
            "name": str(user.pk),
        }
    assert len({item["id"] for item in items}) == len(items)
    rows = OutboxStatement.objects.filter(user=user)
    assert {str(row.statement_id) for row in rows} == {item["id"] for item in items}
    assert all(row.sent_at is None and row.attempts == 0 for row in rows)

    course_iri = identity.course_iri(built.course.translation_key)
    course_names = {"fa": built.course.title, "en": built.english.title}
    registered, launched, completed, progressed = items[:4]
    assert registered["object"]["id"] == course_iri
    assert registered["object"]["definition"] == {
        "type": "http://adlnet.gov/expapi/activities/course",
        "name": course_names,
    }
    assert registered["context"]["language"] == "fa"

    lesson = built.lessons[0]
    lesson_activity = {
        "objectType": "Activity",
        "id": identity.activity_iri(lesson.translation_key),
        "definition": {
            "type": "http://adlnet.gov/expapi/activities/lesson",
            "name": {"fa": lesson.title, "en": built.english_lessons[0].title},
        },
    }
    course_activity = {
        "objectType": "Activity",
        "id": course_iri,
        "definition": registered["object"]["definition"],
    }
    assert launched["object"] == lesson_activity
    assert launched["id"] == str(deterministic_id("launched", user.pk, lesson.translation_key))
    assert launched["context"]["contextActivities"] == {
        "parent": [course_activity],
        "grouping": [course_activity],
    }
    assert completed["object"] == lesson_activity
    assert completed["result"] == {"completion": True}
    assert progressed["object"]["id"] == course_iri
    assert progressed["result"]["extensions"] == {PROGRESS_EXTENSION: 33}
    assert progressed["result"]["completion"] is False

    quiz_failed, quiz_passed = items[9], items[15]
    quiz_iri = identity.activity_iri(quiz.translation_key)
    for item in (quiz_failed, quiz_passed):
        assert item["object"]["id"] == quiz_iri
        assert (
            item["object"]["definition"]["type"] == "http://adlnet.gov/expapi/activities/assessment"
        )
        assert item["object"]["definition"]["name"] == {"fa": quiz.title}
    assert quiz_failed["result"] == {
        "success": False,
        "score": {"scaled": 0.0, "raw": 0, "min": 0, "max": 100},
    }
    assert quiz_passed["result"] == {
        "completion": True,
        "success": True,
        "score": {"scaled": 1.0, "raw": 100, "min": 0, "max": 100},
    }
    assert items[16]["result"]["extensions"] == {PROGRESS_EXTENSION: 66}
    assert items[-2]["result"]["extensions"] == {PROGRESS_EXTENSION: 100}
    assert items[-2]["result"]["completion"] is True

    course_completed = items[-1]
    assert course_completed["object"]["id"] == course_iri
    assert course_completed["result"]["completion"] is True
    assert course_completed["id"] == str(
        deterministic_id("course-completed", user.pk, built.course.translation_key)
    )


def test_answers_carry_the_learners_response_and_never_the_correct_one(journey):
    built, quiz, user, failed, passed = journey
    items = statements(user)
    unanswered, answered = items[4:9], items[10:15]
    responses = {r.position: r for r in passed.responses.all()}
    keys = {position: r.spec["keys"] for position, r in responses.items()}

    for item, position in zip(answered, range(1, 6), strict=True):
        response = responses[position]
        assert item["object"]["id"] == identity.question_iri(
            quiz.translation_key, response.question_id
        )
        definition = item["object"]["definition"]
        assert definition["type"] == "http://adlnet.gov/expapi/activities/cmi.interaction"
        assert definition["name"] == {"fa": response.spec["name"]}
        assert item["result"]["success"] is True
        assert item["result"]["score"] == {"scaled": 1.0, "raw": 1, "min": 0, "max": 1}
        assert item["context"]["contextActivities"]["parent"][0]["id"] == identity.activity_iri(
            quiz.translation_key
        )
        assert item["context"]["contextActivities"]["grouping"][0]["id"] == identity.course_iri(
            built.course.translation_key
        )
        assert list(item["context"]["extensions"].values()) == [passed.number]

    choice, truefalse, short, numeric, match = answered
    assert choice["object"]["definition"]["interactionType"] == "choice"
    assert choice["result"]["response"] == keys[1]["1"]
    offered = choice["object"]["definition"]["choices"]
    assert [c["id"] for c in offered] == sorted(keys[1].values())  # not the authored order
    assert sorted(c["description"]["fa"] for c in offered) == sorted(["تهران", "شیراز", "تبریز"])
    assert truefalse["object"]["definition"]["interactionType"] == "true-false"
    assert truefalse["result"]["response"] == "false"
    assert short["result"]["response"] == "کروم"
    assert numeric["object"]["definition"]["interactionType"] == "numeric"
    assert numeric["result"]["response"] == "4"
    assert match["object"]["definition"]["interactionType"] == "matching"
    answer_keys = responses[5].spec["answer_keys"]
    assert match["result"]["response"] == (
        f"{keys[5]['1']}[.]{answer_keys['1']}[,]{keys[5]['2']}[.]{answer_keys['2']}"
    )
    sources = {c["id"] for c in match["object"]["definition"]["source"]}
    targets = {c["id"] for c in match["object"]["definition"]["target"]}
    assert sources == set(keys[5].values()) and targets == set(answer_keys.values())
    assert not sources & targets  # a pair is not given away by sharing a name

    for item in unanswered:
        assert item["result"]["response"] == ""
        assert item["result"]["success"] is False
        assert item["result"]["completion"] is False

    text = json.dumps(unanswered + answered, ensure_ascii=False)
    for secret in ("correctResponsesPattern", "fraction", "feedback", "درست است"):
        assert secret not in text


def test_a_statement_is_written_in_the_events_transaction(built, user):
    with pytest.raises(RuntimeError), transaction.atomic():
        enrol(user=user, course=built.course)
        assert OutboxStatement.objects.filter(user=user, verb="registered").count() == 1
        raise RuntimeError("the enrolment fails after the signal")
    assert not OutboxStatement.objects.exists()

    enrol(user=user, course=built.course)
    enrol(user=user, course=built.course)  # enrolling again is no new event
    assert list(OutboxStatement.objects.values_list("verb", flat=True)) == ["registered"]


def test_a_launch_sent_twice_by_racing_requests_is_stored_once(built, user):
    activity = ref(built.lessons[0])
    enrol(user=user, course=built.course)
    for _ in range(2):
        signals.activity_launched.send("progress.services", user=user, activity=activity)
    launched = OutboxStatement.objects.filter(user=user, verb="launched")
    assert launched.count() == 1
    assert launched.get().statement_id == deterministic_id(
        "launched", user.pk, built.lessons[0].translation_key
    )
    other = UserFactory()
    signals.activity_launched.send("progress.services", user=other, activity=activity)
    assert OutboxStatement.objects.filter(verb="launched").count() == 2


def test_a_progress_writes_statements_are_stored_in_one_insert_as_the_orm_stores_them(
    user, django_assert_num_queries
):
    # One statement outside a progress write, stored by the ORM; two in a progress write's
    # batch, one of them with an id stored already (a launch recorded twice).
    kept, new = uuid.uuid4(), uuid.uuid4()
    text = "گواهی «ی» \\ 'quote' \u200c"

    def statement(key, verb):
        return {"id": str(key), "verb": {"id": f"{identity.iri_base()}/{verb}"}, "text": text}

    services.record(statement(kept, "launched"), user=user)
    with django_assert_num_queries(1), signals.batch():
        services.record(statement(kept, "launched"), user=user, ignore_conflicts=True)
        services.record(statement(new, "passed"), user=user)

    rows = {row.statement_id: row for row in OutboxStatement.objects.all()}
    assert set(rows) == {kept, new}
    orm, batched = rows[kept], rows[new]
    assert batched.statement == statement(new, "passed") and batched.statement["text"] == text
    assert (batched.user_id, batched.verb) == (user.pk, "passed")
    for column in ("sent_at", "attempts", "last_error"):
        assert getattr(batched, column) == getattr(orm, column), column
    assert batched.created_at == batched.next_attempt_at
    assert abs(batched.created_at - orm.created_at).total_seconds() < 60
    assert OutboxStatement.objects.filter(sent_at__isnull=True).count() == 2  # both are due


def test_a_lesson_visit_writes_at_most_one_insert_for_its_launch(client, built, user):
    enrol(user=user, course=built.course)
    client.force_login(user)
    first, second = built.lessons[:2]
    assert client.get(first.url).status_code == 200  # warms the course's names and pages

    with CaptureQueriesContext(connection) as first_visit:
        assert client.get(second.url).status_code == 200
    outbox = [q["sql"] for q in first_visit.captured_queries if "xapi_outbox" in q["sql"]]
    assert len(outbox) == 1 and outbox[0].startswith("INSERT")

    with CaptureQueriesContext(connection) as again:
        assert client.get(second.url).status_code == 200
    assert not [q for q in again.captured_queries if "xapi_outbox" in q["sql"]]
    assert OutboxStatement.objects.filter(user=user, verb="launched").count() == 2


def test_one_delivery_is_queued_per_transaction_and_only_with_an_lrs(
    built, user, settings, django_capture_on_commit_callbacks
):
    settings.XAPI_LRS_URL = ""
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        enrol(user=user, course=built.course)
    assert services._enqueue not in callbacks  # (other apps' callbacks, e.g. statistics, apart)
    assert OutboxStatement.objects.count() == 1  # recorded all the same, for later

    settings.XAPI_LRS_URL = "http://127.0.0.1:9/lrs"
    with django_capture_on_commit_callbacks() as callbacks, transaction.atomic():
        for lesson in built.lessons:
            record_visit(user=user, activity=ref(lesson))
    assert OutboxStatement.objects.filter(verb="launched").count() == 3
    assert callbacks.count(services._enqueue) == 1


def test_identity_of_statement_ids():
    assert deterministic_id("launched", 1, uuid.UUID(int=1)).version == 5
    assert deterministic_id("a", 1) == deterministic_id("a", 1) != deterministic_id("a", 2)
