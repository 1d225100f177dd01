"""Statement attachments sent and read as multipart/mixed (xAPI 1.0.3 Data 2.4.11,
Communication 1.5.2 and 2.1; ADL LRS conformance requirements XAPI-00127 to XAPI-00135)."""

import email
import email.policy
import hashlib
import json

import pytest
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext

from lrs.models import AttachmentContent, Statement
from lrs.privacy import erase_user
from tests.factories import UserFactory
from tests.lrs.conftest import (
    BOUNDARY,
    URL,
    agent,
    attachment,
    multipart,
    new_id,
    part,
    statement,
)
from xapi.identity import agent_for

pytestmark = pytest.mark.django_db

ESSAY = b"My essay about digital literacy.\x00\xff binary too"
PICTURE = bytes(range(256)) * 3


def read_multipart(response) -> list:
    """The parts of a multipart/mixed answer, read with the standard library's e-mail parser."""
    head = f"Content-Type: {response['Content-Type']}\r\n\r\n".encode()
    message = email.message_from_bytes(head + response.content, policy=email.policy.HTTP)
    assert message.is_multipart()
    return list(message.iter_parts())


def test_post_stores_statement_and_attachment_data_once_per_hash(api):
    """Data 2.4.11 / Communication 1.5.2: the data of an attachment without fileUrl comes as a
    part; the same data sent again (another statement, another request) is stored once."""
    first = statement(attachments=[attachment(ESSAY)])
    second = statement(attachments=[attachment(ESSAY, display={"en": "Again"})])
    response = api.multipart("POST", multipart([first, second], part(ESSAY)))
    assert response.status_code == 200, response.content
    assert len(response.json()) == 2
    again = statement(verb="http://adlnet.gov/expapi/verbs/completed")
    again["attachments"] = [attachment(ESSAY)]
    assert api.multipart("POST", multipart(again, part(ESSAY))).status_code == 200
    (content,) = AttachmentContent.objects.all()
    assert content.sha2 == hashlib.sha256(ESSAY).hexdigest()
    assert content.length == len(ESSAY)
    with content.file.open("rb") as handle:
        assert handle.read() == ESSAY
    assert content.statements.count() == 3


def test_boundary_of_the_specification_example_is_understood(api):
    """Communication 1.5.2 example: a quoted boundary with every allowed character class."""
    boundary = "abcABC0123'()+_,-./:=?"
    sent = statement(attachments=[attachment(ESSAY)])
    body = multipart(sent, part(ESSAY), boundary=boundary)
    assert api.multipart("POST", body, boundary=boundary).status_code == 200


def test_put_takes_a_multipart_statement(api):
    """Communication 2.1.1: PUT statements accepts multipart/mixed like POST."""
    statement_id = new_id()
    body = multipart(
        statement(attachments=[attachment(PICTURE, content_type="image/png")]),
        part(PICTURE, content_type="image/png"),
    )
    response = api.multipart("PUT", body, url=f"{URL}?statementId={statement_id}")
    assert response.status_code == 204, response.content
    row = Statement.objects.get(id=statement_id)
    assert row.attachment_contents.get().length == len(PICTURE)


