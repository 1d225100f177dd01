"""Storing statements: PUT and POST, ids, conflicts, validation and voiding."""

import uuid

import pytest

from lrs.models import Statement
from tests.lrs.conftest import VOIDED, agent, new_id, statement

pytestmark = pytest.mark.django_db


def stored(statement_id) -> dict:
    return Statement.objects.get(id=statement_id).data


def test_put_stores_with_204_and_the_lrs_fills_in_its_properties(api, credentials):
    statement_id = new_id()
    response = api.put(statement(), statement_id)
    assert response.status_code == 204
    assert response.content == b""
    assert response["X-Experience-API-Version"] == "1.0.3"
    data = stored(statement_id)
    assert data["id"] == statement_id
    assert data["version"] == "1.0.0"
    assert data["stored"].endswith("Z") and data["timestamp"] == data["stored"]
    client, _secret = credentials
    assert data["authority"]["account"]["name"] == client.key
    assert Statement.objects.get(id=statement_id).client == client


def test_put_keeps_a_given_timestamp_and_overwrites_stored_and_authority(api):
    statement_id = new_id()
    sent = statement(
        timestamp="2024-03-01T10:00:00.123+03:30",
        stored="2001-01-01T00:00:00Z",
        authority=agent("someone-else@example.org"),
    )
    assert api.put(sent, statement_id).status_code == 204
    data = stored(statement_id)
    assert data["timestamp"] == "2024-03-01T10:00:00.123+03:30"
    assert data["stored"] != "2001-01-01T00:00:00Z"
    assert "account" in data["authority"]


def test_put_with_the_same_id_in_the_body(api):
    statement_id = new_id()
    assert api.put(statement(statement_id=statement_id), statement_id).status_code == 204
    assert Statement.objects.filter(id=statement_id).exists()


@pytest.mark.parametrize(
    "query, body_id, fragment",
    [
        ("", None, "statementId"),
        ("?statementId=not-a-uuid", None, "statementId"),
        (  # fixed ids: parametrized ids must be the same in every xdist worker
            "?statementId=59b07331-2f98-4151-9607-72028ede1379",
            "ab2e059d-91f5-45c4-b4b0-ff27b5dfc528",
            "differs",
        ),
    ],
)
def test_put_needs_a_matching_uuid_statement_id(api, query, body_id, fragment):
    response = api.put(statement(statement_id=body_id), url="/xapi/statements" + query)
    assert response.status_code == 400
    assert fragment in response.json()["error"]
    assert not Statement.objects.exists()


def test_put_takes_a_single_statement(api):
    response = api.put([statement()], new_id())
    assert response.status_code == 400


def test_identical_put_again_is_204_and_changes_nothing(api):
    statement_id = new_id()
    sent = statement(timestamp="2024-03-01T10:00:00Z")
    api.put(sent, statement_id)
    before = stored(statement_id)
    # a different verb display and zone notation are not part of the statement
    again = {**sent, "verb": {**sent["verb"], "display": {"fa": "تجربه کرد"}}}
    again["timestamp"] = "2024-03-01T13:30:00+03:30"
    assert api.put(again, statement_id).status_code == 204
    assert stored(statement_id) == before
    assert Statement.objects.count() == 1


def test_put_with_different_content_is_409_and_keeps_the_original(api):
    statement_id = new_id()
    api.put(statement(), statement_id)
    before = stored(statement_id)
    response = api.put(statement(verb="https://example.org/verbs/other"), statement_id)
    assert response.status_code == 409
    assert statement_id in response.json()["error"]
    assert stored(statement_id) == before


def test_post_one_or_many_returns_ids_in_order_and_generates_missing_ones(api):
    given = new_id()
    response = api.post([statement(statement_id=given), statement(), statement()])
    assert response.status_code == 200
    ids = response.json()
    assert ids[0] == given and len(set(ids)) == 3
    assert all(uuid.UUID(i) for i in ids)
    assert set(Statement.objects.values_list("id", flat=True)) == {uuid.UUID(i) for i in ids}
    single = api.post(statement())
    assert single.status_code == 200 and len(single.json()) == 1


def test_post_is_all_or_nothing(api):
    response = api.post([statement(), statement(verb="not an iri")])
    assert response.status_code == 400
    assert "statement[1].verb.id" in response.json()["error"]
    assert not Statement.objects.exists()


