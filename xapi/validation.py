"""The one xAPI 1.0.3 statement model: structure and syntax, never meaning, and the one scaling
of scores.

Used by every path a statement takes: the LRS statements resource (``lrs``), statements from
the H5P player (``content.results``) and the tests' check of the statements Savad itself sends
(``tests/xapi/validation.py``). ``validate_statement`` raises ``StatementError`` with a message
naming the offending property (``statement.object.definition.name`` and so on). Messages are
for the developers of client applications and stay in English, whatever language the request
negotiates. A known producer's deviations from the spec are accepted only where a caller names
them (``Tolerances``; H5P's are in ``content.results``), never by loosening the rules for all.
``scaled_score`` turns a score into Savad's 0–1 scale, the same way for every path.

Why our own model rather than a library (issue 13; 24 statements the spec refuses, 4 it allows):

* ralph-malph 5.1 (``ralph.models.xapi``; pydantic 2 as ours, Python 3.9–3.12, maintained)
  accepted 7 of the 24: numbers as strings ("0.5"), numbers as timestamps and durations
  (pydantic's lax coercion), a raw score below a ``min`` of 0 and ``min`` equal to ``max`` (its
  range check tests truthiness), a voiding statement without a StatementRef, the ``-00:00``
  zone; and it refuses ``"result": {}``, which the spec allows. Its errors are pydantic's, not
  per property, and it brings pydantic-settings, langcodes, rfc3987, email-validator, dnspython
  and an ``importlib-metadata<8.6`` pin, for a model we would still have to patch.
* tincan 1.0 (TinCanPython, last release 2020) is a client library that builds objects from
  dicts without checking them: it accepted 18 of the 24.
* ours refuses the 24 and accepts the 4 (its refusals are tested in ``tests/lrs/test_write.py``),
  needs nothing beyond Django and ``core.jsonbody``, and names the property at fault.
"""

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime

from django.utils import translation

from core.exceptions import SavadError
from core.jsonbody import parse_json

VOIDED_VERB = "http://adlnet.gov/expapi/verbs/voided"
IFIS = ("mbox", "mbox_sha1sum", "openid", "account")

STATEMENT_PROPERTIES = {
    "id",
    "actor",
    "verb",
    "object",
    "result",
    "context",
    "timestamp",
    "stored",
    "authority",
    "version",
    "attachments",
}
SUB_STATEMENT_PROPERTIES = {
    "objectType",
    "actor",
    "verb",
    "object",
    "result",
    "context",
    "timestamp",
    "attachments",
}
ACTIVITY_DEFINITION_PROPERTIES = {
    "name",
    "description",
    "type",
    "moreInfo",
    "extensions",
    "interactionType",
    "correctResponsesPattern",
    "choices",
    "scale",
    "source",
    "target",
    "steps",
}
INTERACTION_COMPONENTS = {
    "choice": {"choices"},
    "sequencing": {"choices"},
    "likert": {"scale"},
    "matching": {"source", "target"},
    "performance": {"steps"},
    "true-false": set(),
    "fill-in": set(),
    "long-fill-in": set(),
    "numeric": set(),
    "other": set(),
}
SCORE_PROPERTIES = ("scaled", "raw", "min", "max")
COMPONENT_LISTS = {"choices", "scale", "source", "target", "steps"}
CONTEXT_ACTIVITY_TYPES = {"parent", "grouping", "category", "other"}

UUID_RE = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
IRI_RE = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*:\S+")
MBOX_RE = re.compile(r"mailto:[^@\s]+@[^@\s]+")
SHA1_RE = re.compile(r"[0-9a-fA-F]{40}")
LANGUAGE_RE = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")
VERSION_RE = re.compile(r"1\.0(\.\d+)?")
TIMESTAMP_RE = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(?P<zone>Z|[+-]\d{2}(:?\d{2})?)?"
)
_NUMBER = r"\d+(?:[.,]\d+)?"
DURATION_RE = re.compile(
    rf"P(?:{_NUMBER}W|(?=.)(?:{_NUMBER}Y)?(?:{_NUMBER}M)?(?:{_NUMBER}D)?"
    rf"(?:T(?=.)(?:{_NUMBER}H)?(?:{_NUMBER}M)?(?:{_NUMBER}S)?)?)"
)


class StatementError(ValueError):
    """A statement (or a request parameter) that breaks the xAPI structure rules."""


