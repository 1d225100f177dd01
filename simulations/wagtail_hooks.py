"""Privacy: a learner's simulation attempts in their data export, and erasure (core.privacy)."""

from wagtail import hooks

from core.localized import page_titles

from .models import SimulationAttempt


@hooks.register("savad_user_data")
def attempt_data(user) -> dict:
    """Attempts with their scores and how each step went (the practice data is made up)."""
    attempts = list(SimulationAttempt.objects.filter(user=user).order_by("started_at"))
    keys = {a.simulation_key for a in attempts} | {a.course_key for a in attempts}
    titles = page_titles(keys)
    return {
        "simulation_attempts.csv": [
            {
                "simulation_key": attempt.simulation_key,
                "simulation": titles.get(attempt.simulation_key, ""),
                "course_key": attempt.course_key,
                "course": titles.get(attempt.course_key, ""),
                "mode": attempt.mode,
                "state": attempt.state,
                "started_at": attempt.started_at,
                "finished_at": attempt.finished_at,
                "score": attempt.score,
                "passed": attempt.passed,
                "steps_wrong": " ".join(
                    str(number)
                    for number, result in enumerate(attempt.results, start=1)
                    if result.get("done") is False or result.get("wrong")
                ),
            }
            for attempt in attempts
        ]
    }


@hooks.register("savad_erase_user")
def erase_open_attempts(user) -> None:
    """Running attempts go; finished ones stay, without the person, for statistics."""
    SimulationAttempt.objects.filter(user=user, state=SimulationAttempt.State.IN_PROGRESS).delete()
