"""Client credentials and storing statements.

Storing is all or nothing: a batch is validated first, then written in one transaction with
its voiding effects and the progress it feeds (``lrs.progress_feed``). A statement id that is
already stored is accepted again unchanged when the content matches, and is a conflict
(``ConflictError``, HTTP 409) when it does not; nothing stored is ever modified by a resend.
"""

import base64
import binascii
import secrets
import uuid
from datetime import timedelta

from django.contrib.auth.hashers import check_password, make_password
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from xapi.validation import StatementError, validate_statement

from .attachments import Part, attachments_of, match_parts
from .documents import index_columns, links, prepare, same_statement
from .models import AttachmentContent, Client, Statement, StatementLink
from .progress_feed import feed_progress
from .signatures import check_signatures

AUTH_CACHE_SECONDS = 300
LAST_USED_PRECISION = timedelta(minutes=1)


class ConflictError(Exception):
    """A statement id already stored with different content."""


# --- Clients ----------------------------------------------------------------------------------


def create_client(
    *, name: str, activities: str = "", reads_all_statements: bool = False
) -> tuple[Client, str]:
    """A new active client and its secret (only its hash is kept: show the secret once).

    ``activities``: the activity IRIs it reports on, one per line (``ValidationError`` for a
    line that is not an IRI).
    """
    secret = secrets.token_urlsafe(32)
    client = Client(
        name=name.strip()[:120],
        key=secrets.token_hex(16),
        secret_hash=make_password(secret),
        activities=activities,
        reads_all_statements=reads_all_statements,
    )
    client.clean()
    client.save()
    return client, secret


def scope_client(
    *,
    key: str,
    add: list[str] = (),
    clear: bool = False,
    reads_all_statements: bool | None = None,
) -> Client:
    """Register more activity IRIs on the client with ``key`` (after ``clear``ing the old
    ones, if asked) and set whether it reads every client's statements (None: unchanged).

    ``Client.DoesNotExist`` when there is no such client; ``ValidationError`` for a bad IRI.
    """
    client = Client.objects.get(key=key)
    kept = [] if clear else client.activity_iris()
    client.activities = "\n".join([*kept, *add])
    if reads_all_statements is not None:
        client.reads_all_statements = reads_all_statements
    client.clean()
    client.save(update_fields=["activities", "reads_all_statements"])
    return client


def deactivate_client(*, key: str) -> Client:
    """Deactivate the client with ``key``; ``Client.DoesNotExist`` when there is none."""
    client = Client.objects.get(key=key)
    if client.is_active:
        client.is_active = False
        client.save(update_fields=["is_active"])
    return client


def authenticate(authorization: str) -> Client | None:
    """The active client an ``Authorization: Basic …`` header names, or None.

    Secrets are hashed with the (deliberately slow) password hasher; a successful check is
    remembered for a few minutes as an HMAC in the cache, so a busy client costs one query
    per request. Deactivating the client takes effect at once (the row is read every time).
    """
    scheme, _, encoded = (authorization or "").partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    key, separator, secret = decoded.partition(":")
    if not separator or not key or not secret:
        return None
    client = Client.objects.filter(key=key, is_active=True).first()
    if client is None:
        return None
    proof = salted_hmac("lrs.auth", f"{client.secret_hash}:{secret}").hexdigest()
    remembered = cache.get(f"lrs:auth:{client.pk}")
    if not (remembered and constant_time_compare(remembered, proof)):
        if not check_password(secret, client.secret_hash):
            return None
        cache.set(f"lrs:auth:{client.pk}", proof, AUTH_CACHE_SECONDS)
    now = timezone.now()
    if client.last_used_at is None or now - client.last_used_at > LAST_USED_PRECISION:
        Client.objects.filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now
    return client


# --- Statements -------------------------------------------------------------------------------


def store_statements(*, client: Client, statements: list, parts: list[Part] = ()) -> list[str]:
    """Validate and store ``statements`` with their attachment ``parts``; their ids in order.
    All or nothing.

    ``StatementError`` (400) for an invalid statement, attachment part or signature, a
    repeated id in the batch or voiding a voiding statement; ``ConflictError`` (409) for an id
    stored with different content. Attachment data is kept once per SHA-2 hash.
    """
    if not statements:
        raise StatementError("No statements were sent.")
    many = len(statements) > 1
    for index, statement in enumerate(statements):
        validate_statement(statement, where=f"statement[{index}]" if many else "statement")
    data = match_parts(statements, list(parts))
    for index, statement in enumerate(statements):
        check_signatures(statement, data, where=f"statement[{index}]" if many else "statement")
    stored = timezone.now()
    documents = [prepare(statement, client=client, stored=stored) for statement in statements]
    ids = [document["id"] for document in documents]
    if len(set(ids)) != len(ids):
        repeated = next(i for i in ids if ids.count(i) > 1)
        raise StatementError(f"Statement id {repeated} appears more than once in this batch.")
    for attempt in range(2):
        written: list[str] = []
        try:
            with transaction.atomic():
                rows = _store(client, statements, documents, stored=stored)
                _keep_attachments(rows, data, written=written)
            break
        except IntegrityError as clash:  # a parallel request stored one of these ids first
            _forget_files(written)
            if attempt:
                message = "A statement with one of these ids was stored meanwhile."
                raise ConflictError(message) from clash
        except BaseException:
            _forget_files(written)
            raise
    return ids


