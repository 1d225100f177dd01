"""The Activities and Agents resources (xAPI 1.0.3, Communication 2.5 and 2.6)."""

import json
from urllib.parse import urlencode

import pytest

from lrs import services
from tests.lrs.conftest import Api, agent, statement

pytestmark = pytest.mark.django_db

ACTIVITIES = "/xapi/activities"
AGENTS = "/xapi/agents"
LESSON = "https://example.org/activities/lesson-1"


def with_definition(definition: dict, activity: str = LESSON, **extra) -> dict:
    data = statement(activity=activity, **extra)
    data["object"]["definition"] = definition
    return data


def get(api: Api, url: str, params: dict):
    return api.http.get(f"{url}?{urlencode(params)}", **api.headers)


def test_an_activity_without_definitions_is_its_id(api):
    """Communication 2.6: GET with activityId returns an Activity Object (200)."""
    response = get(api, ACTIVITIES, {"activityId": LESSON})
    assert response.status_code == 200
    assert response.json() == {"objectType": "Activity", "id": LESSON}
    assert response["X-Experience-API-Version"] == "1.0.3"


def test_the_activity_definition_is_merged_from_stored_statements(api):
    """Communication 2.6: the Activity Object holds the LRS's canonical definition: the latest
    statement's properties win and language maps keep every language seen."""
    older = {"name": {"en": "Lesson"}, "type": "https://example.org/types/lesson"}
    newer = {"name": {"fa": "درس"}, "description": {"en": "Intro"}, "type": "https://x.org/t"}
    assert api.post(with_definition(older)).status_code == 200
    context_mention = statement(
        activity="https://example.org/activities/course",
        context={"contextActivities": {"parent": [{"id": LESSON, "definition": newer}]}},
    )
    assert api.post(context_mention).status_code == 200
    response = get(api, ACTIVITIES, {"activityId": LESSON})
    assert response.json() == {
        "objectType": "Activity",
        "id": LESSON,
        "definition": {
            "name": {"en": "Lesson", "fa": "درس"},
            "description": {"en": "Intro"},
            "type": "https://x.org/t",
        },
    }


def test_definitions_come_only_from_statements_the_client_may_read(api):
    """Savad's client scoping (``lrs.selectors.readable_by``) applies to the Activities
    resource: another client's statements do not describe the activity."""
    other, secret = services.create_client(name="Other")
    Api(other.key, secret).post(with_definition({"name": {"en": "Theirs"}}))
    assert "definition" not in get(api, ACTIVITIES, {"activityId": LESSON}).json()
    reader, reader_secret = services.create_client(name="Reader", reads_all_statements=True)
    seen = get(Api(reader.key, reader_secret), ACTIVITIES, {"activityId": LESSON}).json()
    assert seen["definition"] == {"name": {"en": "Theirs"}}


@pytest.mark.parametrize(
    "params, words",
    [
        ({}, "activityId"),
        ({"activityId": "not an iri"}, "IRI"),
        ({"activityId": LESSON, "x": "1"}, "x"),
    ],
)
def test_activities_parameters_are_checked(api, params, words):
    """Communication 2.6 table: activityId is required and must be an IRI."""
    response = get(api, ACTIVITIES, params)
    assert response.status_code == 400
    assert words in response.json()["error"]


def test_activities_and_agents_are_read_only(api):
    for url in (ACTIVITIES, AGENTS):
        response = api.http.put(url, "{}", content_type="application/json", **api.headers)
        assert response.status_code == 405
        assert response["Allow"] == "GET, HEAD"


def test_an_agent_is_answered_as_a_person_with_lists(api):
    """XAPI-00236/00237/00238/00239/00242/00247 (Communication 2.4): GET with agent returns a
    Person Object: objectType "Person" and each identifying property as a list, names
    included from statements about the agent."""
    api.post(statement(actor=agent(name="Sara Ahmadi")))
    params = {"agent": json.dumps(agent(name="S. Ahmadi"))}
    response = get(api, AGENTS, params)
    assert response.status_code == 200
    assert response.json() == {
        "objectType": "Person",
        "name": ["S. Ahmadi", "Sara Ahmadi"],
        "mbox": ["mailto:learner@example.org"],
    }
    account = {"account": {"homePage": "https://example.org", "name": "42"}}
    person = get(api, AGENTS, {"agent": json.dumps(account)}).json()
    assert person == {"objectType": "Person", "account": [account["account"]]}


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"agent": "not JSON"},
        {"agent": json.dumps({"objectType": "Agent"})},
        {"agent": json.dumps({"objectType": "Group", "mbox": "mailto:team@example.org"})},
    ],
)
def test_agents_needs_one_identified_agent(api, params):
    """XAPI-00243 and XAPI-00249 (Communication 2.4 table): agent is required and must be a
    valid Agent (JSON)."""
    response = get(api, AGENTS, params)
    assert response.status_code == 400
    assert "agent" in response.json()["error"]


def test_head_on_activities_and_agents(api):
    """Communication 1.1: HEAD is answered like GET, without a body."""
    cases = [(ACTIVITIES, {"activityId": LESSON}), (AGENTS, {"agent": json.dumps(agent())})]
    for url, params in cases:
        response = api.http.head(f"{url}?{urlencode(params)}", **api.headers)
        assert response.status_code == 200
        assert response.content == b""
        assert response["Content-Type"].startswith("application/json")
