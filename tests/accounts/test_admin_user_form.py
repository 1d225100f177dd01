"""The Wagtail admin's user forms save Savad accounts, which hold a display name."""

import pytest
from django.urls import reverse

from accounts.models import User
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    return client


def test_editing_a_user_without_first_and_last_name_saves(admin_client):
    learner = UserFactory(username="maryam", display_name="مریم", first_name="", last_name="")
    page = admin_client.get(reverse("wagtailusers_users:edit", args=[learner.pk]))
    assert 'name="display_name"' in page.content.decode()
    response = admin_client.post(
        reverse("wagtailusers_users:edit", args=[learner.pk]),
        {
            "username": "maryam",
            "email": "maryam@example.org",
            "first_name": "",
            "last_name": "",
            "display_name": "مریم رضایی",
            "preferred_language": "en",
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    learner.refresh_from_db()
    assert (learner.display_name, learner.email, learner.preferred_language) == (
        "مریم رضایی",
        "maryam@example.org",
        "en",
    )


def test_creating_a_user_needs_no_first_and_last_name(admin_client):
    response = admin_client.post(
        reverse("wagtailusers_users:add"),
        {
            "username": "reza",
            "email": "reza@example.org",
            "display_name": "رضا",
            "preferred_language": "fa",
            "password1": "a-long-enough-passphrase-1404",
            "password2": "a-long-enough-passphrase-1404",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert User.objects.get(username="reza").get_full_name() == "رضا"