def test_post_with_a_conflicting_id_is_409_and_stores_nothing(api):
    taken = new_id()
    api.post(statement(statement_id=taken))
    response = api.post([statement(), statement(statement_id=taken, verb="https://x.org/v")])
    assert response.status_code == 409
    assert Statement.objects.count() == 1


def test_post_resending_a_stored_statement_is_accepted(api):
    first = api.post(statement(statement_id=new_id())).json()
    again = api.post([statement(statement_id=first[0]), statement()])
    assert again.status_code == 200
    assert again.json()[0] == first[0]
    assert Statement.objects.count() == 2


def test_a_batch_with_a_repeated_id_is_400(api):
    repeated = new_id()
    response = api.post(
        [statement(statement_id=repeated), statement(statement_id=repeated, verb="https://x.org/v")]
    )
    assert response.status_code == 400
    assert "more than once" in response.json()["error"]
    assert not Statement.objects.exists()


def test_empty_batch_is_400(api):
    assert api.post([]).status_code == 400


INVALID = [
    ({"verb": None}, "verb"),
    ({"actor": None}, "actor"),
    ({"object": None}, "object"),
    ({"verb": {"id": "experienced"}}, "verb.id"),
    ({"verb": {"id": "https://x.org/v", "display": {"not a tag!": "x"}}}, "display"),
    ({"actor": {"name": "No identifier"}}, "identifier"),
    ({"actor": {"mbox": "learner@example.org"}}, "mailto"),
    ({"actor": {"mbox": "mailto:a@b.org", "openid": "https://id.org/a"}}, "exactly one"),
    ({"actor": {"account": {"homePage": "https://x.org"}}}, "homePage"),
    ({"actor": {"objectType": "Group"}}, "anonymous Group"),
    ({"object": {"objectType": "Thing", "id": "https://x.org/a"}}, "objectType"),
    ({"object": {"objectType": "Activity"}}, "id"),
    ({"object": {"objectType": "Agent", "name": "x"}}, "identifier"),
    ({"object": {"mbox": "mailto:a@b.org"}}, "object"),
    ({"object": {"objectType": "StatementRef", "id": "nope"}}, "UUID"),
    ({"id": "1234"}, "UUID"),
    ({"timestamp": "yesterday"}, "ISO 8601"),
    ({"timestamp": "2024-13-45T10:00:00Z"}, "timestamp"),
    ({"timestamp": "2024-01-01T10:00:00-00:00"}, "timestamp"),
    ({"result": {"score": {"scaled": 1.5}}}, "scaled"),
    ({"result": {"score": {"scaled": -1.01}}}, "scaled"),
    ({"result": {"score": {"raw": 11, "min": 0, "max": 10}}}, "raw"),
    ({"result": {"score": {"min": 5, "max": 5}}}, "min"),
    ({"result": {"score": {"scaled": "0.5"}}}, "number"),
    ({"result": {"success": "yes"}}, "success"),
    ({"result": {"duration": "90 seconds"}}, "duration"),
    ({"result": {"grade": "A"}}, "grade"),
    ({"context": {"registration": "abc"}}, "registration"),
    ({"context": {"contextActivities": {"sibling": []}}}, "sibling"),
    ({"context": {"extensions": {"not-an-iri": 1}}}, "extensions"),
    ({"version": "2.0.0"}, "version"),
    ({"colour": "blue"}, "colour"),
]


@pytest.mark.parametrize("change, fragment", INVALID)
def test_invalid_statements_are_400_with_a_clear_message(api, change, fragment):
    sent = statement()
    sent.update(change)
    sent = {key: value for key, value in sent.items() if value is not None}
    response = api.post(sent)
    assert response.status_code == 400, change
    assert fragment in response.json()["error"]


def test_context_revision_needs_an_activity_object(api):
    sent = statement(context={"revision": "2"})
    assert api.post(sent).status_code == 200
    sent["object"] = agent("other@example.org")
    response = api.post(sent)
    assert response.status_code == 400
    assert "revision" in response.json()["error"]


