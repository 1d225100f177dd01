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

Large entries that are plain immutable data (a course's syllabus and its HTML) are also kept
in this process (``local=True``), under the same versioned key and timeout: they are not
unpickled again on every request, and a new content version never finds them. Never keep
model instances there: they would be shared between requests and threads.
"""

import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterable
from contextvars import ContextVar
from typing import TypeVar

from django.core.cache import cache
from wagtail.models import Locale, Page, PageViewRestriction

T = TypeVar("T")
VERSION_KEY = "savad:content-version"
TIMEOUT = 5 * 60
LOCAL_ENTRIES = 64  # per process, least recently used first out
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


class _LocalEntries:
    """A small per-process LRU of versioned, immutable entries, each with its expiry."""

    def __init__(self, size: int):
        self.size = size
        self.entries: OrderedDict[str, tuple[float, object]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: str):
        with self.lock:
            found = self.entries.get(key)
            if found is None:
                return None
            if found[0] < time.monotonic():
                del self.entries[key]
                return None
            self.entries.move_to_end(key)
            return found[1]

    def put(self, key: str, value, timeout: int) -> None:
        with self.lock:
            self.entries[key] = (time.monotonic() + timeout, value)
            self.entries.move_to_end(key)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


local_entries = _LocalEntries(LOCAL_ENTRIES)


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
    (or build at once what the cache did not have). Keys already read, or kept in this
    process, are not asked for.
    """
    memo = _memo.get()
    if memo is None:
        return
    wanted = set()
    for key in keys:
        full_key = _full_key(key)
        if full_key in memo.values:
            continue
        local = local_entries.get(full_key)
        if local is not None:
            memo.values[full_key] = local
        else:
            wanted.add(full_key)
    if not wanted:
        return
    found = cache.get_many(list(wanted))
    for full_key in wanted:
        memo.values[full_key] = found.get(full_key, _MISSING)


def cached_content(
    key: str, build: Callable[[], T], timeout: int = TIMEOUT, *, local: bool = False
) -> T:
    """``build()``'s result for ``key`` at the current content version; with ``local``, also
    kept in this process (plain immutable data only, see above)."""
    full_key = _full_key(key)
    memo = _memo.get()
    value = memo.values.get(full_key) if memo is not None else None
    if value is None and local:
        value = local_entries.get(full_key)
    if value is None:
        value = cache.get(full_key)
    if value is None or value is _MISSING:
        value = build()
        cache.set(full_key, value, timeout)
    if local and local_entries.get(full_key) is None:  # read from the cache or built now
        local_entries.put(full_key, value, timeout)
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
