"""A page of results and the number of results: one search query on PostgreSQL, any page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale

from search.selectors import result_page, search_pages
from tests.search.corpus import build_corpus

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def corpus(module_site_tree):
    return build_corpus()


def _search(corpus, query="کارت"):
    fa = Locale.objects.get(language_code="fa")
    return search_pages(query, locale=fa, user=corpus.admin)


@pytest.mark.parametrize("per_page", [1, 2, 3, 100])
def test_every_page_tells_the_total_of_the_search(corpus, per_page):
    everything = [page.pk for page in _search(corpus)]
    assert len(everything) >= 3
    seen = []
    number = 1
    while True:
        page = result_page(_search(corpus), number, per_page=per_page)
        assert page.paginator.count == len(everything)
        seen += [result.pk for result in page.object_list]
        if not page.has_next():
            break
        number += 1
    assert seen == everything


def test_past_the_end_is_the_last_page(corpus):
    total = len(list(_search(corpus)))
    page = result_page(_search(corpus), 999, per_page=2)
    assert page.number == page.paginator.num_pages == (total + 1) // 2
    assert page.object_list


def test_page_and_total_are_one_search_query_on_postgresql(corpus):
    assert connection.vendor == "postgresql"  # the module runs in make test's PostgreSQL pass
    with CaptureQueriesContext(connection) as queries:
        page = result_page(_search(corpus), 1, per_page=2)
        assert page.paginator.count >= 3 and len(page.object_list) == 2
    searches = [query["sql"] for query in queries if "@@" in query["sql"]]
    assert len(searches) == 1, searches
