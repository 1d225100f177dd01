"""The HTTP contract of /xapi/statements: version header, credentials, methods, body limits."""

import json

import pytest
from django.test import Client as HttpClient

from lrs import services
from lrs.models import Statement
from tests.lrs.conftest import URL, VERSION, Api, basic, new_id, statement

pytestmark = pytest.mark.django_db


def test_about_needs_no_credentials_or_version_and_names_the_version(client):
    response = client.get("/xapi/about")
    assert response.status_code == 200
    assert response.json() == {"version": ["1.0.3"]}
    assert response["X-Experience-API-Version"] == "1.0.3"
    assert client.get("/xapi/about/").status_code == 200
    assert client.post("/xapi/about").status_code == 405


@pytest.mark.parametrize("version", [None, "", "0.95", "1.1.0", "2.0.0", "1.0.x"])
def test_missing_or_unsupported_version_header_is_400(api, version):
    headers = dict(api.headers)
    headers.pop("HTTP_X_EXPERIENCE_API_VERSION")
    if version is not None:
        headers["HTTP_X_EXPERIENCE_API_VERSION"] = version
    response = api.http.get(URL, **headers)
    assert response.status_code == 400
    assert "version" in response.json()["error"].lower()
    assert response["X-Experience-API-Version"] == "1.0.3"


@pytest.mark.parametrize("version", ["1.0", "1.0.0", "1.0.1", "1.0.3", "1.0.9"])
def test_every_1_0_x_version_is_accepted(api, version):
    response = api.get(HTTP_X_EXPERIENCE_API_VERSION=version)
    assert response.status_code == 200


def test_credentials_are_required(credentials):
    client, secret = credentials
    http = HttpClient()
    cases = [
        {},
        {"HTTP_AUTHORIZATION": basic(client.key, "wrong")},
        {"HTTP_AUTHORIZATION": basic("unknown", secret)},
        {"HTTP_AUTHORIZATION": "Basic not-base64!"},
        {"HTTP_AUTHORIZATION": "Bearer " + secret},
    ]
    for headers in cases:
        response = http.get(URL, **VERSION, **headers)
        assert response.status_code == 401, headers
        assert response["WWW-Authenticate"].startswith("Basic ")
        assert response["X-Experience-API-Version"] == "1.0.3"
        assert "X-Experience-API-Consistent-Through" in response
    assert http.get(URL, **VERSION, HTTP_AUTHORIZATION=basic(client.key, secret)).status_code == 200


def test_deactivated_client_is_refused_at_once(credentials):
    client, secret = credentials
    api = Api(client.key, secret)
    assert api.get().status_code == 200  # the check is now remembered in the cache
    services.deactivate_client(key=client.key)
    assert api.get().status_code == 401


def test_authentication_records_last_use(credentials):
    client, secret = credentials
    assert client.last_used_at is None
    Api(client.key, secret).get()
    client.refresh_from_db()
    assert client.last_used_at is not None


@pytest.mark.parametrize("method", ["delete", "patch", "options"])
def test_other_methods_are_405(api, method):
    response = getattr(api.http, method)(URL, **api.headers)
    assert response.status_code == 405
    assert "PUT" in response["Allow"]
    assert response["X-Experience-API-Version"] == "1.0.3"


def test_trailing_slash_is_the_same_resource(api):
    assert api.post(statement(), url=URL + "/").status_code == 200
    assert len(api.get(url=URL + "/").json()["statements"]) == 1


def test_head_answers_like_get_without_a_body(api):
    api.post(statement())
    response = api.http.head(URL, **api.headers)
    assert response.status_code == 200
    assert response.content == b""
    assert "X-Experience-API-Consistent-Through" in response


def test_body_over_the_limit_is_413(api):
    big = statement(result={"response": "x" * 1_100_000})
    response = api.post(big)
    assert response.status_code == 413
    assert "larger" in response.json()["error"]
    assert not Statement.objects.exists()


def test_limit_can_be_configured(api, settings):
    settings.LRS_MAX_BODY_BYTES = 400
    assert api.post(statement(result={"response": "x" * 500})).status_code == 413
    assert api.post(statement()).status_code == 200


def test_attachments_with_a_file_url_are_stored(api):
    attachment = {
        "usageType": "https://example.org/usage/certificate",
        "display": {"en": "Certificate"},
        "contentType": "application/pdf",
        "length": 1200,
        "sha2": "a" * 64,
        "fileUrl": "https://example.org/certificate.pdf",
    }
    assert api.post(statement(attachments=[attachment])).status_code == 200
    without_url = {k: v for k, v in attachment.items() if k != "fileUrl"}
    response = api.post(statement(attachments=[without_url]))
    assert response.status_code == 400
    assert "fileUrl" in response.json()["error"]


def test_attachments_must_be_true_or_false(api):
    assert api.get({"attachments": "yes"}).status_code == 400
    assert api.get({"attachments": "false"}).status_code == 200


@pytest.mark.parametrize(
    "body, content_type",
    [
        ("{not json", "application/json"),
        ('{"actor": NaN}', "application/json"),
        (json.dumps(statement()), "text/plain"),
        ("42", "application/json"),
    ],
)
def test_bodies_that_are_not_json_statements_are_400(api, body, content_type):
    response = api.http.post(URL, body, content_type=content_type, **api.headers)
    assert response.status_code == 400
    assert response.json()["error"]


def test_unknown_query_parameters_are_400(api):
    assert api.post(statement(), url=URL + "?method=PUT").status_code == 400
    response = api.put(statement(), url=f"{URL}?statementId={new_id()}&verb=x")
    assert response.status_code == 400
    assert api.get({"Verb": "https://example.org/verb"}).status_code == 400
