"""Client credentials: the ``xapi_client`` command (in process and as a real process), the
admin viewset, and the secret being shown once and stored only as a hash."""

import sqlite3
from io import StringIO

import pytest
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.db.backends.sqlite3.base import DatabaseWrapper
from django.urls import reverse
from wagtail.users.models import UserProfile

from lrs.models import Client
from tests.conftest import clean_env, run_manage
from tests.factories import UserFactory
from tests.lrs.conftest import Api, statement

pytestmark = pytest.mark.django_db


def parse_credentials(output: str) -> tuple[str, str]:
    lines = output.strip().splitlines()
    assert len(lines) == 2, output
    assert lines[0].startswith("key=") and lines[1].startswith("secret=")
    return lines[0][4:], lines[1][7:]


def run(*args) -> str:
    out = StringIO()
    call_command("xapi_client", *args, stdout=out)
    return out.getvalue()


def test_create_prints_key_and_secret_that_authenticate():
    key, secret = parse_credentials(run("create", "H5P player"))
    client = Client.objects.get(key=key)
    assert client.name == "H5P player" and client.is_active
    assert secret not in client.secret_hash and client.secret_hash
    api = Api(key, secret)
    assert api.post(statement()).status_code == 200
    assert Api(key, secret + "x").get().status_code == 401


def test_list_and_deactivate():
    key, secret = parse_credentials(run("create", "Old app"))
    listing = run("list")
    assert key in listing and "Old app" in listing and "active" in listing
    run("deactivate", key)
    assert Client.objects.get(key=key).is_active is False
    assert "inactive" in run("list")
    assert Api(key, secret).get().status_code == 401


def test_deactivate_unknown_key_fails_with_exit_code_1():
    with pytest.raises(CommandError) as failure:
        run("deactivate", "no-such-key")
    assert failure.value.returncode == 1


def test_create_needs_a_name():
    with pytest.raises(CommandError):
        run("create", "  ")


def test_real_process_prints_credentials_that_authenticate(tmp_path):
    """``manage.py xapi_client create`` in its own process, against a database of its own;
    the row it wrote is then copied here and its printed credentials used over HTTP."""
    path = tmp_path / "clients.sqlite3"
    database = DatabaseWrapper(
        {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path),
            "OPTIONS": {},
            "TIME_ZONE": None,
            "AUTOCOMMIT": True,
            "ATOMIC_REQUESTS": False,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "USER": "",
            "PASSWORD": "",
            "HOST": "",
            "PORT": "",
            "TEST": {},
        }
    )
    with database.schema_editor() as editor:
        editor.create_model(Client)
    database.close()
    env = clean_env(DJANGO_SETTINGS_MODULE="lms.settings.test", DATABASE_URL=f"sqlite:///{path}")
    result = run_manage("xapi_client", "create", "External course", env=env)
    assert result.returncode == 0, result.stderr
    key, secret = parse_credentials(result.stdout)
    with sqlite3.connect(path) as rows:
        name, secret_hash = rows.execute(
            "SELECT name, secret_hash FROM lrs_client WHERE key = ?", (key,)
        ).fetchone()
    assert name == "External course"
    Client.objects.create(name=name, key=key, secret_hash=secret_hash)
    assert Api(key, secret).post(statement()).status_code == 200

    failed = run_manage("xapi_client", "deactivate", "no-such-key", env=env)
    assert failed.returncode == 1
    assert "no-such-key" in failed.stderr


# --- Admin ------------------------------------------------------------------------------------


@pytest.fixture
def admin_user(db):
    user = UserFactory(is_superuser=True, is_staff=True)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


def test_admin_creates_a_client_and_shows_the_secret_once(client, admin_user):
    client.force_login(admin_user)
    assert client.get(reverse("xapi_clients:add")).status_code == 200
    response = client.post(reverse("xapi_clients:add"), {"name": "Partner LMS"})
    created = Client.objects.get(name="Partner LMS")
    assert response.status_code == 302
    assert response["Location"] == reverse("xapi_clients:created", args=[created.pk])
    page = client.get(response["Location"])
    assert page.status_code == 200
    secret = page.context["secret"]
    assert secret and secret in page.content.decode()
    assert created.key in page.content.decode()
    assert "no-store" in page["Cache-Control"]
    assert Api(created.key, secret).get().status_code == 200
    again = client.get(response["Location"])
    assert again.context["secret"] is None
    assert secret not in again.content.decode()


def test_admin_lists_and_deactivates_clients(client, admin_user):
    from lrs import services

    active, secret = services.create_client(name="Quiz tool")
    client.force_login(admin_user)
    listing = client.get(reverse("xapi_clients:index"))
    assert listing.status_code == 200
    assert "Quiz tool" in listing.content.decode() and active.key in listing.content.decode()
    edit = reverse("xapi_clients:edit", args=[active.pk])
    form = client.get(edit)
    assert "is_active" in form.content.decode()
    response = client.post(edit, {"name": "Quiz tool"})  # the box unticked
    assert response.status_code == 302
    active.refresh_from_db()
    assert active.is_active is False
    assert Api(active.key, secret).get().status_code == 401


def test_admin_without_permission_cannot_manage_clients(client):
    editor = UserFactory()
    editor.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    client.force_login(editor)
    assert client.get(reverse("xapi_clients:index")).status_code in (302, 403)
    response = client.post(reverse("xapi_clients:add"), {"name": "Sneaky"})
    assert response.status_code in (302, 403)
    assert not Client.objects.filter(name="Sneaky").exists()
    created = Client.objects.create(name="Other", key="k", secret_hash="x")
    assert client.get(reverse("xapi_clients:created", args=[created.pk])).status_code in (302, 403)

    editor.user_permissions.add(Permission.objects.get(codename="add_client"))
    assert client.get(reverse("xapi_clients:add")).status_code == 200
