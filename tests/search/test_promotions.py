"""Administrators' side of search: promotions on the page, queries and misses recorded."""

import pytest
from wagtail.contrib.search_promotions.models import Query, SearchPromotion

from search.models import QueryDailyMisses
from tests.search.corpus import build_corpus

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


@pytest.fixture(scope="module")
def corpus(module_site_tree):
    built = build_corpus()
    query = Query.get("گوشی")
    SearchPromotion.objects.create(
        query=query, page=built.pages["bank"], description="دورهٔ پیشنهادی", sort_order=1
    )
    SearchPromotion.objects.create(
        query=query,
        external_link_url="https://example.org/phones",
        external_link_text="راهنمای گوشی",
        sort_order=2,
    )
    SearchPromotion.objects.create(query=query, page=built.pages["bills"], sort_order=3)
    return built


def test_promotions_show_for_any_spelling_of_their_query(client, corpus):
    response = client.get("/fa/search/", {"q": "گوشي"})  # Arabic yeh
    shown = response.context["promotions"]
    assert [p.title for p in shown] == ["بانکداری اینترنتی", "راهنمای گوشی"]
    html = response.content.decode()
    assert "دورهٔ پیشنهادی" in html and 'href="https://example.org/phones"' in html
    # the lesson promoted third is gated: only a learner of its course sees it
    assert corpus.pages["bills"].url not in html
    client.force_login(corpus.learner)
    learner_view = client.get("/fa/search/", {"q": "گوشی"}).context["promotions"]
    assert [p.page_id for p in learner_view if p.page_id] == [
        corpus.pages["bank"].pk,
        corpus.pages["bills"].pk,
    ]


def test_promotions_of_another_language_are_left_out(client, corpus):
    promotions = client.get("/en/search/", {"q": "گوشی"}).context["promotions"]
    assert [p.title for p in promotions] == ["راهنمای گوشی"]


def test_searches_are_counted_after_the_request_and_misses_apart(
    client, corpus, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.get("/fa/search/", {"q": "کارت"})
        client.get("/fa/search/", {"q": "كارت"})  # the same query, spelled otherwise
        client.get("/fa/search/", {"q": "هواپیما"})
        client.get("/fa/search/", {"q": "کارت", "page": 2})  # a further page: not a search
    assert Query.get("کارت").hits == 2
    assert not QueryDailyMisses.objects.filter(query__query_string="کارت").exists()
    assert Query.get("هواپیما").hits == 1
    assert QueryDailyMisses.objects.get(query__query_string="هواپیما").misses == 1


def test_the_report_lists_searches_without_results_for_administrators(
    client, corpus, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            client.get("/fa/search/", {"q": "zeppelin"})
    client.force_login(corpus.admin)
    report = client.get("/admin/search-reports/no-results/")
    assert report.status_code == 200
    html = report.content.decode()
    assert "zeppelin" in html
    terms = client.get("/admin/searchpicks/reports/search-terms/")
    assert terms.status_code == 200 and "zeppelin" in terms.content.decode()
    client.force_login(corpus.learner)
    assert client.get("/admin/search-reports/no-results/").status_code in (302, 403)
