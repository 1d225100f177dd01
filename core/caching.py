"""Caches of published structure (sites, page routes, course outlines) and their invalidation.

Everything cached here is derived from published pages. One content version, stored in the
cache, is part of every key; publishing, unpublishing, moving or deleting a page, or changing
a site or a view restriction, moves the version on, so no stale entry is ever read again.
With a per-process cache (locmem) other processes see changes when their entries time out.
The signals that move the version on are connected in ``core/receivers.py``.

Within a request (``ContentCacheMiddleware`` opens a memo) the version is read once, every
entry read or built is kept, and ``prefetch`` reads the entries a page will need in one
round trip (``cache.get_many``): a page costs the version, the route and the page's entries,
three round trips in all. Outside a request (tasks, shell) every read goes to the cache.
"""

import uuid
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import TypeVar

from django.core.cache import cache
from wagtail.models import Locale, Page, PageViewRestriction

T = TypeVar("T")
VERSION_KEY = "savad:content-version"
TIMEOUT = 5 * 60
_MISSING = object()  # prefetched, and not in the cache: build it without asking again


class _Memo:
    __slots__ = ("version", "values")

    def __init__(self):
        self.version: str | None = None
        self.values: dict[str, object] = {}


_memo: ContextVar[_Memo | None] = ContextVar("savad_content_memo", default=None)


def start_request():
    """Open this request's memo; returns the token ``end_request`` takes."""
    return _memo.set(_Memo())


def end_request(token) -> None:
    _memo.reset(token)


def content_version() -> str:
    memo = _memo.get()
    if memo is not None and memo.version is not None:
        return memo.version
    version = cache.get(VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        cache.set(VERSION_KEY, version, None)
    if memo is not None:
        memo.version = version
    return version


def bump_content_version(**_kwargs) -> None:
    version = uuid.uuid4().hex
    cache.set(VERSION_KEY, version, None)
    memo = _memo.get()
    if memo is not None:  # what this request read is stale now
        memo.version = version
        memo.values.clear()


def _full_key(key: str) -> str:
    return f"savad:{key}:{content_version()}"


def prefetch(keys: Iterable[str]) -> None:
    """Read the entries ``keys`` (as given to ``cached_content``) in one round trip.

    Only within a request: later ``cached_content`` calls for these keys answer from the memo
    (or build at once what the cache did not have). Keys already read are not asked again.
    """
    memo = _memo.get()
    if memo is None:
        return
    wanted = {_full_key(key) for key in keys} - memo.values.keys()
    if not wanted:
        return
    found = cache.get_many(list(wanted))
    for full_key in wanted:
        memo.values[full_key] = found.get(full_key, _MISSING)


def cached_content(key: str, build: Callable[[], T], timeout: int = TIMEOUT) -> T:
    """``build()``'s result for ``key`` at the current content version."""
    full_key = _full_key(key)
    memo = _memo.get()
    value = memo.values.get(full_key) if memo is not None else None
    if value is None:
        value = cache.get(full_key)
    if value is None or value is _MISSING:
        value = build()
        cache.set(full_key, value, timeout)
    if memo is not None:
        memo.values[full_key] = value
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
