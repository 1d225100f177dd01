"""The one place where an application error (``SavadError``) becomes a response.

Views and services raise ``SavadError`` with a message for the user and a status; this
middleware answers with that status: the project's ``error.html`` page for browsers, or
``{"ok": false, "error": message}`` for scripts (``X-Requested-With: fetch`` or a request that
accepts JSON but not HTML). Views with their own JSON protocol (``/h5p/``, ``/xapi/``) catch
their errors themselves and never reach it.
"""

from django.http import JsonResponse
from django.shortcuts import render

from .exceptions import SavadError


def wants_json(request) -> bool:
    """Whether the client asked for JSON rather than a page."""
    if request.headers.get("X-Requested-With") == "fetch":
        return True
    accept = request.headers.get("Accept", "")
    return "application/json" in accept and "text/html" not in accept


def error_response(request, error: SavadError):
    """The response for ``error``: JSON for scripts, the error page otherwise."""
    if wants_json(request):
        return JsonResponse({"ok": False, "error": str(error.message)}, status=error.status)
    back_url, back_label = error.back or (None, None)
    return render(
        request,
        "error.html",
        {"message": error.message, "back_url": back_url, "back_label": back_label},
        status=error.status,
    )


class SavadErrorMiddleware:
    """Render an uncaught ``SavadError`` with ``error_response``; other exceptions pass on."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, SavadError):
            return error_response(request, exception)
        return None
