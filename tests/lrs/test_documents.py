"""The State, Activity Profile and Agent Profile resources (xAPI 1.0.3, Communication 2.2-2.8,
3.1 Concurrency), as the ADL LRS conformance suite states their requirements."""

import hashlib
import json
import threading
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lrs import services
from lrs.document_store import Address, Preconditions, save_document
from lrs.models import Document
from tests.lrs.doc_api import (
    ACTIVITY,
    ACTIVITY_PROFILE,
    AGENT_PROFILE,
    STATE,
    Documents,
    agent_json,
    state_params,
)

pytestmark = pytest.mark.django_db


def sha1_tag(content: bytes) -> str:
    return '"' + hashlib.sha1(content, usedforsecurity=False).hexdigest() + '"'


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


# --- State: storing and reading ---------------------------------------------------------------


def test_put_then_get_returns_the_document_with_etag_and_last_modified(documents):
    """Communication 2.3.s3: PUT stores (204), GET with stateId returns it (200); XAPI-00322:
    the ETag is the SHA-1 of the content in quotes."""
    body = b"\x00\x01 opaque resume data"
    response = documents.put(STATE, state_params(), body, "application/octet-stream")
    assert response.status_code == 204
    assert response["X-Experience-API-Version"] == "1.0.3"

    response = documents.get(STATE, state_params())
    assert response.status_code == 200
    assert response.content == body
    assert response["Content-Type"] == "application/octet-stream"
    assert response["ETag"] == sha1_tag(body)
    assert response["Last-Modified"].endswith("GMT")
    assert response["X-Experience-API-Version"] == "1.0.3"


def test_a_stored_html_document_is_never_run_on_the_sites_origin(documents):
    """Documents are untrusted bytes: served sandboxed, not sniffed, as a download."""
    page = "<script>alert(document.cookie)</script>"
    documents.put(STATE, state_params(), page, "text/html")
    response = documents.get(STATE, state_params())
    assert response.content == page.encode()
    assert "sandbox" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == "attachment"


def test_post_of_a_new_document_stores_it_whatever_its_content(documents):
    """Communication 2.2.s7: a POST for a document not in the LRS is treated as a PUT; 2.2.s4.b2:
    the LRS cannot reject it for its contents."""
    for state_id, body in [("one", "1"), ("flag", "true"), ("text", "plain words")]:
        params = state_params(stateId=state_id)
        assert documents.post(STATE, params, body, "text/plain").status_code == 204
        assert documents.get(STATE, params).content == body.encode()


def test_post_merges_json_objects_one_level_deep(documents):
    """Communication 2.2.s7.b1-b3: a Document Merge overwrites the top-level properties the
    new document has and keeps the others; nested objects are replaced whole."""
    first = {"car": {"make": "Ford", "model": "Escape"}, "driver": "Dale", "km": 10}
    second = {"car": {"make": "Dodge"}, "driver": "Jeff"}
    assert documents.post(STATE, state_params(), first).status_code == 204
    assert documents.post(STATE, state_params(), second).status_code == 204
    response = documents.get(STATE, state_params())
    assert response.json() == {"car": {"make": "Dodge"}, "driver": "Jeff", "km": 10}
    assert response["Content-Type"] == "application/json"
    assert response["ETag"] == sha1_tag(response.content)


@pytest.mark.parametrize(
    "stored, stored_type, posted, posted_type",
    [
        ({"a": 1}, None, "abc", "text/plain"),
        ({"a": 1}, None, "[1, 2]", "application/json"),
        ({"a": 1}, None, "{not json", "application/json"),
        ("plain", "text/plain", {"a": 2}, None),
        ("[1]", "application/json", {"a": 2}, None),
    ],
)
def test_post_onto_a_document_that_is_not_a_json_object_is_400(
    documents, stored, stored_type, posted, posted_type
):
    """Communication 2.2.s8.b1: a POST onto a stored document when either is not an
    application/json object is rejected with 400 and the document is unchanged."""
    assert documents.put(STATE, state_params(), stored, stored_type).status_code == 204
    before = documents.get(STATE, state_params()).content
    response = documents.post(STATE, state_params(), posted, posted_type)
    assert response.status_code == 400
    assert "JSON" in response.json()["error"]
    assert documents.get(STATE, state_params()).content == before


