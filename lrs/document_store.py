"""State, Activity Profile and Agent Profile documents: reading and writing them.

One model (``lrs.models.Document``) holds the three kinds. A document is named by an
``Address``: its kind, the activity and/or agent (compared by ``lrs.keys``, so an agent's
e-mail matches whatever its case), the registration (State only) and its id. Each client has
its own documents: a client never reads, lists, overwrites or deletes another client's.

Writes follow the concurrency rules of xAPI 1.0.3 (Communication 3.1): the stored document's
row is locked, ``If-Match`` (a list of ETags, or ``*``) and ``If-None-Match: *`` are checked
against it (``PreconditionFailed``, HTTP 412), and a profile document that exists may only be
replaced (PUT) by a request carrying one of those headers (``DocumentConflict``, HTTP 409).
POST stores a new document as PUT does, and merges into a stored one: both must be JSON
objects (else 400), and the posted properties replace the stored ones (top level only); a
merge may not grow the document past ``settings.LRS_MAX_BODY_BYTES`` (413). Content is
otherwise opaque bytes, kept with its Content-Type. Nothing is written when a check fails.
"""

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from xapi.validation import StatementError, strict_json

from . import keys
from .models import Client, Document

JSON = "application/json"
DEFAULT_CONTENT_TYPE = "application/octet-stream"


class DocumentConflict(Exception):
    """A profile document exists and the request did not say which version it changes (409)."""


class PreconditionFailed(Exception):
    """``If-Match`` or ``If-None-Match`` does not hold for the stored document (412)."""


class DocumentTooLarge(Exception):
    """A merge would make the document larger than ``settings.LRS_MAX_BODY_BYTES`` (413)."""


@dataclass(frozen=True)
class Address:
    """What names a document (``document_id`` None: every document of this context)."""

    kind: int
    document_id: str | None = None
    activity_id: str = ""
    agent: dict | None = None
    registration: uuid.UUID | None = None

    @property
    def activity_key(self) -> str:
        return keys.iri_key(self.activity_id) if self.activity_id else ""

    @property
    def agent_key(self) -> str:
        if self.agent is None:
            return ""
        return keys.agent_key(self.agent) or ""

    def key(self, client: Client) -> str:
        parts = [
            str(client.pk),
            str(self.kind),
            self.activity_key,
            self.agent_key,
            str(self.registration or ""),
            self.document_id or "",
        ]
        return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Preconditions:
    """The request's ``If-Match`` and ``If-None-Match`` headers (None when absent)."""

    if_match: str | None = None
    if_none_match: str | None = None

    def given(self) -> bool:
        return self.if_match is not None or self.if_none_match is not None


def etag_for(content: bytes) -> str:
    return '"' + hashlib.sha1(content, usedforsecurity=False).hexdigest() + '"'


def media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


# --- Reading ----------------------------------------------------------------------------------


def _context(client: Client, address: Address):
    rows = Document.objects.filter(
        client=client,
        kind=address.kind,
        activity_key=address.activity_key,
        agent_key=address.agent_key,
    )
    if address.registration is not None:
        rows = rows.filter(registration=address.registration)
    return rows


def get_document(*, client: Client, address: Address) -> Document | None:
    """The document ``address`` names, or None (one indexed query)."""
    return Document.objects.filter(key=address.key(client)).first()


def document_ids(
    *, client: Client, address: Address, since: datetime | None = None
) -> tuple[list[str], datetime | None]:
    """The ids of the context's documents (updated after ``since``), and the latest update.

    For State without a registration, the documents of every registration are listed.
    """
    rows = _context(client, address)
    if since is not None:
        rows = rows.filter(updated__gt=since)
    found = list(rows.order_by("updated", "pk").values_list("document_id", "updated"))
    latest = max((updated for _id, updated in found), default=None)
    return list(dict.fromkeys(document_id for document_id, _updated in found)), latest


# --- Writing ----------------------------------------------------------------------------------


