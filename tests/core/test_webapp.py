"""The site's icon, its web app manifest, page titles, and nothing loaded from the internet."""

import re

import pytest
from django.contrib.staticfiles import finders

from tests.builders import catalogue
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def test_favicon_ico_leads_to_a_real_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    path = response["Location"].split("/static/", 1)[1]
    with open(finders.find(path), "rb") as icon:
        assert icon.read(4) == b"\x00\x00\x01\x00"  # an ICO file


@pytest.mark.parametrize(
    ("language", "direction", "name"), [("fa", "rtl", "سواد"), ("en", "ltr", "Savad")]
)
def test_the_manifest_speaks_the_pages_language(client, language, direction, name):
    response = client.get(f"/{language}/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    data = response.json()
    assert (data["lang"], data["dir"], data["short_name"]) == (language, direction, name)
    assert data["start_url"] == f"/{language}/"
    for icon in data["icons"]:
        assert finders.find(icon["src"].split("/static/", 1)[1]), icon


def test_pages_link_the_icon_and_manifest_and_the_home_page_is_titled_once(client):
    catalogue("fa")  # the site tree
    html = client.get("/fa/").content.decode()
    assert re.search(r"<title>\s*سواد\s*</title>", html)  # not "سواد · سواد"
    assert 'rel="manifest" href="/fa/manifest.webmanifest"' in html
    assert 'rel="icon"' in html


def test_the_admin_loads_no_avatar_from_the_internet(client):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    html = client.get("/admin/", follow=True).content.decode()
    assert "gravatar" not in html
