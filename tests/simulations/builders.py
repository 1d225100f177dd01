"""Simulation pages for tests: the built-in scenarios (or any steps) under a built course."""

from demo.simulations import scenario_steps
from simulations.models import SimulationPage
from tests.builders import publish


def build_simulation(
    parent, *, slug="practice", steps=None, scenario="practice-pay-a-bill", language="fa", **fields
):
    page = SimulationPage(
        title=fields.pop("title", "تمرین"),
        slug=slug,
        steps=steps if steps is not None else scenario_steps(scenario, language),
        **fields,
    )
    parent.add_child(instance=page)
    publish(page)
    return SimulationPage.objects.get(pk=page.pk)
