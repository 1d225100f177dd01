"""A learner's simulation attempts in their data export; erasure keeps finished ones anonymous."""

import pytest

from core.privacy import collect_user_data, erase_user
from courses.services import enrol
from simulations import services
from simulations.models import SimulationAttempt
from tests.builders import build_course

from .answers import right_answers
from .builders import build_simulation

pytestmark = pytest.mark.django_db


def finish(user, attempt):
    while not attempt.is_finished:
        services.simulation_answer(
            user=user,
            attempt_id=attempt.pk,
            step_id=attempt.current_step["id"],
            version=attempt.version,
            answers=right_answers(attempt),
        )
        attempt.refresh_from_db()


def test_the_export_lists_attempts_and_erasure_keeps_only_finished_ones_without_the_person(
    user, django_user_model
):
    course = build_course(slug="sim-privacy", lessons=1).course
    enrol(user=user, course=course)
    page = build_simulation(course, title="تمرین حریم خصوصی")
    finish(user, services.simulation_start(user=user, page=page))
    services.simulation_start(user=user, page=page)  # a second one, left running
    other = django_user_model.objects.create_user(username="someone", password="x" * 12)
    services.simulation_start(user=other, page=page)

    rows = collect_user_data(user)["simulation_attempts.csv"]
    assert [(row["simulation"], row["state"]) for row in rows] == [
        ("تمرین حریم خصوصی", "finished"),
        ("تمرین حریم خصوصی", "in_progress"),
    ]
    assert rows[0]["score"] == 1 and rows[0]["steps_wrong"] == ""

    erase_user(user)
    left = SimulationAttempt.objects.filter(page=page)
    assert sorted(left.values_list("state", "user_id")) == [
        ("finished", None),
        ("in_progress", other.pk),
    ]
