"""The Activities and Agents resources (xAPI 1.0.3, Communication 2.5 and 2.6).

``activity_object`` answers with the Activity and the definition the statements a client may
read (``selectors.readable_by``, voided ones left out) give it: the definitions of the most
recent ``DEFINITION_STATEMENTS`` statements naming the activity, merged oldest first, so the
latest wins property by property and language maps gain languages. ``person_object`` answers
with the Agent as a Person: Savad links no identities, so its identifiers are the agent's own,
and its names are the one given plus those the readable statements use for it.
"""

from xapi.validation import IFIS

from . import keys
from .documents import _activities_in
from .models import Client, StatementLink
from .selectors import readable_by

DEFINITION_STATEMENTS = 100
PERSON_STATEMENTS = 100
LANGUAGE_MAPS = {"name", "description"}


def activity_object(activity_id: str, *, client: Client) -> dict:
    """The Activity ``activity_id`` with its merged definition (just the id when none)."""
    naming = StatementLink.objects.filter(
        kind=StatementLink.Kind.RELATED_ACTIVITY, key=keys.iri_key(activity_id)
    ).values("statement_id")
    rows = (
        readable_by(client)
        .filter(voided=False, id__in=naming)
        .order_by("-stored", "-id")
        .values_list("data", flat=True)[:DEFINITION_STATEMENTS]
    )
    definition: dict = {}
    for data in reversed(list(rows)):
        statements = [data]
        if data["object"].get("objectType") == "SubStatement":
            statements.append(data["object"])
        for statement in statements:
            for activity in _activities_in(statement):
                found = activity.get("definition")
                if activity.get("id") == activity_id and isinstance(found, dict):
                    _merge_definition(definition, found)
    activity = {"objectType": "Activity", "id": activity_id}
    if definition:
        activity["definition"] = definition
    return activity


def _merge_definition(definition: dict, newer: dict) -> None:
    for name, value in newer.items():
        if name in LANGUAGE_MAPS | {"extensions"} and isinstance(value, dict):
            definition[name] = {**definition.get(name, {}), **value}
        else:
            definition[name] = value


def person_object(agent: dict, *, client: Client) -> dict:
    """The Person for ``agent`` (an Agent object already validated)."""
    names = [agent["name"]] if isinstance(agent.get("name"), str) else []
    key = keys.agent_key(agent)
    if key:
        used = (
            readable_by(client)
            .filter(agent_key=key)
            .order_by("-stored", "-id")
            .values_list("data__actor__name", flat=True)[:PERSON_STATEMENTS]
        )
        names.extend(name for name in used if isinstance(name, str))
    person: dict = {"objectType": "Person"}
    if names:
        person["name"] = list(dict.fromkeys(names))
    for ifi in IFIS:
        if ifi in agent:
            person[ifi] = [agent[ifi]]
    return person
