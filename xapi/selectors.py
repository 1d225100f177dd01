"""Reads for the xAPI outbox: page names for statements, and a learner's own statements."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from uuid import UUID

from django.contrib.contenttypes.models import ContentType
from wagtail.models import Page

from core.caching import cached_content

from .models import OutboxStatement


@dataclass(frozen=True)
class PageNames:
    """What a statement says about a page: its title in each language and its model."""

    names: dict[str, str] = field(default_factory=dict)
    model: str = ""
    languages: dict[int, str] = field(default_factory=dict)  # page id → its language


def _lookup(keys: Iterable[UUID]) -> dict[UUID, PageNames]:
    """Titles by language of the pages with these translation keys (one query)."""
    found: dict[UUID, PageNames] = {}
    rows = Page.objects.filter(translation_key__in=list(keys)).values_list(
        "translation_key", "pk", "locale__language_code", "title", "content_type_id"
    )
    for key, pk, language, title, content_type_id in rows:
        entry = found.setdefault(key, PageNames(model=_model_name(content_type_id)))
        entry.names[language] = title
        entry.languages[pk] = language
    return found


def _model_name(content_type_id: int) -> str:
    content_type = ContentType.objects.get_for_id(content_type_id)  # cached by Django
    return content_type.model


def page_names(keys: Iterable[UUID], *, scope: str) -> dict[UUID, PageNames]:
    """Names of the pages with these translation keys, cached per ``scope`` until a publish.

    Callers pass a whole course's keys under one scope, so every later event of that course
    is described without a query; a key missing from the cached set is looked up directly.
    """
    wanted = set(keys)
    # Plain data that statements only copy from: kept in this process too (no unpickling
    # on every learning event).
    cached = cached_content(f"xapi-names:{scope}", lambda: _lookup(wanted), local=True)
    missing = wanted - cached.keys()
    return {**cached, **_lookup(missing)} if missing else cached


def statements_of(user):
    """The learner's statements, oldest first."""
    return OutboxStatement.objects.filter(user=user).order_by("id")
