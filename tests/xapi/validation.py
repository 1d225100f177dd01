"""The parts of the xAPI 1.0.3 statement rules that Savad's statements must meet."""

import re
import uuid
from datetime import datetime

ISO_DURATION = re.compile(
    r"^P(?:\d+Y)?(?:\d+M)?(?:\d+D)?(?:T(?:\d+H)?(?:\d+M)?(?:\d+(?:\.\d+)?S)?)?$"
)
LANGUAGE_TAG = re.compile(r"^[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8})*$")
INTERACTION_TYPES = {
    "true-false",
    "choice",
    "fill-in",
    "long-fill-in",
    "matching",
    "performance",
    "sequencing",
    "likert",
    "numeric",
    "other",
}


def is_iri(value) -> bool:
    return isinstance(value, str) and re.match(r"^[a-z][a-z0-9+.-]*:", value) is not None


def language_map(value) -> None:
    assert isinstance(value, dict) and value, value
    for tag, text in value.items():
        assert LANGUAGE_TAG.match(tag), tag
        assert isinstance(text, str), text


def activity(value) -> None:
    assert value.get("objectType", "Activity") == "Activity", value
    assert is_iri(value["id"]), value
    definition = value.get("definition", {})
    if "name" in definition:
        language_map(definition["name"])
    if "description" in definition:
        language_map(definition["description"])
    if "type" in definition:
        assert is_iri(definition["type"])
    if "interactionType" in definition:
        assert definition["interactionType"] in INTERACTION_TYPES
        for component in ("choices", "scale", "source", "target", "steps"):
            for item in definition.get(component, []):
                assert isinstance(item["id"], str) and item["id"] and " " not in item["id"]
                language_map(item["description"])
    assert "correctResponsesPattern" not in definition


def score(value) -> None:
    assert -1 <= value["scaled"] <= 1, value
    if "raw" in value:
        assert value.get("min", value["raw"]) <= value["raw"] <= value.get("max", value["raw"])
    if "min" in value and "max" in value:
        assert value["min"] < value["max"], value


def assert_valid_statement(statement: dict) -> None:
    assert uuid.UUID(statement["id"]).version in (4, 5)
    actor = statement["actor"]
    assert actor["objectType"] == "Agent"
    assert is_iri(actor["account"]["homePage"]) and actor["account"]["name"]
    assert set(actor) == {"objectType", "account"}  # one identifier only, no e-mail address
    verb = statement["verb"]
    assert verb["id"].startswith("http://adlnet.gov/expapi/verbs/")
    language_map(verb["display"])
    assert "en-US" in verb["display"]
    activity(statement["object"])
    result = statement.get("result", {})
    if "score" in result:
        score(result["score"])
    for flag in ("success", "completion"):
        assert isinstance(result.get(flag, True), bool)
    if "duration" in result:
        assert ISO_DURATION.match(result["duration"])
    if "extensions" in result:
        assert all(is_iri(key) for key in result["extensions"])
    context = statement["context"]
    assert context["platform"] == "Savad"
    assert LANGUAGE_TAG.match(context["language"])
    for kind, activities in context.get("contextActivities", {}).items():
        assert kind in ("parent", "grouping", "category", "other")
        assert isinstance(activities, list)
        for item in activities:
            activity(item)
    for key in context.get("extensions", {}):
        assert is_iri(key)
    datetime.fromisoformat(statement["timestamp"])
    assert statement["timestamp"].endswith("+00:00")
    assert statement["version"] == "1.0.3"
    assert not {"stored", "authority"} & set(statement)  # the LRS sets these
