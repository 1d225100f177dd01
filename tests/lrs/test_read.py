"""Reading statements: single statements, filters, formats and paging with ``more``."""

import json
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.http import parse_http_date

from lrs.models import Statement
from lrs.selectors import MAX_LIMIT, MORE_SALT
from tests.lrs.conftest import URL, VOIDED, agent, new_id, statement

pytestmark = pytest.mark.django_db


def ids_of(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [s["id"] for s in response.json()["statements"]]


def post(api, *statements) -> list[str]:
    response = api.post(list(statements))
    assert response.status_code == 200, response.content
    return response.json()


# --- Single statements ------------------------------------------------------------------------


def test_get_by_statement_id_round_trips_with_headers(api):
    sent = statement(result={"score": {"scaled": 0.5}}, timestamp="2024-01-02T03:04:05.678Z")
    (statement_id,) = post(api, sent)
    response = api.get({"statementId": statement_id})
    assert response.status_code == 200
    data = response.json()
    assert data["id"] == statement_id
    assert data["result"] == sent["result"] and data["verb"] == sent["verb"]
    assert data["timestamp"] == "2024-01-02T03:04:05.678Z"
    row = Statement.objects.get(id=statement_id)
    assert parse_http_date(response["Last-Modified"]) == int(row.stored.timestamp())
    assert response["X-Experience-API-Version"] == "1.0.3"
    assert response["X-Experience-API-Consistent-Through"].endswith("Z")


def test_unknown_statement_is_404(api):
    response = api.get({"statementId": new_id()})
    assert response.status_code == 404
    assert "X-Experience-API-Consistent-Through" in response
    assert api.get({"voidedStatementId": new_id()}).status_code == 404


def test_voided_statement_only_by_voided_statement_id(api):
    (target,) = post(api, statement())
    (voider,) = post(
        api, statement(verb=VOIDED, object={"objectType": "StatementRef", "id": target})
    )
    assert api.get({"statementId": target}).status_code == 404
    response = api.get({"voidedStatementId": target})
    assert response.status_code == 200 and response.json()["id"] == target
    assert api.get({"voidedStatementId": voider}).status_code == 404
    assert api.get({"statementId": voider}).status_code == 200


@pytest.mark.parametrize(
    "extra",
    [
        {"voidedStatementId": new_id()},
        {"verb": "https://example.org/v"},
        {"limit": "1"},
        {"agent": json.dumps(agent())},
    ],
)
def test_statement_id_with_other_filters_is_400(api, extra):
    (statement_id,) = post(api, statement())
    response = api.get({"statementId": statement_id, **extra})
    assert response.status_code == 400
    assert api.get({"statementId": statement_id, "format": "ids"}).status_code == 200


def test_statement_id_must_be_a_uuid(api):
    assert api.get({"statementId": "123"}).status_code == 400


# --- Lists and filters ------------------------------------------------------------------------


def test_empty_result_and_consistent_through(api):
    response = api.get()
    assert response.json() == {"statements": [], "more": ""}
    moment = response["X-Experience-API-Consistent-Through"]
    assert abs(timezone.now() - timezone.datetime.fromisoformat(moment)) < timedelta(minutes=1)


def test_newest_first_by_default_and_ascending_on_request(api):
    first = post(api, statement())
    second = post(api, statement())
    assert ids_of(api.get()) == second + first
    assert ids_of(api.get({"ascending": "true"})) == first + second


def test_voided_statements_are_left_out_but_the_voiding_one_is_listed(api):
    (target, kept) = post(api, statement(), statement())
    (voider,) = post(
        api, statement(verb=VOIDED, object={"objectType": "StatementRef", "id": target})
    )
    assert set(ids_of(api.get())) == {kept, voider}


def test_agent_filter_matches_actor_object_and_group_members(api):
    learner = agent("learner@example.org")
    as_actor, as_object, in_group, other = post(
        api,
        statement(actor=learner),
        statement(actor=agent("teacher@example.org"), object=learner),
        statement(actor={"objectType": "Group", "member": [learner, agent("b@example.org")]}),
        statement(actor=agent("someone@example.org")),
    )
    # e-mail addresses compare without case; the filter names the agent by its identifier
    query = {"agent": json.dumps({"mbox": "mailto:LEARNER@example.org"})}
    assert set(ids_of(api.get(query))) == {as_actor, as_object, in_group}
    assert other not in ids_of(api.get(query))


def test_agent_filter_by_account_and_related_agents(api):
    account = {"account": {"homePage": "https://lms.example.org", "name": "42"}}
    teacher = {"objectType": "Agent", **account}
    plain, instructed = post(
        api,
        statement(actor={"objectType": "Agent", **account}),
        statement(context={"instructor": teacher}),
    )
    query = {"agent": json.dumps(account)}
    assert ids_of(api.get(query)) == [plain]
    assert set(ids_of(api.get({**query, "related_agents": "true"}))) == {plain, instructed}


def test_related_agents_include_the_authority(api, credentials):
    client, _secret = credentials
    (statement_id,) = post(api, statement())
    authority = {"account": {"homePage": "http://testserver/xapi/", "name": client.key}}
    data = Statement.objects.get(id=statement_id).data["authority"]
    authority["account"]["homePage"] = data["account"]["homePage"]
    query = {"agent": json.dumps(authority), "related_agents": "true"}
    assert ids_of(api.get(query)) == [statement_id]
    assert ids_of(api.get({"agent": json.dumps(authority)})) == []


@pytest.mark.parametrize(
    "value",
    [
        "not json",
        json.dumps({"name": "no identifier"}),
        json.dumps({"objectType": "Group", "member": []}),
    ],
)
def test_malformed_agent_filter_is_400(api, value):
    response = api.get({"agent": value})
    assert response.status_code == 400
    assert "agent" in response.json()["error"]


def test_verb_filter(api):
    wanted, _other = post(
        api,
        statement(verb="https://example.org/verbs/a"),
        statement(verb="https://example.org/verbs/b"),
    )
    assert ids_of(api.get({"verb": "https://example.org/verbs/a"})) == [wanted]
    assert api.get({"verb": "not an iri"}).status_code == 400


def test_activity_filter_and_related_activities(api):
    course = "https://example.org/course"
    direct, in_context, in_sub, _other = post(
        api,
        statement(activity=course),
        statement(context={"contextActivities": {"grouping": [{"id": course}]}}),
        statement(
            object={
                "objectType": "SubStatement",
                "actor": agent(),
                "verb": {"id": "https://example.org/verbs/plan"},
                "object": {"id": course},
            }
        ),
        statement(activity="https://example.org/elsewhere"),
    )
    assert ids_of(api.get({"activity": course})) == [direct]
    related = ids_of(api.get({"activity": course, "related_activities": "true"}))
    assert set(related) == {direct, in_context, in_sub}


def test_registration_filter(api):
    registration = new_id()
    wanted, _other = post(
        api,
        statement(context={"registration": registration}),
        statement(context={"registration": new_id()}),
    )
    assert ids_of(api.get({"registration": registration})) == [wanted]
    assert api.get({"registration": "x"}).status_code == 400


def test_since_is_exclusive_and_until_inclusive_on_stored(api):
    (first,) = post(api, statement())
    (second,) = post(api, statement())
    (third,) = post(api, statement())
    stored = {str(row.id): row.data["stored"] for row in Statement.objects.all()}
    query = {"since": stored[first], "until": stored[third], "ascending": "true"}
    assert ids_of(api.get(query)) == [second, third]
    assert ids_of(api.get({"until": stored[first]})) == [first]
    assert api.get({"since": "last week"}).status_code == 400


@pytest.mark.parametrize(
    "params",
    [
        {"limit": "-1"},
        {"limit": "ten"},
        {"ascending": "yes"},
        {"related_agents": "1"},
        {"format": "full"},
    ],
)
def test_malformed_parameters_are_400(api, params):
    assert api.get(params).status_code == 400


def test_formats(api):
    sent = statement(context={"instructor": agent("teacher@example.org", name="Teacher")})
    sent["actor"]["name"] = "Learner"
    sent["object"]["definition"] = {"name": {"en": "One"}}
    post(api, sent)
    exact = api.get({"format": "exact"}).json()["statements"][0]
    assert exact["actor"]["name"] == "Learner"
    assert exact["object"]["definition"] == {"name": {"en": "One"}}
    assert api.get({"format": "canonical"}).json()["statements"][0] == exact
    ids = api.get({"format": "ids"}).json()["statements"][0]
    assert ids["actor"] == {"objectType": "Agent", "mbox": "mailto:learner@example.org"}
    assert ids["verb"] == {"id": sent["verb"]["id"]}
    assert ids["object"] == {"objectType": "Activity", "id": sent["object"]["id"]}
    assert "name" not in ids["context"]["instructor"]
    assert ids["id"] == exact["id"] and ids["stored"] == exact["stored"]


# --- Paging -----------------------------------------------------------------------------------


def follow(api, params) -> list[list[str]]:
    pages = []
    response = api.get(params)
    while True:
        assert response.status_code == 200, response.content
        pages.append(ids_of(response))
        more = response.json()["more"]
        if not more:
            return pages
        assert more.startswith("/xapi/statements?more=")
        response = api.get(url=more)


def test_paging_across_three_pages_without_repeats_or_gaps(api):
    # two POSTs so several statements share one ``stored`` time (ties are broken by id)
    ids = post(api, statement(), statement(), statement()) + post(api, statement(), statement())
    pages = follow(api, {"limit": "2"})
    assert [len(page) for page in pages] == [2, 2, 1]
    listed = [i for page in pages for i in page]
    assert sorted(listed) == sorted(ids)
    ascending = follow(api, {"limit": "2", "ascending": "true"})
    assert [i for page in ascending for i in page] == list(reversed(listed))


def test_paging_keeps_the_filters(api):
    verb = "https://example.org/verbs/wanted"
    wanted = post(api, *[statement(verb=verb) for _ in range(5)])
    post(api, *[statement() for _ in range(4)])
    pages = follow(api, {"limit": "2", "verb": verb, "format": "ids"})
    assert [len(page) for page in pages] == [2, 2, 1]
    assert sorted(i for page in pages for i in page) == sorted(wanted)


def test_limit_zero_means_the_server_maximum(api):
    post(api, *[statement() for _ in range(MAX_LIMIT + 3)])
    response = api.get({"limit": "0"})
    assert len(response.json()["statements"]) == MAX_LIMIT
    assert response.json()["more"]
    assert len(api.get({"limit": "1000"}).json()["statements"]) == MAX_LIMIT


def test_bad_or_expired_more_token_is_400(api, monkeypatch):
    post(api, statement(), statement())
    more = api.get({"limit": "1"}).json()["more"]
    token = parse_qs(urlsplit(more).query)["more"][0]
    assert api.get({"more": token[:-3] + "abc"}).status_code == 400
    assert api.get({"more": token, "limit": "5"}).status_code == 400
    forged = signing.dumps({"p": {}, "c": ["x", "y"]}, salt=MORE_SALT)
    assert api.get({"more": forged}).status_code == 400
    later = timezone.now() + timedelta(days=3)
    monkeypatch.setattr("django.core.signing.time.time", lambda: later.timestamp())
    response = api.get({"more": token})
    assert response.status_code == 400
    assert "expired" in response.json()["error"]


def test_list_query_count_does_not_grow_with_statements(api):
    post(api, *[statement(context={"instructor": agent(f"t{i}@example.org")}) for i in range(60)])
    api.get()  # the credentials check is now remembered
    queries = {}
    for params in ({}, {"agent": json.dumps(agent()), "related_agents": "true", "limit": "50"}):
        with CaptureQueriesContext(connection) as captured:
            response = api.get(params)
        assert response.status_code == 200
        queries[json.dumps(params)] = len(captured)
    assert all(count <= 2 for count in queries.values()), queries
    assert URL  # the resource under test
