"""One application-error path: core.errors renders every uncaught SavadError."""

import json

from django.http import HttpResponse
from django.test import RequestFactory

from core.errors import SavadErrorMiddleware
from core.exceptions import SavadError


def _failing_view(error):
    def view(request):
        raise error

    return view


def _respond(request, error):
    middleware = SavadErrorMiddleware(lambda request: HttpResponse("ok"))
    try:
        _failing_view(error)(request)
    except Exception as exc:  # what Django's handler does: offer the exception to middleware
        return middleware.process_exception(request, exc)
    raise AssertionError("the view did not fail")


def test_a_browser_gets_the_error_page_with_the_errors_status_message_and_back_link(db):
    request = RequestFactory().get("/somewhere/", HTTP_ACCEPT="text/html,*/*")
    error = SavadError("Nope, not now.", status=409, back=("/course/", "Back to the course"))
    response = _respond(request, error)
    assert response.status_code == 409
    html = response.content.decode()
    assert "Nope, not now." in html
    assert 'href="/course/"' in html and "Back to the course" in html


def test_without_a_back_link_the_page_offers_none(db):
    response = _respond(RequestFactory().get("/x/"), SavadError("Refused."))
    assert response.status_code == 400
    assert "Refused." in response.content.decode()
    assert 'class="button"' not in response.content.decode()


def test_scripts_get_json_with_the_same_status_and_message():
    for headers in ({"HTTP_X_REQUESTED_WITH": "fetch"}, {"HTTP_ACCEPT": "application/json"}):
        request = RequestFactory().post("/x/", **headers)
        response = _respond(request, SavadError("Too late.", status=403))
        assert response.status_code == 403
        assert response["Content-Type"] == "application/json"
        assert json.loads(response.content) == {"ok": False, "error": "Too late."}


def test_other_exceptions_are_left_to_django():
    middleware = SavadErrorMiddleware(lambda request: HttpResponse("ok"))
    assert middleware.process_exception(RequestFactory().get("/"), ValueError("bug")) is None


def test_the_middleware_is_installed(settings):
    assert "core.errors.SavadErrorMiddleware" in settings.MIDDLEWARE
