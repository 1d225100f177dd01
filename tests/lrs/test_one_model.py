"""One statement model for both ways in: the LRS statements resource and the H5P player
(``xapi.validation``): the same statement is refused by both, with the same message."""

import copy
import json
import uuid

import pytest

from content.models import H5PResult
from content.results import LOCAL_ID, player_content_id
from lrs.models import Statement
from tests.content.installed import open_exercise

pytestmark = pytest.mark.django_db


@pytest.fixture
def player(client):
    """An enrolled learner opened an H5P activity: its package and the player's results URL."""
    package, _page, _learner, xapi_url = open_exercise(client, slug="one-model")
    return package, xapi_url


def statement(package, **change) -> dict:
    """A statement as the H5P player sends it, valid for the LRS too."""
    sent = {
        "id": str(uuid.uuid4()),
        "actor": {"objectType": "Agent", "name": "L", "mbox": "mailto:learner@example.org"},
        "verb": {"id": "http://adlnet.gov/expapi/verbs/answered", "display": {"en-US": "x"}},
        "object": {
            "id": "http://testserver/exercise",
            "definition": {"extensions": {LOCAL_ID: player_content_id(package)}},
        },
        "result": {"score": {"min": 0, "max": 1, "raw": 1}, "completion": True},
    }
    for path, value in change.items():
        *parents, last = path.split("__")
        node = sent
        for name in parents:
            node = node[name]
        node[last] = value
    return sent


def both(client, api, xapi_url, sent: dict):
    """The H5P player's and the LRS's answers to the same statement."""
    h5p = client.post(xapi_url, json.dumps(sent), content_type="application/json")
    lrs = api.post(copy.deepcopy(sent))
    return h5p, lrs


REFUSED = {
    "score not a number": (
        {"result__score__raw": "lots"},
        "statement.result.score.raw: must be a number.",
    ),
    "verb id not an IRI": (
        {"verb__id": "answered"},
        "statement.verb.id: must be an absolute IRI (like https://example.org/x).",
    ),
    "two identifiers": (
        {"actor__openid": "https://example.org/me"},
        "statement.actor: an Agent needs exactly one identifier (mbox, mbox_sha1sum, openid or "
        "account).",
    ),
    "voiding an activity": (
        {"verb__id": "http://adlnet.gov/expapi/verbs/voided"},
        "statement.object: a voiding statement needs a StatementRef object.",
    ),
    "success not a boolean": ({"result__success": "yes"}, "statement.result.success"),
}


@pytest.mark.parametrize("case", REFUSED)
def test_both_paths_refuse_a_statement_the_same_way(client, api, player, case):
    package, xapi_url = player
    change, message = REFUSED[case]
    h5p, lrs = both(client, api, xapi_url, statement(package, **change))
    assert (h5p.status_code, lrs.status_code) == (400, 400)
    assert h5p.json()["error"] == lrs.json()["error"]
    assert lrs.json()["error"].startswith(message)
    assert not H5PResult.objects.exists() and not Statement.objects.exists()


def test_both_paths_accept_the_statement_unchanged(client, api, player):
    package, xapi_url = player
    h5p, lrs = both(client, api, xapi_url, statement(package))
    assert h5p.status_code == 200 and h5p.json()["stored"] is True
    assert lrs.status_code == 200
    assert H5PResult.objects.count() == 1 and Statement.objects.count() == 1


def test_only_the_player_accepts_h5ps_known_deviations(client, api, player):
    """Bonus points above ``max`` (H5P_DEVIATIONS): clamped for the player, refused by the LRS."""
    package, xapi_url = player
    h5p, lrs = both(client, api, xapi_url, statement(package, result__score__raw=3))
    assert h5p.status_code == 200 and H5PResult.objects.get().score_scaled == 1.0
    assert lrs.status_code == 400
    assert lrs.json()["error"] == "statement.result.score.raw: must be between “min” and “max”."
