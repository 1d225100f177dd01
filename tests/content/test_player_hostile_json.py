"""Hostile JSON sent to the H5P player's xAPI endpoint is a 400, never a 500 (PostgreSQL)."""

import json
import uuid

import pytest

from content.models import H5PResult
from content.results import LOCAL_ID, player_content_id
from progress.models import ActivityProgress
from tests.content.installed import open_exercise

pytestmark = pytest.mark.django_db


@pytest.fixture
def opened(client):
    """An enrolled learner has opened an H5P activity; its player's xAPI URL."""
    return open_exercise(client, slug="hostile-h5p")


def statement(package) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "actor": {"mbox": "mailto:learner@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered"},
        "object": {
            "id": "http://testserver/exercise",
            "definition": {"extensions": {LOCAL_ID: player_content_id(package)}},
        },
        "result": {"score": {"min": 0, "max": 1, "raw": 1}, "completion": True},
    }


DEEP = "[" * 5000 + "]" * 5000


def spliced(package, raw_value: str, where: str = "extension") -> str:
    """A statement the player would accept, with ``raw_value`` as a score or an extension."""
    body = statement(package)
    if where == "score":
        body["result"]["score"]["raw"] = "PLACEHOLDER"
    else:
        body["result"]["extensions"] = {"https://example.org/x": "PLACEHOLDER"}
    return json.dumps(body).replace('"PLACEHOLDER"', raw_value)


CASES = {
    "deep nesting": (lambda package: DEEP, "nested at most"),
    "deep nesting in a statement": (lambda package: spliced(package, DEEP), "nested at most"),
    "a 400-digit score": (lambda package: spliced(package, "7" * 400, "score"), "at most 20"),
    "1e400": (lambda package: spliced(package, "1e400"), "too large"),
    "NUL in a string": (lambda package: spliced(package, '"a\\u0000b"'), "NUL"),
    "NUL in a key": (lambda package: spliced(package, '{"k\\u0000": 1}'), "NUL"),
}


@pytest.mark.parametrize("case", CASES)
def test_hostile_json_from_the_player_is_a_400(client, opened, case):
    package, page, learner, xapi_url = opened
    make_body, message = CASES[case]
    response = client.post(
        xapi_url, make_body(package), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400, response.content
    assert response.json()["ok"] is False and message in response.json()["error"]
    assert not H5PResult.objects.exists()
    progress = ActivityProgress.objects.get(user=learner, activity_key=page.translation_key)
    assert progress.attempts == 0
