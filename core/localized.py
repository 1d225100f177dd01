"""Which language version of a page to show: one rule for every caller.

A page's translations share its ``translation_key``. Savad shows the one in the active
language, else the one in the site's default language (``settings.LANGUAGE_CODE``), else the
page the caller already has (for a set of pages: the first one given, lowest id by default).
"""

from collections.abc import Callable, Iterable
from typing import TypeVar
from uuid import UUID

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import get_language
from wagtail.models import Page

from .caching import locale_for

T = TypeVar("T")


def _ranks() -> dict[str, int]:
    """Language code → preference (lower wins); languages not listed rank after these."""
    active = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    ranks = {settings.LANGUAGE_CODE: 1}
    ranks[active] = 0
    return ranks


def _pick(rows: Iterable[T], key: Callable[[T], UUID], language: Callable[[T], str]) -> dict:
    ranks = _ranks()
    last = len(ranks)
    chosen: dict = {}
    for row in rows:
        current = chosen.get(key(row))
        if current is None or ranks.get(language(row), last) < ranks.get(language(current), last):
            chosen[key(row)] = row
    return chosen


def pick_translations(pages: Iterable[Page]) -> dict[UUID, Page]:
    """One page per translation key out of ``pages`` (loaded with their ``locale``)."""
    return _pick(pages, lambda page: page.translation_key, lambda page: page.locale.language_code)


def _candidates(keys, pages: QuerySet | None) -> QuerySet:
    pages = Page.objects.live() if pages is None else pages
    return pages.filter(translation_key__in=keys).order_by("pk")


def localized_pages(keys: Iterable[UUID], *, pages: QuerySet | None = None) -> dict[UUID, Page]:
    """The page to show for each translation key (one query).

    Chosen among ``pages`` (live pages of any type unless given, e.g. ``CoursePage.objects``).
    """
    keys = {key for key in keys if key}
    if not keys:
        return {}
    return pick_translations(_candidates(keys, pages).select_related("locale"))


def localized_page(key: UUID | None, *, pages: QuerySet | None = None) -> Page | None:
    """The page to show for one translation key, or None when there is none (one query)."""
    return localized_pages([key], pages=pages).get(key) if key else None


def localized(page: Page) -> Page:
    """``page`` as the reader should see it: its live translation in the active language,
    else in the default language, else ``page`` itself (no query when ``page`` is already in
    the active language)."""
    ranks = _ranks()
    own = len(ranks)
    for language, rank in ranks.items():
        locale = locale_for(language)
        if locale is not None and locale.pk == page.locale_id:
            own = rank
    better = [language for language, rank in ranks.items() if rank < own]
    if not better:
        return page
    translations = (
        page.get_translations()
        .live()
        .filter(locale__language_code__in=better)
        .select_related("locale")
    )
    return pick_translations(translations).get(page.translation_key, page)


def page_titles(keys: Iterable[UUID], *, pages: QuerySet | None = None) -> dict[UUID, str]:
    """The title to show for each translation key (one query; see ``localized_pages``)."""
    keys = {key for key in keys if key}
    if not keys:
        return {}
    rows = _candidates(keys, pages).values_list("translation_key", "locale__language_code", "title")
    chosen = _pick(rows, lambda row: row[0], lambda row: row[1])
    return {key: title for key, (_key, _language, title) in chosen.items()}
