"""The alternate request syntax (xAPI 1.0.3, Communication 1.3; XAPI-00336), on every resource."""

import json
from urllib.parse import urlencode

import pytest
from django.test import Client as HttpClient

from lrs.models import Document, Statement
from tests.lrs.conftest import URL, basic, new_id, statement
from tests.lrs.doc_api import STATE, state_params

pytestmark = pytest.mark.django_db

FORM = "application/x-www-form-urlencoded"


def form_headers(credentials) -> dict:
    """The header fields a client without custom headers puts in the form."""
    client, secret = credentials
    return {"Authorization": basic(client.key, secret), "X-Experience-API-Version": "1.0.3"}


def alternate(url: str, method: str, form: dict, query: dict | None = None):
    """POST ``url?method=…`` with ``form`` url-encoded, and no custom headers at all."""
    query = {"method": method, **(query or {})}
    return HttpClient().post(f"{url}?{urlencode(query)}", urlencode(form), content_type=FORM)


def test_get_statements_through_a_post(credentials, api):
    """XAPI-00148/XAPI-00336: a POST with method=GET and the parameters in the form returns
    200 and the StatementResult."""
    api.post([statement(), statement()])
    response = alternate(URL, "GET", {**form_headers(credentials), "limit": "1"})
    assert response.status_code == 200
    assert len(response.json()["statements"]) == 1
    assert response.json()["more"]


def test_put_a_statement_through_a_post_with_content_and_no_content_type(credentials):
    """Communication 1.3: method=PUT with statementId and the statement as ``content`` is a
    statement PUT (204); content without a Content-Type field is read as JSON."""
    statement_id = new_id()
    form = {
        **form_headers(credentials),
        "statementId": statement_id,
        "content": json.dumps(statement()),
    }
    response = alternate(URL, "PUT", form)
    assert response.status_code == 204
    assert Statement.objects.filter(id=statement_id).exists()


def test_header_fields_in_the_form_are_headers(credentials):
    """Communication 1.3.s3.b7: Authorization and X-Experience-API-Version in the form are
    headers: without them the request is refused as any request would be."""
    headers = form_headers(credentials)
    without_auth = {"X-Experience-API-Version": "1.0.3", "limit": "1"}
    assert alternate(URL, "GET", without_auth).status_code == 401
    without_version = {"Authorization": headers["Authorization"]}
    response = alternate(URL, "GET", without_version)
    assert response.status_code == 400
    assert "X-Experience-API-Version" in response.json()["error"]


def test_a_method_parameter_on_anything_but_a_post_is_400(api):
    """Communication 1.3: an alternate request not issued as a POST is rejected (400)."""
    response = api.get({"method": "POST"})
    assert response.status_code == 400
    assert "POST" in response.json()["error"]


def test_other_query_parameters_beside_method_are_400(credentials):
    """Communication 1.3.s3.b4: the query string holds only method, else 400."""
    statement_id = new_id()
    form = {**form_headers(credentials), "content": json.dumps(statement())}
    response = alternate(URL, "PUT", form, query={"statementId": statement_id})
    assert response.status_code == 400
    assert "statementId" in response.json()["error"]
    assert not Statement.objects.exists()


def test_a_body_that_is_not_url_encoded_is_400(api):
    """Communication 1.3.s3.b4: the parameters and content come as a url-encoded form."""
    response = api.post(statement(), url=f"{URL}?method=PUT")
    assert response.status_code == 400
    assert FORM in response.json()["error"]
    assert not Statement.objects.exists()


def test_an_unknown_method_is_400(credentials):
    response = alternate(URL, "PATCH", form_headers(credentials))
    assert response.status_code == 400
    assert "method" in response.json()["error"]


def test_state_put_get_and_delete_through_the_alternate_syntax(credentials):
    """Communication 1.3 holds for the document resources: parameters, Content-Type and
    If-None-Match travel in the form."""
    headers = form_headers(credentials)
    params = state_params()
    put = {**headers, **params, "Content-Type": "text/plain", "content": "page 7"}
    assert alternate(STATE, "PUT", {**put, "If-None-Match": "*"}).status_code == 204
    again = alternate(STATE, "PUT", {**put, "If-None-Match": "*"})
    assert again.status_code == 412

    got = alternate(STATE, "GET", {**headers, **params})
    assert got.status_code == 200
    assert got.content == b"page 7"
    assert got["Content-Type"] == "text/plain"
    head = alternate(STATE, "HEAD", {**headers, **params})
    assert head.status_code == 200
    assert head.content == b""
    assert head["ETag"] == got["ETag"]

    assert alternate(STATE, "DELETE", {**headers, **params}).status_code == 204
    assert not Document.objects.exists()


def test_the_form_is_limited_like_any_body(credentials, settings):
    settings.LRS_MAX_BODY_BYTES = 300
    form = {**form_headers(credentials), **state_params(), "content": "x" * 400}
    response = alternate(STATE, "PUT", form)
    assert response.status_code == 413
    assert not Document.objects.exists()
