"""The xAPI 1.0.3 statements resource (``/xapi/statements``) and about resource (``/xapi/about``).

A JSON API for client applications, not a page: no CSRF (HTTP Basic credentials instead),
errors as ``{"error": "..."}`` in English (for developers; the URL has no language prefix),
and the ``X-Experience-API-Version`` header on every response.
"""

import json
import re
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import http_date
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from xapi.identity import XAPI_VERSION
from xapi.validation import StatementError, is_uuid, strict_json

from . import attachments, selectors, services
from .documents import formatted, iso

VERSION_HEADER = "X-Experience-API-Version"
ACCEPTED_VERSION = re.compile(r"1\.0(\.\d+)?")
ALLOWED_METHODS = "GET, HEAD, PUT, POST"


class TooLarge(Exception):
    pass


def xapi_response(payload=None, *, status: int = 200, headers: dict | None = None):
    body = b"" if payload is None else json.dumps(payload, ensure_ascii=False).encode("utf-8")
    response = HttpResponse(body, status=status, content_type="application/json; charset=utf-8")
    response[VERSION_HEADER] = XAPI_VERSION
    for name, value in (headers or {}).items():
        response[name] = value
    return response


def error(status: int, message: str, headers: dict | None = None):
    return xapi_response({"error": message}, status=status, headers=headers)


@csrf_exempt
@never_cache
def about(request):
    """Which xAPI versions this LRS speaks (no credentials or version header needed)."""
    if request.method not in {"GET", "HEAD"}:
        return error(405, f"{request.method} is not allowed here.", {"Allow": "GET, HEAD"})
    return _head_safe(request, xapi_response({"version": [XAPI_VERSION]}))


@csrf_exempt
@never_cache
def statements(request):
    """Every answer of the statements resource says how current its reads are."""
    response = _statements(request)
    response.headers.setdefault("X-Experience-API-Consistent-Through", iso(timezone.now()))
    return response


def check_client(request):
    """``(client, None)`` for a request with a 1.0.x version header and an active client's
    credentials, else ``(None, the 400 or 401 response)``. Every resource but about uses it."""
    version = request.headers.get(VERSION_HEADER, "").strip()
    if not version:
        return None, error(400, f"The {VERSION_HEADER} header is required (this LRS speaks 1.0.3).")
    if ACCEPTED_VERSION.fullmatch(version) is None:
        return None, error(400, f"xAPI version {version!r} is not supported; use 1.0.x (1.0.3).")
    client = services.authenticate(request.headers.get("Authorization", ""))
    if client is None:
        return None, error(
            401,
            "Send the credentials of an active client with HTTP Basic authentication.",
            {"WWW-Authenticate": 'Basic realm="Savad xAPI", charset="UTF-8"'},
        )
    return client, None


def _statements(request):
    client, refusal = check_client(request)
    if refusal is not None:
        return refusal
    handlers = {"GET": _get, "HEAD": _get, "PUT": _put, "POST": _post}
    handler = handlers.get(request.method)
    if handler is None:
        return error(405, f"{request.method} is not allowed here.", {"Allow": ALLOWED_METHODS})
    try:
        return _head_safe(request, handler(request, client))
    except StatementError as problem:
        return error(400, str(problem))
    except services.ConflictError as problem:
        return error(409, str(problem))
    except TooLarge:
        limit = _max_body_bytes()
        return error(413, f"The request body is larger than this LRS accepts ({limit} bytes).")


def _not_found(request, headers: dict):
    """A 404 that LocaleMiddleware leaves alone.

    For a 404 outside the language-prefixed URLs, LocaleMiddleware tries the same path under
    ``/fa/`` and redirects there when it resolves (Wagtail's catch-all always does). Naming
    this app's own URLconf for the rest of the request (it has no language prefixes) tells
    the middleware there is no language-prefixed alternative.
    """
    request.urlconf = "lrs.urls"
    return error(404, "No such statement.", headers)


def _head_safe(request, response):
    if request.method == "HEAD":
        response.content = b""
    return response


def _params(request) -> dict[str, str]:
    return {name: request.GET[name] for name in request.GET}


def _max_body_bytes() -> int:
    return settings.LRS_MAX_BODY_BYTES


