import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def profile_url(lang="en"):
    with translation.override(lang):
        return reverse("accounts:profile")


def test_profile_needs_login(client):
    response = client.get(profile_url())
    assert response.status_code == 302
    assert response["Location"].startswith("/en/accounts/login/?next=")


def test_profile_update_saves_own_fields(client, user):
    client.force_login(user)
    response = client.post(
        profile_url(),
        {"display_name": "Maryam R.", "email": "new@example.org", "preferred_language": "en"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.display_name, user.email, user.preferred_language) == (
        "Maryam R.",
        "new@example.org",
        "en",
    )


def test_profile_refuses_email_of_another_account(client, user):
    UserFactory(email="taken@example.org")
    client.force_login(user)
    response = client.post(
        profile_url(),
        {"display_name": "x", "email": "TAKEN@example.org", "preferred_language": "fa"},
    )
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    user.refresh_from_db()
    assert user.email != "taken@example.org"


def test_profile_shows_jalali_date_in_persian(client):
    joined = timezone.make_aware(datetime.datetime(2026, 3, 21, 12, 0))
    user = UserFactory(date_joined=joined)
    client.force_login(user)
    fa_page = client.get(profile_url("fa")).content.decode()
    assert "۱ فروردین ۱۴۰۵" in fa_page
    en_page = client.get(profile_url("en")).content.decode()
    assert "21 March 2026" in en_page
