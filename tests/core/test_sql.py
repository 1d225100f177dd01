"""core.sql: the raw INSERT of hot write paths stores what the ORM would, and skips conflicts."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from core.sql import insert_ignoring_conflicts
from tests.factories import UserFactory
from xapi.models import OutboxStatement

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def test_rows_are_stored_as_the_orm_stores_them_and_conflicts_are_skipped():
    user = UserFactory()
    kept, other = uuid.uuid4(), uuid.uuid4()
    due = timezone.now() + timedelta(minutes=5)
    statement = {"id": str(kept), "verb": {"id": "x/passed"}, "text": "گواهی «ی» \\ 'quote'"}
    OutboxStatement.objects.create(statement_id=kept, user=user, verb="first", statement={})

    insert_ignoring_conflicts(
        [
            OutboxStatement(statement_id=kept, user=user, verb="second", statement=statement),
            OutboxStatement(
                statement_id=other,
                user=None,
                verb="passed",
                statement=statement,
                next_attempt_at=due,
            ),
        ]
    )

    rows = {row.statement_id: row for row in OutboxStatement.objects.all()}
    assert set(rows) == {kept, other}
    assert rows[kept].verb == "first"  # the existing row wins
    new = rows[other]
    assert new.statement == statement and new.user_id is None and new.verb == "passed"
    assert new.next_attempt_at == due and new.sent_at is None and new.attempts == 0


def test_nothing_to_insert_runs_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        insert_ignoring_conflicts([])
