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
from functools import reduce

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from wagtail.models import Locale, Page
from wagtail.permission_policies.pages import PagePermissionPolicy

from core.exceptions import SavadError
from core.text import search_query
from courses.models import CoursePage, Enrolment
from courses.selectors import activity_models

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
    Raises ``SavadError`` (400) when the input has characters but no word to search for.
    """
    if any(_is_control(char) for char in raw):
        raise SavadError(_("Your search contains characters that cannot be searched."))
    kept = [
        char if char in _WORD_JOINERS or unicodedata.category(char)[0] in "LMN" else " "
        for char in raw
    ]
    words = " ".join("".join(kept).split())[:MAX_QUERY_LENGTH].strip()
    if raw.strip() and not search_terms(words):
        raise SavadError(_("Type at least one word (letters or digits) to search for."))
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


def search_pages(query: str, *, locale: Locale, user) -> QuerySet | list:
    """The pages of ``searchable_pages`` that match ``query``, best first. ``query`` must
    have been through ``clean_query``."""
    terms = search_terms(query)
    if not terms:
        return Page.objects.none()
    return searchable_pages(locale=locale, user=user).search(terms, operator="and")
