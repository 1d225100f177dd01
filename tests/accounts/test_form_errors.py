"""Bad input on the learner's forms: the message sits beside its field (tied to it for screen
readers), in the page's language, and what was typed is kept (passwords apart)."""

import html
import re

import pytest
from django.utils import translation
from django.utils.translation import gettext

from tests.factories import UserFactory

from .test_signup import signup_data

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

SCRIPT = '<script>alert("x")</script>'


def field_error(page: str, name: str) -> str:
    """The error text tied to the field ``name`` through ``aria-describedby``."""
    field = re.search(rf'<(?:input|select|textarea)[^>]*name="{name}"[^>]*>', page)
    assert field, name
    described = re.search(r'aria-describedby="([^"]+)"', field.group(0))
    assert described, field.group(0)
    assert 'aria-invalid="true"' in field.group(0)
    for ident in described.group(1).split():
        block = re.search(rf'id="{ident}"[^>]*>(.*?)</(?:ul|div|p)>', page, re.S)
        if block and "error" in ident:
            return html.unescape(re.sub(r"<[^>]+>", " ", block.group(1))).strip()
    raise AssertionError(f"no error tied to {name}")


def in_language(language: str, message: str) -> str:
    with translation.override(language):
        return gettext(message)


@pytest.mark.parametrize("language", ["fa", "en"])
def test_signup_errors_sit_beside_their_fields_in_the_pages_language(client, language):
    data = signup_data(
        username="",  # empty
        display_name=SCRIPT + "ن" * 200,  # too long, with a script tag
        email="not-an-address",
        password2="something else",
    )
    page = client.post(f"/{language}/accounts/signup/", data).content.decode()
    assert in_language(language, "This field is required.") in field_error(page, "username")
    assert field_error(page, "email")  # "Enter a valid email address." in the page's language
    assert field_error(page, "display_name")
    assert field_error(page, "password2")
    # kept, escaped: never run
    assert 'value="not-an-address"' in page
    assert SCRIPT not in page and html.escape(SCRIPT) in page
    assert "something else" not in page  # passwords are never sent back


def test_persian_digits_and_spaces_in_an_address_are_refused_and_kept(client):
    page = client.post("/fa/accounts/signup/", signup_data(email="مریم @example.org")).content
    page = page.decode()
    assert field_error(page, "email")
    assert 'value="مریم @example.org"' in page


def test_profile_errors_keep_what_was_typed(client):
    user = UserFactory()
    UserFactory(email="taken@example.org")
    client.force_login(user)
    page = client.post(
        "/fa/accounts/profile/",
        {"display_name": "ن" * 151, "email": "taken@example.org", "preferred_language": "xx"},
    ).content.decode()
    assert "۱۵۰" in field_error(page, "display_name") or "150" in field_error(page, "display_name")
    assert in_language("fa", "An account with this e-mail address already exists.") in field_error(
        page, "email"
    )
    assert field_error(page, "preferred_language")
    assert 'value="taken@example.org"' in page


def test_certificate_verification_form_says_what_is_wrong_with_a_code(client):
    page = client.get("/verify/", {"code": SCRIPT, "lang": "fa"}).content.decode()
    assert field_error(page, "code")
    assert SCRIPT not in page


@pytest.mark.parametrize(("language", "limit"), [("fa", "۱۵۰"), ("en", "150")])
def test_numbers_in_error_messages_use_the_pages_digits(client, language, limit):
    page = client.post(f"/{language}/accounts/signup/", signup_data(username="a" * 200)).content
    error = field_error(page.decode(), "username")
    assert limit in error
    if language == "fa":
        assert not re.search(r"[0-9]", error)
