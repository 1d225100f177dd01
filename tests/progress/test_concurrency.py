"""Parallel progress writes for one learner on PostgreSQL lose nothing."""

import threading
import uuid

import pytest
from django.db import connection, connections

from progress.models import ActivityProgress, CourseProgress, Status
from progress.services import ActivityRef, record_completion, record_score, record_visit
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locking is exercised on PostgreSQL (the PostgreSQL pass of make test)",
    ),
]


def run_in_threads(count: int, work) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def target(index):
        try:
            barrier.wait()
            work(index)
        except BaseException as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


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
