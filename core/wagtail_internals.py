"""Every use of Wagtail's private attributes, in one place.

Savad's router (``core.routing``) replaces Wagtail's tree walk with a two-query lookup but
still hands the result to Wagtail's ``serve`` view, so that Wagtail's hooks and the pages' own
``route``/``serve`` run. That needs a few things Wagtail does not document as public API:

* ``Site._find_for_request``: the uncached site lookup (``Site.find_for_request`` caches on the
  request only; we cache it across requests);
* ``request._wagtail_site`` and ``request._wagtail_route_for_request``: the per-request caches
  that ``Site.find_for_request`` and ``Page.route_for_request`` read before doing their own
  lookups, so our results are the ones Wagtail's serve view uses;
* ``request._wagtail_cached_site_root_paths``: where ``Page.get_url(request)`` keeps the
  sites' root paths for the request (``Site.get_site_root_paths`` reads them from the cache
  under a key of its own: one more round trip, which our content cache saves);
* ``wagtail.urls.urlpatterns`` ending with the catch-all ``wagtail_serve`` pattern, which we
  replace with our own view.

A Wagtail upgrade may change any of these; ``tests/core/test_wagtail_internals.py`` checks that
they still exist and behave as relied on here, so that it fails loudly rather than the router
quietly falling back to slow routing or serving the wrong page.
"""

from wagtail import urls as wagtail_urls
from wagtail.models import Site

#: The URL pattern of Wagtail's front-end pages (public in ``wagtail.urls``).
SERVE_PATTERN = wagtail_urls.serve_pattern


def find_site(request) -> Site | None:
    """The site for the request's host and port, looked up now (nothing cached)."""
    return Site._find_for_request(request)


def remember_site(request, site: Site | None) -> None:
    """Make ``Site.find_for_request(request)`` answer ``site`` without a query."""
    request._wagtail_site = site


def remember_route(request, route) -> None:
    """Make ``Page.route_for_request`` answer ``route`` (a RouteResult, or None for 404)."""
    request._wagtail_route_for_request = route


def remember_site_root_paths(request, paths: list) -> None:
    """Make ``Page.get_url(request)`` use ``paths`` (``Site.get_site_root_paths()``)."""
    request._wagtail_cached_site_root_paths = paths


def urlpatterns_without_serve() -> list:
    """Wagtail's front-end URL patterns except the catch-all page view, which we replace."""
    patterns = [p for p in wagtail_urls.urlpatterns if getattr(p, "name", None) != "wagtail_serve"]
    if len(patterns) != len(wagtail_urls.urlpatterns) - 1:
        raise RuntimeError("wagtail.urls.urlpatterns no longer has exactly one 'wagtail_serve'")
    return patterns
