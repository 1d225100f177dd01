"""Helpers for the LRS tests: a client application, authenticated requests, statements."""

import base64
import hashlib
import json
import uuid

import pytest
from django.test import Client as HttpClient

from lrs import services
from tests.lrs.doc_api import Documents

VERSION = {"HTTP_X_EXPERIENCE_API_VERSION": "1.0.3"}
URL = "/xapi/statements"
VERB = "http://adlnet.gov/expapi/verbs/experienced"
COMPLETED = "http://adlnet.gov/expapi/verbs/completed"
VOIDED = "http://adlnet.gov/expapi/verbs/voided"
BOUNDARY = "xapi-test-boundary"


def basic(key: str, secret: str) -> str:
    return "Basic " + base64.b64encode(f"{key}:{secret}".encode()).decode()


class Api:
    """The test HTTP client, speaking xAPI 1.0.3 with one client application's credentials."""

    def __init__(self, key: str, secret: str):
        self.http = HttpClient()
        self.headers = {**VERSION, "HTTP_AUTHORIZATION": basic(key, secret)}

    def get(self, params=None, url=URL, **extra):
        return self.http.get(url, params or {}, **{**self.headers, **extra})

    def post(self, body, url=URL, **extra):
        data = body if isinstance(body, bytes | str) else json.dumps(body)
        kwargs = {"content_type": "application/json", **self.headers, **extra}
        return self.http.post(url, data, **kwargs)

    def put(self, body, statement_id=None, url=URL, **extra):
        if statement_id is not None:
            url = f"{url}?statementId={statement_id}"
        data = body if isinstance(body, bytes | str) else json.dumps(body)
        kwargs = {"content_type": "application/json", **self.headers, **extra}
        return self.http.put(url, data, **kwargs)

    def multipart(self, method: str, body: bytes, boundary: str = BOUNDARY, url=URL, **extra):
        """PUT or POST a ``multipart/mixed`` body (see ``multipart``)."""
        content_type = f'multipart/mixed; boundary="{boundary}"'
        send = getattr(self.http, method.lower())
        return send(url, body, content_type=content_type, **{**self.headers, **extra})


USAGE = "https://example.org/attachment-usage/essay"


def attachment(data: bytes, *, content_type: str = "text/plain", **extra) -> dict:
    """An attachment object declaring ``data`` (SHA-256)."""
    return {
        "usageType": USAGE,
        "display": {"en": "Essay"},
        "contentType": content_type,
        "length": len(data),
        "sha2": hashlib.sha256(data).hexdigest(),
        **extra,
    }


def part(data: bytes, *, content_type: str = "text/plain", sha2: str | None = None) -> bytes:
    """The headers and data of one attachment part, as the specification asks."""
    headers = (
        f"Content-Type: {content_type}\r\nContent-Transfer-Encoding: binary\r\n"
        f"X-Experience-API-Hash: {sha2 or hashlib.sha256(data).hexdigest()}\r\n\r\n"
    )
    return headers.encode() + data


def multipart(statements, *parts: bytes, boundary: str = BOUNDARY) -> bytes:
    """A multipart/mixed body: the statements as JSON, then the ``parts`` (see ``part``)."""
    first = b"Content-Type: application/json\r\n\r\n" + json.dumps(statements).encode()
    delimiter = f"--{boundary}\r\n".encode()
    body = b"".join(delimiter + piece + b"\r\n" for piece in (first, *parts))
    return body + f"--{boundary}--\r\n".encode()


def agent(email: str = "learner@example.org", **extra) -> dict:
    return {"objectType": "Agent", "mbox": f"mailto:{email}", **extra}


def statement(
    *,
    actor=None,
    verb: str = VERB,
    activity: str = "https://example.org/activities/one",
    statement_id=None,
    **extra,
) -> dict:
    data = {
        "actor": actor or agent(),
        "verb": {"id": verb, "display": {"en": verb.rsplit("/", 1)[-1]}},
        "object": {"objectType": "Activity", "id": activity},
        **extra,
    }
    if statement_id is not None:
        data["id"] = str(statement_id)
    return data


def new_id() -> str:
    return str(uuid.uuid4())


@pytest.fixture
def credentials(db):
    client, secret = services.create_client(name="Test content")
    return client, secret


@pytest.fixture
def api(credentials) -> Api:
    client, secret = credentials
    return Api(client.key, secret)


@pytest.fixture
def documents(credentials):
    """The document resources' test client, with the credentials of ``credentials``."""
    client, secret = credentials
    return Documents(client.key, secret)
