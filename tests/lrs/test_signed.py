"""Signed statements (xAPI 1.0.3 Data 2.6; ADL LRS conformance requirements XAPI-00115 to
XAPI-00117): the JWS signature attachment is checked before anything is stored."""

import base64
import copy
import email
import email.policy
import json
from datetime import UTC, datetime, timedelta

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.serialization import Encoding
from cryptography.x509.oid import NameOID

from lrs.models import AttachmentContent, Statement
from tests.lrs.conftest import attachment, multipart, new_id, part, statement

pytestmark = pytest.mark.django_db

SIGNATURE = "http://adlnet.gov/expapi/attachments/signature"
HASHES = {"RS256": hashes.SHA256, "RS384": hashes.SHA384, "RS512": hashes.SHA512}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def certificate_for(key) -> x509.Certificate:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Savad test signer")])
    now = datetime.now(UTC)
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=30))
        .sign(key, hashes.SHA256())
    )


@pytest.fixture(scope="module")
def signer():
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key, certificate_for(key)


def jws(payload, key, *, alg: str = "RS256", certificate=None, sign_alg: str | None = None):
    """A compact JWS of ``payload`` (a dict is serialised as JSON), signed with RSA PKCS#1 v1.5."""
    header = {"alg": alg}
    if certificate is not None:
        der = certificate.public_bytes(Encoding.DER)
        header["x5c"] = [base64.b64encode(der).decode()]
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    signed = f"{b64url(json.dumps(header).encode())}.{b64url(body)}"
    algorithm = HASHES[sign_alg or alg]()
    signature = key.sign(signed.encode(), padding.PKCS1v15(), algorithm)
    return f"{signed}.{b64url(signature)}".encode()


def signed(original: dict, token: bytes, **overrides) -> tuple[dict, bytes]:
    """``original`` with its signature attachment added, and the signature's part."""
    declared = attachment(token, content_type="application/octet-stream", usageType=SIGNATURE)
    declared.update(overrides)
    sent = copy.deepcopy(original)
    sent.setdefault("attachments", []).append(declared)
    return sent, part(token, content_type="application/octet-stream")


def post_signed(api, original: dict, token: bytes, **overrides):
    sent, signature = signed(original, token, **overrides)
    return api.multipart("POST", multipart(sent, signature))


def assert_refused(response, words: str):
    assert response.status_code == 400, response.content
    assert words in response.json()["error"]
    assert not Statement.objects.exists()
    assert not AttachmentContent.objects.exists()


@pytest.mark.parametrize("alg", ["RS256", "RS384", "RS512"])
def test_signed_statement_is_stored_with_its_signature(api, signer, alg):
    """XAPI-00115 and XAPI-00117: a JWS over the statement, with an allowed algorithm and an
    x5c certificate it verifies with, is accepted; its data is returned with attachments=true."""
    key, certificate = signer
    original = statement(statement_id=new_id())
    token = jws(original, key, alg=alg, certificate=certificate)
    response = post_signed(api, original, token)
    assert response.status_code == 200, response.content
    answer = api.get({"statementId": original["id"], "attachments": "true"})
    head = f"Content-Type: {answer['Content-Type']}\r\n\r\n".encode()
    message = email.message_from_bytes(head + answer.content, policy=email.policy.HTTP)
    _statement, signature = message.iter_parts()
    assert signature.get_content_type() == "application/octet-stream"
    assert signature.get_payload(decode=True) == token


def test_differences_the_lrs_may_cause_are_ignored(api, signer):
    """Data 2.6 (LRS requirements) and 2.3.1: the payload is compared with the statement
    ignoring what the exceptions to immutability allow (an id the signer left out, the verb's
    display, activity definitions)."""
    key, certificate = signer
    original = statement(verb="http://adlnet.gov/expapi/verbs/completed")
    original["object"]["definition"] = {"name": {"en": "One"}}
    received = {**copy.deepcopy(original), "id": new_id()}
    received["verb"]["display"] = {"en": "finished"}
    received["object"].pop("definition")
    token = jws(original, key, certificate=certificate)
    response = post_signed(api, received, token)
    assert response.status_code == 200, response.content


