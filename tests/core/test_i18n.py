import pytest
from django.test import Client

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def test_persian_pages_are_right_to_left(client, site_tree):
    body = client.get("/fa/").content.decode()
    assert '<html lang="fa" dir="rtl">' in body
    assert "سواد" in body


def test_english_pages_are_left_to_right(client, site_tree):
    body = client.get("/en/").content.decode()
    assert '<html lang="en" dir="ltr">' in body
    assert "Learn digital skills step by step" in body


def test_root_redirects_to_persian_by_default(client, site_tree):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/fa/"


def test_root_follows_browser_language(site_tree):
    response = Client(headers={"accept-language": "en-GB,en;q=0.8"}).get("/")
    assert response["Location"] == "/en/"


def test_language_switcher_on_a_page_links_its_translation(client, site_tree):
    body = client.get("/fa/").content.decode()
    assert '<a href="/en/" lang="en" hreflang="en">English</a>' in body
    assert '<span aria-current="true" lang="fa">فارسی</span>' in body
    back = client.get("/en/").content.decode()
    assert '<a href="/fa/" lang="fa" hreflang="fa">فارسی</a>' in back


def test_language_switcher_on_a_view_keeps_the_path(client, site_tree):
    body = client.get("/fa/accounts/login/?next=/fa/").content.decode()
    assert '<a href="/en/accounts/login/?next=/fa/" lang="en" hreflang="en">' in body


def test_learner_facing_strings_are_translated(client, site_tree):
    fa = client.get("/fa/accounts/signup/").content.decode()
    en = client.get("/en/accounts/signup/").content.decode()
    assert "حساب سواد خود را بسازید" in fa
    assert "Create your Savad account" in en
    assert "Skip to main content" not in fa


def test_unknown_page_gives_friendly_404_in_the_language(client, site_tree):
    response = client.get("/fa/no-such-page/")
    assert response.status_code == 404
    assert "صفحه پیدا نشد" in response.content.decode()