@dataclass(frozen=True)
class Tolerances:
    """Deviations from the spec a caller accepts from a producer it knows; none by default.

    ``score_range``: a score's numbers may leave their ranges (``scaled`` outside -1…1, ``raw``
    outside ``min``…``max``, ``max`` not above ``min``); they must still be numbers, and
    ``scaled_score`` clamps or ignores them. ``interaction_types``: ``interactionType`` values
    beyond the spec's (taking no component lists).
    """

    score_range: bool = False
    interaction_types: frozenset[str] = frozenset()


STRICT = Tolerances()


def is_uuid(value) -> bool:
    return isinstance(value, str) and UUID_RE.fullmatch(value) is not None


def strict_json(text: bytes | str, where: str = ""):
    """``core.jsonbody.parse_json``, its refusals as ``StatementError`` (in English)."""
    with translation.override("en"):
        try:
            return parse_json(text)
        except SavadError as problem:
            prefix = f"{where}: " if where else ""
            raise StatementError(f"{prefix}{problem.message}") from None


def is_iri(value) -> bool:
    return isinstance(value, str) and IRI_RE.fullmatch(value) is not None


def parse_timestamp(value, where: str) -> datetime:
    """An ISO 8601 date and time (UTC when no zone is given); ``StatementError`` otherwise."""
    match = TIMESTAMP_RE.fullmatch(value) if isinstance(value, str) else None
    if match is None or match.group("zone") in {"-00", "-0000", "-00:00"}:
        raise StatementError(f"{where}: must be an ISO 8601 date and time, not {value!r}.")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise StatementError(f"{where}: {value!r} is not a valid date and time.") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def validate_statement(
    statement, *, where: str = "statement", tolerate: Tolerances = STRICT
) -> None:
    """``StatementError`` unless ``statement`` is a valid xAPI 1.0.3 statement (as ``tolerate``
    relaxes it)."""
    _statement(statement, where, sub=False, tolerate=tolerate)


def validate_actor(value, *, where: str) -> None:
    """An Agent or Group object (as the ``agent`` query parameter takes)."""
    _actor(value, where)


def _statement(statement, where: str, *, sub: bool, tolerate: Tolerances = STRICT) -> None:
    _mapping(statement, where)
    if sub:
        forbidden = sorted({"id", "stored", "version", "authority"} & set(statement))
        if forbidden:
            raise StatementError(f"{where}: a SubStatement must not have “{forbidden[0]}”.")
    _only(statement, SUB_STATEMENT_PROPERTIES if sub else STATEMENT_PROPERTIES, where)
    for name in ("actor", "verb", "object"):
        if name not in statement:
            raise StatementError(f"{where}: “{name}” is required.")
    if "id" in statement and not is_uuid(statement["id"]):
        raise StatementError(f"{where}.id: must be a UUID in its standard string form.")
    _actor(statement["actor"], f"{where}.actor")
    _verb(statement["verb"], f"{where}.verb")
    target = statement["object"]
    _object(target, f"{where}.object", sub=sub, tolerate=tolerate)
    if "result" in statement:
        _result(statement["result"], f"{where}.result", tolerate=tolerate)
    if "context" in statement:
        _context(statement["context"], f"{where}.context", target=target, tolerate=tolerate)
    for name in ("timestamp", "stored"):
        if name in statement:
            parse_timestamp(statement[name], f"{where}.{name}")
    if "authority" in statement:
        _actor(statement["authority"], f"{where}.authority")
    if "version" in statement:
        version = statement["version"]
        if not isinstance(version, str) or VERSION_RE.fullmatch(version) is None:
            raise StatementError(f"{where}.version: only 1.0.x statements are accepted.")
    if "attachments" in statement:
        _attachments(statement["attachments"], f"{where}.attachments")
    if statement["verb"]["id"] == VOIDED_VERB and target.get("objectType") != "StatementRef":
        raise StatementError(f"{where}.object: a voiding statement needs a StatementRef object.")


# --- Building blocks --------------------------------------------------------------------------


def _mapping(value, where: str) -> None:
    if not isinstance(value, dict):
        raise StatementError(f"{where}: must be a JSON object.")


def _only(value: dict, allowed, where: str) -> None:
    unknown = sorted(set(value).difference(allowed))
    if unknown:
        raise StatementError(f"{where}: unknown property “{unknown[0]}”.")


def _string(value, where: str) -> None:
    if not isinstance(value, str):
        raise StatementError(f"{where}: must be a string.")


def _iri(value, where: str) -> None:
    if not is_iri(value):
        raise StatementError(f"{where}: must be an absolute IRI (like https://example.org/x).")


