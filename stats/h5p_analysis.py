"""The H5P report: attempts at an exercise, their scores, and how many completed it.

An attempt is a scored result of the whole exercise (its sub-questions' results are not
counted); scores are the scaled ones (0–1) stored with each result, the server's where it
re-graded the answer. Completion comes from the progress core. Only enrolled learners count.
Three queries.
"""

from dataclasses import dataclass
from uuid import UUID

from django.db.models import Count, Exists, Q

from content import selectors as content_selectors
from content.results import SCORED_VERBS
from courses import selectors as course_selectors
from progress import selectors as progress_selectors
from progress.models import DONE_STATUSES, Status

from .distribution import ScoreBin, score_bins


@dataclass
class ExerciseAnalysis:
    attempts: int
    learners: int  # who made at least one attempt
    average: float | None  # mean score (0–1) over the attempts
    bins: list[ScoreBin]
    enrolled: int
    reached: int  # enrolled learners who opened the exercise
    completed: int  # … and completed or passed it
    passed: int
    failed: int

    @property
    def completion_rate(self) -> float | None:
        return self.completed / self.enrolled if self.enrolled else None


def exercise_analysis(*, activity_key: UUID, course_key: UUID) -> ExerciseAnalysis:
    """The figures of the exercise ``activity_key`` in the course ``course_key``."""
    results = content_selectors.exercise_scores(
        activity_key=activity_key, learners=Exists(course_selectors.enrolment_in(course_key))
    )
    rows = list(results.values_list("user_id", "score_scaled"))
    scores = [score for _user, score in rows]
    progress = (
        progress_selectors.activity_rows(
            course_keys=[course_key], learners=Exists(course_selectors.outer_enrolment())
        )
        .filter(activity_key=activity_key)
        .aggregate(
            reached=Count("pk"),
            completed=Count("pk", filter=Q(status__in=DONE_STATUSES)),
            passed=Count("pk", filter=Q(status=Status.PASSED)),
            failed=Count("pk", filter=Q(status=Status.FAILED)),
        )
    )
    return ExerciseAnalysis(
        attempts=len(rows),
        learners=len({user for user, _score in rows}),
        average=sum(scores) / len(scores) if scores else None,
        bins=score_bins(scores),
        enrolled=course_selectors.enrolment_rows(course_keys=[course_key]).count(),
        **progress,
    )


def embedded_exercise_analysis(
    *, lesson_key: UUID, package_id: int, course_key: UUID
) -> ExerciseAnalysis:
    """The figures of the H5P package ``package_id`` embedded in the lesson ``lesson_key``.

    Its attempts and scores as for an exercise page; "opened" counts the enrolled learners who
    opened the lesson; "completed" those who sent a completion or a score of the whole
    exercise; "passed" those with a success, "failed" those whose every success flag is false.
    Four queries.
    """
    enrolled = Exists(course_selectors.enrolment_in(course_key))
    results = content_selectors.exercise_scores(
        activity_key=lesson_key, learners=enrolled, package_id=package_id
    )
    rows = list(results.values_list("user_id", "score_scaled"))
    scores = [score for _user, score in rows]
    learners = content_selectors.embedded_results(
        activity_key=lesson_key, package_id=package_id, learners=enrolled
    ).aggregate(
        completed=Count(
            "user",
            distinct=True,
            filter=Q(completion=True) | Q(verb__in=SCORED_VERBS, score_scaled__isnull=False),
        ),
        passed=Count("user", distinct=True, filter=Q(success=True)),
        flagged=Count("user", distinct=True, filter=Q(success__isnull=False)),
    )
    reached = (
        progress_selectors.activity_rows(
            course_keys=[course_key], learners=Exists(course_selectors.outer_enrolment())
        )
        .filter(activity_key=lesson_key)
        .count()
    )
    return ExerciseAnalysis(
        attempts=len(rows),
        learners=len({user for user, _score in rows}),
        average=sum(scores) / len(scores) if scores else None,
        bins=score_bins(scores),
        enrolled=course_selectors.enrolment_rows(course_keys=[course_key]).count(),
        reached=reached,
        completed=learners["completed"],
        passed=learners["passed"],
        failed=learners["flagged"] - learners["passed"],
    )