def _keep_attachments(rows: list[Statement], data: dict[str, bytes], *, written: list) -> None:
    """Store the data of each new hash (names of new files into ``written``) and link it to
    the new statements that declare it."""
    if not rows or not data:
        return
    contents = {c.sha2: c for c in AttachmentContent.objects.filter(sha2__in=list(data))}
    for sha2 in sorted(set(data) - set(contents)):
        content = AttachmentContent(sha2=sha2, length=len(data[sha2]))
        content.file.save(sha2, ContentFile(data[sha2]), save=False)
        written.append(content.file.name)
        content.save()
        contents[sha2] = content
    link = AttachmentContent.statements.through
    declared = [(row, {a["sha2"].lower() for a in attachments_of(row.data)}) for row in rows]
    link.objects.bulk_create(
        [
            link(attachmentcontent_id=contents[sha2].pk, statement_id=row.id)
            for row, hashes in declared
            for sha2 in sorted(hashes & set(data))
        ]
    )


def delete_unused_attachments() -> int:
    """Delete attachment data no statement refers to any more (once its statements are
    erased); how many. The files go once the transaction commits."""
    unused = AttachmentContent.objects.filter(statements=None)
    names = list(unused.values_list("file", flat=True))
    unused.delete()
    transaction.on_commit(lambda: _forget_files(names))
    return len(names)


def _forget_files(names: list[str]) -> None:
    """Files written for a transaction that rolled back."""
    for name in names:
        default_storage.delete(name)


def _store(
    client: Client, received: list[dict], documents: list[dict], *, stored
) -> list[Statement]:
    """Insert the new statements (a resent one is checked, not stored again); the new rows."""
    ids = [uuid.UUID(document["id"]) for document in documents]
    existing = {row.id: row.data for row in Statement.objects.filter(id__in=ids).only("data")}
    new = []
    for sent, document, statement_id in zip(received, documents, ids, strict=True):
        if statement_id not in existing:
            new.append(document)
        elif not same_statement(sent, existing[statement_id]):
            raise ConflictError(
                f"Statement {statement_id} is already stored with different content."
            )
    if not new:
        return []
    rows = [
        Statement(
            id=uuid.UUID(document["id"]),
            client=client,
            data=document,
            stored=stored,
            **index_columns(document),
        )
        for document in new
    ]
    _check_voiding(rows)
    Statement.objects.bulk_create(rows)
    StatementLink.objects.bulk_create(
        [
            StatementLink(statement_id=row.id, kind=kind, key=key)
            for row in rows
            for kind, key in sorted(links(row.data))
        ]
    )
    voided = _apply_voiding(rows, client=client)
    for row in rows:
        if row.voids is None and row.id not in voided:
            feed_progress(row.data, client=client)
    return rows


def _check_voiding(rows: list[Statement]) -> None:
    """A voiding statement cannot itself be voided (in this batch or already stored)."""
    targets = {row.voids for row in rows if row.voids is not None}
    if not targets:
        return
    voiding_in_batch = {row.id for row in rows if row.voids is not None}
    stored_voiding = set(
        Statement.objects.filter(id__in=targets, voids__isnull=False).values_list("id", flat=True)
    )
    clashes = sorted(targets & (voiding_in_batch | stored_voiding), key=str)
    if clashes:
        raise StatementError(
            f"Statement {clashes[0]} voids another statement; it cannot be voided."
        )


def _apply_voiding(rows: list[Statement], *, client: Client) -> set:
    """Mark voided what the new voiding statements target and new statements already voided.

    A client voids only its own statements: a voiding statement naming another client's
    statement is stored but voids nothing.
    """
    targets = {row.voids for row in rows if row.voids is not None}
    plain = [row.id for row in rows if row.voids is None]
    if plain:
        earlier = Statement.objects.filter(voids__in=plain, client=client)
        targets.update(earlier.values_list("voids", flat=True).distinct())
    if targets:
        Statement.objects.filter(id__in=targets, voids__isnull=True, client=client).update(
            voided=True
        )
    return targets
