"""Site search over the pages a user may open, in the current language.

The same rules as the pages themselves: published and without a view restriction; an
activity (lesson, quiz, H5P exercise) only for a learner enrolled in its course or someone
who may edit that course, and only while the course is published (see
``courses.selectors.activity_access`` and ``ActivityPage.serve``). The rule is one filter on
the searched queryset, built from Wagtail's page ``FilterField``s (``content_type``, ``path``),
so the database backends (SQLite, PostgreSQL) and Elasticsearch apply it alike and the
query count does not grow with the results.
"""

import operator
import unicodedata
from dataclasses import dataclass
from functools import reduce

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page as ResultPage
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.utils.safestring import SafeString
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from wagtail.contrib.search_promotions.models import SearchPromotion
from wagtail.models import Locale, Page
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.search.backends import get_search_backend

from competences.selectors import competence_areas
from core.caching import cached_content
from core.exceptions import SavadError
from core.text import search_prefix, search_query
from courses.models import CoursePage, Enrolment, GlossaryTerm, Level, ModulePage
from courses.selectors import activity_models

from .backends import SEARCH_TOTAL
from .highlight import highlight

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12  # a longer query is searched by its first twelve words
# Joiners that belong inside Persian words (ZWNJ in «مهارت‌های»), kept in the query.
_WORD_JOINERS = {"\u200c", "\u200d"}


def _is_control(char: str) -> bool:
    return unicodedata.category(char) == "Cc" and not char.isspace()


def strip_controls(text: str) -> str:
    """``text`` without control characters (to show a refused query back to its author)."""
    return "".join(char for char in text if not _is_control(char))


def clean_query(raw: str) -> str:
    """The words of ``raw`` as plain search text, or "" when nothing was asked.

    Control characters (a NUL cannot even be sent to PostgreSQL) are refused; every other
    character that is not part of a word (quotes, ``*``, parentheses: search-engine syntax
    on SQLite's FTS5) becomes a space, so what a person types is always searched as words.
    Raises ``SavadError`` when the input has characters but no word to search for (status
    200: the search page, with the message, as for a search that found nothing).
    """
    if any(_is_control(char) for char in raw):
        raise SavadError(_("Your search contains characters that cannot be searched."))
    kept = [
        char if char in _WORD_JOINERS or unicodedata.category(char)[0] in "LMN" else " "
        for char in raw
    ]
    words = " ".join("".join(kept).split())[:MAX_QUERY_LENGTH].strip()
    if raw.strip() and not search_terms(words):
        raise SavadError(_("Type at least one word (letters or digits) to search for."), status=200)
    return words


def search_terms(words: str) -> str:
    """What the index is searched for: ``words`` folded as the index was (``core.text``)."""
    return " ".join(search_query(words).split()[:MAX_TERMS])


def openable_pages_filter(user) -> Q:
    """Which pages ``user`` may open, as a ``Q`` on Page filter fields (two queries at most).

    Activities are kept only under the published courses that let the user in: enrolled (in
    any language of the course) or allowed to edit it. Other pages are not gated by a course.
    """
    activity_types = ContentType.objects.get_for_models(*activity_models()).values()
    not_activity = ~Q(content_type__in=[content_type.pk for content_type in activity_types])
    if not user.is_authenticated or not user.is_active:
        return not_activity
    if user.is_superuser:  # every published course: leave out those not published
        hidden = list(CoursePage.objects.not_live().values_list("path", flat=True))
        return not_activity | ~_under_any(hidden) if hidden else Q()
    editable = PagePermissionPolicy().instances_user_has_any_permission_for(user, {"change"})
    courses = CoursePage.objects.live().filter(
        Q(translation_key__in=Enrolment.objects.filter(user=user).values("course_key"))
        | Q(pk__in=editable.values("pk"))
    )
    paths = list(courses.values_list("path", flat=True))
    return not_activity | _under_any(paths) if paths else not_activity


def _under_any(paths: list[str]) -> Q:
    """Pages at or below any of ``paths`` (a non-empty list)."""
    return reduce(operator.or_, (Q(path__startswith=path) for path in paths))


def searchable_pages(*, locale: Locale, user) -> QuerySet:
    """Published, public pages of ``locale`` that ``user`` may open (before any search)."""
    return (
        Page.objects.live()
        .public()
        .filter(locale=locale)
        .filter(openable_pages_filter(user))
        .specific()
    )


