"""Authoring: the steps' checks in the admin, where the page may go, and the built-in
scenarios (valid by the same checks, and each one can be finished in both languages)."""

import pytest
from django.utils import translation
from wagtail.blocks import StreamBlockValidationError

from core.text import persian_digits
from courses.models import CoursePage, LessonPage, ModulePage
from demo.simulations import SCENARIOS, scenario_steps
from simulations import services
from simulations.blocks import StepsBlock
from simulations.models import SimulationPage
from tests.builders import build_course

from .answers import right_answers
from .builders import build_simulation


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def cleaned(raw: list[dict]):
    block = StepsBlock()
    return block.clean(block.to_python(raw))


def form(fields, **value):
    return {"type": "form", "value": {"title": "t", "instructions": "", "fields": fields, **value}}


def field(**values):
    base = {"name": "x", "label": "X", "kind": "text", "options": "", "expected": "a"}
    return {**base, "check": "", "help_text": "", **values}


@pytest.mark.parametrize("spec", SCENARIOS, ids=[spec["slug"] for spec in SCENARIOS])
@pytest.mark.parametrize("language", ["fa", "en"])
def test_built_in_scenarios_pass_the_editors_checks(spec, language):
    assert len(cleaned(spec["steps"][language])) == len(spec["steps"]["fa"])


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([form([field(expected="{{ persona.nope }}")])], "Unknown practice data"),
        ([form([field(kind="radio", options="a")])], "at least two options"),
        ([form([field(kind="select", options="a\nb", expected="c")])], "one of the options"),
        ([form([field(kind="checkbox", expected="maybe")])], "'yes' or 'no'"),
        ([form([field(expected="")])], "expected answer or a check"),
        ([form([field(), field()])], "name of its own"),
        ([form([field(name="Bad Name")])], "lower-case"),
    ],
)
def test_a_form_screen_with_a_mistake_is_refused_with_a_reason(raw, message):
    with pytest.raises(StreamBlockValidationError) as error:
        cleaned(raw)
    assert message in str(error.value.as_json_data())


def test_a_choice_needs_exactly_one_right_option_and_a_simulation_a_scored_step():
    choice = scenario_steps("practice-spot-the-fake", "en")[0]
    both = {**choice, "value": {**choice["value"]}}
    both["value"]["options"] = [
        {**option, "correct": True} for option in choice["value"]["options"]
    ]
    with pytest.raises(StreamBlockValidationError) as error:
        cleaned([both])
    assert "exactly one" in str(error.value.as_json_data())
    card = scenario_steps("practice-pay-a-bill", "en")[0]
    with pytest.raises(StreamBlockValidationError) as error:
        cleaned([card])
    assert "at least one form or choice" in str(error.value.as_json_data())


def test_a_simulation_goes_in_a_course_or_a_module_like_other_activities():
    assert SimulationPage.allowed_parent_page_models() == [CoursePage, ModulePage]
    assert SimulationPage in CoursePage.allowed_subpage_models()
    assert SimulationPage in ModulePage.allowed_subpage_models()
    assert not LessonPage.allowed_subpage_models()


@pytest.mark.django_db
@pytest.mark.parametrize("spec", SCENARIOS, ids=[spec["slug"] for spec in SCENARIOS])
@pytest.mark.parametrize("language", ["fa", "en"])
def test_each_built_in_scenario_can_be_finished_with_full_marks(spec, language, user):
    course = build_course(slug="scenarios", lessons=0, translate=language == "en")
    parent = course.english if language == "en" else course.course
    page = build_simulation(parent, steps=spec["steps"][language], mode=spec["mode"])
    attempt = services.simulation_start(user=user, page=page)
    assert attempt.language == language
    while not attempt.is_finished:
        moved = services.simulation_answer(
            user=user,
            attempt_id=attempt.pk,
            step_id=attempt.current_step["id"],
            version=attempt.version,
            answers=right_answers(attempt, persian=language == "fa"),
        )
        assert moved.advanced, (attempt.step_index, moved.outcome)
        attempt.refresh_from_db()
    assert attempt.score == 1


@pytest.mark.django_db
def test_a_date_is_typed_in_the_solar_calendar_in_persian(user):
    import datetime

    import jdatetime

    course = build_course(slug="dates", lessons=0)
    page = build_simulation(course.course, steps=scenario_steps("practice-book-and-track", "fa"))
    attempt = services.simulation_start(user=user, page=page)
    services.simulation_answer(
        user=user, attempt_id=attempt.pk, step_id=attempt.steps[0]["id"], version=0, answers={}
    )
    attempt.refresh_from_db()
    day = datetime.date.fromisoformat(attempt.persona["appointment_date"])
    solar = jdatetime.date.fromgregorian(date=day)
    answers = right_answers(attempt)

    def send(typed):
        attempt.refresh_from_db()
        return services.simulation_answer(
            user=user,
            attempt_id=attempt.pk,
            step_id=attempt.current_step["id"],
            version=attempt.version,
            answers={**answers, "day": typed},
        )

    refused = send("۱۴۰۳/۱۳/۴۰")
    assert refused.outcome.status == "refused"
    assert refused.outcome.errors["day"] == "Enter a real date: a day, a month and a year."
    next_day = persian_digits((solar + datetime.timedelta(days=1)).strftime("%Y/%m/%d"))
    assert send(next_day).outcome.status == "wrong"
    assert send(persian_digits(f"{solar.year}/{solar.month}/{solar.day}")).advanced


def test_the_editor_is_told_every_practice_data_name():
    from simulations.persona import FIELDS

    with translation.override("en"):
        help_text = str(SimulationPage._meta.get_field("steps").help_text)
    for name in FIELDS:
        assert name in help_text, name
