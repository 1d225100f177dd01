import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def login_url(lang="en"):
    with translation.override(lang):
        return reverse("accounts:login")


def attempt(client, username, password, lang="en"):
    return client.post(login_url(lang), {"username": username, "password": password})


def test_login_with_correct_password_goes_to_the_dashboard(client, site_tree, user):
    response = attempt(client, user.username, PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == "/en/dashboard/"
    assert client.get("/en/").context["user"] == user


def test_wrong_password_gives_clear_message(client, user):
    response = attempt(client, user.username, "wrong")
    assert response.status_code == 200
    assert "Please enter a correct username and password" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_wrong_password_message_in_persian(client, user):
    response = attempt(client, user.username, "wrong", lang="fa")
    assert "نام کاربری و گذرواژه" in response.content.decode()


def test_five_bad_tries_lock_the_account_with_clear_message(client, user):
    for _ in range(4):
        assert attempt(client, user.username, "wrong").status_code == 200
    locked = attempt(client, user.username, "wrong")
    assert locked.status_code == 429
    body = locked.content.decode()
    assert "Too many failed log-in attempts" in body
    assert "after 5 wrong passwords" in body
    assert "try again in 15 minutes" in body
    # Even the right password is refused while locked, and nobody is logged in.
    still_locked = attempt(client, user.username, PASSWORD)
    assert still_locked.status_code == 429
    assert "_auth_user_id" not in client.session


def test_lockout_page_is_persian_on_fa(client, user):
    for _ in range(5):
        response = attempt(client, user.username, "wrong", lang="fa")
    assert response.status_code == 429
    assert "تلاش‌های ناموفق ورود بیش از حد مجاز" in response.content.decode()


def test_lockout_of_one_account_leaves_others_alone(client, user):
    other = UserFactory()
    for _ in range(5):
        attempt(client, user.username, "wrong")
    assert attempt(client, other.username, PASSWORD).status_code == 302


@override_settings(AXES_COOLOFF_TIME=None)
def test_successful_login_resets_failure_count(client, user):
    for _ in range(4):
        attempt(client, user.username, "wrong")
    assert attempt(client, user.username, PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        assert attempt(client, user.username, "wrong").status_code == 200


def test_logout_requires_post(client, user):
    client.force_login(user)
    with translation.override("en"):
        url = reverse("accounts:logout")
    assert client.get(url).status_code == 405
    assert "_auth_user_id" in client.session
    response = client.post(url)
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
