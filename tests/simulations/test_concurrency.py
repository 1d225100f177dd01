"""Parallel requests on one attempt: a double submit counts once, parallel starts make one."""

import pytest
from django.db import connection

from courses.services import enrol
from simulations import services
from simulations.models import SimulationAttempt
from tests.builders import build_course
from tests.factories import UserFactory
from tests.threads import run_in_threads_with_results

from .answers import right_answers
from .builders import build_simulation

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="row locking is exercised on PostgreSQL (the PostgreSQL pass of make test)",
    ),
]


def test_the_same_answer_sent_four_times_at_once_moves_the_attempt_on_once():
    user = UserFactory()
    course = build_course(slug="sim-race", lessons=0).course
    enrol(user=user, course=course)
    page = build_simulation(course)
    starts, errors = run_in_threads_with_results(
        4, lambda _index: services.simulation_start(user=user, page=page).pk
    )
    assert errors == [] and len(set(starts)) == 1
    attempt = SimulationAttempt.objects.get()
    step, version, answers = attempt.current_step["id"], attempt.version, right_answers(attempt)

    def send(_index):
        return services.simulation_answer(
            user=user, attempt_id=attempt.pk, step_id=step, version=version, answers=answers
        )

    moved, refused = run_in_threads_with_results(4, send)
    assert len(moved) == 1 and moved[0].advanced
    assert len(refused) == 3
    assert all(isinstance(error, services.SimulationError) for error in refused)
    assert {error.status for error in refused} == {409}
    attempt.refresh_from_db()
    assert (attempt.step_index, attempt.version) == (1, 1)
