"""Reads of H5P results for statistics (querysets the stats app aggregates)."""

from uuid import UUID

from django.db.models import QuerySet

from .models import H5PResult
from .results import SCORED_VERBS


def exercise_scores(*, activity_key: UUID, learners=None) -> QuerySet[H5PResult]:
    """The scored results of a whole exercise (not of its sub-questions) on the activity
    ``activity_key``, one per attempt, by existing accounts; narrowed by ``learners`` (a filter
    expression on ``user``, e.g. enrolled ones)."""
    rows = H5PResult.objects.filter(
        activity_key=activity_key,
        sub_content_id="",
        verb__in=SCORED_VERBS,
        score_scaled__isnull=False,
        user__isnull=False,
    )
    return rows if learners is None else rows.filter(learners)
