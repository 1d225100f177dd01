"""Reads for the quiz pages: the learner's attempts, a running attempt, a review."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from .grading import correct_response, grade
from .models import Attempt, QuizPage, Response, ReviewTiming
from .services import grade_from_scores, quiz_availability
from .specs import learner_view, spec_from_json


def quiz_context(*, quiz: QuizPage, request) -> dict:
    """The quiz page: the learner's attempts, the open one, whether a new one may start."""
    user = request.user
    if not user.is_authenticated or getattr(request, "is_preview", False):
        return {"attempts": [], "open_attempt": None, "availability": None, "grade": None}
    attempts = list(
        Attempt.objects.filter(user=user, quiz_key=quiz.translation_key).order_by("number")
    )
    open_attempt = next((a for a in attempts if a.state == Attempt.State.IN_PROGRESS), None)
    return {
        "attempts": attempts,
        "open_attempt": open_attempt,
        "availability": (
            None if open_attempt else quiz_availability(quiz=quiz, user=user, used=len(attempts))
        ),
        "grade": grade_from_scores(
            quiz.grading_method,
            [a.score for a in attempts if a.state == Attempt.State.FINISHED],
        ),
    }


def review_allowed(quiz: QuizPage | None, timing_field: str, attempt: Attempt, now=None) -> bool:
    """Whether feedback (or the right answers) of ``attempt`` may be shown now."""
    if quiz is None:
        return False
    timing = getattr(quiz, timing_field)
    if timing == ReviewTiming.NEVER:
        return False
    if timing == ReviewTiming.AFTER_CLOSE:
        now = now or timezone.now()
        return quiz.closes_at is not None and now >= quiz.closes_at
    return attempt.state != Attempt.State.IN_PROGRESS


@dataclass
class ShownQuestion:
    """One question of an attempt as the page shows it."""

    position: int
    mark: object
    name: str
    view: dict
    answer: dict
    state: str
    fraction: object = None
    checked: bool = False
    feedback: list[str] = field(default_factory=list)
    general_feedback: str = ""
    correct: dict | None = None
    details: dict = field(default_factory=dict)
    comment: str = ""

    def get_state_label(self) -> str:
        return Response.State(self.state).label

    @property
    def earned(self):
        if self.fraction is None:
            return None
        return (self.mark * self.fraction).quantize(Decimal("0.01"))


def shown_questions(attempt: Attempt, *, feedback: bool, answers: bool) -> list[ShownQuestion]:
    """The attempt's questions; feedback and right answers only when allowed."""
    shown = []
    for response in attempt.responses.all():
        stored = response.spec
        item = ShownQuestion(
            position=response.position,
            mark=response.mark,
            name=stored["name"],
            view=learner_view(stored),
            answer=response.answer,
            state=response.state,
            fraction=response.fraction,
            checked=response.checked,
            comment=response.grader_comment,
        )
        finished = attempt.state != Attempt.State.IN_PROGRESS
        if (feedback and finished) or response.checked:
            spec = spec_from_json(stored["spec"])
            result = grade(spec, response.answer) if response.answer else None
            item.feedback = result.feedback if result else []
            item.details = result.details if result else {}
            item.general_feedback = stored.get("general_feedback", "")
            if answers and (finished or response.checked):
                item.correct = correct_response(spec)
                if spec.type == "match":
                    texts = {c.id: c.match_text for c in spec.choices}
                    item.correct["pair_texts"] = {
                        key: texts[value] for key, value in item.correct["pairs"].items()
                    }
        shown.append(item)
    return shown


def recent_attempts(*, user, limit: int) -> list[Attempt]:
    """The learner's submitted or closed attempts, newest first, at most ``limit`` (one query)."""
    return list(
        Attempt.objects.filter(user=user)
        .exclude(state=Attempt.State.IN_PROGRESS)
        .order_by("-submitted_at", "-pk")[:limit]
    )


def quiz_keys() -> QuerySet:
    """Translation keys of every quiz, as a subquery for statistics."""
    return QuizPage.objects.values("translation_key")


def best_finished_score() -> QuerySet:
    """A subquery: the best score of the outer row's ``user`` in its ``course_key``, over
    finished attempts (None without one)."""
    return (
        Attempt.objects.filter(
            user=OuterRef("user"),
            course_key=OuterRef("course_key"),
            state=Attempt.State.FINISHED,
            score__isnull=False,
        )
        .order_by("-score")
        .values("score")[:1]
    )


def finished_attempt_rows(
    *, quiz_key, learners=None, first_only: bool = False
) -> QuerySet[Attempt]:
    """Finished attempts at one quiz by existing accounts, for statistics: narrowed by
    ``learners`` (a filter expression on ``user`` and ``course_key``, e.g. enrolled ones) and,
    with ``first_only``, to each learner's first finished attempt."""
    rows = Attempt.objects.filter(
        quiz_key=quiz_key, state=Attempt.State.FINISHED, user__isnull=False
    )
    if learners is not None:
        rows = rows.filter(learners)
    if first_only:
        earlier = Attempt.objects.filter(
            user=OuterRef("user"),
            quiz_key=OuterRef("quiz_key"),
            state=Attempt.State.FINISHED,
            number__lt=OuterRef("number"),
        )
        rows = rows.filter(~Exists(earlier))
    return rows


def attempt_responses(*, attempts: QuerySet[Attempt]) -> QuerySet[Response]:
    """The responses of ``attempts`` (a subquery, not read here), by attempt and position."""
    return Response.objects.filter(attempt__in=attempts.values("pk")).order_by(
        "attempt_id", "position"
    )


def submitted_attempt(attempt_id: int) -> Attempt | None:
    """A submitted attempt (finished or waiting for a teacher) with its learner, or None."""
    return (
        Attempt.objects.exclude(state=Attempt.State.IN_PROGRESS)
        .select_related("user")
        .filter(pk=attempt_id)
        .first()
    )


def submitted_attempts_of(*, user_id: int, course_keys) -> list[Attempt]:
    """One learner's submitted attempts (finished or waiting for a teacher) in the courses
    ``course_keys``, by quiz and number, for statistics (one query)."""
    return list(
        Attempt.objects.filter(user_id=user_id, course_key__in=list(course_keys))
        .exclude(state=Attempt.State.IN_PROGRESS)
        .order_by("quiz_key", "number")
    )


def response_snapshots(response_ids) -> dict[int, dict]:
    """The question snapshots (``Response.spec``) of the given responses, by id (one query)."""
    rows = Response.objects.filter(pk__in=list(response_ids)).values_list("pk", "spec")
    return dict(rows)