def result_models() -> list[type[Page]]:
    """The page types a search can be narrowed to, in syllabus order."""
    return [CoursePage, ModulePage, *sorted(activity_models(), key=lambda m: m._meta.model_name)]


def type_label(model) -> str:
    return capfirst(model._meta.verbose_name)


@dataclass(frozen=True)
class SearchFilters:
    """What a search is narrowed to; each value is "" (any) or one of ``filter_options``."""

    course: str = ""  # a course's page id, in the current language
    level: str = ""
    area: str = ""  # a DigComp area number
    type: str = ""  # a page model name (``result_models``)

    @classmethod
    def from_params(cls, params, options: dict) -> "SearchFilters":
        """The filters of a query string; a value that is not offered is ignored."""
        allowed = {
            name: {str(value) for value, _label in choices} for name, choices in options.items()
        }
        return cls(
            **{
                name: params.get(name, "")
                for name in allowed
                if params.get(name, "") in allowed[name]
            }
        )

    @property
    def active(self) -> bool:
        return any((self.course, self.level, self.area, self.type))


def filter_options(*, locale: Locale) -> dict[str, list[tuple[str, str]]]:
    """The choices of each filter: courses of ``locale`` (one query), levels, areas, types."""
    courses = CoursePage.objects.live().public().filter(locale=locale).order_by("title")
    areas = cached_content("competence-areas", competence_areas)
    return {
        "course": [(str(pk), title) for pk, title in courses.values_list("pk", "title")],
        "level": list(Level.choices),
        "area": [(str(area.number), area.name) for area in areas],
        "type": [(model._meta.model_name, type_label(model)) for model in result_models()],
    }


def _filters_q(filters: SearchFilters, *, locale: Locale) -> Q | None:
    """``filters`` as a ``Q`` on Page filter fields, or None when nothing can match."""
    q = Q()
    if filters.type:
        model = next(m for m in result_models() if m._meta.model_name == filters.type)
        q &= Q(content_type=ContentType.objects.get_for_model(model).pk)
    if filters.course or filters.level or filters.area:
        courses = CoursePage.objects.live().filter(locale=locale)
        if filters.course:
            courses = courses.filter(pk=int(filters.course))
        if filters.level:
            courses = courses.filter(level=filters.level)
        if filters.area:
            courses = courses.filter(competences__area__number=int(filters.area))
        paths = sorted(set(courses.values_list("path", flat=True)))
        if not paths:
            return None
        q &= _under_any(paths)
    return q


def search_pages(
    query: str, *, locale: Locale, user, filters: SearchFilters = SearchFilters()
) -> QuerySet | list:
    """The pages of ``searchable_pages`` that match ``query``, best first. ``query`` must
    have been through ``clean_query``."""
    terms = search_terms(query)
    narrowed = _filters_q(filters, locale=locale)
    if not terms or narrowed is None:
        return Page.objects.none()
    pages = searchable_pages(locale=locale, user=user).filter(narrowed)
    return pages.search(terms, operator="and")


MAX_PAGE = 10_000  # a larger page number is the last page


def result_page(results, number, *, per_page: int) -> ResultPage:
    """Page ``number`` of ``results`` (a search, ``search_pages``) as Django's paginator page.

    A page number that is not a number, or below 1, is the first page; one past the end (or
    past ``MAX_PAGE``) is the last. On PostgreSQL (``search.backends``) each result carries the
    total, so the page and the count are one query; elsewhere the count is asked for when the
    page does not tell it.
    """
    paginator = Paginator(results, per_page)
    try:
        number = min(max(int(number), 1), MAX_PAGE)
    except (TypeError, ValueError):
        number = 1
    start = (number - 1) * per_page
    rows = list(results[start : start + per_page])
    if rows and hasattr(rows[0], SEARCH_TOTAL):
        paginator.count = getattr(rows[0], SEARCH_TOTAL)  # the cached property, known now
    elif not rows and number == 1:
        paginator.count = 0
    elif rows and len(rows) < per_page:  # the last page
        paginator.count = start + len(rows)
    if not rows and number > 1:  # past the end: the last page (asks for the count)
        return paginator.get_page(paginator.num_pages)
    return ResultPage(rows, number, paginator)


@dataclass
class SearchResult:
    page: Page
    label: str
    course: Page | None
    snippet: SafeString


