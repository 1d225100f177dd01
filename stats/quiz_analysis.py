"""The quiz report: finished attempts, their score distribution, and item analysis.

Item analysis follows Moodle's quiz statistics, over each enrolled learner's *first* finished
attempt. For every question (one drawn at random counts as itself, wherever it was placed):

- facility index F = 100 × the mean of the fraction earned (the mean score on the question
  over its maximum);
- discrimination index D = 100 × the Pearson correlation between the marks earned on the
  question and the marks earned on the rest of the attempt (its total minus the question), over
  the attempts that had it; none with fewer than two attempts or when either never varies;
- for multiple-choice and true/false questions, how many learners picked each choice.

Three queries (the finished attempts; the responses of the first ones, streamed, without the
questions' snapshots; one snapshot per question for its name and choices); the rest in Python.
Description questions (no mark) are not analysed.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from uuid import UUID

from django.db.models import Exists
from django.db.models.fields.json import KT
from django.utils.translation import gettext as _

from courses import selectors as course_selectors
from quizzes import selectors as quiz_selectors

from .distribution import ScoreBin, score_bins

CHOICE_TYPES = {"multichoice", "truefalse"}
CHUNK = 5000  # responses read at a time


@dataclass
class ChoiceCount:
    text: str
    count: int
    gives_credit: bool


@dataclass
class ItemAnalysis:
    """One question's figures over the first finished attempts that had it."""

    position: int  # where it was first seen (its slot, for fixed questions)
    name: str
    type: str
    responses: int = 0
    unanswered: int = 0
    facility: float | None = None  # %
    discrimination: float | None = None  # %
    choices: list[ChoiceCount] = field(default_factory=list)


@dataclass
class QuizAnalysis:
    attempts: int  # finished attempts of enrolled learners
    learners: int
    average: Decimal | None  # mean score (0–1) of those attempts
    bins: list[ScoreBin]
    items: list[ItemAnalysis]


def pearson(pairs: list[tuple[float, float]]) -> float | None:
    """The correlation of the pairs' two values; None when undefined."""
    n = len(pairs)
    if n < 2:
        return None
    mean_x = sum(x for x, _y in pairs) / n
    mean_y = sum(y for _x, y in pairs) / n
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in pairs)
    sxx = sum((x - mean_x) ** 2 for x, _y in pairs)
    syy = sum((y - mean_y) ** 2 for _x, y in pairs)
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)


def _choice_labels(spec: dict) -> list[tuple[object, str, bool]]:
    """(answer value, label, gives credit) of each choice of a snapshotted question."""
    if spec["type"] == "truefalse":
        return [
            (True, _("True"), spec.get("correct") is True),
            (False, _("False"), spec.get("correct") is False),
        ]
    return [(c["id"], c["text"], c["fraction"] > 0) for c in spec.get("choices", ())]


def _picked(answer: dict) -> list:
    if "value" in answer:
        return [answer["value"]]
    if "choice" in answer:
        return [answer["choice"]]
    return list(answer.get("choices", ()))


class _Tally:
    """What one question collects while the responses are read."""

    def __init__(self, response: dict):
        self.item = ItemAnalysis(position=response["position"], name="", type=response["kind"])
        self.sample = response["pk"]  # a response whose snapshot names the question
        self.picks: dict = defaultdict(int)
        self.fractions: list[float] = []
        self.earned: dict[int, float] = {}  # attempt id -> marks earned on this question

    def add(self, response: dict) -> None:
        self.item.position = min(self.item.position, response["position"])
        self.item.responses += 1
        answer = response["answer"] or {}
        if not answer:
            self.item.unanswered += 1
        if self.item.type in CHOICE_TYPES:
            for value in _picked(answer):
                self.picks[value] += 1
        fraction = float(response["fraction"] or 0)
        self.fractions.append(fraction)
        self.earned[response["attempt_id"]] = float(response["mark"]) * fraction

    def finish(self, totals: dict[int, float], stored: dict) -> ItemAnalysis:
        item = self.item
        item.name = stored.get("name", "")
        item.facility = 100 * sum(self.fractions) / len(self.fractions)
        pairs = [(x, totals[attempt] - x) for attempt, x in self.earned.items()]
        correlation = pearson(pairs)
        item.discrimination = None if correlation is None else 100 * correlation
        if item.type in CHOICE_TYPES:
            item.choices = [
                ChoiceCount(text=label, count=self.picks.get(value, 0), gives_credit=credit)
                for value, label, credit in _choice_labels(stored["spec"])
            ]
        return item


def quiz_analysis(*, quiz_key: UUID) -> QuizAnalysis:
    """The quiz report's figures for the quiz ``quiz_key`` (every translation of it)."""
    enrolled = Exists(course_selectors.outer_enrolment())
    finished = quiz_selectors.finished_attempt_rows(quiz_key=quiz_key, learners=enrolled)
    attempts = list(finished.values_list("user_id", "score"))
    scores = [score for _user, score in attempts if score is not None]

    first = quiz_selectors.finished_attempt_rows(
        quiz_key=quiz_key, learners=enrolled, first_only=True
    )
    responses = quiz_selectors.attempt_responses(attempts=first).values(
        "pk",
        "attempt_id",
        "position",
        "question_id",
        "mark",
        "answer",
        "fraction",
        kind=KT("spec__spec__type"),
    )
    tallies: dict[object, _Tally] = {}
    totals: dict[int, float] = defaultdict(float)
    for response in responses.iterator(chunk_size=CHUNK):
        if not response["mark"] or response["kind"] == "description":
            continue
        key = response["question_id"] or f"#{response['position']}"  # a deleted question
        if key not in tallies:
            tallies[key] = _Tally(response)
        tallies[key].add(response)
        totals[response["attempt_id"]] += float(response["mark"]) * float(response["fraction"] or 0)
    snapshots = quiz_selectors.response_snapshots([t.sample for t in tallies.values()])
    items = sorted(
        (tally.finish(totals, snapshots[tally.sample]) for tally in tallies.values()),
        key=lambda item: (item.position, item.name),
    )
    return QuizAnalysis(
        attempts=len(attempts),
        learners=len({user for user, _score in attempts}),
        average=sum(scores) / len(scores) if scores else None,
        bins=score_bins(scores),
        items=items,
    )
