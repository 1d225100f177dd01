"""Caches of published structure (sites, page routes, course outlines) and their invalidation.

Everything cached here is derived from published pages. One content version, stored in the
cache, is part of every key; publishing, unpublishing, moving or deleting a page, or changing
a site or a view restriction, moves the version on, so no stale entry is ever read again.
With a per-process cache (locmem) other processes see changes when their entries time out.
The signals that move the version on are connected in ``core/receivers.py``.
"""

import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from wagtail.models import Locale, Page, PageViewRestriction

T = TypeVar("T")
VERSION_KEY = "savad:content-version"
TIMEOUT = 5 * 60


def content_version() -> str:
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.set(VERSION_KEY, version, None)
    return version


def bump_content_version(**_kwargs) -> None:
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def cached_content(key: str, build: Callable[[], T], timeout: int = TIMEOUT) -> T:
    """``build()``'s result for ``key`` at the current content version."""
    full_key = f"savad:{key}:{content_version()}"
    value = cache.get(full_key)
    if value is None:
        value = build()
        cache.set(full_key, value, timeout)
    return value


def locale_for(language_code: str) -> Locale | None:
    return (
        cached_content(
            f"locale:{language_code}",
            lambda: Locale.objects.filter(language_code=language_code).first() or False,
        )
        or None
    )


def view_restrictions_exist() -> bool:
    return cached_content("view-restrictions", lambda: PageViewRestriction.objects.exists())


def page_translations(page: Page) -> list[Page]:
    """Published language versions of ``page`` (itself included), with their locales."""
    return cached_content(
        f"translations:{page.pk}",
        lambda: list(page.get_translations(inclusive=True).live().select_related("locale")),
    )
