"""Statement attachments: ``multipart/mixed`` bodies in and out, and matching parts to statements.

xAPI 1.0.3 (Communication 1.5.2, Data 2.4.11): the first part is ``application/json`` with the
statements; every further part is the data of one attachment, with ``X-Experience-API-Hash``
(its SHA-2) and ``Content-Transfer-Encoding: binary`` (assumed when missing). Every attachment
without a ``fileUrl`` needs its part, every part must belong to an attachment, and its data
must have the declared hash and length. Errors are ``StatementError`` (400) in English.
"""

import hashlib
import re
import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from xapi.validation import StatementError

CRLF = b"\r\n"
SIGNATURE_USAGE = "http://adlnet.gov/expapi/attachments/signature"
OCTET_STREAM = "application/octet-stream"
HASH_HEADER = "x-experience-api-hash"
BOUNDARY_RE = re.compile(r"[0-9A-Za-z'()+_,\-./:=? ]{1,70}")
SAFE_HEADER_RE = re.compile(r"[\x20-\x7e]{1,200}")
# SHA-2 functions by the length of their hexadecimal digest.
SHA2_BY_LENGTH = {56: "sha224", 64: "sha256", 96: "sha384", 128: "sha512"}


class MultipartError(StatementError):
    """A ``multipart/mixed`` body that breaks the format."""


@dataclass(frozen=True)
class Part:
    """One attachment part of a request: its headers (lower-case names) and data."""

    headers: dict[str, str]
    data: bytes

    @property
    def sha2(self) -> str:
        return self.headers.get(HASH_HEADER, "").strip().lower()


# --- Reading a request --------------------------------------------------------------------


def parse(body: bytes, boundary: str | None) -> tuple[bytes, list[Part]]:
    """The JSON of the first part and the attachment parts of a ``multipart/mixed`` body."""
    if not boundary:
        raise MultipartError("multipart/mixed needs a boundary parameter in its Content-Type.")
    if BOUNDARY_RE.fullmatch(boundary) is None or boundary.endswith(" "):
        raise MultipartError("The multipart boundary is not a valid boundary.")
    parts = list(_split(body, boundary.encode("ascii")))
    if not parts:
        raise MultipartError("The multipart body has no parts.")
    (first_headers, first_data), rest = parts[0], parts[1:]
    media_type = first_headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json":
        raise MultipartError("The first part must have Content-Type: application/json.")
    attachments = []
    for number, (headers, data) in enumerate(rest, start=2):
        if not headers.get(HASH_HEADER, "").strip():
            raise MultipartError(f"Part {number} has no X-Experience-API-Hash header.")
        # Without the header, binary is assumed (Communication 1.5.2: the LRS SHOULD).
        if headers.get("content-transfer-encoding", "binary").strip().lower() != "binary":
            raise MultipartError(f"Part {number} needs Content-Transfer-Encoding: binary.")
        length = headers.get("content-length", str(len(data))).strip()
        if length != str(len(data)):
            raise MultipartError(f"Part {number} is not as long as its Content-Length header.")
        attachments.append(Part(headers=headers, data=data))
    return first_data, attachments


def _split(body: bytes, boundary: bytes) -> Iterator[tuple[dict[str, str], bytes]]:
    delimiter = CRLF + b"--" + boundary
    pieces = (CRLF + body).split(delimiter)
    if len(pieces) < 2:
        raise MultipartError("The multipart body does not contain its boundary.")
    # pieces[0] is the preamble; the last piece must follow the close delimiter ("--").
    if not pieces[-1].startswith(b"--"):
        raise MultipartError("The multipart body does not end with its closing boundary.")
    for piece in pieces[1:-1]:
        if piece.startswith(b"--"):
            raise MultipartError("The multipart body has parts after its closing boundary.")
        line_end = piece.find(CRLF)
        if line_end < 0 or piece[:line_end].strip(b" \t"):
            raise MultipartError("A multipart boundary line must end right after the boundary.")
        piece = piece[line_end + 2 :]
        if piece.startswith(CRLF):  # no headers
            yield {}, piece[2:]
            continue
        head, separator, data = piece.partition(CRLF + CRLF)
        if not separator:
            raise MultipartError("A multipart part has no blank line after its headers.")
        yield _headers(head), data


