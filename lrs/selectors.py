"""Reading statements: the GET parameters, one indexed query per page, ``more`` tokens.

Pages are ordered by (``stored``, ``id``) and continue after the last statement of the
previous page (a keyset cursor), so paging neither repeats nor skips statements. The ``more``
token is signed and carries the original parameters, the cursor and the client it was given
to; it stays valid for two days (the specification asks for at least 24 hours).

A client reads only the statements it sent (by id, by filter and through ``more``), unless
an administrator let it read every client's (``Client.reads_all_statements``).
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core import signing
from django.db.models import Q

from xapi.validation import (
    StatementError,
    is_iri,
    is_uuid,
    parse_timestamp,
    strict_json,
    validate_actor,
)

from . import keys
from .attachments import OCTET_STREAM, attachments_of
from .documents import FORMATS, iso
from .models import AttachmentContent, Client, Statement, StatementLink

MAX_LIMIT = 100
MORE_SALT = "lrs.statements.more"
MORE_MAX_AGE = timedelta(days=2)
SINGLE_PARAMETERS = {"statementId", "voidedStatementId"}
SINGLE_EXTRAS = {"format", "attachments"}
FILTER_PARAMETERS = {
    "agent",
    "verb",
    "activity",
    "registration",
    "related_activities",
    "related_agents",
    "since",
    "until",
    "limit",
    "format",
    "attachments",
    "ascending",
}


@dataclass(frozen=True)
class Query:
    agent_key: str | None = None
    verb_key: str | None = None
    activity_key: str | None = None
    registration: uuid.UUID | None = None
    related_activities: bool = False
    related_agents: bool = False
    since: datetime | None = None
    until: datetime | None = None
    limit: int = MAX_LIMIT
    format: str = "exact"
    ascending: bool = False


@dataclass(frozen=True)
class Cursor:
    stored: datetime
    id: uuid.UUID


def check_common(params: dict[str, str]) -> str:
    """The ``format`` asked for (and ``attachments`` checked to be true or false)."""
    fmt = params.get("format", "exact")
    if fmt not in FORMATS:
        raise StatementError("format: must be ids, exact or canonical.")
    _boolean(params, "attachments")
    return fmt


def wants_attachments(params: dict[str, str]) -> bool:
    """Whether the answer is ``multipart/mixed`` with the attachment data (``attachments``)."""
    return _boolean(params, "attachments")


def attachment_parts(documents: list[dict]) -> list[tuple[str, str, bytes]]:
    """(content type, sha2, data) of the attachment data stored with ``documents``, each once.

    One query, then one storage read per attachment.
    """
    content_types: dict[str, str] = {}
    for document in documents:
        for attachment in attachments_of(document):
            content_types.setdefault(attachment["sha2"].lower(), attachment["contentType"])
    ids = [uuid.UUID(document["id"]) for document in documents]
    contents = AttachmentContent.objects.filter(statements__id__in=ids).distinct().order_by("sha2")
    parts = []
    for content in contents:
        with content.file.open("rb") as handle:
            data = handle.read()
        parts.append((content_types.get(content.sha2, OCTET_STREAM), content.sha2, data))
    return parts


def readable_by(client: Client):
    """The statements ``client`` may read."""
    rows = Statement.objects.all()
    return rows if client.reads_all_statements else rows.filter(client=client)


def single_statement(params: dict[str, str], *, client: Client) -> tuple[Statement | None, str]:
    """The statement ``statementId`` (not voided) or ``voidedStatementId`` (voided) names."""
    named = SINGLE_PARAMETERS & set(params)
    if len(named) > 1:
        raise StatementError("Use either statementId or voidedStatementId, not both.")
    (name,) = named
    extra = sorted(set(params) - named - SINGLE_EXTRAS)
    if extra:
        raise StatementError(f"{name} cannot be combined with “{extra[0]}”.")
    fmt = check_common(params)
    if not is_uuid(params[name]):
        raise StatementError(f"{name}: must be a UUID.")
    row = (
        readable_by(client)
        .filter(id=uuid.UUID(params[name]), voided=name == "voidedStatementId")
        .first()
    )
    return row, fmt


def parse_query(params: dict[str, str]) -> Query:
    """The filters of a statement query; ``StatementError`` for anything malformed."""
    unknown = sorted(set(params) - FILTER_PARAMETERS)
    if unknown:
        raise StatementError(f"Unknown parameter “{unknown[0]}”.")
    fields = {"format": check_common(params)}
    if "agent" in params:
        agent = strict_json(params["agent"], "agent")
        validate_actor(agent, where="agent")
        fields["agent_key"] = keys.agent_key(agent)
        if fields["agent_key"] is None:
            raise StatementError("agent: an anonymous Group cannot be used as a filter.")
    for name in ("verb", "activity"):
        if name in params:
            if not is_iri(params[name]):
                raise StatementError(f"{name}: must be an IRI.")
            fields[f"{name}_key"] = keys.iri_key(params[name])
    if "registration" in params:
        if not is_uuid(params["registration"]):
            raise StatementError("registration: must be a UUID.")
        fields["registration"] = uuid.UUID(params["registration"])
    for name in ("since", "until"):
        if name in params:
            fields[name] = parse_timestamp(params[name], name)
    if "limit" in params:
        if not params["limit"].isdigit():
            raise StatementError("limit: must be a whole number (0 for the server's maximum).")
        fields["limit"] = min(int(params["limit"]) or MAX_LIMIT, MAX_LIMIT)
    for name in ("related_activities", "related_agents", "ascending"):
        fields[name] = _boolean(params, name)
    return Query(**fields)


def _boolean(params: dict[str, str], name: str) -> bool:
    value = params.get(name, "false")
    if value not in {"true", "false"}:
        raise StatementError(f"{name}: must be true or false.")
    return value == "true"


def statement_page(
    query: Query, cursor: Cursor | None = None, *, client: Client
) -> tuple[list, Cursor | None]:
    """One page of (not voided) statements ``client`` may read, and the cursor of the next."""
    rows = readable_by(client).filter(voided=False)
    if query.agent_key:
        kind = StatementLink.Kind.AGENT
        if query.related_agents:
            kind = StatementLink.Kind.RELATED_AGENT
        rows = rows.filter(id__in=_linked(kind, query.agent_key))
    if query.verb_key:
        rows = rows.filter(verb_key=query.verb_key)
    if query.activity_key:
        if query.related_activities:
            kind = StatementLink.Kind.RELATED_ACTIVITY
            rows = rows.filter(id__in=_linked(kind, query.activity_key))
        else:
            rows = rows.filter(activity_key=query.activity_key)
    if query.registration:
        rows = rows.filter(registration=query.registration)
    if query.since:
        rows = rows.filter(stored__gt=query.since)
    if query.until:
        rows = rows.filter(stored__lte=query.until)
    if cursor is not None:
        if query.ascending:
            after = Q(stored__gt=cursor.stored) | Q(stored=cursor.stored, id__gt=cursor.id)
        else:
            after = Q(stored__lt=cursor.stored) | Q(stored=cursor.stored, id__lt=cursor.id)
        rows = rows.filter(after)
    order = ["stored", "id"] if query.ascending else ["-stored", "-id"]
    found = list(rows.order_by(*order).values_list("id", "stored", "data")[: query.limit + 1])
    following = None
    if len(found) > query.limit:
        found = found[: query.limit]
        following = Cursor(stored=found[-1][1], id=found[-1][0])
    return [data for _id, _stored, data in found], following


def _linked(kind: int, key: str):
    return StatementLink.objects.filter(kind=kind, key=key).values("statement_id")


def more_token(params: dict[str, str], cursor: Cursor, *, client: Client) -> str:
    payload = {"p": params, "c": [iso(cursor.stored), str(cursor.id)], "k": client.pk}
    return signing.dumps(payload, salt=MORE_SALT, compress=True)


def read_more(token: str, *, client: Client) -> tuple[dict[str, str], Cursor]:
    """The parameters and cursor of a ``more`` token given to ``client`` (else 400)."""
    try:
        payload = signing.loads(token, salt=MORE_SALT, max_age=MORE_MAX_AGE)
        if payload["k"] != client.pk:
            raise ValueError("another client's link")
        params, (stored, statement_id) = dict(payload["p"]), payload["c"]
        return params, Cursor(parse_timestamp(stored, "more"), uuid.UUID(statement_id))
    except signing.SignatureExpired:
        raise StatementError("more: this link has expired; run the query again.") from None
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise StatementError("more: this is not a valid “more” link.") from None
