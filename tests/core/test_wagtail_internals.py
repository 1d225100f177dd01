"""What core.wagtail_internals relies on in Wagtail still exists and behaves (fails on upgrade)."""

from django.test import RequestFactory
from django.urls import resolve
from wagtail import urls as wagtail_urls
from wagtail.models import Page, Site

from core import routing, wagtail_internals


def _request(site: Site):
    return RequestFactory().get("/", HTTP_HOST=site.hostname, SERVER_PORT=site.port)


def test_the_uncached_site_lookup_finds_the_site_of_the_host(site_tree):
    site = Site.objects.get(is_default_site=True)
    assert callable(getattr(Site, "_find_for_request", None))
    assert wagtail_internals.find_site(_request(site)) == site


def test_a_remembered_site_is_what_wagtail_answers_without_a_query(
    site_tree, django_assert_num_queries
):
    site = Site.objects.get(is_default_site=True)
    request = _request(site)
    wagtail_internals.remember_site(request, site)
    with django_assert_num_queries(0):
        assert Site.find_for_request(request) is site


def test_a_remembered_route_is_what_wagtail_answers_without_a_query(
    site_tree, django_assert_num_queries
):
    site = Site.objects.get(is_default_site=True)
    page = site.root_page.specific
    request = _request(site)
    wagtail_internals.remember_route(request, (page, [], {}))
    with django_assert_num_queries(0):
        assert Page.route_for_request(request, "/anything/") == (page, [], {})
        assert Page.find_for_request(request, "/anything/") is page
    missing = _request(site)
    wagtail_internals.remember_route(missing, None)
    with django_assert_num_queries(0):
        assert Page.find_for_request(missing, "/anything/") is None


def test_wagtails_urls_end_with_the_one_serve_pattern_that_we_replace():
    names = [getattr(p, "name", None) for p in wagtail_urls.urlpatterns]
    assert names.count("wagtail_serve") == 1
    assert names[-1] == "wagtail_serve"
    kept = wagtail_internals.urlpatterns_without_serve()
    assert kept == wagtail_urls.urlpatterns[:-1]
    assert isinstance(wagtail_internals.SERVE_PATTERN, str)


def test_our_serve_view_answers_the_page_urls():
    assert resolve("/fa/some/page/").func is routing.serve