def _number(value, where: str) -> float:
    if not isinstance(value, bool) and isinstance(value, int | float):
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if math.isfinite(number):
            return number
    raise StatementError(f"{where}: must be a number.")


def _boolean(value, where: str) -> None:
    if not isinstance(value, bool):
        raise StatementError(f"{where}: must be true or false.")


def _language_map(value, where: str) -> None:
    _mapping(value, where)
    for tag, text in value.items():
        if LANGUAGE_RE.fullmatch(tag) is None:
            raise StatementError(f"{where}: “{tag}” is not a language tag (RFC 5646).")
        _string(text, f"{where}.{tag}")


def _extensions(value, where: str) -> None:
    _mapping(value, where)
    for key in value:
        _iri(key, f"{where} key “{key}”")


# --- Agents and groups ------------------------------------------------------------------------


def _actor(value, where: str, *, object_type_required: bool = False) -> None:
    _mapping(value, where)
    if value.get("objectType") == "Group":
        _group(value, where)
    else:
        _agent(value, where, object_type_required=object_type_required)


def _agent(value, where: str, *, object_type_required: bool = False) -> None:
    _mapping(value, where)
    _only(value, {"objectType", "name", *IFIS}, where)
    object_type = value.get("objectType")
    if object_type is None and object_type_required:
        raise StatementError(f"{where}: “objectType” is required for an Agent used as object.")
    if object_type is not None and object_type != "Agent":
        raise StatementError(f"{where}.objectType: must be “Agent”.")
    if "name" in value:
        _string(value["name"], f"{where}.name")
    found = [name for name in IFIS if name in value]
    if len(found) != 1:
        raise StatementError(
            f"{where}: an Agent needs exactly one identifier (mbox, mbox_sha1sum, openid or "
            "account)."
        )
    _ifi(value, found[0], where)


def _group(value, where: str) -> None:
    _only(value, {"objectType", "name", "member", *IFIS}, where)
    if value.get("objectType") != "Group":
        raise StatementError(f"{where}.objectType: must be “Group”.")
    if "name" in value:
        _string(value["name"], f"{where}.name")
    found = [name for name in IFIS if name in value]
    if len(found) > 1:
        raise StatementError(f"{where}: a Group has at most one identifier.")
    if found:
        _ifi(value, found[0], where)
    elif "member" not in value:
        raise StatementError(f"{where}: an anonymous Group needs “member”.")
    if "member" in value:
        members = value["member"]
        if not isinstance(members, list):
            raise StatementError(f"{where}.member: must be a list of Agents.")
        for index, member in enumerate(members):
            _agent(member, f"{where}.member[{index}]")


def _ifi(value: dict, name: str, where: str) -> None:
    ifi = value[name]
    here = f"{where}.{name}"
    if name == "mbox":
        if not isinstance(ifi, str) or MBOX_RE.fullmatch(ifi) is None:
            raise StatementError(f"{here}: must be “mailto:” followed by an e-mail address.")
    elif name == "mbox_sha1sum":
        if not isinstance(ifi, str) or SHA1_RE.fullmatch(ifi) is None:
            raise StatementError(f"{here}: must be a hex SHA-1 (40 characters).")
    elif name == "openid":
        _iri(ifi, here)
    else:
        _mapping(ifi, here)
        _only(ifi, {"homePage", "name"}, here)
        if "homePage" not in ifi or "name" not in ifi:
            raise StatementError(f"{here}: an account needs “homePage” and “name”.")
        _iri(ifi["homePage"], f"{here}.homePage")
        _string(ifi["name"], f"{here}.name")


# --- Verb, object, result, context ------------------------------------------------------------


def _verb(value, where: str) -> None:
    _mapping(value, where)
    _only(value, {"id", "display"}, where)
    if "id" not in value:
        raise StatementError(f"{where}: “id” is required.")
    _iri(value["id"], f"{where}.id")
    if "display" in value:
        _language_map(value["display"], f"{where}.display")


def _object(value, where: str, *, sub: bool, tolerate: Tolerances = STRICT) -> None:
    _mapping(value, where)
    kind = value.get("objectType", "Activity")
    if kind == "Activity":
        _activity(value, where, tolerate=tolerate)
    elif kind == "Agent":
        _agent(value, where, object_type_required=True)
    elif kind == "Group":
        _group(value, where)
    elif kind == "StatementRef":
        _statement_ref(value, where)
    elif kind == "SubStatement":
        if sub:
            raise StatementError(f"{where}: a SubStatement cannot contain another SubStatement.")
        _statement(value, where, sub=True, tolerate=tolerate)
    else:
        raise StatementError(
            f"{where}.objectType: must be Activity, Agent, Group, StatementRef or SubStatement."
        )


