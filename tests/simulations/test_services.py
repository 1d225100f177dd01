"""The attempt state machine and its scoring, in guided and test mode."""

from decimal import Decimal

import pytest

from courses.services import enrol
from progress.models import ActivityProgress, ScoreSource
from simulations import services
from simulations.models import Mode, SimulationAttempt
from tests.builders import build_course

from .answers import another_valid_payment_id, mistyped, right_answers, wrong_choice
from .builders import build_simulation

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    return build_course(slug="sim-course", lessons=1).course


def answer(user, attempt, answers):
    attempt.refresh_from_db()
    return services.simulation_answer(
        user=user,
        attempt_id=attempt.pk,
        step_id=attempt.current_step["id"],
        version=attempt.version,
        answers=answers,
    )


def answer_right(user, attempt):
    attempt.refresh_from_db()
    return answer(user, attempt, right_answers(attempt))


def run_through(user, attempt, *, persian=False):
    while True:
        attempt.refresh_from_db()
        if attempt.is_finished:
            return attempt
        moved = answer(user, attempt, right_answers(attempt, persian=persian))
        assert moved.advanced, moved.outcome


def test_a_guided_run_without_mistakes_scores_full_marks_and_reaches_progress(course, user):
    enrol(user=user, course=course)
    page = build_simulation(course)
    attempt = services.simulation_start(user=user, page=page)
    assert services.simulation_start(user=user, page=page).pk == attempt.pk  # resumed
    attempt = run_through(user, attempt, persian=True)
    assert attempt.score == Decimal(1) and attempt.passed
    progress = ActivityProgress.objects.get(user=user, activity_key=page.translation_key)
    assert progress.score == Decimal(1)
    assert progress.status == "passed" and progress.score_source == ScoreSource.SERVER


def test_guided_wrong_tries_and_hints_lower_the_score(course, user):
    page = build_simulation(course)
    attempt = services.simulation_start(user=user, page=page)
    answer(user, attempt, {})  # the bill card
    answer_right(user, attempt)  # kind of bill
    attempt.refresh_from_db()
    ids = right_answers(attempt)
    refused = answer(user, attempt, {**ids, "payment_id": mistyped(ids["payment_id"])})
    assert refused.outcome.status == "refused" and not refused.advanced
    assert "payment_id" in refused.outcome.errors and "bill_id" not in refused.outcome.errors
    wrong = answer(user, attempt, {**ids, "payment_id": another_valid_payment_id(attempt)})
    assert wrong.outcome.status == "wrong" and not wrong.advanced
    attempt.refresh_from_db()
    services.simulation_hint(
        user=user,
        attempt_id=attempt.pk,
        step_id=attempt.current_step["id"],
        version=attempt.version,
    )
    assert answer(user, attempt, ids).advanced
    attempt = run_through(user, attempt)
    # five scored steps: four full, one with two wrong tries and a hint (1 − 0.75)
    assert attempt.score == Decimal("0.85")
    assert attempt.results[2] == {"wrong": 2, "hints": 1, "done": True}


def test_guided_gives_a_step_up_after_three_wrong_tries(course, user):
    page = build_simulation(course)
    attempt = services.simulation_start(user=user, page=page)
    answer(user, attempt, {})
    for _try in range(2):
        assert not answer(user, attempt, {"kind": "آب"}).advanced
    moved = answer(user, attempt, {"kind": "گاز"})
    assert moved.advanced and moved.given_up
    attempt.refresh_from_db()
    assert attempt.step_index == 2 and attempt.results[1]["done"] is False


def test_empty_answers_are_told_but_not_counted(course, user):
    page = build_simulation(course)
    attempt = services.simulation_start(user=user, page=page)
    answer(user, attempt, {})
    moved = answer(user, attempt, {})
    assert moved.outcome.status == "incomplete" and not moved.advanced
    attempt.refresh_from_db()
    assert attempt.results[1]["wrong"] == 0


def test_test_mode_has_no_hints_moves_on_after_a_wrong_answer_and_scores_at_the_end(course, user):
    page = build_simulation(course, mode=Mode.TEST)
    attempt = services.simulation_start(user=user, page=page)
    answer(user, attempt, {})
    attempt.refresh_from_db()
    with pytest.raises(services.SimulationError):
        services.simulation_hint(
            user=user,
            attempt_id=attempt.pk,
            step_id=attempt.current_step["id"],
            version=attempt.version,
        )
    assert answer(user, attempt, {"kind": "آب"}).advanced  # wrong, recorded, on we go
    attempt.refresh_from_db()
    ids = right_answers(attempt)
    malformed = answer(user, attempt, {**ids, "bill_id": mistyped(ids["bill_id"])})
    assert malformed.outcome.status == "refused" and not malformed.advanced  # the portal says no
    assert answer(user, attempt, ids).advanced
    attempt = run_through(user, attempt)
    # five scored steps: kind wrong (0), IDs right after one refusal (0.75), three more right
    assert attempt.score == Decimal("0.75")
    assert attempt.results[1]["done"] is False


def test_a_choice_step_is_answered_by_its_shuffled_position(course, user):
    from demo.simulations import scenario_steps

    page = build_simulation(course, steps=scenario_steps("practice-sign-in", "en"), language="en")
    attempt = services.simulation_start(user=user, page=page)
    answer(user, attempt, {})
    attempt.refresh_from_db()
    wrong = answer(user, attempt, wrong_choice(attempt))
    assert wrong.outcome.status == "wrong" and wrong.outcome.errors["option"]
    assert answer_right(user, attempt).advanced


def test_the_best_attempt_is_the_grade_and_each_attempt_gets_a_new_persona(course, user):
    enrol(user=user, course=course)
    page = build_simulation(course, mode=Mode.TEST)
    first = services.simulation_start(user=user, page=page)
    first = run_through(user, first)
    second = services.simulation_start(user=user, page=page)
    assert second.pk != first.pk
    assert second.persona["national_code"] != first.persona["national_code"]
    answer(user, second, {})
    answer(user, second, {"kind": "آب"})
    second = run_through(user, second)
    assert second.score < first.score
    progress = ActivityProgress.objects.get(user=user, activity_key=page.translation_key)
    assert progress.score == first.score == Decimal(1)
    assert SimulationAttempt.objects.filter(user=user).count() == 2


def test_a_finished_simulation_is_an_xapi_statement_about_a_simulation(course, user):
    from xapi.models import OutboxStatement

    enrol(user=user, course=course)
    page = build_simulation(course)
    run_through(user, services.simulation_start(user=user, page=page))
    passed = OutboxStatement.objects.get(user=user, verb="passed").statement
    assert passed["object"]["definition"]["type"].endswith("/activities/simulation")
    assert passed["result"]["score"]["scaled"] == 1
    assert "bill_id" not in str(passed)  # no practice data travels
