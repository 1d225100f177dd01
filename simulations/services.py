"""The attempt state machine: start, answer the current step, ask for a hint, finish.

Every write locks the attempt row and checks, inside the same transaction, that the attempt
is the learner's, still running, and that the answer is for its current step *and* version
(each change bumps ``version``; the page sends the one it was rendered with), so forged step
ids, steps out of order, replayed forms and double submits are refused with a message and
change nothing. Expected failures raise ``SimulationError`` (a ``SavadError``).

Scoring: each form or choice step earns 1 when done right, less 0.25 for each wrong try and
each hint (never below 0); a step given up (guided: after three wrong tries) or answered wrong
(test) earns 0. The score is the mean over those steps; information cards are not scored.
Guided mode shows feedback and hints and lets the learner retry; test mode has no hints,
moves on after any well-formed answer and tells how it went only at the end. A malformed
identifier is refused in both modes, as a real portal would, and counts as a wrong try.
"""

import secrets
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import SavadError
from courses.selectors import course_syllabus, is_enrolled
from progress.services import record_score

from .models import Mode, SimulationAttempt, SimulationPage
from .persona import make_persona
from .steps import CORRECT, INCOMPLETE, REFUSED, Outcome, check_answer, is_scored

MAX_TRIES = 3
PENALTY = Decimal("0.25")
FOUR_PLACES = Decimal("0.0001")


class SimulationError(SavadError):
    """A simulation action refused, with a message for the learner."""


@dataclass
class StepResult:
    """What an answer did: its outcome, and whether the attempt moved on or finished."""

    outcome: Outcome
    advanced: bool = False
    finished: bool = False
    given_up: bool = False
    messages: list[str] = field(default_factory=list)


def simulation_start(*, user, page: SimulationPage) -> SimulationAttempt:
    """The learner's running attempt at ``page`` (resumed), or a new one with a fresh persona."""
    running = SimulationAttempt.objects.filter(
        user=user, simulation_key=page.translation_key, state=SimulationAttempt.State.IN_PROGRESS
    ).first()
    if running is not None:
        return running
    steps = list(page.steps.get_prep_value())
    if not any(is_scored(step) for step in steps):
        raise SimulationError(_("This simulation has no steps yet."), status=409)
    try:
        with transaction.atomic():
            return SimulationAttempt.objects.create(
                user=user,
                simulation_key=page.translation_key,
                course_key=page.course.translation_key,
                page=page,
                language=page.locale.language_code,
                mode=page.mode,
                pass_mark=page.pass_mark,
                persona=make_persona(seed=secrets.randbits(48), today=timezone.localdate()),
                steps=steps,
                results=[{"wrong": 0, "hints": 0, "done": None} for _step in steps],
            )
    except IntegrityError:  # a parallel start won: resume that attempt
        return SimulationAttempt.objects.get(
            user=user,
            simulation_key=page.translation_key,
            state=SimulationAttempt.State.IN_PROGRESS,
        )


def _locked(attempt_id: int, user) -> SimulationAttempt:
    attempt = SimulationAttempt.objects.select_for_update().filter(pk=attempt_id, user=user).first()
    if attempt is None:
        raise SimulationError(_("This attempt does not exist or is not yours."), status=404)
    return attempt


def _current(attempt: SimulationAttempt, step_id: str, version) -> dict:
    """The current step, if the request is about it and about this very version."""
    if attempt.is_finished:
        raise SimulationError(_("This attempt is finished and cannot be changed."), status=409)
    step = attempt.current_step
    if step is None or str(step_id) != step["id"] or str(version) != str(attempt.version):
        raise SimulationError(
            _(
                "This answer is not for the step you are on (it was sent twice, or from an "
                "old page). Open the simulation again to continue where you are."
            ),
            status=409,
        )
    return step


