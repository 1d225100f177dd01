import uuid
from decimal import Decimal

import pytest

from progress.models import ActivityProgress, CourseProgress, Status
from progress.services import (
    ActivityRef,
    ProgressError,
    record_completion,
    record_score,
    record_visit,
    refresh_course_totals,
)

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

COURSE = uuid.uuid4()
KEYS = [uuid.uuid4() for _ in range(4)]


def ref(index: int, keys=KEYS) -> ActivityRef:
    return ActivityRef(
        activity_key=keys[index], course_key=COURSE, course_activity_keys=frozenset(keys)
    )


def summary(user) -> CourseProgress:
    return CourseProgress.objects.get(user=user, course_key=COURSE)


def test_first_visit_starts_activity_and_sets_resume_point(user):
    record_visit(user=user, activity=ref(1), seconds=30)
    row = ActivityProgress.objects.get(user=user, activity_key=KEYS[1])
    assert row.status == Status.IN_PROGRESS
    assert row.first_seen_at == row.last_seen_at
    assert row.time_spent == 30
    s = summary(user)
    assert (s.last_activity_key, s.total_activities, s.percent_complete) == (KEYS[1], 4, 0)


def test_later_visits_add_time_keep_first_seen_and_never_regress(user):
    record_visit(user=user, activity=ref(0), seconds=10)
    first = ActivityProgress.objects.get(user=user, activity_key=KEYS[0]).first_seen_at
    record_completion(user=user, activity=ref(0))
    record_visit(user=user, activity=ref(0), seconds=5)
    row = ActivityProgress.objects.get(user=user, activity_key=KEYS[0])
    assert row.status == Status.COMPLETED
    assert row.first_seen_at == first
    assert row.time_spent == 15


def test_visit_time_is_capped_and_never_negative(user):
    record_visit(user=user, activity=ref(0), seconds=10**9)
    record_visit(user=user, activity=ref(0), seconds=-500)
    assert ActivityProgress.objects.get(user=user, activity_key=KEYS[0]).time_spent == 3600


def test_completions_update_summary_and_complete_course(user):
    for index in range(3):
        record_completion(user=user, activity=ref(index))
    s = summary(user)
    assert (s.completed_activities, s.percent_complete, s.completed_at) == (3, 75, None)
    record_completion(user=user, activity=ref(3))
    s = summary(user)
    assert s.percent_complete == 100 and s.completed_at is not None
    assert ActivityProgress.objects.get(user=user, activity_key=KEYS[3]).completed_at is not None


def test_completing_twice_changes_nothing(user):
    record_completion(user=user, activity=ref(0))
    before = ActivityProgress.objects.get(user=user, activity_key=KEYS[0])
    record_completion(user=user, activity=ref(0))
    after = ActivityProgress.objects.get(user=user, activity_key=KEYS[0])
    assert (after.completed_at, after.attempts, summary(user).completed_activities) == (
        before.completed_at,
        0,
        1,
    )


def test_scores_set_pass_and_fail_and_count_attempts(user):
    record_score(user=user, activity=ref(0), score=0.4, passed=False)
    row = ActivityProgress.objects.get(user=user, activity_key=KEYS[0])
    assert (row.status, row.score, row.attempts, row.completed_at) == (
        Status.FAILED,
        Decimal("0.4000"),
        1,
        None,
    )
    assert summary(user).completed_activities == 0
    record_score(user=user, activity=ref(0), score=Decimal("0.85"), passed=True)
    row.refresh_from_db()
    assert (row.status, row.score, row.attempts) == (Status.PASSED, Decimal("0.8500"), 2)
    assert summary(user).completed_activities == 1
    record_score(user=user, activity=ref(1), score=1)
    assert ActivityProgress.objects.get(user=user, activity_key=KEYS[1]).status == Status.COMPLETED


@pytest.mark.parametrize("bad", [-0.01, 1.0001, float("nan"), float("inf"), None])
def test_scores_outside_zero_to_one_are_refused_and_change_nothing(user, bad):
    with pytest.raises(ProgressError):
        record_score(user=user, activity=ref(0), score=bad)
    assert not ActivityProgress.objects.exists()
    assert not CourseProgress.objects.exists()


def test_progress_outside_the_course_list_does_not_count(user):
    stray = ActivityRef(
        activity_key=uuid.uuid4(), course_key=COURSE, course_activity_keys=frozenset(KEYS)
    )
    record_completion(user=user, activity=stray)
    assert summary(user).completed_activities == 0


def test_refresh_after_course_grows(user):
    for index in range(4):
        record_completion(user=user, activity=ref(index))
    assert summary(user).percent_complete == 100
    bigger = [*KEYS, uuid.uuid4()]
    s = refresh_course_totals(user=user, activity=ref(0, bigger))
    assert (s.completed_activities, s.total_activities, s.percent_complete) == (4, 5, 80)
    assert s.completed_at is not None, "a completion once earned is kept"


def test_learners_do_not_share_progress(user):
    from tests.factories import UserFactory

    other = UserFactory()
    record_completion(user=user, activity=ref(0))
    record_visit(user=other, activity=ref(1))
    assert summary(other).completed_activities == 0
    assert ActivityProgress.objects.filter(user=other).count() == 1
