"""Every figure of the overview, the funnel and the learner table against the hand-built world
of conftest.py, where the right answers are known."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection

from accounts.models import User
from stats import selectors
from stats.selectors import LearnerStatus

# also on SQLite: the medians there are computed without percentile_cont
pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def keys_of(world, *courses):
    return {getattr(world, f"course_{name}").translation_key for name in courses}


def test_overview_per_course_figures(stats_world, django_assert_max_num_queries):
    budget = 6 if connection.vendor == "postgresql" else 6 + 3 + 1  # a median per course, total
    with django_assert_max_num_queries(budget):
        rows, _total = selectors.course_overview(keys=keys_of(stats_world, "a", "b", "c"))
    by_key = {row.course_key: row for row in rows}
    a = by_key[stats_world.course_a.translation_key]
    assert (a.enrolled, a.started, a.completed) == (5, 4, 3)
    assert a.completion_rate == pytest.approx(0.6)
    assert (a.active_7_days, a.active_30_days) == (2, 3)
    assert a.median_time_to_complete == timedelta(days=4)
    assert a.quiz_average == pytest.approx(Decimal("2.2") / 3)
    assert a.quiz_pass_rate == pytest.approx(2 / 3)
    assert a.certificates == 2  # the revoked one does not count

    b = by_key[stats_world.course_b.translation_key]
    assert (b.enrolled, b.started, b.completed, b.active_7_days) == (2, 1, 0, 1)
    assert b.completion_rate == 0
    assert (b.median_time_to_complete, b.quiz_average, b.quiz_pass_rate) == (None, None, None)

    c = by_key[stats_world.course_c.translation_key]
    assert (c.enrolled, c.completed, c.median_time_to_complete) == (1, 1, timedelta(days=6))


def test_overview_totals_count_each_active_learner_once(stats_world):
    _rows, total = selectors.course_overview(keys=keys_of(stats_world, "a", "b", "c"))
    assert (total.enrolled, total.started, total.completed) == (8, 6, 4)
    assert total.completion_rate == pytest.approx(0.5)
    # u1 is active in A and B: three learners in 7 days, four in 30 (not 4 and 5)
    assert (total.active_7_days, total.active_30_days) == (3, 4)
    assert total.median_time_to_complete == timedelta(days=5)  # of 2, 4, 6 and 10 days
    assert total.quiz_average == pytest.approx(Decimal("2.2") / 3)
    assert total.certificates == 2


def test_overview_of_a_teachers_courses_leaves_the_others_out(stats_world):
    rows, total = selectors.course_overview(keys=keys_of(stats_world, "a", "b"))
    assert [row.title for row in rows] == ["الف دوره", "ب دوره"]
    assert (total.enrolled, total.completed, total.active_7_days) == (7, 3, 2)
    assert total.median_time_to_complete == timedelta(days=4)


def test_funnel_follows_the_syllabus(stats_world, django_assert_max_num_queries):
    selectors.course_funnel(course=stats_world.course_a)  # the syllabus is cached
    with django_assert_max_num_queries(1):
        steps = selectors.course_funnel(course=stats_world.course_a)
    assert [step.activity_key for step in steps] == stats_world.activities_a
    assert [(step.reached, step.completed) for step in steps] == [(4, 4), (4, 3), (3, 3), (3, 2)]


def test_learner_table_rows(stats_world, django_assert_max_num_queries):
    rows = selectors.learner_rows(keys=keys_of(stats_world, "a")).order_by("user__username")
    with django_assert_max_num_queries(1):
        found = [(r.user.username, r.progress_percent, r.status, r.best_quiz_score) for r in rows]
    assert found == [
        ("u1", 100, LearnerStatus.COMPLETED, Decimal("0.8")),  # the better of 0.6 and 0.8
        ("u2", 75, LearnerStatus.COMPLETED, Decimal("0.4")),  # the open attempt does not count
        ("u3", 25, LearnerStatus.IN_PROGRESS, None),
        ("u4", 0, LearnerStatus.NOT_STARTED, None),
        ("u5", 100, LearnerStatus.COMPLETED, None),
    ]
    u1 = rows.get(user__username="u1")
    assert u1.completed_at == u1.enrolled_at + timedelta(days=2)
    assert u1.last_activity_at is not None


def test_scope_matches_the_editors_groups(stats_world):
    def scope(name):
        return selectors.statistics_scope(User.objects.get(pk=stats_world.users[name]))

    everything = keys_of(stats_world, "a", "b", "c")
    assert scope("superuser") == everything
    assert scope("viewer") == everything
    assert scope("teacher_a") == keys_of(stats_world, "a", "b")
    assert scope("teacher_c") == keys_of(stats_world, "c")
    assert scope("learner") == frozenset()
    assert scope("no_course") == frozenset()
