"""Statements about Savad's activities from enrolled learners feed their progress."""

import pytest

from courses.services import enrol
from lrs.services import scope_client
from progress.models import ActivityProgress, CourseProgress, Status
from tests.builders import build_course
from tests.factories import UserFactory
from tests.lrs.conftest import COMPLETED, VOIDED, agent, statement
from xapi.identity import activity_iri, agent_for

pytestmark = pytest.mark.django_db

ADL = "http://adlnet.gov/expapi/verbs/"


@pytest.fixture
def course(db):
    return build_course(slug="xapi-course", lessons=2)


@pytest.fixture(autouse=True)
def registered(credentials, course):
    """The test client reports on the course's lessons (statements about others feed nothing)."""
    client, _secret = credentials
    iris = [activity_iri(lesson.translation_key) for lesson in course.lessons]
    return scope_client(key=client.key, add=iris)


@pytest.fixture
def learner(course):
    user = UserFactory()
    enrol(user=user, course=course.course)
    return user


def progress(user, page):
    return ActivityProgress.objects.filter(user=user, activity_key=page.translation_key).first()


def about(page, user, verb=COMPLETED, **extra) -> dict:
    return statement(
        actor=agent_for(user), verb=verb, activity=activity_iri(page.translation_key), **extra
    )


def test_completed_statement_completes_the_lesson_for_an_enrolled_learner(api, course, learner):
    lesson = course.lessons[0]
    assert api.post(about(lesson, learner)).status_code == 200
    row = progress(learner, lesson)
    assert row.status == Status.COMPLETED and row.completed_at is not None
    summary = CourseProgress.objects.get(user=learner, course_key=course.course.translation_key)
    assert (summary.completed_activities, summary.total_activities) == (1, 2)


def test_learner_named_by_email_counts_too(api, course, learner):
    lesson = course.lessons[1]
    sent = about(lesson, learner) | {"actor": agent(learner.email.upper())}
    assert api.post(sent).status_code == 200
    assert progress(learner, lesson).status == Status.COMPLETED


def test_not_enrolled_user_gets_no_progress_but_the_statement_is_stored(api, course):
    stranger = UserFactory()
    response = api.post(about(course.lessons[0], stranger))
    assert response.status_code == 200
    assert progress(stranger, course.lessons[0]) is None
    assert not CourseProgress.objects.filter(user=stranger).exists()


def test_unknown_actor_and_foreign_activities_are_only_stored(api, course, learner):
    api.post(about(course.lessons[0], learner) | {"actor": agent("nobody@example.org")})
    api.post(statement(actor=agent_for(learner), verb=COMPLETED))
    assert not ActivityProgress.objects.filter(user=learner).exists()


def test_passed_and_failed_record_scores(api, course, learner):
    first, second = course.lessons
    api.post(about(first, learner, verb=f"{ADL}passed", result={"score": {"scaled": 0.9}}))
    row = progress(learner, first)
    assert (row.status, float(row.score)) == (Status.PASSED, 0.9)
    api.post(
        about(
            second, learner, verb=f"{ADL}failed", result={"score": {"raw": 3, "min": 0, "max": 10}}
        )
    )
    row = progress(learner, second)
    assert (row.status, float(row.score)) == (Status.FAILED, 0.3)


def test_any_scaled_score_is_recorded_clipped_and_success_decides(api, course, learner):
    lesson = course.lessons[0]
    answered = f"{ADL}answered"
    api.post(
        about(lesson, learner, verb=answered, result={"score": {"scaled": -0.5}, "success": False})
    )
    row = progress(learner, lesson)
    assert (row.status, float(row.score)) == (Status.FAILED, 0.0)
    api.post(about(lesson, learner, verb=answered, result={"score": {"scaled": 0.75}}))
    row = progress(learner, lesson)
    assert (row.status, float(row.score), row.attempts) == (Status.COMPLETED, 0.75, 2)


def test_other_verbs_without_a_score_change_nothing(api, course, learner):
    api.post(about(course.lessons[0], learner, verb=f"{ADL}experienced"))
    assert progress(learner, course.lessons[0]) is None


def test_a_rejected_batch_records_no_progress(api, course, learner):
    response = api.post([about(course.lessons[0], learner), statement(verb="bad")])
    assert response.status_code == 400
    assert progress(learner, course.lessons[0]) is None


def test_voiding_does_not_undo_progress_and_resends_do_not_count_twice(api, course, learner):
    lesson = course.lessons[0]
    (statement_id,) = api.post(about(lesson, learner, result={"score": {"scaled": 0.5}})).json()
    api.post(about(lesson, learner, result={"score": {"scaled": 0.5}}) | {"id": statement_id})
    assert progress(learner, lesson).attempts == 1
    api.post(statement(verb=VOIDED, object={"objectType": "StatementRef", "id": statement_id}))
    assert progress(learner, lesson).status == Status.COMPLETED
