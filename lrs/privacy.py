"""A learner's statements and documents in their data export, and gone (with the attachment
data only their statements carried) when their account is erased.

"The learner's statements" are those whose actor names them: Savad's account form
(``xapi.identity.agent_for``) or their e-mail address (``mbox`` or ``mbox_sha1sum``). Their
documents are the State and Agent Profile documents kept for the same agents (Activity
Profile documents name no learner).
"""

import base64

from . import keys
from .documents import iso
from .models import Document, Statement
from .services import delete_unused_attachments


def user_statements(user):
    return Statement.objects.filter(agent_key__in=keys.user_agent_keys(user))


def user_documents(user):
    return Document.objects.filter(agent_key__in=keys.user_agent_keys(user))


def _document_entry(document: Document) -> dict:
    content = bytes(document.content)
    try:
        text, encoding = content.decode("utf-8"), "text"
    except UnicodeDecodeError:
        text, encoding = base64.b64encode(content).decode("ascii"), "base64"
    return {
        "kind": Document.Kind(document.kind).name.lower().replace("_", " "),  # not translated
        "activityId": document.activity_id,
        "id": document.document_id,
        "registration": str(document.registration or ""),
        "contentType": document.content_type,
        "updated": iso(document.updated),
        "encoding": encoding,
        "content": text,
    }


def export_user_data(user) -> dict:
    documents = list(user_statements(user).order_by("stored", "id").values_list("data", flat=True))
    stored = user_documents(user).order_by("updated", "pk")
    return {
        "lrs_statements.json": documents,
        "lrs_documents.json": [_document_entry(document) for document in stored],
    }


def erase_user(user) -> None:
    user_statements(user).delete()
    user_documents(user).delete()
    delete_unused_attachments()  # what only their statements carried
