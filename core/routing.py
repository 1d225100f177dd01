"""Front-end page routing in two queries, whatever the depth of the page.

Wagtail's own router walks the tree one level at a time (two queries a level) and looks up
the site, the active locale and its root page on every request. Here the site, each
language's root and the sites' root paths (for page URLs) are cached and read in one round
trip (see ``core.caching``) and the deepest published page whose
``url_path`` prefixes the request path is found in one query, plus one for its specific
model. The result is handed to Wagtail's ``serve`` view, so its hooks (view restrictions,
``before_serve_page``) and the page's own ``route``/``serve`` still run.
"""

from django.http import Http404
from django.utils.translation import get_language
from wagtail import views as wagtail_views
from wagtail.models import Page, Site

from .caching import cached_content, locale_for, prefetch
from .wagtail_internals import find_site, remember_route, remember_site, remember_site_root_paths


def _route_keys(host: str, port: int, language: str) -> list[str]:
    return [
        f"site:{host}:{port}",
        f"root:{host}:{port}:{language}",
        "site-root-paths",
        "view-restrictions",
    ]


def _site_for(request, host: str, port: int) -> Site | None:
    site = cached_content(f"site:{host}:{port}", lambda: find_site(request) or False)
    remember_site(request, site or None)
    return site or None


def _localized_root(site: Site, host: str, port: int, language: str) -> Page:
    def build():
        root = site.root_page
        locale = locale_for(language)
        if locale is not None and locale.pk != root.locale_id:
            root = root.get_translation_or_none(locale) or root
            if not root.live:
                root = site.root_page
        return Page.objects.only("id", "path", "depth", "url_path").get(pk=root.pk)

    return cached_content(f"root:{host}:{port}:{language}", build)


def route(request, path: str):
    host, port, language = request.get_host().split(":")[0], request.get_port(), get_language()
    prefetch(_route_keys(host, port, language))  # one cache round trip for what follows
    site = _site_for(request, host, port)
    if site is None:
        raise Http404
    root = _localized_root(site, host, port, language)
    # Wagtail's page URLs need every site's root paths: ours are cached with the rest.
    remember_site_root_paths(request, cached_content("site-root-paths", Site.get_site_root_paths))
    components = [part for part in path.split("/") if part]
    prefixes = [
        root.url_path + "".join(f"{part}/" for part in components[:n])
        for n in range(len(components) + 1)
    ]
    found = list(
        Page.objects.filter(path__startswith=root.path, url_path__in=prefixes)
        .select_related("locale")
        .order_by("depth")
    )
    if not found:
        raise Http404
    deepest = found[-1]
    page = deepest.specific
    page._route_ancestors = found  # the published ancestors, root first, for cheap lookups
    return page.route(request, components[deepest.depth - root.depth :])


def serve(request, path):
    """Wagtail's serve view, with the route found by ``route`` above."""
    try:
        found = route(request, path)
    except Http404:
        found = None
    remember_route(request, found)
    return wagtail_views.serve(request, path)
