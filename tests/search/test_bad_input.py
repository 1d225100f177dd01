"""Whatever is typed into search answers a search page (with a message when nothing in it can
be searched; 400 for control characters, which no keyboard types), never a 500.

Before: a NUL answered 500 on PostgreSQL ("A string literal cannot contain NUL"), and a lone
quote (and other FTS5 syntax) 500 on SQLite ("fts5: syntax error").
"""

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

NO_WORD = "Type at least one word (letters or digits) to search for."
CANNOT_SEARCH = "Your search contains characters that cannot be searched."


def _titles(response) -> list[str]:
    return [page.title for page in response.context["results"]]


@pytest.mark.parametrize("query", ["a\x00b", "\x00", "digital\x1bskills", "\x7f"])
def test_control_characters_are_refused_with_a_message(client, site_tree, query):
    response = client.get("/en/search/", {"q": query})
    assert response.status_code == 400
    html = response.content.decode()
    assert CANNOT_SEARCH in html
    assert "\x00" not in html


def test_a_nul_in_the_raw_url_is_refused_in_persian_too(client, site_tree):
    response = client.get("/fa/search/?q=a%00b")
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()


@pytest.mark.parametrize("query", ['"', "*", "(", ")", "()", '""', "^", ":", "-", "'", "+ - *"])
def test_a_query_without_a_word_says_so(client, site_tree, query):
    response = client.get("/en/search/", {"q": query})
    assert response.status_code == 200
    assert not response.context.get("results")
    assert NO_WORD in response.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        '"digital skills',
        'digital" skills',
        "digital* skills*",
        "(digital skills",
        "digital) skills(",
        "digital:skills",
        "^digital skills",
        "{digital} skills",
        "-digital skills",
        "digital\\ skills",
    ],
)
def test_search_engine_syntax_is_searched_as_plain_words(client, site_tree, query):
    response = client.get("/en/search/", {"q": query})
    assert response.status_code == 200
    assert _titles(response) == ["Savad"]


@pytest.mark.parametrize(
    "query",
    ["AND", "digital AND", "OR skills", "NOT", "NEAR(digital skills)", "NEAR(", "a*b", "it's"],
)
def test_operator_words_are_ordinary_words(client, site_tree, query):
    response = client.get("/en/search/", {"q": query})
    assert response.status_code == 200


def test_persian_words_keep_their_zero_width_non_joiner(client, site_tree):
    response = client.get("/fa/search/", {"q": "«مهارت‌های» دیجیتال!"})
    assert response.status_code == 200
    assert _titles(response) == ["سواد"]


def test_a_huge_page_number_shows_the_last_page(client, site_tree):
    response = client.get("/en/search/", {"q": "digital", "page": "9" * 30})
    assert response.status_code == 200
    assert _titles(response) == ["Savad"]


@pytest.mark.parametrize("page", ["-1", "0", "abc", "", "1.5", "9" * 5000])
def test_a_page_that_is_not_a_page_number_shows_the_first(client, site_tree, page):
    response = client.get("/en/search/", {"q": "digital", "page": page})
    assert response.status_code == 200
    assert response.context["results"].number == 1
    assert _titles(response) == ["Savad"]
