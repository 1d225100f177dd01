"""Parallel progress writes for one learner on PostgreSQL lose nothing."""

import random
import threading
import uuid

import pytest
from django.db import connection

from progress import signals
from progress.models import ActivityProgress, CourseProgress, Status
from progress.services import ActivityRef, record_completion, record_score, record_visit
from tests.factories import UserFactory
from tests.threads import run_in_threads

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locking is exercised on PostgreSQL (the PostgreSQL pass of make test)",
    ),
]


def test_parallel_completions_and_visits_for_one_learner_are_all_counted():
    user = UserFactory()
    course = uuid.uuid4()
    keys = [uuid.uuid4() for _ in range(12)]
    refs = [ActivityRef(k, course, frozenset(keys)) for k in keys]

    def work(index):
        for _round in range(3):
            record_visit(user=user, activity=refs[index], seconds=2)
            record_visit(user=user, activity=refs[(index + 1) % 12], seconds=1)
        if index % 2:
            record_completion(user=user, activity=refs[index])
        else:
            record_score(user=user, activity=refs[index], score=0.9, passed=True)

    assert run_in_threads(12, work) == []
    summary = CourseProgress.objects.get(user=user, course_key=course)
    assert (summary.completed_activities, summary.percent_complete) == (12, 100)
    assert summary.completed_at is not None
    rows = ActivityProgress.objects.filter(user=user)
    assert rows.count() == 12
    assert all(row.time_spent == 9 for row in rows), [r.time_spent for r in rows]
    assert rows.filter(status=Status.PASSED).count() == 6
    assert CourseProgress.objects.filter(user=user).count() == 1


def test_parallel_first_visits_to_one_activity_create_one_row():
    user = UserFactory()
    course, key = uuid.uuid4(), uuid.uuid4()
    ref = ActivityRef(key, course, frozenset([key]))
    assert run_in_threads(10, lambda _i: record_visit(user=user, activity=ref, seconds=3)) == []
    row = ActivityProgress.objects.get(user=user, activity_key=key)
    assert row.time_spent == 30
    assert CourseProgress.objects.filter(user=user, course_key=course).count() == 1


def test_fifty_threads_of_overlapping_writes_lose_and_duplicate_nothing():
    """50 threads × 200 writes (visits, completions, scores) over 10 learners and 2 courses.

    The final rows are independent of the interleaving, so they are computed from the plan:
    time spent is the sum of visit seconds, an activity with any score is passed, the
    summaries count exactly the finished activities, and each completed course is announced
    exactly once.
    """
    threads, writes = 50, 200
    learners = UserFactory.create_batch(10)
    courses = [uuid.uuid4(), uuid.uuid4()]
    keys = {course: [uuid.uuid4() for _ in range(6)] for course in courses}
    refs = [ActivityRef(k, c, frozenset(keys[c])) for c in courses for k in keys[c]]

    def plan(thread: int, step: int):
        pick = random.Random(thread * writes + step)  # the same plan in work and in checks
        kind = pick.choice(("visit", "visit", "complete", "score"))
        return pick.choice(learners), pick.choice(refs), kind

    announced, lock = [], threading.Lock()

    def note(sender, *, user, summary, **kwargs):
        with lock:
            announced.append((user.pk, summary.course_key))

    def work(thread):
        for step in range(writes):
            learner, activity, kind = plan(thread, step)
            if kind == "visit":
                record_visit(user=learner, activity=activity, seconds=1)
            elif kind == "complete":
                record_completion(user=learner, activity=activity)
            else:
                record_score(user=learner, activity=activity, score=0.9, passed=True)

    signals.course_completed.connect(note, dispatch_uid="test-fifty-threads")
    try:
        assert run_in_threads(threads, work) == []
    finally:
        signals.course_completed.disconnect(dispatch_uid="test-fifty-threads")

    expected = {}  # (learner, activity key) -> [seconds, scores, finished]
    for thread in range(threads):
        for step in range(writes):
            learner, activity, kind = plan(thread, step)
            entry = expected.setdefault((learner.pk, activity.activity_key), [0, 0, False])
            entry[0] += kind == "visit"
            entry[1] += kind == "score"
            entry[2] |= kind != "visit"
    rows = {(r.user_id, r.activity_key): r for r in ActivityProgress.objects.all()}
    assert set(rows) == set(expected)
    for pair, (seconds, scores, finished) in expected.items():
        row = rows[pair]
        assert row.time_spent == seconds, pair
        assert row.attempts == scores, pair
        status = Status.PASSED if scores else Status.COMPLETED if finished else Status.IN_PROGRESS
        assert row.status == status, pair

    completed = set()
    for learner in learners:
        for course in courses:
            done = sum(expected.get((learner.pk, k), [0, 0, False])[2] for k in keys[course])
            summary = CourseProgress.objects.filter(user=learner, course_key=course).first()
            if summary is None:
                assert not any((learner.pk, k) in expected for k in keys[course])
                continue
            assert summary.completed_activities == done
            assert summary.percent_complete == 100 * done // len(keys[course])
            assert (summary.completed_at is not None) == (done == len(keys[course]))
            if done == len(keys[course]):
                completed.add((learner.pk, course))
    assert CourseProgress.objects.count() == len({(u, r.course_key) for (u, _k), r in rows.items()})
    assert sorted(announced) == sorted(completed)  # each completion announced exactly once
    assert completed  # the plan does complete courses