def save_document(
    *,
    client: Client,
    address: Address,
    content: bytes,
    content_type: str,
    merge: bool,
    preconditions: Preconditions,
    require_preconditions: bool,
) -> Document:
    """Store ``content`` (PUT), or merge it into the stored document (POST, ``merge``).

    ``StatementError`` (400) for a POST onto a stored document when either is not a JSON
    object; ``PreconditionFailed`` (412); ``DocumentConflict`` (409) for a PUT without
    If-Match or If-None-Match onto an existing document when ``require_preconditions``
    (the profile resources).
    """
    content_type = content_type.strip() or DEFAULT_CONTENT_TYPE
    for attempt in range(2):
        try:
            with transaction.atomic():
                return _save(
                    client,
                    address,
                    content,
                    content_type,
                    merge,
                    preconditions,
                    require_preconditions,
                )
        except IntegrityError:  # another request created the same document meanwhile
            if attempt:
                raise DocumentConflict(
                    "The document was created by another request meanwhile; read it and retry."
                ) from None
    raise AssertionError("unreachable")


def _save(client, address, content, content_type, merge, preconditions, require) -> Document:
    key = address.key(client)
    existing = Document.objects.select_for_update().filter(key=key).first()
    check_preconditions(existing, preconditions, require=require and not merge)
    if merge and existing is not None:
        posted = _json_object(content, content_type, "The posted document")
        stored = _json_object(bytes(existing.content), existing.content_type, "The stored document")
        content = json.dumps({**stored, **posted}, ensure_ascii=False).encode("utf-8")
        content_type = JSON
        if len(content) > settings.LRS_MAX_BODY_BYTES:
            raise DocumentTooLarge(
                f"The merged document would be larger than this LRS keeps "
                f"({settings.LRS_MAX_BODY_BYTES} bytes): PUT a smaller one."
            )
    document = existing or Document(
        client=client,
        kind=address.kind,
        key=key,
        activity_id=address.activity_id,
        activity_key=address.activity_key,
        agent=address.agent,
        agent_key=address.agent_key,
        registration=address.registration,
        document_id=address.document_id,
    )
    document.content = content
    document.content_type = content_type[:255]
    document.etag = etag_for(content)
    document.updated = timezone.now()
    document.save()
    return document


def delete_documents(*, client: Client, address: Address, preconditions: Preconditions) -> int:
    """Delete the document ``address`` names, or every document of its context (State only,
    ``document_id`` None). How many were deleted; ``PreconditionFailed`` (412)."""
    with transaction.atomic():
        if address.document_id is None:
            deleted, _ = _context(client, address).delete()
            return deleted
        rows = Document.objects.select_for_update().filter(key=address.key(client))
        existing = rows.first()
        check_preconditions(existing, preconditions, require=False)
        if existing is None:
            return 0
        existing.delete()
        return 1


def check_preconditions(
    existing: Document | None, preconditions: Preconditions, *, require: bool
) -> None:
    """The concurrency rules of Communication 3.1 for a write to ``existing``."""
    if preconditions.if_match is not None:
        tags = _tags(preconditions.if_match)
        if existing is None or not ("*" in tags or _bare(existing.etag) in tags):
            raise PreconditionFailed(
                "If-Match does not match the document's current ETag (it changed or is missing)."
            )
    if preconditions.if_none_match is not None and existing is not None:
        tags = _tags(preconditions.if_none_match)
        if "*" in tags or _bare(existing.etag) in tags:
            raise PreconditionFailed("If-None-Match: the document already exists.")
    if require and existing is not None and not preconditions.given():
        raise DocumentConflict(
            "This document already exists: send If-Match with its ETag to change it "
            "(or If-None-Match: * to create it only when it is missing)."
        )


def _tags(header: str) -> set[str]:
    return {_bare(tag) for tag in header.split(",") if tag.strip()}


def _bare(tag: str) -> str:
    tag = tag.strip()
    if tag.startswith("W/"):
        tag = tag[2:]
    return tag.strip('"').lower()


def _json_object(content: bytes, content_type: str, what: str) -> dict:
    if media_type(content_type) != JSON:
        raise StatementError(
            f"{what} is not application/json: POST merges JSON objects only (PUT replaces)."
        )
    value = strict_json(content, what)
    if not isinstance(value, dict):
        raise StatementError(f"{what} is not a JSON object: POST merges JSON objects only.")
    return value