def test_a_signature_without_a_certificate_needs_only_to_be_well_formed(api, signer):
    """Data 2.6: the signature is checked against a certificate only when the header has one."""
    key, _certificate = signer
    original = statement()
    assert post_signed(api, original, jws(original, key)).status_code == 200


@pytest.mark.parametrize("alg", ["HS256", "PS256", "none", "ES256"])
def test_other_algorithms_are_refused(api, signer, alg):
    """XAPI-00117: the JWS algorithm is RS256, RS384 or RS512."""
    key, _certificate = signer
    original = statement()
    token = jws(original, key, alg=alg, sign_alg="RS256")
    assert_refused(post_signed(api, original, token), "RS256, RS384 or RS512")


def test_a_payload_that_differs_from_the_statement_is_refused(api, signer):
    """Data 2.6 (LRS requirements): the signed payload is logically the received statement."""
    key, certificate = signer
    original = statement(result={"success": True})
    token = jws(original, key, certificate=certificate)
    forged = {**original, "result": {"success": False}}
    assert_refused(post_signed(api, forged, token), "differs from the statement")


def test_a_signature_that_does_not_verify_with_its_certificate_is_refused(api, signer):
    """Data 2.6 (LRS requirements): with an x5c chain, the signature verifies with its first
    certificate's key."""
    key, _certificate = signer
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    original = statement()
    token = jws(original, key, certificate=certificate_for(other))
    assert_refused(post_signed(api, original, token), "does not verify")


def test_a_certificate_without_an_rsa_key_is_refused(api, signer):
    """XAPI-00117: an RSA signature cannot come from an elliptic-curve certificate."""
    key, _certificate = signer
    curve_key = ec.generate_private_key(ec.SECP256R1())
    original = statement()
    token = jws(original, key, certificate=certificate_for(curve_key))
    assert_refused(post_signed(api, original, token), "RSA key")


@pytest.mark.parametrize(
    "token, words",
    [
        (b"not a signature", "not a JWS in compact serialisation"),
        (b'{"payload": "e30", "signatures": []}', "not a JWS in compact serialisation"),
        (b"eyJhbGciOiJSUzI1NiJ9..c2ln", "not a JWS in compact serialisation"),
        (b"\xff\xfe.\x00.\x01", "not a JWS in compact serialisation"),
        (b"eyJhbGciOiJSUzI1NiJ9.e30.c2ln+", "not base64url"),
        (b"W10.e30.c2ln", "header must be a JSON object"),
    ],
)
def test_a_malformed_jws_is_refused(api, token, words):
    """Data 2.6: only a JWS in compact serialisation (three base64url segments, a JSON object
    header) is accepted."""
    assert_refused(post_signed(api, statement(), token), words)


@pytest.mark.parametrize("payload", [b"{not json", b"[]", b'{"actor": {}}'])
def test_a_payload_that_is_not_a_statement_is_refused(api, signer, payload):
    """XAPI-00116: the payload is a valid JSON serialisation of the complete statement."""
    key, certificate = signer
    token = jws(payload, key, certificate=certificate)
    assert_refused(post_signed(api, statement(), token), "payload")


def test_a_signature_attachment_needs_its_part(api, signer):
    """XAPI-00115: a signature attachment without its data is refused, fileUrl or not."""
    key, _certificate = signer
    original = statement()
    sent, _signature = signed(
        original, jws(original, key), fileUrl="https://example.org/signature.jws"
    )
    assert_refused(api.multipart("POST", multipart(sent)), "must be sent as a part")


def test_a_signature_must_be_application_octet_stream(api, signer):
    """XAPI-00115: the signature attachment has contentType application/octet-stream."""
    key, _certificate = signer
    original = statement()
    response = post_signed(api, original, jws(original, key), contentType="text/plain")
    assert_refused(response, "application/octet-stream")


def test_one_bad_signature_refuses_the_whole_batch(api, signer):
    """Communication 2.1.2: a batch is stored entirely or not at all."""
    key, certificate = signer
    good = statement()
    good_sent, good_part = signed(good, jws(good, key, certificate=certificate))
    bad = statement(result={"success": True})
    bad_sent, bad_part = signed(bad, jws({**bad, "result": {}}, key, certificate=certificate))
    response = api.multipart("POST", multipart([good_sent, bad_sent], good_part, bad_part))
    assert_refused(response, "statement[1] signature")
