"""Reads about the DigComp framework: its areas and how much of it a learner covered."""

from collections.abc import Iterable
from dataclasses import dataclass
from uuid import UUID

from django.db.models import Count, Q, Value

from .models import CompetenceArea


@dataclass
class AreaCoverage:
    """One DigComp area: how many of its competences the learner's completed courses cover."""

    number: int
    name: str
    covered: int
    total: int

    @property
    def percent(self) -> int:
        return (100 * self.covered) // self.total if self.total else 0


def competence_areas() -> list[CompetenceArea]:
    """The five areas in their DigComp order (one query)."""
    return list(CompetenceArea.objects.all())


def competence_profile(completed_course_keys: Iterable[UUID]) -> list[AreaCoverage]:
    """Per DigComp area: competences covered by the completed courses, and all there are
    (one query; courses are given by translation key)."""
    keys = list(completed_course_keys)
    covered = (
        Count(
            "competences",
            filter=Q(competences__courses__translation_key__in=keys),
            distinct=True,
        )
        if keys
        else Value(0)
    )
    areas = CompetenceArea.objects.annotate(
        total=Count("competences", distinct=True), covered=covered
    ).order_by("number")
    return [
        AreaCoverage(number=a.number, name=a.name, covered=a.covered, total=a.total) for a in areas
    ]
