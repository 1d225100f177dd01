"""The alternate request syntax of xAPI 1.0.3 (Communication 1.3), for every LRS resource.

A client that cannot send custom headers or methods (a browser form, old XDomainRequest
code) POSTs with ``?method=PUT`` (or GET, HEAD, POST, DELETE) and nothing else in the query
string, and a form-encoded body carrying the headers (``Authorization``,
``X-Experience-API-Version``, ``Content-Type``, ``If-Match``...), the resource's parameters,
and the request body as ``content`` (text, read as UTF-8). ``alternate_syntax`` turns such a
request into the one it stands for before the view sees it; malformed ones are refused with
400. The form's Content-Type describes ``content`` (application/json when it names none); its
other header fields fill in the headers the request itself lacks (a real header wins, as the
ADL conformance suite expects). The whole form is limited like any body
(``settings.LRS_MAX_BODY_BYTES``).
"""

from functools import wraps

from django.core.exceptions import TooManyFieldsSent
from django.http import QueryDict
from django.views.decorators.csrf import csrf_exempt

from .http import read_body
from .views import TooLarge, error

METHODS = {"GET", "HEAD", "PUT", "POST", "DELETE"}
FORM = "application/x-www-form-urlencoded"
DEFAULT_CONTENT_TYPE = "application/json"
HEADERS = {
    "authorization": "HTTP_AUTHORIZATION",
    "x-experience-api-version": "HTTP_X_EXPERIENCE_API_VERSION",
    "if-match": "HTTP_IF_MATCH",
    "if-none-match": "HTTP_IF_NONE_MATCH",
}
IGNORED = {"content-length"}  # recomputed from ``content``


class AlternateSyntaxError(ValueError):
    pass


def alternate_syntax(view):
    """``view``, also reachable through the alternate request syntax."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if "method" in request.GET:
            try:
                rewrite(request)
            except AlternateSyntaxError as problem:
                return error(400, str(problem))
            except TooLarge:
                return error(413, "The request body is larger than this LRS accepts.")
        return view(request, *args, **kwargs)

    return csrf_exempt(wrapper)


def rewrite(request) -> None:
    """Make ``request`` the request its alternate syntax describes (in place)."""
    if request.method != "POST":
        raise AlternateSyntaxError("The method parameter is only allowed on a POST request.")
    extra = sorted(set(request.GET) - {"method"})
    if extra:
        raise AlternateSyntaxError(
            f"With the alternate request syntax the query string holds only method, not "
            f"“{extra[0]}”: send the other parameters in the form."
        )
    method = request.GET["method"]
    if method not in METHODS:
        raise AlternateSyntaxError(f"method: must be one of {', '.join(sorted(METHODS))}.")
    if (request.content_type or "").lower() != FORM:
        raise AlternateSyntaxError(f"The alternate request syntax needs a {FORM} body.")
    try:
        form = QueryDict(read_body(request), encoding="utf-8")
    except TooManyFieldsSent:
        raise AlternateSyntaxError("The form has too many fields.") from None
    params = QueryDict(mutable=True)
    content = b""
    request.META["CONTENT_TYPE"] = DEFAULT_CONTENT_TYPE
    for name, value in form.items():
        lowered = name.lower()
        if lowered == "content-type":
            request.META["CONTENT_TYPE"] = value
        elif lowered in HEADERS:
            request.META.setdefault(HEADERS[lowered], value)
        elif lowered == "content":
            content = value.encode("utf-8")
        elif lowered not in IGNORED:
            params.setlist(name, form.getlist(name))
    params._mutable = False
    request.method = method
    request.GET = params
    request.META["CONTENT_LENGTH"] = str(len(content))
    request.META["QUERY_STRING"] = params.urlencode()
    request._body = content
    request._set_content_type_params(request.META)
    for cached in ("headers", "_post", "_files"):
        request.__dict__.pop(cached, None)
