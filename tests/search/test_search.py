import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def test_search_finds_pages_of_the_current_language_only(client, site_tree):
    en = client.get("/en/search/", {"q": "digital skills"})
    assert en.status_code == 200
    titles = [page.title for page in en.context["results"]]
    assert titles == ["Savad"]
    fa = client.get("/fa/search/", {"q": "مهارت‌های دیجیتال"})
    assert [page.title for page in fa.context["results"]] == ["سواد"]


def test_search_with_no_match_says_so(client, site_tree):
    response = client.get("/en/search/", {"q": "zzzyyyxxx"})
    assert response.status_code == 200
    assert "Nothing matched your search" in response.content.decode()


def test_empty_and_overlong_queries_are_harmless(client, site_tree):
    assert client.get("/en/search/", {"q": ""}).status_code == 200
    assert client.get("/en/search/", {"q": "x" * 5000}).status_code == 200
    assert client.get("/en/search/", {"q": "digital", "page": "not-a-number"}).status_code == 200
