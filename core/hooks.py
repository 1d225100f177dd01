"""Hooks through which upper apps lend ``core`` what it must not import.

``core`` is the ground floor: it imports no project app. Where a core page or template tag
needs something an upper app owns (the learner's next activity, the course catalogue), the
upper app registers a Wagtail hook in its ``wagtail_hooks.py`` and core asks the hooks.
"""

from wagtail import hooks

HOME_PAGE_CONTEXT = "savad_home_page_context"
"""``fn(*, request, context) -> None``: add keys to the home page's template context."""

CATALOGUE_URL = "savad_catalogue_url"
"""``fn(*, request) -> str | None``: URL of the active language's course catalogue."""


def extend_home_page_context(*, request, context: dict) -> None:
    for fn in hooks.get_hooks(HOME_PAGE_CONTEXT):
        fn(request=request, context=context)


def catalogue_url(*, request) -> str | None:
    """The first catalogue URL a hook gives, or None when no app (or no catalogue) has one."""
    for fn in hooks.get_hooks(CATALOGUE_URL):
        url = fn(request=request)
        if url:
            return url
    return None
