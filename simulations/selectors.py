"""Reads for the simulation pages. Each function states its query cost."""

from .models import SimulationAttempt, SimulationPage
from .persona import fill
from .services import step_credit
from .steps import hint_text, is_scored, step_view


def page_context(*, page: SimulationPage, request) -> dict:
    """The simulation page: the learner's attempts, the running one, the best score (1 query)."""
    user = request.user
    if not user.is_authenticated or getattr(request, "is_preview", False):
        return {"attempts": [], "open_attempt": None, "best": None}
    attempts = list(
        SimulationAttempt.objects.filter(user=user, simulation_key=page.translation_key)
        .only("pk", "state", "score", "passed", "started_at", "finished_at", "mode")
        .order_by("started_at")
    )
    finished = [a.score for a in attempts if a.state == SimulationAttempt.State.FINISHED]
    return {
        "attempts": attempts,
        "open_attempt": next((a for a in attempts if not a.is_finished), None),
        "best": max(finished, default=None),
        "scored_steps": sum(1 for step in page.steps.get_prep_value() if is_scored(step)),
    }


def own_attempt(*, user, attempt_id: int) -> SimulationAttempt | None:
    """The learner's attempt with its page (1 query); None for anybody else's."""
    return (
        SimulationAttempt.objects.filter(pk=attempt_id, user=user)
        .select_related("page", "page__locale")
        .first()
    )


def current_step_context(attempt: SimulationAttempt) -> dict:
    """The running attempt's current step for its page (no query): only what may be shown."""
    step = attempt.current_step
    result = attempt.results[attempt.step_index]
    persona, language = attempt.persona, attempt.language
    view = step_view(step, persona=persona, language=language)
    guided = attempt.mode == "guided"
    return {
        "step": view,
        "number": attempt.step_index + 1,
        "total": len(attempt.steps),
        "guided": guided,
        "can_hint": guided and view["has_hint"],
        "hint": hint_text(step, persona=persona, language=language) if result["hints"] else "",
        "wrong_tries": result["wrong"],
    }


def result_rows(attempt: SimulationAttempt) -> list[dict]:
    """Per scored step of a finished attempt: its title and how it went (no query)."""
    rows = []
    for step, result in zip(attempt.steps, attempt.results, strict=True):
        if is_scored(step):
            rows.append(
                {
                    "title": fill(step["value"]["title"], attempt.persona, attempt.language),
                    "done": bool(result.get("done")),
                    "wrong": result.get("wrong", 0),
                    "hints": result.get("hints", 0),
                    "credit": step_credit(result),
                }
            )
    return rows