def _statements_body(request) -> tuple[object, list[attachments.Part]]:
    """The statements JSON of a PUT or POST, and its attachment parts (``multipart/mixed``)."""
    if request.content_type == "multipart/mixed":
        first, parts = attachments.parse(_raw_body(request), request.content_params.get("boundary"))
        return strict_json(first), parts
    if request.content_type != "application/json":
        raise StatementError(
            "Send statements with Content-Type: application/json (or multipart/mixed with "
            "attachments)."
        )
    return _json_body(request), []


def _json_body(request):
    if (request.content_type or "") != "application/json":
        raise StatementError("Send statements with Content-Type: application/json.")
    return strict_json(_raw_body(request))


def _raw_body(request) -> bytes:
    """The request body, within ``LRS_MAX_BODY_BYTES`` (``TooLarge`` otherwise)."""
    length = request.META.get("CONTENT_LENGTH") or "0"
    if length.isdigit() and int(length) > _max_body_bytes():
        raise TooLarge
    try:
        body = request.body
    except RequestDataTooBig:
        raise TooLarge from None
    if len(body) > _max_body_bytes():
        raise TooLarge
    return body


def _put(request, client):
    params = _params(request)
    extra = sorted(set(params) - {"statementId"})
    if extra:
        raise StatementError(f"Unknown parameter “{extra[0]}” (PUT takes only statementId).")
    statement_id = params.get("statementId")
    if statement_id is None:
        raise StatementError("PUT needs the statementId parameter.")
    if not is_uuid(statement_id):
        raise StatementError("statementId: must be a UUID.")
    statement, parts = _statements_body(request)
    if not isinstance(statement, dict):
        raise StatementError("PUT takes one statement (a JSON object).")
    if "id" in statement:
        if not is_uuid(statement["id"]) or statement["id"].lower() != statement_id.lower():
            raise StatementError("The statement's id differs from the statementId parameter.")
    else:
        statement = {**statement, "id": statement_id}
    services.store_statements(client=client, statements=[statement], parts=parts)
    return xapi_response(status=204)


def _post(request, client):
    if request.GET:
        name = next(iter(request.GET))
        raise StatementError(f"Unknown parameter “{name}” (POST stores statements).")
    body, parts = _statements_body(request)
    if isinstance(body, dict):
        body = [body]
    if not isinstance(body, list):
        raise StatementError("POST takes a statement or a list of statements.")
    ids = services.store_statements(client=client, statements=body, parts=parts)
    return xapi_response(ids)


def _get(request, client):
    # Statements are readable once their transaction commits: all stored before now are.
    consistent = {"X-Experience-API-Consistent-Through": iso(timezone.now())}
    params = _params(request)
    cursor = None
    if "more" in params:
        if len(params) > 1:
            raise StatementError("more cannot be combined with other parameters.")
        params, cursor = selectors.read_more(params["more"], client=client)
    elif selectors.SINGLE_PARAMETERS & set(params):
        row, fmt = selectors.single_statement(params, client=client)
        if row is None:
            return _not_found(request, consistent)
        headers = {**consistent, "Last-Modified": http_date(row.stored.timestamp())}
        return _answer(params, formatted(row.data, fmt), [row.data], headers)
    query = selectors.parse_query(params)
    documents, following = selectors.statement_page(query, cursor, client=client)
    more = ""
    if following is not None:
        token = selectors.more_token(params, following, client=client)
        more = f"{reverse('lrs:statements')}?{urlencode({'more': token})}"
    payload = {"statements": [formatted(d, query.format) for d in documents], "more": more}
    return _answer(params, payload, documents, consistent)


def _answer(params: dict, payload, documents: list[dict], headers: dict):
    """JSON, or with ``attachments=true`` multipart/mixed: the JSON, then the attachment data."""
    if not selectors.wants_attachments(params):
        return xapi_response(payload, headers=headers)
    first = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    body, content_type = attachments.serialise(first, selectors.attachment_parts(documents))
    response = HttpResponse(body, content_type=content_type)
    response[VERSION_HEADER] = XAPI_VERSION
    for name, value in headers.items():
        response[name] = value
    return response
