"""Hostile JSON at /xapi/statements is a 400 with a clear message, never a 500 (PostgreSQL)."""

import json

import pytest

from courses.services import enrol
from lrs.models import Statement
from lrs.services import scope_client
from progress.models import ActivityProgress
from tests.builders import build_course
from tests.factories import UserFactory
from tests.lrs.conftest import COMPLETED, new_id, statement
from xapi.identity import activity_iri, iri_base

pytestmark = pytest.mark.django_db

DEEP = "[" * 5000 + "]" * 5000
EXTENSION = "https://example.org/extensions/x"


def with_extension(raw_value: str) -> str:
    """A valid statement as JSON text, with ``raw_value`` spliced in as an extension's value."""
    sent = statement(result={"extensions": {EXTENSION: "PLACEHOLDER"}})
    return json.dumps(sent).replace('"PLACEHOLDER"', raw_value)


def with_score(raw_value: str) -> str:
    sent = statement(result={"score": {"raw": "PLACEHOLDER"}})
    return json.dumps(sent).replace('"PLACEHOLDER"', raw_value)


HOSTILE = {
    "deep nesting": (DEEP, "nested at most"),
    "deep nesting in a statement": (with_extension(DEEP), "nested at most"),
    "a 400-digit score": (with_score("7" * 400), "at most 20 digits"),
    "1e400 as a score": (with_score("1e400"), "too large"),
    "1e400 as an extension": (with_extension("1e400"), "too large"),
    "NUL in a string": (with_extension('"a\\u0000b"'), "NUL"),
    "NUL in a key": (with_extension('{"k\\u0000": 1}'), "NUL"),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_json_posted_is_a_400(api, case):
    body, message = HOSTILE[case]
    response = api.post(body)
    assert response.status_code == 400, response.content
    assert message in response.json()["error"]
    assert not Statement.objects.exists()


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_json_put_is_a_400(api, case):
    body, message = HOSTILE[case]
    response = api.put(body, new_id())
    assert response.status_code == 400, response.content
    assert message in response.json()["error"]
    assert not Statement.objects.exists()


def test_a_hostile_agent_filter_is_a_400(api):
    response = api.get({"agent": "[" * 5000})
    assert response.status_code == 400
    assert response.json()["error"].startswith("agent: ")
    response = api.get({"agent": '{"mbox": "mailto:a\\u0000@example.org"}'})
    assert response.status_code == 400 and "NUL" in response.json()["error"]


@pytest.mark.parametrize("name", ["²", "9" * 5000, "9" * 30])
def test_an_account_name_that_is_no_user_id_names_nobody(api, credentials, name):
    built = build_course(slug="account-names", lessons=1)
    lesson = built.lessons[0]
    learner = UserFactory()
    enrol(user=learner, course=built.course)
    scope_client(key=credentials[0].key, add=[activity_iri(lesson.translation_key)])
    actor = {"objectType": "Agent", "account": {"homePage": iri_base(), "name": name}}
    sent = statement(actor=actor, verb=COMPLETED, activity=activity_iri(lesson.translation_key))
    response = api.post(sent)
    assert response.status_code == 200, response.content
    assert not ActivityProgress.objects.exists()
