"""Reads of H5P results for statistics (querysets the stats app aggregates)."""

from uuid import UUID

from django.db.models import QuerySet

from .models import H5PResult
from .results import SCORED_VERBS


def exercise_scores(
    *, activity_key: UUID, learners=None, package_id: int | None = None
) -> QuerySet[H5PResult]:
    """The scored results of a whole exercise (not of its sub-questions) on the activity
    ``activity_key``, one per attempt, by existing accounts; narrowed by ``learners`` (a filter
    expression on ``user``, e.g. enrolled ones) and, for a lesson that embeds several
    exercises, by the package."""
    rows = H5PResult.objects.filter(
        activity_key=activity_key,
        sub_content_id="",
        verb__in=SCORED_VERBS,
        score_scaled__isnull=False,
        user__isnull=False,
    )
    if package_id is not None:
        rows = rows.filter(package_id=package_id)
    return rows if learners is None else rows.filter(learners)


def embedded_results(*, activity_key: UUID, package_id: int, learners=None) -> QuerySet:
    """Every result of one package embedded in the activity ``activity_key`` (a lesson), by
    existing accounts, narrowed by ``learners``."""
    rows = H5PResult.objects.filter(
        activity_key=activity_key, package_id=package_id, sub_content_id="", user__isnull=False
    )
    return rows if learners is None else rows.filter(learners)