def test_object_types_and_a_rich_statement_are_accepted(api):
    ref = {"objectType": "StatementRef", "id": new_id()}
    group = {
        "objectType": "Group",
        "name": "Team",
        "member": [agent("a@example.org"), {"account": {"homePage": "https://x.org", "name": "b"}}],
    }
    sub = {
        "objectType": "SubStatement",
        "actor": agent(),
        "verb": {"id": "https://example.org/verbs/will-visit"},
        "object": {"id": "https://example.org/site"},
        "timestamp": "2030-01-01T00:00:00Z",
    }
    rich = statement(
        result={
            "score": {"scaled": -0.5, "raw": 2, "min": 0, "max": 10},
            "success": False,
            "completion": True,
            "response": "x[,]y",
            "duration": "PT1M30.5S",
            "extensions": {"https://example.org/ext": {"any": ["value"]}},
        },
        context={
            "registration": new_id(),
            "instructor": agent("teacher@example.org"),
            "team": group,
            "contextActivities": {"parent": {"id": "https://example.org/course"}},
            "platform": "H5P",
            "language": "fa-IR",
            "statement": ref,
        },
    )
    rich["object"]["definition"] = {
        "name": {"fa": "پرسش"},
        "type": "http://adlnet.gov/expapi/activities/cmi.interaction",
        "interactionType": "choice",
        "correctResponsesPattern": ["a"],
        "choices": [{"id": "a", "description": {"en": "A"}}, {"id": "b"}],
    }
    bodies = [rich, statement(object=ref), statement(object=group), statement(object=sub)]
    bodies.append(statement(actor=group, object=agent("peer@example.org")))
    response = api.post(bodies)
    assert response.status_code == 200, response.json()
    first = stored(response.json()[0])
    assert first["context"]["contextActivities"]["parent"] == [{"id": "https://example.org/course"}]


@pytest.mark.parametrize(
    "sub_change, fragment",
    [
        ({"id": new_id()}, "must not have “id”"),
        ({"object": {"objectType": "SubStatement"}}, "cannot contain another SubStatement"),
        ({"verb": None}, "verb"),
    ],
)
def test_sub_statement_rules(api, sub_change, fragment):
    sub = {"objectType": "SubStatement", **statement(), **sub_change}
    sub = {k: v for k, v in sub.items() if v is not None}
    response = api.post(statement(object=sub))
    assert response.status_code == 400
    assert fragment in response.json()["error"]


def test_interaction_components_must_fit_the_type_and_be_distinct(api):
    sent = statement()
    sent["object"]["definition"] = {
        "interactionType": "choice",
        "choices": [{"id": "a"}, {"id": "a"}],
    }
    assert "used twice" in api.post(sent).json()["error"]
    sent["object"]["definition"] = {"interactionType": "true-false", "choices": [{"id": "a"}]}
    assert "not used" in api.post(sent).json()["error"]
    sent["object"]["definition"] = {"interactionType": "guess"}
    assert api.post(sent).status_code == 400


# --- Voiding ----------------------------------------------------------------------------------


def voiding(target_id) -> dict:
    return statement(verb=VOIDED, object={"objectType": "StatementRef", "id": str(target_id)})


def test_voiding_marks_the_target_voided(api):
    target = api.post(statement()).json()[0]
    response = api.post(voiding(target))
    assert response.status_code == 200
    assert Statement.objects.get(id=target).voided is True
    assert Statement.objects.get(id=response.json()[0]).voided is False


def test_voiding_needs_a_statement_ref(api):
    response = api.post(statement(verb=VOIDED))
    assert response.status_code == 400
    assert "StatementRef" in response.json()["error"]


def test_a_voiding_statement_cannot_be_voided(api):
    target = api.post(statement()).json()[0]
    voider = api.post(voiding(target)).json()[0]
    response = api.post(voiding(voider))
    assert response.status_code == 400
    assert "cannot be voided" in response.json()["error"]
    assert Statement.objects.count() == 2
    in_one_batch = new_id()
    response = api.post([voiding(new_id()) | {"id": in_one_batch}, voiding(in_one_batch)])
    assert response.status_code == 400


def test_voiding_an_unknown_statement_is_accepted_and_applies_when_it_arrives(api):
    later = new_id()
    assert api.post(voiding(later)).status_code == 200
    assert api.put(statement(), later).status_code == 204
    assert Statement.objects.get(id=later).voided is True


def test_voiding_and_target_in_one_batch(api):
    target = new_id()
    response = api.post([statement(statement_id=target), voiding(target)])
    assert response.status_code == 200
    assert Statement.objects.get(id=target).voided is True
