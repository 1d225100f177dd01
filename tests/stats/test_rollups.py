"""Reports at scale: rollups for large scopes, exact figures for small ones (stats.rollups).

``STATS_EXACT_LIMIT = 0`` makes every scope "large" so the world of tests/stats/conftest.py
exercises the rollup path; the default keeps it exact.
"""

import itertools
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from core.templatetags.savad import jdatetime_filter
from courses.services import enrol
from progress.models import ActivityProgress
from stats import reports, rollups, selectors
from stats.models import Rollup

pytestmark = pytest.mark.django_db

OVERVIEW = reverse("stats:overview")


def course_a_row(snapshot, world):
    rows, _total, _trend = snapshot.result
    return next(row for row in rows if row.course_key == world.course_a.translation_key)


def keys(world):
    return [world.course_a.translation_key, world.course_b.translation_key]


@pytest.fixture
def large(settings):
    settings.STATS_EXACT_LIMIT = 0
    settings.STATS_ROLLUP_MAX_AGE = 600


def test_a_small_scope_is_computed_exactly_and_nothing_is_stored(stats_world):
    snapshot = reports.overview(keys=keys(stats_world))
    assert snapshot.exact and course_a_row(snapshot, stats_world).enrolled == 5
    assert not Rollup.objects.exists()


def test_a_large_scope_is_read_from_its_rollup_until_an_event_touches_its_course(
    stats_world, large, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    first = reports.overview(keys=keys(stats_world))
    assert first.exact and Rollup.objects.count() == 1
    row = Rollup.objects.get()
    assert row.size == 7 and row.report == "overview"  # 5 + 2 enrolments

    with django_assert_max_num_queries(1):  # the row with its payload, nothing recomputed
        second = reports.overview(keys=keys(stats_world))
    assert not second.exact and second.computed_at == first.computed_at
    assert course_a_row(second, stats_world).enrolled == 5

    with django_capture_on_commit_callbacks(execute=True):  # the learner's request commits
        enrol(user=User.objects.get(pk=stats_world.users["u6"]), course=stats_world.course_a)
    third = reports.overview(keys=keys(stats_world))  # stale: refreshed (eager Celery)
    assert course_a_row(third, stats_world).enrolled == 6
    assert third.computed_at > first.computed_at and not third.exact


def test_an_event_in_another_course_leaves_the_rollup_fresh(
    stats_world, large, django_capture_on_commit_callbacks
):
    reports.funnel(course_key=stats_world.course_a.translation_key)
    computed_at = Rollup.objects.get().computed_at
    with django_capture_on_commit_callbacks(execute=True):
        enrol(user=User.objects.get(pk=stats_world.users["u6"]), course=stats_world.course_c)
    assert rollups.refresh_stale() == {"refreshed": 0, "deleted": 0}
    assert Rollup.objects.get().computed_at == computed_at


def test_changes_without_a_signal_show_after_the_maximum_age(stats_world, large):
    """Time spent is written without a learning event: the rollup catches up with it once
    ``STATS_ROLLUP_MAX_AGE`` has passed (beat's refresh), and says how old it is meanwhile."""
    course_key = stats_world.course_a.translation_key
    lesson = stats_world.activities_a[0]
    rows = ActivityProgress.objects.filter(activity_key=lesson)
    rows.filter(user_id=stats_world.users["u1"]).update(time_spent=60)
    rows.filter(user_id=stats_world.users["u2"]).update(time_spent=180)
    rows.filter(user_id=stats_world.users["u5"]).update(time_spent=300)
    rows.filter(user_id=stats_world.users["u3"]).update(time_spent=0)
    rows.filter(user_id=stats_world.users["editor"]).update(time_spent=6000)  # not enrolled

    steps, _trend = reports.funnel(course_key=course_key).result
    assert steps[0].average_seconds == pytest.approx((60 + 180 + 300 + 0) / 4)

    rows.filter(user_id=stats_world.users["u3"]).update(time_spent=460)
    cached, _trend = reports.funnel(course_key=course_key).result
    assert cached[0].average_seconds == pytest.approx(135)  # not yet

    later = timezone.now() + timedelta(seconds=601)
    assert rollups.refresh_stale(now=later)["refreshed"] == 1
    fresh, _trend = reports.funnel(course_key=course_key).result
    assert fresh[0].average_seconds == pytest.approx(250)


def test_the_report_page_says_when_its_figures_were_computed(client, stats_world, large):
    client.force_login(User.objects.get(pk=stats_world.users["superuser"]))
    assert "stats-snapshot-note" not in client.get(OVERVIEW).content.decode()  # just computed
    html = client.get(OVERVIEW).content.decode()  # the admin is in Persian
    with translation.override("fa"):
        when = jdatetime_filter(Rollup.objects.get().computed_at)
    assert "stats-snapshot-note" in html and when in html


def test_rollups_are_kept_per_language_and_scope(stats_world, large):
    with translation.override("fa"):
        reports.overview(keys=keys(stats_world))
    with translation.override("en"):
        reports.overview(keys=keys(stats_world))
        reports.overview(keys=[stats_world.course_c.translation_key])
    assert Rollup.objects.count() == 3


def test_rollups_nobody_reads_are_deleted_after_a_week(stats_world, large):
    reports.overview(keys=keys(stats_world))
    assert rollups.refresh_stale(now=timezone.now() + timedelta(days=6))["deleted"] == 0
    assert rollups.refresh_stale(now=timezone.now() + timedelta(days=8))["deleted"] == 1
    assert not Rollup.objects.exists()


def test_a_scope_that_shrank_is_exact_again(stats_world, large, settings):
    reports.overview(keys=keys(stats_world))
    settings.STATS_EXACT_LIMIT = 1000
    assert reports.overview(keys=keys(stats_world)).exact
    assert not Rollup.objects.exists()


def test_weekly_trend_counts_enrolments_and_completions_in_their_weeks(stats_world):
    """Course A: five enrolments (10–30 days ago) and three completions of enrolled learners
    (the editor's does not count), each in the week that holds its day."""
    today = timezone.localdate()
    for language, weekday in (("fa", 5), ("en", 0)):  # Saturday, Monday
        with translation.override(language):
            trend = selectors.weekly_trend(keys=[stats_world.course_a.translation_key])
        assert len(trend) == selectors.TREND_WEEKS
        assert {week.start.weekday() for week in trend} == {weekday}
        assert all(b.start - a.start == timedelta(days=7) for a, b in itertools.pairwise(trend))
        assert trend[-1].start <= today < trend[-1].start + timedelta(days=7)
        assert sum(week.enrolled for week in trend) == 5
        assert sum(week.completed for week in trend) == 3
        thirty_days_ago = today - timedelta(days=30)
        (week,) = [w for w in trend if w.start <= thirty_days_ago < w.start + timedelta(days=7)]
        assert week.enrolled >= 1  # u5
