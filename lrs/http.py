"""What the document and metadata resources share: reading the body within the limit, the
exceptions of expected failures as xAPI error responses, and bodiless answers to HEAD."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig

from xapi.validation import StatementError

from .document_store import DocumentConflict, DocumentTooLarge, PreconditionFailed
from .views import TooLarge, error

STATUSES = {
    StatementError: 400,
    DocumentConflict: 409,
    PreconditionFailed: 412,
    DocumentTooLarge: 413,
}


def read_body(request) -> bytes:
    """The request body; ``TooLarge`` (413) beyond ``settings.LRS_MAX_BODY_BYTES``."""
    limit = settings.LRS_MAX_BODY_BYTES
    length = request.META.get("CONTENT_LENGTH") or "0"
    if length.isdigit() and int(length) > limit:
        raise TooLarge
    try:
        body = request.body
    except RequestDataTooBig:
        raise TooLarge from None
    if len(body) > limit:
        raise TooLarge
    return body


def answer(request, handler, *args):
    """``handler(request, *args)``, or the error response its expected failure stands for."""
    try:
        response = handler(request, *args)
    except TooLarge:
        limit = settings.LRS_MAX_BODY_BYTES
        response = error(413, f"The request body is larger than this LRS accepts ({limit} bytes).")
    except tuple(STATUSES) as problem:
        status = next(code for kind, code in STATUSES.items() if isinstance(problem, kind))
        response = error(status, str(problem))
    return head_safe(request, response)


def head_safe(request, response):
    """HEAD answers with GET's status and headers and no body."""
    if request.method == "HEAD":
        response.content = b""
    return response


def not_found(request, message: str):
    """A 404 that LocaleMiddleware leaves alone (see ``lrs.views._not_found``)."""
    request.urlconf = "lrs.urls"
    return error(404, message)