def _statement_ref(value, where: str) -> None:
    _mapping(value, where)
    _only(value, {"objectType", "id"}, where)
    if value.get("objectType") != "StatementRef":
        raise StatementError(f"{where}.objectType: must be “StatementRef”.")
    if not is_uuid(value.get("id")):
        raise StatementError(f"{where}.id: must be a statement id (a UUID).")


def _activity(value, where: str, *, tolerate: Tolerances = STRICT) -> None:
    _mapping(value, where)
    _only(value, {"objectType", "id", "definition"}, where)
    if value.get("objectType", "Activity") != "Activity":
        raise StatementError(f"{where}.objectType: must be “Activity”.")
    if "id" not in value:
        raise StatementError(f"{where}: an Activity needs an “id”.")
    _iri(value["id"], f"{where}.id")
    if "definition" in value:
        _definition(value["definition"], f"{where}.definition", tolerate=tolerate)


def _definition(value, where: str, *, tolerate: Tolerances = STRICT) -> None:
    _mapping(value, where)
    _only(value, ACTIVITY_DEFINITION_PROPERTIES, where)
    for name in ("name", "description"):
        if name in value:
            _language_map(value[name], f"{where}.{name}")
    for name in ("type", "moreInfo"):
        if name in value:
            _iri(value[name], f"{where}.{name}")
    if "extensions" in value:
        _extensions(value["extensions"], f"{where}.extensions")
    interaction = value.get("interactionType")
    lists = COMPONENT_LISTS & set(value)
    if interaction is None:
        if lists or "correctResponsesPattern" in value:
            raise StatementError(f"{where}: interaction properties need an “interactionType”.")
        return
    if interaction not in INTERACTION_COMPONENTS and interaction not in tolerate.interaction_types:
        raise StatementError(f"{where}.interactionType: “{interaction}” is not a valid type.")
    if "correctResponsesPattern" in value:
        pattern = value["correctResponsesPattern"]
        if not isinstance(pattern, list) or not all(isinstance(p, str) for p in pattern):
            raise StatementError(f"{where}.correctResponsesPattern: must be a list of strings.")
    for name in sorted(lists):
        if name not in INTERACTION_COMPONENTS.get(interaction, ()):
            raise StatementError(f"{where}.{name}: not used by “{interaction}” interactions.")
        _components(value[name], f"{where}.{name}")


def _components(value, where: str) -> None:
    if not isinstance(value, list):
        raise StatementError(f"{where}: must be a list of interaction components.")
    seen = set()
    for index, component in enumerate(value):
        here = f"{where}[{index}]"
        _mapping(component, here)
        _only(component, {"id", "description"}, here)
        _string(component.get("id"), f"{here}.id")
        if component["id"] in seen:
            raise StatementError(f"{here}.id: “{component['id']}” is used twice.")
        seen.add(component["id"])
        if "description" in component:
            _language_map(component["description"], f"{here}.description")


def _result(value, where: str, *, tolerate: Tolerances = STRICT) -> None:
    _mapping(value, where)
    _only(value, {"score", "success", "completion", "response", "duration", "extensions"}, where)
    if "score" in value:
        _score(value["score"], f"{where}.score", tolerate=tolerate)
    for name in ("success", "completion"):
        if name in value:
            _boolean(value[name], f"{where}.{name}")
    if "response" in value:
        _string(value["response"], f"{where}.response")
    if "duration" in value:
        duration = value["duration"]
        if not isinstance(duration, str) or DURATION_RE.fullmatch(duration) is None:
            raise StatementError(f"{where}.duration: must be an ISO 8601 duration (like PT1M30S).")
    if "extensions" in value:
        _extensions(value["extensions"], f"{where}.extensions")


def _score(value, where: str, *, tolerate: Tolerances = STRICT) -> None:
    _mapping(value, where)
    _only(value, SCORE_PROPERTIES, where)
    numbers = _score_numbers(value, where)
    if tolerate.score_range:
        return
    scaled, raw = numbers.get("scaled"), numbers.get("raw")
    low, high = numbers.get("min"), numbers.get("max")
    if scaled is not None and not -1 <= scaled <= 1:
        raise StatementError(f"{where}.scaled: must be between -1 and 1.")
    if low is not None and high is not None and not low < high:
        raise StatementError(f"{where}: “min” must be less than “max”.")
    if raw is not None and (low is not None and raw < low or high is not None and raw > high):
        raise StatementError(f"{where}.raw: must be between “min” and “max”.")


