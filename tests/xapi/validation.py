"""Savad's statements meet the one xAPI model (``xapi.validation``) and Savad's own rules."""

import uuid

from xapi.statements import ADL_VERBS, PLATFORM
from xapi.validation import validate_statement


def _activities(statement: dict):
    yield statement["object"]
    for activities in statement["context"].get("contextActivities", {}).values():
        yield from activities


def assert_valid_statement(statement: dict) -> None:
    validate_statement(statement)  # the spec, as the LRS checks what it receives
    assert uuid.UUID(statement["id"]).version in (4, 5)  # fixed ids are uuid5
    actor = statement["actor"]
    assert set(actor) == {"objectType", "account"}  # an account only, no e-mail address
    assert statement["verb"]["id"].startswith(ADL_VERBS)
    assert "en-US" in statement["verb"]["display"]
    for activity in _activities(statement):
        definition = activity.get("definition", {})
        assert "correctResponsesPattern" not in definition  # never the right answer
        for component in ("choices", "scale", "source", "target", "steps"):
            for item in definition.get(component, []):  # opaque keys
                assert item["id"] and " " not in item["id"], item
    context = statement["context"]
    assert context["platform"] == PLATFORM and context["language"]
    assert statement["timestamp"].endswith("+00:00")
    assert statement["version"] == "1.0.3"
    assert not {"stored", "authority"} & set(statement)  # the LRS sets these