def test_missing_document_is_404_with_an_error(documents):
    """Communication 2.3: GET of a stateId that is not stored is 404 Not Found."""
    response = documents.get(STATE, state_params(stateId="never-stored"))
    assert response.status_code == 404
    assert response.json() == {"error": "No such document."}


def test_agents_are_matched_by_their_identifier_not_their_other_properties(documents):
    """Data 2.4.2.1 / Communication 2.3: the agent parameter names the agent by its inverse
    functional identifier (e-mail compared without regard to case)."""
    documents.put(STATE, state_params(), "saved", "text/plain")
    same = agent_json("Learner@Example.org", name="Someone")
    assert documents.get(STATE, state_params(agent=same)).content == b"saved"
    other = agent_json("other@example.org")
    assert documents.get(STATE, state_params(agent=other)).status_code == 404


def test_registration_is_part_of_the_documents_name(documents):
    """Communication 2.3.s3.table1.row3: a state stored with a registration is a different
    document from one without; ids listed without a registration span every registration."""
    registration = str(uuid.uuid4())
    documents.put(STATE, state_params(), "plain", "text/plain")
    documents.put(STATE, state_params(registration=registration, stateId="r"), "r", "text/plain")
    assert documents.get(STATE, state_params(stateId="r")).status_code == 404
    with_registration = state_params(registration=registration, stateId="r")
    assert documents.get(STATE, with_registration).content == b"r"
    assert documents.get(STATE, state_params(registration=registration)).status_code == 404

    assert sorted(documents.get(STATE, state_params(stateId=None)).json()) == ["r", "resume"]
    listed = documents.get(STATE, state_params(stateId=None, registration=registration))
    assert listed.json() == ["r"]


def test_get_without_state_id_lists_ids_updated_since(documents):
    """Communication 2.3.s4: without stateId, GET returns the array of ids; with since, only
    the documents stored after it (2.3.s4.table1.row4)."""
    documents.put(STATE, state_params(stateId="old"), "1", "text/plain")
    Document.objects.update(updated=datetime.now(UTC) - timedelta(hours=1))
    documents.put(STATE, state_params(stateId="new"), "2", "text/plain")
    other_activity = state_params(activityId="https://example.org/other", stateId="elsewhere")
    documents.put(STATE, other_activity, "3", "text/plain")

    response = documents.get(STATE, state_params(stateId=None))
    assert response.status_code == 200
    assert sorted(response.json()) == ["new", "old"]
    assert response["Last-Modified"].endswith("GMT")
    since = iso(datetime.now(UTC) - timedelta(minutes=5))
    assert documents.get(STATE, state_params(stateId=None, since=since)).json() == ["new"]
    future = iso(datetime.now(UTC) + timedelta(minutes=5))
    assert documents.get(STATE, state_params(stateId=None, since=future)).json() == []


def test_delete_one_and_delete_every_state_of_the_context(documents):
    """Communication 2.3.s3/s5: DELETE with stateId deletes that document, without it every
    document of the activity and agent (204 both); other contexts are untouched."""
    for state_id in ("a", "b", "c"):
        documents.put(STATE, state_params(stateId=state_id), state_id, "text/plain")
    elsewhere = state_params(activityId="https://example.org/other")
    documents.put(STATE, elsewhere, "kept", "text/plain")

    assert documents.delete(STATE, state_params(stateId="a")).status_code == 204
    assert sorted(documents.get(STATE, state_params(stateId=None)).json()) == ["b", "c"]
    assert documents.delete(STATE, state_params(stateId=None)).status_code == 204
    assert documents.get(STATE, state_params(stateId=None)).json() == []
    assert documents.get(STATE, elsewhere).content == b"kept"
    assert documents.delete(STATE, state_params(stateId="gone")).status_code == 204