def describe_results(pages, *, query: str) -> list[SearchResult]:
    """Each page with its type label, its course and a highlighted snippet (one query).

    The snippet quotes only the page's own searchable text (``search_content``: never quiz
    questions), and only pages the user may open are ever described.
    """
    pages = list(pages)
    prefixes = {page.path[:end] for page in pages for end in range(4, len(page.path), 4)}
    courses = {
        course.path: course
        for course in CoursePage.objects.filter(path__in=prefixes).only("title", "path", "url_path")
    }
    results = []
    for page in pages:
        course = next(
            (
                courses[page.path[:end]]
                for end in range(4, len(page.path), 4)
                if page.path[:end] in courses
            ),
            None,
        )
        content = page.search_content() if hasattr(page, "search_content") else []
        results.append(
            SearchResult(
                page=page,
                label=type_label(type(page)),
                course=course,
                snippet=highlight(content, query),
            )
        )
    return results


GLOSSARY_LIMIT = 5


def search_glossary(query: str, *, locale: Locale) -> list[tuple[GlossaryTerm, SafeString]]:
    """Glossary terms of ``locale`` matching ``query``, each with its highlighted definition."""
    terms = search_terms(query)
    if not terms:
        return []
    glossary = GlossaryTerm.objects.filter(locale=locale)
    found = get_search_backend().search(terms, glossary, operator="and")
    return [(term, highlight([term.definition], query)) for term in found[:GLOSSARY_LIMIT]]


AUTOCOMPLETE_LIMIT = 8


def autocomplete_pages(text: str, *, locale: Locale, user) -> list[Page]:
    """Up to eight pages of ``searchable_pages`` whose title words start as ``text`` does."""
    words = " ".join(search_prefix(text).split()[:MAX_TERMS])
    if not words:
        return []
    pages = searchable_pages(locale=locale, user=user)
    return list(pages.autocomplete(words, operator="and")[:AUTOCOMPLETE_LIMIT])


# The standard Persian keyboard over a US one: what a key types in each layout. A query typed
# with the wrong layout selected («hdk» for «این») is offered back as "did you mean".
_LATIN_KEYS = "qwertyuiop[]asdfghjkl;'zxcvbnm,"
_PERSIAN_KEYS = "ضصثقفغعهخحجچشسیبلاتنمکگظطزرذدپو"
_TO_PERSIAN_KEYS = str.maketrans(_LATIN_KEYS + _LATIN_KEYS.upper(), _PERSIAN_KEYS * 2)
_TO_LATIN_KEYS = str.maketrans(_PERSIAN_KEYS, _LATIN_KEYS)


def other_keyboard(query: str, *, language: str) -> str | None:
    """``query`` as the same keys type it in ``language``'s keyboard layout, when it was
    typed in the other one (a Latin query on the Persian site, or the reverse), else None."""
    code = other_language(query, language=language)
    if code is None:
        return None
    table = _TO_PERSIAN_KEYS if language == "fa" else _TO_LATIN_KEYS
    swapped = query.translate(table)
    return swapped if swapped != query else None


def other_language(query: str, *, language: str) -> str | None:
    """The other site language when ``query`` is written only in its script, else None."""
    letters = [char for char in query if char.isalpha()]
    if not letters:
        return None
    persian = sum(
        1 for char in letters if "\u0600" <= char <= "\u06ff" or "\u0750" <= char <= "\u077f"
    )
    if language == "fa" and persian == 0 and all(char.isascii() for char in letters):
        return "en"
    if language == "en" and persian == len(letters):
        return "fa"
    return None


def promotions_for(query: str, *, locale: Locale, user) -> list[SearchPromotion]:
    """The promotions administrators set for ``query`` (however either is spelled): external
    links, and pages of ``locale`` that ``user`` may open. Two queries."""
    terms = search_terms(query)
    if not terms:
        return []
    promoted = [
        promotion
        for promotion in SearchPromotion.objects.select_related("query", "page").order_by(
            "sort_order", "pk"
        )
        if search_terms(promotion.query.query_string) == terms
    ]
    page_ids = [promotion.page_id for promotion in promoted if promotion.page_id]
    openable = set(
        searchable_pages(locale=locale, user=user)
        .filter(pk__in=page_ids)
        .values_list("pk", flat=True)
        if page_ids
        else []
    )
    return [
        promotion
        for promotion in promoted
        if (promotion.page_id in openable)
        or (not promotion.page_id and promotion.external_link_url)
    ]
