"""Helpers for the LRS tests: a client application, authenticated requests, statements."""

import base64
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
