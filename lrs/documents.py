"""Statement documents: completing them for storage, comparing them, formatting them for GET.

``prepare`` adds what the LRS sets (``id`` when missing, ``stored``, ``timestamp`` when
missing, ``authority``, ``version``) and returns context activities as lists, as the
specification requires. ``comparable`` drops everything a resend may legitimately change
(the exceptions to statement immutability) so two documents can be compared for a 409.
"""

import copy
import uuid
from datetime import UTC, datetime

from xapi.identity import iri_base
from xapi.validation import IFIS, VOIDED_VERB, parse_timestamp

from . import keys
from .models import StatementLink

FORMATS = ("exact", "ids", "canonical")


def iso(moment: datetime) -> str:
    """UTC, with microseconds: ``2024-05-01T10:20:30.123456Z``."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def authority_for(client) -> dict:
    """The client application as an Agent, identified by its key on Savad's LRS."""
    return {
        "objectType": "Agent",
        "name": client.name,
        "account": {"homePage": f"{iri_base()}/xapi/", "name": client.key},
    }


def prepare(statement: dict, *, client, stored: datetime) -> dict:
    """The statement as it will be stored (the input is not modified)."""
    document = copy.deepcopy(statement)
    document["id"] = str(uuid.UUID(document["id"])) if "id" in document else str(uuid.uuid4())
    document["stored"] = iso(stored)
    document.setdefault("timestamp", document["stored"])
    document["authority"] = authority_for(client)
    document.setdefault("version", "1.0.0")
    _lists_of_context_activities(document)
    if document["object"].get("objectType") == "SubStatement":
        _lists_of_context_activities(document["object"])
    return document


def _lists_of_context_activities(statement: dict) -> None:
    activities = statement.get("context", {}).get("contextActivities")
    if isinstance(activities, dict):
        for name, value in activities.items():
            if isinstance(value, dict):
                activities[name] = [value]


def comparable(statement: dict) -> dict:
    """The parts of a statement that must match for a resend to be the same statement."""
    document = copy.deepcopy(statement)
    for name in ("id", "stored", "authority", "version", "attachments", "timestamp"):
        document.pop(name, None)
    _lists_of_context_activities(document)
    _strip_mutable(document)
    target = document["object"]
    if target.get("objectType") == "SubStatement":
        target.pop("attachments", None)
        if "timestamp" in target:
            target["timestamp"] = iso(parse_timestamp(target["timestamp"], "timestamp"))
        _lists_of_context_activities(target)
        _strip_mutable(target)
    return document


def same_statement(received: dict, stored: dict) -> bool:
    """Whether ``received`` (as sent) is the statement stored under its id."""
    if comparable(received) != comparable(stored):
        return False
    if "timestamp" not in received:  # the LRS filled it in the first time
        return True
    sent = parse_timestamp(received["timestamp"], "timestamp")
    return sent == parse_timestamp(stored["timestamp"], "timestamp")


def _strip_mutable(statement: dict) -> None:
    """Verb displays and activity definitions are not part of a statement; e-mail case is not."""
    statement.get("verb", {}).pop("display", None)
    for agent in _agents_in(statement):
        if isinstance(agent.get("mbox"), str):
            agent["mbox"] = agent["mbox"].lower()
        if isinstance(agent.get("mbox_sha1sum"), str):
            agent["mbox_sha1sum"] = agent["mbox_sha1sum"].lower()
        if isinstance(agent.get("member"), list):
            agent["member"].sort(key=lambda member: keys.ifi_text(member) or "")
    for activity in _activities_in(statement):
        activity.pop("definition", None)
        activity.setdefault("objectType", "Activity")


def _agents_in(statement: dict) -> list[dict]:
    """Actor, agent object, instructor and team, and their group members."""
    context = statement.get("context", {})
    found = []
    for value in (
        statement.get("actor"),
        _agent_object(statement.get("object", {})),
        context.get("instructor"),
        context.get("team"),
    ):
        if isinstance(value, dict):
            found.append(value)
            found.extend(m for m in value.get("member", []) if isinstance(m, dict))
    return found


