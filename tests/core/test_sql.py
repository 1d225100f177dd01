"""core.sql: the raw statements of hot write paths store and delete what the ORM would."""

import uuid

import pytest

from core.models import PendingJob
from core.sql import delete_rows, insert_unless_conflicting
from tests.factories import UserFactory
from xapi.models import OutboxStatement

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def test_delete_rows_deletes_those_rows_only_in_one_statement(django_assert_num_queries):
    jobs = [PendingJob.objects.create(task="core.tasks.ping", args=[n]) for n in range(3)]
    with django_assert_num_queries(1):
        assert delete_rows(PendingJob, [jobs[0].pk, jobs[2].pk, 10**9]) == 2
    assert list(PendingJob.objects.values_list("args", flat=True)) == [[1]]
    with django_assert_num_queries(0):
        assert delete_rows(PendingJob, []) == 0


def test_insert_unless_conflicting_inserts_once_and_reports_the_conflict():
    user = UserFactory()
    key = uuid.uuid4()
    first = OutboxStatement(statement_id=key, user=user, verb="first", statement={"n": "۱"})
    assert insert_unless_conflicting(first) is True
    assert first.pk is not None and not first._state.adding
    again = OutboxStatement(statement_id=key, user=user, verb="second", statement={})
    assert insert_unless_conflicting(again) is False
    assert again.pk is None
    stored = OutboxStatement.objects.get()
    assert (stored.pk, stored.verb, stored.statement) == (first.pk, "first", {"n": "۱"})
    assert stored.attempts == 0 and stored.sent_at is None and stored.last_error == ""
