"""Signed statements (xAPI 1.0.3 Data 2.6): checking that their JWS signatures are well formed.

A signature is an attachment with usageType ``…/attachments/signature`` and contentType
``application/octet-stream`` whose data is a JWS in compact serialisation. It is well formed
when its algorithm is RS256, RS384 or RS512, its payload is the statement as it was signed
(logically equivalent to the statement received: differences the exceptions to statement
immutability allow are ignored, Data 2.3.1), and, when its header carries an ``x5c``
certificate chain, the signature verifies with the first certificate's key. The spec notes
that this catches mistakes; it does not say who signed (the chain is not checked for trust).
"""

import base64
import binascii
import uuid

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from xapi.validation import StatementError, parse_timestamp, strict_json, validate_statement

from .attachments import OCTET_STREAM, is_signature
from .documents import comparable

ALGORITHMS = {"RS256": hashes.SHA256, "RS384": hashes.SHA384, "RS512": hashes.SHA512}


def check_signatures(statement: dict, data: dict[str, bytes], *, where: str) -> None:
    """``StatementError`` unless every signature attachment of ``statement`` is well formed.

    ``data``: the attachment parts received, by lower-case SHA-2.
    """
    for attachment in statement.get("attachments", []):  # a SubStatement is not signed alone
        if not is_signature(attachment):
            continue
        if attachment["contentType"] != OCTET_STREAM:
            raise StatementError(
                f"{where}: a signature attachment must have contentType {OCTET_STREAM}."
            )
        verify_jws(data[attachment["sha2"].lower()], statement, where=f"{where} signature")


def verify_jws(token: bytes, statement: dict, *, where: str) -> None:
    """``StatementError`` unless ``token`` is a well-formed signature of ``statement``."""
    try:
        text = token.decode("ascii").strip()
    except UnicodeDecodeError:
        raise StatementError(f"{where}: not a JWS in compact serialisation.") from None
    segments = text.split(".")
    if len(segments) != 3 or not all(segments):
        raise StatementError(f"{where}: not a JWS in compact serialisation.")
    header_json, payload_json, signature = (_base64url(s, where) for s in segments)
    header = strict_json(header_json, f"{where} header")
    if not isinstance(header, dict):
        raise StatementError(f"{where}: the JWS header must be a JSON object.")
    algorithm = header.get("alg")
    if algorithm not in ALGORITHMS:
        raise StatementError(
            f"{where}: the JWS algorithm must be RS256, RS384 or RS512, not {algorithm!r}."
        )
    payload = strict_json(payload_json, f"{where} payload")
    validate_statement(payload, where=f"{where} payload")
    if not equivalent(payload, statement):
        raise StatementError(f"{where}: the signed payload differs from the statement.")
    if "x5c" in header:
        signed = f"{segments[0]}.{segments[1]}".encode("ascii")
        _verify_with_certificate(header["x5c"], algorithm, signed, signature, where)


def equivalent(original: dict, received: dict) -> bool:
    """Whether the signed ``original`` is logically the ``received`` statement (Data 2.3.1:
    what the LRS may assign — id, timestamp, stored, authority, version — is compared only
    when both have it; verb displays, activity definitions, e-mail case and member order
    never)."""
    if comparable(original) != comparable(received):
        return False
    both_have_ids = "id" in original and "id" in received
    if both_have_ids and uuid.UUID(original["id"]) != uuid.UUID(received["id"]):
        return False
    if "timestamp" in original and "timestamp" in received:
        moment = parse_timestamp(original["timestamp"], "timestamp")
        return moment == parse_timestamp(received["timestamp"], "timestamp")
    return True


def _base64url(segment: str, where: str) -> bytes:
    try:
        if any(c in segment for c in "+/="):
            raise ValueError("not base64url")
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (ValueError, binascii.Error):
        raise StatementError(f"{where}: a JWS segment is not base64url.") from None


def _verify_with_certificate(chain, algorithm: str, signed: bytes, signature: bytes, where):
    if not isinstance(chain, list) or not chain or not isinstance(chain[0], str):
        raise StatementError(f"{where}: x5c must be a list of base64 certificates.")
    try:
        certificate = x509.load_der_x509_certificate(base64.b64decode(chain[0], validate=True))
        key = certificate.public_key()
    except (ValueError, binascii.Error):
        raise StatementError(f"{where}: the first x5c certificate cannot be read.") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise StatementError(f"{where}: the x5c certificate does not hold an RSA key.")
    try:
        key.verify(signature, signed, padding.PKCS1v15(), ALGORITHMS[algorithm]())
    except InvalidSignature:
        raise StatementError(
            f"{where}: the signature does not verify with the x5c certificate's key."
        ) from None
