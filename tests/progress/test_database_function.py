"""PostgreSQL writes completions and scores with one call of ``progress_finish`` (a database
function); other databases with the Python of ``progress.services``. Both must keep the
course's completion rule the same way: the same writes give the same rows and signals."""

import random
import uuid
from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.utils import timezone

from progress import services
from progress.models import ActivityProgress, CourseProgress, ScoreSource
from progress.services import ActivityRef
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

KEYS = [uuid.uuid4() for _ in range(5)]
OPTIONAL = uuid.uuid4()  # an activity of the course that the rule does not require


def rules() -> list[ActivityRef]:
    """The same course under three rules: plain, minimum scores, self-reported accepted."""
    course = uuid.uuid4()
    minimums = {KEYS[0]: Decimal("0.8"), KEYS[3]: Decimal("0.5")}
    return [
        (course, frozenset(KEYS), {}, False),
        (course, frozenset(KEYS), minimums, False),
        (course, frozenset(KEYS[:3]), minimums, True),
    ]


def plan(seed: int) -> list[tuple]:
    """A random sequence of writes: (activity key, score or None, passed, source)."""
    chance = random.Random(seed)
    writes = []
    for _ in range(30):
        key = chance.choice([*KEYS, OPTIONAL])
        source = chance.choice([ScoreSource.SERVER, ScoreSource.SELF_REPORTED])
        if chance.random() < 0.4:
            writes.append((key, None, None, chance.choice(["", ScoreSource.SELF_REPORTED])))
        else:
            score = Decimal(chance.randrange(0, 10001)) / 10000
            writes.append((key, score, chance.choice([True, False, None]), source))
    return writes


def run(finish, user, rule, writes) -> list:
    """Apply ``writes`` with one implementation; what each write returned and signalled."""
    course, required, minimums, accept = rule
    seen = []
    for key, score, passed, source in writes:
        ref = ActivityRef(key, course, required, min_scores=minimums, accept_self_reported=accept)
        with transaction.atomic():
            progress, before, summary, change = finish(
                user, ref, score=score, passed=passed, source=source, now=timezone.now()
            )
        seen.append(
            (
                progress.status,
                before,
                progress.score,
                progress.score_source,
                progress.attempts,
                progress.completed_at is not None,
                summary.completed_activities,
                summary.total_activities,
                summary.percent_complete,
                summary.completed_at is not None,
                change.progressed,
                change.completed,
            )
        )
    return seen


def stored(user) -> tuple:
    activities = ActivityProgress.objects.filter(user=user).order_by("activity_key")
    summaries = CourseProgress.objects.filter(user=user)
    return (
        [
            (row.activity_key, row.status, row.score, row.score_source, row.attempts)
            for row in activities
        ],
        [
            (row.completed_activities, row.total_activities, row.percent_complete)
            for row in summaries
        ],
        [row.completed_at is not None for row in summaries],
        [row.last_activity_key for row in summaries],
    )


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the function is PostgreSQL's")
@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("rule_index", range(3))
def test_the_database_function_and_the_python_agree(seed, rule_index):
    rule, writes = rules()[rule_index], plan(seed)
    in_database, in_python = UserFactory(), UserFactory()
    by_database = run(services._finish_in_database, in_database, rule, writes)
    by_python = run(services._finish_in_python, in_python, rule, writes)
    assert by_database == by_python
    assert stored(in_database) == stored(in_python)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the function is PostgreSQL's")
def test_a_write_is_one_statement(django_assert_num_queries):
    course, required, minimums, _accept = rules()[1]
    ref = ActivityRef(KEYS[0], course, required, min_scores=minimums)
    user = UserFactory()
    with django_assert_num_queries(1) as captured:
        services._finish_in_database(
            user, ref, score=Decimal("0.9"), passed=True, source="server", now=timezone.now()
        )
    assert "progress_finish" in captured.captured_queries[0]["sql"]
    row = ActivityProgress.objects.get(user=user)
    assert (row.status, row.score, row.attempts) == ("passed", Decimal("0.9000"), 1)
    assert CourseProgress.objects.get(user=user).completed_activities == 1
