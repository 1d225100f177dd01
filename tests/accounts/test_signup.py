import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def signup_data(**overrides):
    data = {
        "username": "maryam",
        "display_name": "مریم",
        "email": "maryam@example.org",
        "preferred_language": "fa",
        "password1": "a-long-enough-Secret-42",
        "password2": "a-long-enough-Secret-42",
    }
    data.update(overrides)
    return data


def signup_url(lang="en"):
    with translation.override(lang):
        return reverse("accounts:signup")


def test_signup_creates_account_and_logs_in(client, site_tree):
    response = client.post(signup_url(), signup_data())
    assert response.status_code == 302
    assert response["Location"] == "/en/dashboard/"
    user = User.objects.get(username="maryam")
    assert user.display_name == "مریم"
    assert user.check_password("a-long-enough-Secret-42")
    home = client.get("/en/")
    assert "Welcome back, مریم!" in home.content.decode()


def test_signup_refuses_duplicate_email_case_insensitively(client):
    UserFactory(email="Maryam@Example.org")
    response = client.post(signup_url(), signup_data(email="maryam@example.ORG"))
    assert response.status_code == 200
    assert "An account with this e-mail address already exists" in response.content.decode()
    assert not User.objects.filter(username="maryam").exists()


def test_signup_duplicate_email_message_is_persian_on_fa_pages(client):
    UserFactory(email="maryam@example.org")
    response = client.post(signup_url("fa"), signup_data())
    assert "حسابی با این نشانی ایمیل از پیش وجود دارد" in response.content.decode()
    assert User.objects.count() == 1


def test_signup_refuses_mismatched_passwords_and_keeps_nothing(client):
    response = client.post(signup_url(), signup_data(password2="something-else-entirely"))
    assert response.status_code == 200
    assert "didn’t match" in response.content.decode()
    assert not User.objects.exists()


def test_database_refuses_duplicate_email_even_past_the_form(db):
    from django.db import IntegrityError, transaction

    UserFactory(email="same@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.create(username="other", email="SAME@example.org")


def test_signup_form_is_not_offered_to_logged_in_users(client, user):
    client.force_login(user)
    response = client.get(signup_url())
    assert response.status_code == 302
