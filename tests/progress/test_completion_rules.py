"""Course completion rules: required activities and minimum scores, evaluated by the services."""

import uuid
from decimal import Decimal

import pytest

from courses import services as course_services
from courses.selectors import course_syllabus
from progress import signals
from progress.models import CourseProgress
from progress.services import ActivityRef, record_completion, record_score, record_visit
from tests.builders import build_course, publish
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

COURSE = uuid.uuid4()
A, B, C = (uuid.uuid4() for _ in range(3))


@pytest.fixture
def completions():
    """Every course_completed signal sent during the test, as (user id, course key)."""
    seen = []

    def note(sender, *, user, summary, **kwargs):
        seen.append((user.pk, summary.course_key))

    signals.course_completed.connect(note, dispatch_uid="test-completions")
    yield seen
    signals.course_completed.disconnect(dispatch_uid="test-completions")


def ref(key, required=(A, B), min_scores=None) -> ActivityRef:
    return ActivityRef(key, COURSE, frozenset(required), min_scores=min_scores or {})


def summary(user) -> CourseProgress:
    return CourseProgress.objects.get(user=user, course_key=COURSE)


def test_only_required_activities_count_towards_completion(completions):
    user = UserFactory()
    record_completion(user=user, activity=ref(C))  # optional
    assert (summary(user).completed_activities, summary(user).total_activities) == (0, 2)
    record_completion(user=user, activity=ref(A))
    assert summary(user).percent_complete == 50
    assert summary(user).completed_at is None
    record_completion(user=user, activity=ref(B))
    assert summary(user).completed_at is not None
    assert completions == [(user.pk, COURSE)]


def test_a_score_below_the_minimum_does_not_count_until_it_is_reached(completions):
    user = UserFactory()
    rule = {B: Decimal("0.8")}
    record_completion(user=user, activity=ref(A, min_scores=rule))
    record_score(user=user, activity=ref(B, min_scores=rule), score=0.75)
    assert summary(user).completed_activities == 1
    assert summary(user).completed_at is None
    assert completions == []
    record_score(user=user, activity=ref(B, min_scores=rule), score=0.8)
    assert summary(user).completed_activities == 2
    assert summary(user).completed_at is not None
    assert completions == [(user.pk, COURSE)]


def test_a_failed_attempt_does_not_count_even_without_a_minimum():
    user = UserFactory()
    record_score(user=user, activity=ref(A), score=0.3, passed=False)
    assert summary(user).completed_activities == 0


def test_completion_is_announced_once_and_never_taken_back(completions):
    user = UserFactory()
    for key in (A, B):
        record_completion(user=user, activity=ref(key))
    completed_at = summary(user).completed_at
    record_completion(user=user, activity=ref(A))
    record_score(user=user, activity=ref(B), score=0.1, passed=False)  # a later failed retake
    record_visit(user=user, activity=ref(A), seconds=5)
    assert summary(user).completed_at == completed_at
    assert completions == [(user.pk, COURSE)]


def test_signals_follow_what_changed():
    user = UserFactory()
    events = []

    def note(name):
        def receiver(sender, **kwargs):
            events.append(name)

        return receiver

    receivers = {
        name: note(name) for name in ("activity_launched", "activity_finished", "course_progressed")
    }
    for name, receiver in receivers.items():
        getattr(signals, name).connect(receiver, dispatch_uid=f"test-{name}")
    try:
        record_visit(user=user, activity=ref(A))
        record_visit(user=user, activity=ref(A))  # not a first visit: nothing to announce
        record_completion(user=user, activity=ref(A))
        record_completion(user=user, activity=ref(A))  # already done: nothing changed
    finally:
        for name in receivers:
            getattr(signals, name).disconnect(dispatch_uid=f"test-{name}")
    assert events == ["activity_launched", "activity_finished", "course_progressed"]


def test_syllabus_rule_comes_from_the_pages_and_falls_back_to_all():
    built = build_course(slug="rules", lessons=3)
    syllabus = course_syllabus(built.course)
    keys = {lesson.translation_key for lesson in built.lessons}
    assert syllabus.required_keys == keys  # all required by default
    optional = built.lessons[2]
    optional.required_for_completion = False
    publish(optional)
    syllabus = course_syllabus(built.course)
    assert syllabus.required_keys == keys - {optional.translation_key}
    for lesson in built.lessons:
        lesson.required_for_completion = False
        publish(lesson)
    assert course_syllabus(built.course).required_keys == keys  # none marked: all count


def test_min_score_of_a_page_reaches_the_rule():
    built = build_course(slug="rules-min", lessons=2)
    lesson = built.lessons[1]
    lesson.completion_min_score = 90
    publish(lesson)
    syllabus = course_syllabus(built.course)
    assert syllabus.min_scores == {lesson.translation_key: Decimal("0.9")}
    assert lesson.activity_ref(syllabus).min_scores == syllabus.min_scores


def test_making_an_activity_optional_completes_waiting_learners(completions):
    built = build_course(slug="rules-change", lessons=3)
    learner = UserFactory()
    course_services.enrol(user=learner, course=built.course)
    syllabus = course_syllabus(built.course)
    for lesson in built.lessons[:2]:
        record_completion(user=learner, activity=lesson.activity_ref(syllabus))
    key = built.course.translation_key
    assert CourseProgress.objects.get(user=learner, course_key=key).completed_at is None

    last = built.lessons[2]
    last.required_for_completion = False
    publish(last)
    assert course_services.reevaluate_completion(course=built.course) == 1
    done = CourseProgress.objects.get(user=learner, course_key=key)
    assert (done.completed_activities, done.total_activities) == (2, 2)
    assert done.completed_at is not None
    assert completions == [(learner.pk, key)]