@pytest.mark.parametrize("method", ["GET", "PUT", "POST", "DELETE"])
@pytest.mark.parametrize(
    "changes, words",
    [
        ({"activityId": None}, "activityId"),
        ({"activityId": "1"}, "activityId"),
        ({"activityId": "true"}, "activityId"),
        ({"agent": None}, "agent"),
        ({"agent": "not JSON"}, "agent"),
        ({"agent": "1"}, "agent"),
        ({"agent": '{"objectType": "Agent", "name": "no identifier"}'}, "agent"),
        ({"registration": "not UUID"}, "registration"),
        ({"registration": "1"}, "registration"),
        ({"stateId": ""}, "stateId"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_malformed_state_parameters_are_400(documents, method, changes, words):
    """Communication 2.3.s3.table1 rows 1-4 (multiplicity and format): a missing or malformed
    activityId, agent, registration or stateId, or an unknown parameter, is 400."""
    params = state_params(**changes)
    if method in {"PUT", "POST"}:
        response = documents.send(method, STATE, params, {"a": 1})
    else:
        response = getattr(documents, method.lower())(STATE, params)
    assert response.status_code == 400
    assert words in response.json()["error"]
    assert not Document.objects.exists()


def test_put_and_post_need_a_state_id_and_since_must_be_a_timestamp(documents):
    """Communication 2.3.s3.table1.row4 and s4.table1.row4."""
    for method in ("PUT", "POST"):
        response = documents.send(method, STATE, state_params(stateId=None), {"a": 1})
        assert response.status_code == 400
        assert "stateId" in response.json()["error"]
    bad_since = documents.get(STATE, state_params(stateId=None, since="not a timestamp"))
    assert bad_since.status_code == 400
    assert "since" in bad_since.json()["error"]
    assert not Document.objects.exists()


def test_since_beside_a_state_id_is_checked_and_ignored(documents):
    """Communication 2.3.s4.table1.row4 as the conformance suite reads it: since has no
    effect on a GET of one document, but a malformed since is still 400."""
    documents.put(STATE, state_params(), {"v": 1})
    future = iso(datetime.now(UTC) + timedelta(minutes=5))
    assert documents.get(STATE, state_params(since=future)).json() == {"v": 1}
    assert documents.get(STATE, state_params(since="yesterday")).status_code == 400


def test_head_answers_like_get_without_a_body(documents):
    """Communication 1.1: HEAD returns the headers of GET (ETag included) and no body."""
    documents.put(STATE, state_params(), "hello", "text/plain")
    got = documents.get(STATE, state_params())
    head = documents.head(STATE, state_params())
    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"] == got["ETag"]
    assert head["Last-Modified"] == got["Last-Modified"]
    assert documents.head(STATE, state_params(stateId="missing")).status_code == 404


def test_version_header_and_credentials_are_required(documents):
    """Communication 3.3 (version header) and 4.0 (authentication) hold for documents too."""
    no_version = {k: v for k, v in documents.headers.items() if "VERSION" not in k}
    response = documents.http.get(documents.url(STATE, state_params()), **no_version)
    assert response.status_code == 400
    assert "X-Experience-API-Version" in response.json()["error"]
    response = documents.get(STATE, state_params(), HTTP_AUTHORIZATION="Basic bm86bm8=")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic ")


def test_other_methods_are_405(documents):
    response = documents.http.patch(documents.url(STATE, state_params()), **documents.headers)
    assert response.status_code == 405
    assert "DELETE" in response["Allow"]


def test_body_over_the_limit_is_413_and_nothing_is_stored(documents, settings):
    settings.LRS_MAX_BODY_BYTES = 100
    response = documents.put(STATE, state_params(), "x" * 101, "text/plain")
    assert response.status_code == 413
    assert "larger" in response.json()["error"]
    assert not Document.objects.exists()
    assert documents.put(STATE, state_params(), "x" * 100, "text/plain").status_code == 204


def test_merges_cannot_grow_a_document_past_the_limit(documents, settings):
    settings.LRS_MAX_BODY_BYTES = 60
    assert documents.post(STATE, state_params(), {"a": "x" * 30}).status_code == 204
    response = documents.post(STATE, state_params(), {"b": "y" * 30})
    assert response.status_code == 413
    assert "merged document" in response.json()["error"]
    assert documents.get(STATE, state_params()).json() == {"a": "x" * 30}


def test_a_client_sees_only_its_own_documents(documents):
    """Savad's client scoping: documents belong to the client that wrote them."""
    documents.put(STATE, state_params(), "mine", "text/plain")
    other_client, secret = services.create_client(name="Other", reads_all_statements=True)
    other = Documents(other_client.key, secret)
    assert other.get(STATE, state_params()).status_code == 404
    assert other.get(STATE, state_params(stateId=None)).json() == []
    assert other.delete(STATE, state_params(stateId=None)).status_code == 204
    assert other.put(STATE, state_params(), "theirs", "text/plain").status_code == 204
    assert documents.get(STATE, state_params()).content == b"mine"
    assert other.get(STATE, state_params()).content == b"theirs"


def test_get_of_a_state_document_costs_the_same_queries_however_many_are_stored(documents):
    """Query budget: one query for the client, one for the document, whatever the count."""
    documents.put(STATE, state_params(), "first", "text/plain")
    documents.get(STATE, state_params())  # the client's last use is recorded now

    def queries_of_one_get() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert documents.get(STATE, state_params()).status_code == 200
        return len(captured.captured_queries)

    few = queries_of_one_get()
    for number in range(40):
        documents.put(STATE, state_params(stateId=f"s{number}"), "x", "text/plain")
    assert few == 2
    assert queries_of_one_get() == few


# --- Concurrency (Communication 3.1, XAPI-00322) ----------------------------------------------


def test_if_match_with_the_current_etag_replaces_and_a_stale_one_is_412(documents):
    """XAPI-00322: If-Match is honoured on PUT; a mismatch is 412 and leaves the document."""
    documents.put(STATE, state_params(), {"v": 1})
    etag = documents.get(STATE, state_params())["ETag"]
    stale = '"' + "1" * 40 + '"'
    response = documents.put(STATE, state_params(), {"v": 2}, HTTP_IF_MATCH=stale)
    assert response.status_code == 412
    assert "If-Match" in response.json()["error"]
    assert documents.get(STATE, state_params()).json() == {"v": 1}
    assert documents.put(STATE, state_params(), {"v": 2}, HTTP_IF_MATCH=etag).status_code == 204
    assert documents.get(STATE, state_params()).json() == {"v": 2}
    assert documents.put(STATE, state_params(), {"v": 3}, HTTP_IF_MATCH="*").status_code == 204


def test_if_match_on_a_missing_document_is_412(documents):
    response = documents.put(STATE, state_params(), {"v": 1}, HTTP_IF_MATCH='"' + "a" * 40 + '"')
    assert response.status_code == 412
    assert not Document.objects.exists()


def test_if_none_match_star_creates_only_when_missing(documents):
    """XAPI-00322: If-None-Match: * on PUT succeeds for a new document, 412 for an existing."""
    params = {"activityId": ACTIVITY, "profileId": "settings"}
    first = documents.put(ACTIVITY_PROFILE, params, {"v": 1}, HTTP_IF_NONE_MATCH="*")
    assert first.status_code == 204
    again = documents.put(ACTIVITY_PROFILE, params, {"v": 2}, HTTP_IF_NONE_MATCH="*")
    assert again.status_code == 412
    assert documents.get(ACTIVITY_PROFILE, params).json() == {"v": 1}


@pytest.mark.parametrize(
    "resource, params",
    [
        (ACTIVITY_PROFILE, {"activityId": ACTIVITY, "profileId": "p"}),
        (AGENT_PROFILE, {"agent": agent_json(), "profileId": "p"}),
    ],
)
def test_profile_put_without_a_precondition_on_an_existing_document_is_409(
    documents, resource, params
):
    """Communication 3.1: a PUT without If-Match or If-None-Match to an existing profile
    document is 409 Conflict with a message explaining why, and changes nothing."""
    assert documents.put(resource, params, {"v": 1}).status_code == 204  # new: allowed
    response = documents.put(resource, params, {"v": 2})
    assert response.status_code == 409
    assert "If-Match" in response.json()["error"]
    assert documents.get(resource, params).json() == {"v": 1}
    etag = documents.get(resource, params)["ETag"]
    assert documents.put(resource, params, {"v": 2}, HTTP_IF_MATCH=etag).status_code == 204
    # POST merges without a precondition (the conformance suite's Document Merge tests).
    assert documents.post(resource, params, {"w": 3}).status_code == 204
    assert documents.get(resource, params).json() == {"v": 2, "w": 3}


def test_state_put_without_a_precondition_replaces(documents):
    """Communication 3.1 requires the 409 only of the profile resources; State just replaces."""
    documents.put(STATE, state_params(), {"v": 1})
    assert documents.put(STATE, state_params(), {"v": 2}).status_code == 204
    assert documents.get(STATE, state_params()).json() == {"v": 2}


def test_delete_honours_if_match(documents):
    documents.put(STATE, state_params(), {"v": 1})
    stale = '"' + "0" * 40 + '"'
    assert documents.delete(STATE, state_params(), HTTP_IF_MATCH=stale).status_code == 412
    assert Document.objects.count() == 1
    etag = documents.get(STATE, state_params())["ETag"]
    assert documents.delete(STATE, state_params(), HTTP_IF_MATCH=etag).status_code == 204
    assert not Document.objects.exists()


# --- Activity Profile and Agent Profile (Communication 2.7, 2.8) ------------------------------


def test_activity_profile_round_trip_and_listing(documents):
    """XAPI-00293/00288/00285 (Communication 2.7): PUT/GET/DELETE with profileId (a new
    document needs no precondition); GET without it lists the ids."""
    params = {"activityId": ACTIVITY, "profileId": "glossary"}
    assert documents.put(ACTIVITY_PROFILE, params, "terms", "text/plain").status_code == 204
    assert documents.get(ACTIVITY_PROFILE, params).content == b"terms"
    other = {"activityId": "https://example.org/other", "profileId": "x"}
    documents.put(ACTIVITY_PROFILE, other, "y", "text/plain")
    listing = documents.get(ACTIVITY_PROFILE, {"activityId": ACTIVITY})
    assert listing.json() == ["glossary"]
    assert documents.delete(ACTIVITY_PROFILE, params).status_code == 204
    assert documents.get(ACTIVITY_PROFILE, params).status_code == 404


def test_activity_profile_parameters(documents):
    """XAPI-00299, XAPI-00302 and XAPI-00304 (Communication 2.7 table): activityId is
    required, profileId required to write or delete, and the resource takes no agent."""
    response = documents.put(ACTIVITY_PROFILE, {"profileId": "p"}, {"a": 1})
    assert response.status_code == 400
    assert "activityId" in response.json()["error"]
    response = documents.delete(ACTIVITY_PROFILE, {"activityId": ACTIVITY})
    assert response.status_code == 400
    assert "profileId" in response.json()["error"]
    params = {"activityId": ACTIVITY, "profileId": "p", "agent": agent_json()}
    response = documents.put(ACTIVITY_PROFILE, params, {"a": 1})
    assert response.status_code == 400
    assert "agent" in response.json()["error"]


def test_agent_profile_round_trip_listing_and_since(documents):
    """XAPI-00269/00270/00271/00268 (Communication 2.6): agent and profileId name a document;
    GET without profileId lists the ids, since filters the listing."""
    params = {"agent": agent_json(), "profileId": "preferences"}
    assert documents.put(AGENT_PROFILE, params, {"lang": "fa"}).status_code == 204
    response = documents.get(AGENT_PROFILE, params)
    assert response.json() == {"lang": "fa"}
    assert response["ETag"] == sha1_tag(response.content)
    listing = documents.get(AGENT_PROFILE, {"agent": agent_json()})
    assert listing.json() == ["preferences"]
    future = iso(datetime.now(UTC) + timedelta(minutes=1))
    assert documents.get(AGENT_PROFILE, {"agent": agent_json(), "since": future}).json() == []
    someone_else = {"agent": agent_json("else@example.org")}
    assert documents.get(AGENT_PROFILE, someone_else).json() == []
    assert documents.delete(AGENT_PROFILE, params).status_code == 204
    assert not Document.objects.exists()


def test_agent_profile_needs_an_identified_agent(documents):
    """XAPI-00264 and XAPI-00257 (Communication 2.6 table): agent is required and must be an
    Agent (or identified Group)."""
    for params in (
        {"profileId": "p"},
        {"agent": "{}", "profileId": "p"},
        {"agent": json.dumps({"objectType": "Group", "member": []}), "profileId": "p"},
    ):
        response = documents.put(AGENT_PROFILE, params, {"a": 1})
        assert response.status_code == 400, params
        assert "agent" in response.json()["error"]
    assert not Document.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_posts_to_one_state_lose_no_property(credentials):
    """Merges of parallel POSTs are serialised (row lock, retry of a parallel creation): every
    posted property is in the document afterwards."""
    client, _secret = credentials
    address = Address(
        kind=Document.Kind.STATE,
        document_id="resume",
        activity_id=ACTIVITY,
        agent=json.loads(agent_json()),
    )
    start = threading.Barrier(6)
    failures = []

    def post(number: int) -> None:
        try:
            start.wait()
            save_document(
                client=client,
                address=address,
                content=json.dumps({f"k{number}": number}).encode(),
                content_type="application/json",
                merge=True,
                preconditions=Preconditions(),
                require_preconditions=False,
            )
        except Exception as problem:  # reported by the assertion below
            failures.append(problem)
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(number,)) for number in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    document = Document.objects.get()
    assert json.loads(bytes(document.content)) == {f"k{n}": n for n in range(6)}
