"""Learners download their own statements; superusers watch the outbox and retry it; the
privacy hooks export and erase a learner's statements."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from wagtail import hooks

from tests.factories import UserFactory
from tests.xapi.conftest import learner_journey
from xapi.models import OutboxStatement

pytestmark = pytest.mark.django_db

PAGE = "/fa/learning-record/"
DOWNLOAD = "/fa/learning-record/statements.json"
OUTBOX = "/admin/xapi_outbox/"


@pytest.fixture
def two_learners(built):
    mine, theirs = UserFactory(), UserFactory()
    learner_journey(mine, built, lessons=1)
    learner_journey(theirs, built, lessons=2)
    return mine, theirs


def test_a_learner_downloads_only_their_own_statements(client, two_learners):
    mine, theirs = two_learners
    client.force_login(mine)
    response = client.get(DOWNLOAD)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"]
    body = json.loads(response.content)
    expected = list(
        OutboxStatement.objects.filter(user=mine).order_by("id").values_list("statement", flat=True)
    )
    assert body == {"statements": expected, "more": ""}
    assert len(expected) == 4
    assert {s["actor"]["account"]["name"] for s in body["statements"]} == {str(mine.pk)}
    assert OutboxStatement.objects.filter(user=theirs).count() == 7


def test_the_learning_record_page_explains_and_links_the_download(client, two_learners):
    mine, _theirs = two_learners
    first = OutboxStatement.objects.filter(user=mine).order_by("id").first()
    OutboxStatement.objects.filter(pk=first.pk).update(sent_at=timezone.now())
    client.force_login(mine)
    response = client.get(PAGE)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{DOWNLOAD}"' in html
    with translation.override("fa"):
        assert gettext("My learning record") in html
        assert gettext("Download my statements (JSON)") in html
        # statements in all, still waiting: in the page's (Persian) digits
        assert (
            ngettext(
                "Your record holds %(shown)s statement.",
                "Your record holds %(shown)s statements.",
                4,
            )
            % {"shown": "۴"}
            in html
        )
    assert "۳" in html


@pytest.mark.parametrize("url", [PAGE, DOWNLOAD])
def test_anonymous_visitors_are_sent_to_log_in(client, two_learners, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/fa/accounts/login/")
    assert "next=" in response["Location"]


def test_the_download_refuses_other_methods(client, two_learners):
    client.force_login(two_learners[0])
    assert client.post(DOWNLOAD).status_code == 405


@pytest.fixture
def superuser():
    return UserFactory(is_superuser=True, is_staff=True)


@pytest.fixture
def failing(two_learners):
    """The first learner's statements failed twice; one of the other learner's was sent."""
    mine, theirs = two_learners
    later = timezone.now() + timedelta(minutes=5)
    OutboxStatement.objects.filter(user=mine).update(
        attempts=2, next_attempt_at=later, last_error="ConnectionRefusedError: refused"
    )
    sent = OutboxStatement.objects.filter(user=theirs).order_by("id").first()
    OutboxStatement.objects.filter(pk=sent.pk).update(sent_at=timezone.now())
    return mine, theirs, sent


def test_a_superuser_sees_the_outbox_with_filters_and_errors(client, superuser, failing):
    client.force_login(superuser)
    response = client.get(OUTBOX)
    assert response.status_code == 200
    html = response.content.decode()
    assert "ConnectionRefusedError: refused" in html
    assert html.count("registered") >= 2

    pending = client.get(OUTBOX, {"state": "pending"}).context["object_list"]
    assert len(pending) == 10
    sent = client.get(OUTBOX, {"state": "sent"}).context["object_list"]
    assert [row.pk for row in sent] == [failing[2].pk]
    failed = client.get(OUTBOX, {"failing": "true"}).context["object_list"]
    assert {row.user_id for row in failed} == {failing[0].pk}

    inspect = client.get(f"{OUTBOX}inspect/{failing[2].pk}/")
    assert inspect.status_code == 200
    assert str(failing[2].statement_id) in inspect.content.decode()


def test_the_outbox_exports_as_csv(client, superuser, failing):
    client.force_login(superuser)
    response = client.get(OUTBOX, {"export": "csv", "state": "pending"})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert len(rows) == 1 + 10
    assert any("ConnectionRefusedError: refused" in cell for row in rows for cell in row)


def test_the_outbox_is_read_only_even_for_superusers(client, superuser, failing):
    client.force_login(superuser)
    row = OutboxStatement.objects.first()
    for url in (f"{OUTBOX}new/", f"{OUTBOX}edit/{row.pk}/", f"{OUTBOX}delete/{row.pk}/"):
        assert client.get(url, follow=True).status_code == 404
    html = client.get(OUTBOX).content.decode()
    assert f"{OUTBOX}edit/" not in html and f"{OUTBOX}delete/" not in html


def test_only_superusers_see_the_outbox(client, failing):
    editor = UserFactory()
    group = Group.objects.create(name="Outbox readers?")
    group.permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        *Permission.objects.filter(content_type__app_label="xapi"),
    )
    editor.groups.add(group)
    client.force_login(editor)
    assert client.get("/admin/").status_code == 200
    for response in (
        client.get(OUTBOX),
        client.get("/admin/xapi/retry/"),
        client.post("/admin/xapi/retry/"),
    ):  # the admin's answer to a permission denied: back to the dashboard
        assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get(OUTBOX, follow=True).context.get("object_list") is None
    waiting = OutboxStatement.objects.filter(next_attempt_at__gt=timezone.now())
    assert waiting.count() == 4


def test_retry_now_makes_waiting_statements_due(client, superuser, failing, settings):
    settings.XAPI_LRS_URL = ""
    client.force_login(superuser)
    confirm = client.get("/admin/xapi/retry/")
    assert confirm.status_code == 200
    assert confirm.context["waiting"] == 4
    assert 'method="post"' in confirm.content.decode()
    assert OutboxStatement.objects.filter(next_attempt_at__gt=timezone.now()).count() == 4
    response = client.post("/admin/xapi/retry/")
    assert response.status_code == 302 and response["Location"] == OUTBOX
    assert not OutboxStatement.objects.filter(next_attempt_at__gt=timezone.now()).exists()
    row = OutboxStatement.objects.filter(user=failing[0]).first()
    assert row.attempts == 2 and row.sent_at is None  # history kept, only the wait is over


def test_retry_needs_a_csrf_token(superuser, failing):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(superuser)
    assert client.post("/admin/xapi/retry/").status_code == 403
    assert OutboxStatement.objects.filter(next_attempt_at__gt=timezone.now()).count() == 4


def test_privacy_export_and_erasure(two_learners):
    mine, theirs = two_learners
    sent = OutboxStatement.objects.filter(user=mine).order_by("id")[:2]
    OutboxStatement.objects.filter(pk__in=[row.pk for row in sent]).update(sent_at=timezone.now())

    exported = {}
    for hook in hooks.get_hooks("savad_user_data"):
        exported.update(hook(mine))
    assert [s["id"] for s in exported["xapi_statements.json"]] == [
        str(i)
        for i in OutboxStatement.objects.filter(user=mine)
        .order_by("id")
        .values_list("statement_id", flat=True)
    ]

    for hook in hooks.get_hooks("savad_erase_user"):
        hook(mine)
    assert not OutboxStatement.objects.filter(user=mine).exists()
    detached = OutboxStatement.objects.filter(user=None)
    assert detached.count() == 2 and all(row.sent_at for row in detached)
    assert OutboxStatement.objects.filter(user=theirs).count() == 7