def simulation_answer(*, user, attempt_id: int, step_id: str, version, answers: dict) -> StepResult:
    """Check an answer to the current step and move the attempt on by its mode's rules."""
    with transaction.atomic():
        attempt = _locked(attempt_id, user)
        step = _current(attempt, step_id, version)
        outcome = check_answer(
            step, answers=answers, persona=attempt.persona, language=attempt.language
        )
        if outcome.status == INCOMPLETE:
            return StepResult(outcome)  # nothing typed: told, not counted
        result = attempt.results[attempt.step_index]
        guided = attempt.mode == Mode.GUIDED
        moved = StepResult(outcome)
        if outcome.status == CORRECT:
            result["done"] = True
            moved.advanced = True
        else:
            if outcome.status == REFUSED or guided:
                result["wrong"] += 1
            if not guided and outcome.status != REFUSED:
                result["done"], moved.advanced = False, True
            elif guided and result["wrong"] >= MAX_TRIES:
                result["done"], moved.advanced, moved.given_up = False, True, True
        if moved.advanced:
            attempt.step_index += 1
            moved.finished = attempt.step_index >= len(attempt.steps)
        attempt.version += 1
        if moved.finished:
            _finish(attempt)
        else:
            attempt.save(update_fields=["results", "step_index", "version"])
    return moved


def simulation_hint(*, user, attempt_id: int, step_id: str, version) -> SimulationAttempt:
    """Show the current step's hint (guided mode only); the first showing costs 0.25."""
    with transaction.atomic():
        attempt = _locked(attempt_id, user)
        step = _current(attempt, step_id, version)
        if attempt.mode != Mode.GUIDED or not step["value"].get("hint"):
            raise SimulationError(_("There is no hint for this step."), status=400)
        attempt.results[attempt.step_index]["hints"] = 1
        attempt.version += 1
        attempt.save(update_fields=["results", "version"])
    return attempt


def step_credit(result: dict) -> Decimal:
    """What one scored step earns (0-1) from its result."""
    if not result.get("done"):
        return Decimal(0)
    return max(Decimal(0), 1 - PENALTY * (result.get("wrong", 0) + result.get("hints", 0)))


def attempt_score(attempt: SimulationAttempt) -> Decimal:
    """The mean credit over the attempt's form and choice steps."""
    credits = [
        step_credit(result)
        for step, result in zip(attempt.steps, attempt.results, strict=True)
        if is_scored(step)
    ]
    if not credits:
        return Decimal(1)
    return (sum(credits, Decimal(0)) / len(credits)).quantize(FOUR_PLACES, ROUND_HALF_UP)


def _finish(attempt: SimulationAttempt) -> None:
    attempt.state = SimulationAttempt.State.FINISHED
    attempt.finished_at = timezone.now()
    attempt.score = attempt_score(attempt)
    attempt.passed = attempt.score * 100 >= attempt.pass_mark
    attempt.save()
    _report_progress(attempt)


def best_score(*, user, simulation_key) -> Decimal | None:
    """The learner's best finished attempt (the grade the course sees)."""
    scores = SimulationAttempt.objects.filter(
        user=user, simulation_key=simulation_key, state=SimulationAttempt.State.FINISHED
    ).values_list("score", flat=True)
    return max(scores, default=None)


def _report_progress(attempt: SimulationAttempt) -> None:
    """The best score to the progress core, graded by the server (enrolled learners only)."""
    page = (
        attempt.page
        or SimulationPage.objects.filter(translation_key=attempt.simulation_key).first()
    )
    if page is None or not is_enrolled(user=attempt.user, course=page.course):
        return
    best = best_score(user=attempt.user, simulation_key=attempt.simulation_key)
    record_score(
        user=attempt.user,
        activity=page.activity_ref(course_syllabus(page.course)),
        score=best,
        passed=best * 100 >= attempt.pass_mark,
    )


__all__ = [
    "SimulationError",
    "attempt_score",
    "best_score",
    "simulation_answer",
    "simulation_hint",
    "simulation_start",
]
