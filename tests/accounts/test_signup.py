import re
import time

import pytest
from django.core import mail
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


def confirmation_link(message) -> str:
    return re.search(r"https?://\S+/accounts/signup/confirm/\S+/", message.body).group(0)


def test_signup_sends_a_link_that_creates_the_account_and_logs_in(client, site_tree):
    response = client.post(signup_url(), signup_data())
    assert response.status_code == 302
    assert response["Location"] == "/en/accounts/signup/sent/"
    assert not User.objects.filter(username="maryam").exists()  # nothing until confirmed
    (message,) = mail.outbox
    assert message.to == ["maryam@example.org"]
    link = confirmation_link(message)
    confirm = client.get(link)
    assert confirm.status_code == 200 and "maryam@example.org" in confirm.content.decode()
    assert not User.objects.filter(username="maryam").exists()  # a GET creates nothing
    response = client.post(link)
    assert response.status_code == 302
    assert response["Location"] == "/en/dashboard/"
    user = User.objects.get(username="maryam")
    assert user.display_name == "مریم" and user.email == "maryam@example.org"
    assert user.check_password("a-long-enough-Secret-42")
    home = client.get("/en/").content.decode()
    assert "Welcome, مریم!" in home and "Welcome back" not in home  # nothing to come back to


def test_a_confirmation_link_works_once(client, site_tree):
    client.post(signup_url(), signup_data())
    link = confirmation_link(mail.outbox[0])
    client.post(link)
    client.logout()
    assert client.post(link).status_code == 404
    assert client.get(link).status_code == 404
    assert User.objects.filter(email="maryam@example.org").count() == 1


def test_signup_with_a_used_address_answers_the_same_and_mails_its_owner(client, site_tree):
    owner = UserFactory(email="Maryam@Example.org", username="first", preferred_language="en")
    password_hash = owner.password
    new = client.post(signup_url(), signup_data(username="fresh", email="fresh@example.org"))
    used = client.post(signup_url(), signup_data(email="maryam@example.ORG"))
    assert (used.status_code, used["Location"]) == (new.status_code, new["Location"])
    sent = client.get(used["Location"]).content.decode()
    assert "Check your e-mail" in sent and "already" not in sent
    assert User.objects.filter(email__iexact="maryam@example.org").count() == 1
    assert not User.objects.filter(username="maryam").exists()
    to_owner = mail.outbox[1]
    assert to_owner.to == ["Maryam@Example.org"]
    assert to_owner.subject == "Someone tried to sign up with your address"
    assert "No new account was created" in to_owner.body and "first" in to_owner.body
    reset = re.search(r"https?://\S+/accounts/password/reset/\S+/", to_owner.body).group(0)
    assert reset.split("/")[3] == "en"  # in the owner's language
    form = client.get(reset, follow=True)
    assert form.status_code == 200 and "new_password1" in form.content.decode()
    owner.refresh_from_db()
    assert owner.password == password_hash  # nothing changes until the owner acts


def test_the_owner_is_mailed_in_persian_when_that_is_their_language(client):
    UserFactory(email="maryam@example.org", preferred_language="fa")
    client.post(signup_url(), signup_data())
    (message,) = mail.outbox
    assert message.subject == "کسی کوشید با نشانی ایمیل شما ثبت‌نام کند"
    assert "/fa/accounts/password/reset/" in message.body


def test_a_confirmation_link_creates_no_second_account_for_an_address(client, site_tree):
    client.post(signup_url(), signup_data())
    client.post(signup_url(), signup_data(username="maryam2"))  # twice before confirming
    first, second = (confirmation_link(message) for message in mail.outbox)
    client.post(first)
    client.logout()
    response = client.post(second)
    assert response.status_code == 409
    assert "already exists" in response.content.decode()
    assert User.objects.filter(email="maryam@example.org").count() == 1


def test_signup_takes_about_as_long_for_a_used_address(client, site_tree):
    UserFactory(email="used@example.org")

    def duration(email, username):
        start = time.perf_counter()
        client.post(signup_url(), signup_data(email=email, username=username))
        return time.perf_counter() - start

    new = min(duration(f"new{n}@example.org", f"new{n}") for n in range(3))
    used = min(duration("used@example.org", f"other{n}") for n in range(3))
    assert used / new > 1 / 3 and new / used > 1 / 3, (new, used)


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