def _score_numbers(value: dict, where: str) -> dict[str, float]:
    return {
        name: _number(value[name], f"{where}.{name}") for name in SCORE_PROPERTIES if name in value
    }


def scaled_score(score: dict | None, *, where: str = "score") -> float | None:
    """``score`` (an xAPI score object) on Savad's 0–1 scale; None when it gives none.

    ``scaled`` when present, else ``raw`` placed between ``min`` (default 0) and ``max``; either
    clamped to 0–1 (Savad keeps no negative scores). None for no score, a ``raw`` without
    ``max``, or a ``max`` not above ``min``. ``StatementError`` for a value that is not a
    finite number (or a score that is not an object), as ``validate_statement`` refuses them.
    """
    if score is None:
        return None
    _mapping(score, where)
    numbers = _score_numbers(score, where)
    scaled = numbers.get("scaled")
    if scaled is None:
        raw, low, high = numbers.get("raw"), numbers.get("min", 0.0), numbers.get("max")
        if raw is None or high is None or not low < high:
            return None
        scaled = (raw - low) / (high - low)
    return min(1.0, max(0.0, scaled))


def _context(value, where: str, *, target: dict, tolerate: Tolerances = STRICT) -> None:
    _mapping(value, where)
    allowed = {
        "registration",
        "instructor",
        "team",
        "contextActivities",
        "revision",
        "platform",
        "language",
        "statement",
        "extensions",
    }
    _only(value, allowed, where)
    if "registration" in value and not is_uuid(value["registration"]):
        raise StatementError(f"{where}.registration: must be a UUID.")
    if "instructor" in value:
        _actor(value["instructor"], f"{where}.instructor")
    if "team" in value:
        _mapping(value["team"], f"{where}.team")
        _group(value["team"], f"{where}.team")
    if "contextActivities" in value:
        _context_activities(
            value["contextActivities"], f"{where}.contextActivities", tolerate=tolerate
        )
    for name in ("revision", "platform"):
        if name in value:
            _string(value[name], f"{where}.{name}")
            if target.get("objectType", "Activity") != "Activity":
                raise StatementError(f"{where}.{name}: only allowed for an Activity object.")
    if "language" in value:
        language = value["language"]
        if not isinstance(language, str) or LANGUAGE_RE.fullmatch(language) is None:
            raise StatementError(f"{where}.language: must be a language tag (RFC 5646).")
    if "statement" in value:
        _statement_ref(value["statement"], f"{where}.statement")
    if "extensions" in value:
        _extensions(value["extensions"], f"{where}.extensions")


def _context_activities(value, where: str, *, tolerate: Tolerances = STRICT) -> None:
    _mapping(value, where)
    _only(value, CONTEXT_ACTIVITY_TYPES, where)
    for name, activities in value.items():
        if isinstance(activities, dict):
            activities = [activities]
        if not isinstance(activities, list):
            raise StatementError(f"{where}.{name}: must be an Activity or a list of Activities.")
        for index, activity in enumerate(activities):
            _activity(activity, f"{where}.{name}[{index}]", tolerate=tolerate)


def _attachments(value, where: str) -> None:
    if not isinstance(value, list):
        raise StatementError(f"{where}: must be a list.")
    allowed = {"usageType", "display", "description", "contentType", "length", "sha2", "fileUrl"}
    for index, attachment in enumerate(value):
        here = f"{where}[{index}]"
        _mapping(attachment, here)
        _only(attachment, allowed, here)
        for name in ("usageType", "display", "contentType", "length", "sha2"):
            if name not in attachment:
                raise StatementError(f"{here}: “{name}” is required.")
        _iri(attachment["usageType"], f"{here}.usageType")
        _language_map(attachment["display"], f"{here}.display")
        if "description" in attachment:
            _language_map(attachment["description"], f"{here}.description")
        _string(attachment["contentType"], f"{here}.contentType")
        length = attachment["length"]
        if isinstance(length, bool) or not isinstance(length, int) or length < 0:
            raise StatementError(f"{here}.length: must be a whole number of octets.")
        _string(attachment["sha2"], f"{here}.sha2")
        if "fileUrl" in attachment:  # without it, the data comes as a part (lrs.attachments)
            _iri(attachment["fileUrl"], f"{here}.fileUrl")