def _activities_in(statement: dict) -> list[dict]:
    found = []
    target = statement.get("object", {})
    if target.get("objectType", "Activity") == "Activity":
        found.append(target)
    activities = statement.get("context", {}).get("contextActivities", {})
    for values in activities.values():
        found.extend(values if isinstance(values, list) else [values])
    return found


# --- Index columns and links ------------------------------------------------------------------


def index_columns(document: dict) -> dict:
    """The filter columns of ``Statement`` for a prepared document."""
    target = document["object"]
    is_activity = target.get("objectType", "Activity") == "Activity"
    voids = None
    if document["verb"]["id"] == VOIDED_VERB:
        voids = uuid.UUID(target["id"])
    registration = document.get("context", {}).get("registration")
    return {
        "agent_key": keys.agent_key(document["actor"]) or "",
        "verb_key": keys.iri_key(document["verb"]["id"]),
        "activity_key": keys.iri_key(target["id"]) if is_activity else "",
        "registration": uuid.UUID(registration) if registration else None,
        "timestamp": parse_timestamp(document["timestamp"], "timestamp"),
        "voids": voids,
    }


def links(document: dict) -> set[tuple[int, str]]:
    """(kind, key) pairs for the agent and related-agent/activity filters."""
    kind = StatementLink.Kind
    found: set[tuple[int, str]] = set()
    for agent in _people(document.get("actor")) + _people(_agent_object(document["object"])):
        found.add((kind.AGENT, agent))
    related = [document] + (
        [document["object"]] if document["object"].get("objectType") == "SubStatement" else []
    )
    for statement in related:
        context = statement.get("context", {})
        for value in (
            statement.get("actor"),
            _agent_object(statement["object"]),
            statement.get("authority"),
            context.get("instructor"),
            context.get("team"),
        ):
            found.update((kind.RELATED_AGENT, key) for key in _people(value))
        for activity in _activities_in(statement):
            found.add((kind.RELATED_ACTIVITY, keys.iri_key(activity["id"])))
    return found


def _agent_object(target: dict) -> dict | None:
    return target if target.get("objectType") in {"Agent", "Group"} else None


def _people(value) -> list[str]:
    """Keys of an agent or group and of its members."""
    if not isinstance(value, dict):
        return []
    found = [keys.agent_key(value)]
    found.extend(keys.agent_key(member) for member in value.get("member", []))
    return [key for key in found if key]


# --- Output formats ---------------------------------------------------------------------------


def formatted(document: dict, fmt: str) -> dict:
    """``exact`` and ``canonical`` (Savad keeps no canonical definitions) return the document
    as stored; ``ids`` keeps only what identifies agents, groups, verbs and activities."""
    if fmt != "ids":
        return document
    document = copy.deepcopy(document)
    _ids_only(document)
    if document["object"].get("objectType") == "SubStatement":
        _ids_only(document["object"])
    return document


def _ids_only(statement: dict) -> None:
    statement["verb"] = {"id": statement["verb"]["id"]}
    context = statement.get("context", {})
    for name in ("actor", "authority"):
        if name in statement:
            statement[name] = _agent_ids(statement[name])
    for name in ("instructor", "team"):
        if name in context:
            context[name] = _agent_ids(context[name])
    target = statement["object"]
    kind = target.get("objectType", "Activity")
    if kind in {"Agent", "Group"}:
        statement["object"] = _agent_ids(target)
    elif kind == "Activity":
        statement["object"] = {"objectType": "Activity", "id": target["id"]}
    activities = context.get("contextActivities")
    if isinstance(activities, dict):
        for name, values in activities.items():
            activities[name] = [{"objectType": "Activity", "id": a["id"]} for a in values]


def _agent_ids(agent: dict) -> dict:
    kept = {"objectType": agent.get("objectType", "Agent")}
    kept.update({name: agent[name] for name in IFIS if name in agent})
    is_anonymous_group = kept["objectType"] == "Group" and len(kept) == 1
    if is_anonymous_group and isinstance(agent.get("member"), list):
        kept["member"] = [_agent_ids(member) for member in agent["member"]]
    return kept