def _headers(head: bytes) -> dict[str, str]:
    headers: dict[str, str] = {}
    for line in head.split(CRLF) if head else []:
        name, colon, value = line.decode("latin-1").partition(":")
        if not colon or not name.strip() or name != name.strip():
            raise MultipartError(f"A multipart part has a malformed header line: {line[:80]!r}.")
        headers[name.lower()] = value.strip()
    return headers


# --- Matching parts to statements ---------------------------------------------------------


def attachments_of(statement: dict) -> list[dict]:
    """The attachment objects of a statement and of its SubStatement."""
    found = list(statement.get("attachments", []))
    target = statement.get("object", {})
    if target.get("objectType") == "SubStatement":
        found.extend(target.get("attachments", []))
    return found


def is_signature(attachment: dict) -> bool:
    return attachment.get("usageType") == SIGNATURE_USAGE


def match_parts(statements: list[dict], parts: list[Part]) -> dict[str, bytes]:
    """The data of ``parts`` by lower-case SHA-2, checked against the statements' attachments.

    Every attachment without a ``fileUrl`` (and every signature) needs a part; every part must
    be the declared data of an attachment (hash and length).
    """
    declared: dict[str, dict] = {}
    needed: set[str] = set()
    for statement in statements:
        for attachment in attachments_of(statement):
            sha2 = attachment["sha2"].lower()
            declared.setdefault(sha2, attachment)
            if "fileUrl" not in attachment or is_signature(attachment):
                needed.add(sha2)
    data: dict[str, bytes] = {}
    for part in parts:
        attachment = declared.get(part.sha2)
        if attachment is None:
            raise MultipartError(
                f"The part with X-Experience-API-Hash {part.sha2[:128]} belongs to no attachment "
                "of these statements."
            )
        if _digest(part.sha2, part.data) != part.sha2:
            raise MultipartError(f"The data of part {part.sha2} does not have that SHA-2 hash.")
        if len(part.data) != attachment["length"]:
            raise MultipartError(
                f"The data of part {part.sha2} is {len(part.data)} bytes long, not the "
                f"{attachment['length']} its attachment declares."
            )
        data[part.sha2] = part.data
    missing = sorted(needed - set(data))
    if missing:
        raise StatementError(
            f"The attachment with sha2 {missing[0]} has no fileUrl, so its data must be sent as "
            "a part of a multipart/mixed request."
        )
    return data


def _digest(sha2: str, data: bytes) -> str | None:
    algorithm = SHA2_BY_LENGTH.get(len(sha2))
    return hashlib.new(algorithm, data).hexdigest() if algorithm else None


# --- Writing a response -------------------------------------------------------------------


def serialise(first: bytes, parts: Iterable[tuple[str, str, bytes]]) -> tuple[bytes, str]:
    """A ``multipart/mixed`` body and its Content-Type: ``first`` (JSON), then each part as
    (content type, sha2, data)."""
    boundary = secrets.token_hex(16)
    delimiter = b"--" + boundary.encode("ascii")
    chunks = [delimiter, CRLF, b"Content-Type: application/json; charset=utf-8", CRLF, CRLF]
    chunks += [first, CRLF]
    for content_type, sha2, data in parts:
        if not SAFE_HEADER_RE.fullmatch(content_type):
            content_type = OCTET_STREAM
        headers = (
            f"Content-Type: {content_type}\r\nContent-Transfer-Encoding: binary\r\n"
            f"X-Experience-API-Hash: {sha2}\r\n\r\n"
        )
        chunks += [delimiter, CRLF, headers.encode("latin-1"), data, CRLF]
    chunks += [delimiter, b"--", CRLF]
    return b"".join(chunks), f'multipart/mixed; boundary="{boundary}"'
