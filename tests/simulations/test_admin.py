"""Authoring in the Wagtail admin: the editor opens, a simulation is saved from its form, and a
step with a mistake is refused with the reason."""

import pytest
from wagtail.test.utils.form_data import rich_text

from simulations.models import SimulationPage
from tests.builders import build_course

from .builders import build_simulation

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    admin = django_user_model.objects.create_superuser(
        username="root", email="root@example.org", password="x" * 12
    )
    client.force_login(admin)
    return client


def choice_post(slug: str, *, right=(True, False)) -> dict:
    data = {
        "title": "تمرین تازه",
        "slug": slug,
        "intro": rich_text(""),
        "estimated_minutes": 5,
        "mode": "guided",
        "pass_mark": "60",
        "required_for_completion": "on",
        "completion_min_score": "",
        "steps-count": 1,
        "steps-0-type": "choice",
        "steps-0-deleted": "",
        "steps-0-order": 0,
        "steps-0-id": "",
        "steps-0-value-title": "نشانی درست",
        "steps-0-value-instructions": "کدام نشانی درست است؟",
        "steps-0-value-card_kind": "",
        "steps-0-value-card_title": "",
        "steps-0-value-card_lines": "",
        "steps-0-value-hint": "",
        "steps-0-value-options-count": 2,
    }
    for number, correct in enumerate(right):
        prefix = f"steps-0-value-options-{number}"
        data.update(
            {
                f"{prefix}-deleted": "",
                f"{prefix}-order": number,
                f"{prefix}-id": "",
                f"{prefix}-value-text": f"گزینهٔ {number}",
                f"{prefix}-value-feedback": "",
            }
        )
        if correct:
            data[f"{prefix}-value-correct"] = "on"
    return data


def test_the_editor_opens_and_a_simulation_is_saved_from_its_form(admin_client):
    course = build_course(slug="sim-admin", lessons=0).course
    add = f"/admin/pages/add/simulations/simulationpage/{course.pk}/"
    assert admin_client.get(add).status_code == 200
    response = admin_client.post(add, choice_post("new-practice"))
    assert response.status_code == 302, response.content.decode()[:2000]
    page = SimulationPage.objects.get(slug="new-practice")
    assert [step.block_type for step in page.steps] == ["choice"]
    assert page.steps[0].value["options"][0]["correct"] is True

    refused = admin_client.post(add, choice_post("two-right", right=(True, True)))
    assert refused.status_code == 200
    assert not SimulationPage.objects.filter(slug="two-right").exists()

    existing = build_simulation(course, slug="built-in")
    assert admin_client.get(f"/admin/pages/{existing.pk}/edit/").status_code == 200