def test_get_with_attachments_true_answers_multipart_with_the_data(api):
    """Communication 2.1.3: with attachments=true the answer is multipart/mixed, the statement
    JSON first, then each attachment's data with its X-Experience-API-Hash; without it, JSON."""
    statement_id = new_id()
    sent = statement(statement_id=statement_id, attachments=[attachment(ESSAY)])
    assert api.multipart("POST", multipart(sent, part(ESSAY))).status_code == 200
    response = api.get({"statementId": statement_id, "attachments": "true"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("multipart/mixed; boundary=")
    assert response["X-Experience-API-Consistent-Through"]
    assert response["X-Experience-API-Version"] == "1.0.3"
    first, data = read_multipart(response)
    assert first.get_content_type() == "application/json"
    assert json.loads(first.get_payload(decode=True))["id"] == statement_id
    assert data["X-Experience-API-Hash"] == hashlib.sha256(ESSAY).hexdigest()
    assert data["Content-Transfer-Encoding"] == "binary"
    assert data.get_content_type() == "text/plain"
    assert data.get_payload(decode=True) == ESSAY
    plain = api.get({"statementId": statement_id})
    assert plain["Content-Type"].startswith("application/json")
    assert plain.json()["attachments"][0]["sha2"] == hashlib.sha256(ESSAY).hexdigest()


def test_statement_query_sends_each_attachment_once(api):
    """Communication 2.1.3: a StatementResult with attachments=true carries the data of its
    statements' attachments, each hash once; attachments only known by fileUrl have none."""
    linked = attachment(b"elsewhere", fileUrl="https://example.org/elsewhere.txt")
    statements = [
        statement(attachments=[attachment(ESSAY)]),
        statement(attachments=[attachment(ESSAY), attachment(PICTURE)]),
        statement(attachments=[linked]),
    ]
    body = multipart(statements, part(ESSAY), part(PICTURE))
    assert api.multipart("POST", body).status_code == 200
    response = api.get({"attachments": "true"})
    first, *parts = read_multipart(response)
    assert len(json.loads(first.get_payload(decode=True))["statements"]) == 3
    received = {p["X-Experience-API-Hash"]: p.get_payload(decode=True) for p in parts}
    assert received == {
        hashlib.sha256(ESSAY).hexdigest(): ESSAY,
        hashlib.sha256(PICTURE).hexdigest(): PICTURE,
    }


def test_attachment_data_costs_one_query_whatever_the_page(api):
    """Query budget of ``selectors.attachment_parts``: one query for a page's attachment data."""
    statements = [statement(attachments=[attachment(bytes([n]) * 10)]) for n in range(5)]
    parts = [part(bytes([n]) * 10) for n in range(5)]
    assert api.multipart("POST", multipart(statements, *parts)).status_code == 200
    with CaptureQueriesContext(connection) as plain:
        api.get({"attachments": "false"})
    with CaptureQueriesContext(connection) as with_data:
        response = api.get({"attachments": "true"})
    assert len(read_multipart(response)) == 6
    assert len(with_data) == len(plain) + 1


def test_attachment_with_file_url_and_its_part_is_stored_and_served(api):
    """Data 2.4.11: fileUrl is optional even when the data is sent."""
    statement_id = new_id()
    declared = attachment(ESSAY, fileUrl="https://example.org/essay.txt")
    sent = statement(statement_id=statement_id, attachments=[declared])
    assert api.multipart("POST", multipart(sent, part(ESSAY))).status_code == 200
    response = api.get({"statementId": statement_id, "attachments": "true"})
    assert read_multipart(response)[1].get_payload(decode=True) == ESSAY


def assert_refused(response, words: str):
    assert response.status_code == 400, response.content
    assert words in response.json()["error"]
    assert not Statement.objects.exists()
    assert not AttachmentContent.objects.exists()


def test_attachment_without_file_url_needs_its_part(api):
    """XAPI-00129: a request missing the part of a non-fileUrl attachment is rejected (400),
    in JSON and in multipart/mixed."""
    sent = statement(attachments=[attachment(ESSAY), attachment(PICTURE)])
    assert_refused(api.post(sent), "fileUrl")
    assert_refused(api.multipart("POST", multipart(sent, part(ESSAY))), "must be sent as a part")


def test_part_that_belongs_to_no_attachment_is_refused(api):
    """XAPI-00128 and XAPI-00132: every part after the first is the data of an attachment
    whose sha2 its X-Experience-API-Hash names."""
    sent = statement(attachments=[attachment(ESSAY)])
    body = multipart(sent, part(ESSAY), part(PICTURE))
    assert_refused(api.multipart("POST", body), "belongs to no attachment")
    assert_refused(api.multipart("POST", multipart(statement(), part(ESSAY))), "no attachment")


def test_part_data_must_match_its_hash_and_length(api):
    """Data 2.4.11: sha2 is the SHA-2 hash of the data and length its size in octets."""
    sent = statement(attachments=[attachment(ESSAY)])
    forged = part(PICTURE, sha2=hashlib.sha256(ESSAY).hexdigest())
    assert_refused(api.multipart("POST", multipart(sent, forged)), "does not have that SHA-2")
    longer = statement(attachments=[{**attachment(ESSAY), "length": len(ESSAY) + 1}])
    assert_refused(api.multipart("POST", multipart(longer, part(ESSAY))), "bytes long")


def test_sha384_and_sha512_hashes_are_accepted(api):
    """Data 2.4.11: sha2 is a SHA-2 hash, not only SHA-256."""
    for name in ("sha384", "sha512"):
        digest = hashlib.new(name, ESSAY).hexdigest()
        sent = statement(attachments=[{**attachment(ESSAY), "sha2": digest}])
        response = api.multipart("POST", multipart(sent, part(ESSAY, sha2=digest)))
        assert response.status_code == 200, response.content
    assert AttachmentContent.objects.count() == 2


def test_first_part_must_be_json(api):
    """XAPI-00134: the first part has Content-Type application/json."""
    sent = statement(attachments=[attachment(ESSAY)])
    body = multipart(sent, part(ESSAY)).replace(b"application/json", b"text/plain", 1)
    assert_refused(api.multipart("POST", body), "first part must have Content-Type")


def test_multipart_needs_a_boundary(api):
    """XAPI-00131: a multipart/mixed request without a boundary parameter is rejected."""
    body = multipart(statement(attachments=[attachment(ESSAY)]), part(ESSAY))
    response = api.http.post(URL, body, content_type="multipart/mixed", **api.headers)
    assert_refused(response, "boundary")


def test_parts_need_a_hash_header_and_binary_transfer_encoding(api):
    """XAPI-00132 and XAPI-00135: attachment parts carry X-Experience-API-Hash, and no
    Content-Transfer-Encoding but binary; a part whose Content-Length differs is malformed."""
    sent = statement(attachments=[attachment(ESSAY)])
    encoded = part(ESSAY).replace(b"binary", b"base64")
    assert_refused(api.multipart("POST", multipart(sent, encoded)), "binary")
    unnamed = part(ESSAY).replace(b"X-Experience-API-Hash", b"X-Other")
    assert_refused(api.multipart("POST", multipart(sent, unnamed)), "X-Experience-API-Hash")
    counted = f"Content-Length: {len(ESSAY) + 3}\r\n".encode() + part(ESSAY)
    assert_refused(api.multipart("POST", multipart(sent, counted)), "Content-Length")


def test_part_headers_the_specification_makes_optional_may_be_left_out(api):
    """Communication 1.5.2: the LRS assumes binary without Content-Transfer-Encoding, and a
    part's Content-Type is recommended, not required."""
    sha2 = hashlib.sha256(ESSAY).hexdigest()
    bare = f"X-Experience-API-Hash: {sha2}\r\n\r\n".encode() + ESSAY
    sent = statement(attachments=[attachment(ESSAY)])
    response = api.multipart("POST", multipart(sent, bare))
    assert response.status_code == 200, response.content
    assert AttachmentContent.objects.get().sha2 == sha2


def framed(*lines: str, close: bool = True) -> bytes:
    """A body of CRLF-separated ``lines`` after the opening boundary (and the closing one)."""
    text = "\r\n".join([f"--{BOUNDARY}", *lines] + ([f"--{BOUNDARY}--"] if close else []))
    return text.encode()


JSON_TYPE = "Content-Type: application/json"


@pytest.mark.parametrize(
    "body, words",
    [
        (b"no boundary anywhere", "does not contain its boundary"),
        (framed(JSON_TYPE, "", "{}", close=False), "closing boundary"),
        (framed("Content-Type application/json", "", "{}"), "malformed header"),
        (framed(JSON_TYPE, "{}"), "blank line"),
        (framed(JSON_TYPE, "", "{not json"), "JSON"),
    ],
)
def test_malformed_multipart_is_refused_in_english(api, body, words):
    """Communication 1.5.2: a malformed multipart/mixed request is rejected (400), nothing
    stored, with a readable message."""
    assert_refused(api.multipart("POST", body), words)


def test_unknown_content_type_is_refused(api):
    """XAPI-00127: PUT and POST take application/json or multipart/mixed only."""
    response = api.http.post(URL, b"x", content_type="text/plain", **api.headers)
    assert_refused(response, "multipart/mixed")


def test_multipart_body_over_the_limit_is_refused(api, settings):
    """The whole request body, attachments included, is within LRS_MAX_BODY_BYTES."""
    settings.LRS_MAX_BODY_BYTES = 2000
    sent = statement(attachments=[attachment(PICTURE * 2)])
    response = api.multipart("POST", multipart(sent, part(PICTURE * 2)))
    assert response.status_code == 413
    assert not AttachmentContent.objects.exists()


def test_attachment_data_is_not_public_media(api, client):
    """The data is read only through the statements resource, never from /media/."""
    sent = statement(attachments=[attachment(ESSAY)])
    assert api.multipart("POST", multipart(sent, part(ESSAY))).status_code == 200
    content = AttachmentContent.objects.get()
    assert default_storage.exists(content.file.name)
    response = client.get(f"/media/{content.file.name}", follow=True)
    assert response.status_code == 404
    assert ESSAY not in response.content


def test_erasing_a_learner_deletes_the_data_only_their_statements_carried(
    api, django_capture_on_commit_callbacks
):
    """Data only an erased learner's statements referred to goes with them."""
    learner, other = UserFactory(), UserFactory()
    mine = statement(actor=agent_for(learner), attachments=[attachment(ESSAY)])
    shared = statement(actor=agent_for(learner), attachments=[attachment(PICTURE)])
    theirs = statement(actor=agent(other.email), attachments=[attachment(PICTURE)])
    body = multipart([mine, shared, theirs], part(ESSAY), part(PICTURE))
    assert api.multipart("POST", body).status_code == 200
    essay = AttachmentContent.objects.get(sha2=hashlib.sha256(ESSAY).hexdigest())
    with django_capture_on_commit_callbacks(execute=True):
        erase_user(learner)
    assert list(AttachmentContent.objects.values_list("sha2", flat=True)) == [
        hashlib.sha256(PICTURE).hexdigest()
    ]
    assert not default_storage.exists(essay.file.name)
    assert Statement.objects.get().agent_key != ""
    assert AttachmentContent.objects.get().statements.count() == 1
