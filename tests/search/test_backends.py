"""search/backends.py: Wagtail's database backend; on PostgreSQL the match is a semi-join."""

import pytest
from django.db import connection
from wagtail.models import Locale, Page
from wagtail.search.backends import get_search_backend

from search.backends import SemiJoinAutocompleteQueryCompiler, SemiJoinSearchQueryCompiler
from tests.builders import build_course

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


def test_postgresql_gets_the_semi_join_compilers_and_sqlite_wagtails_own(db):
    backend = get_search_backend()
    semi_join = backend.query_compiler_class is SemiJoinSearchQueryCompiler
    assert semi_join == (connection.vendor == "postgresql")
    assert (backend.autocomplete_query_compiler_class is SemiJoinAutocompleteQueryCompiler) == (
        connection.vendor == "postgresql"
    )


def test_results_are_ranked_title_first_and_counted(site_tree):
    built = build_course(slug="ranked", lessons=3)
    first, second, third = built.lessons
    first.title, first.body = "درس الف", [("text", "<p>مودم در متن</p>")]
    second.title = "مودم در عنوان"
    for lesson in (first, second):
        lesson.save_revision().publish()
    pages = Page.objects.live().filter(locale=Locale.objects.get(language_code="fa"))
    results = pages.search("مودم", operator="and")
    assert results.count() == 2
    assert [page.pk for page in results] == [second.pk, first.pk]  # the title weighs more
    assert [page.pk for page in results[1:2]] == [first.pk]
    assert third.pk not in [page.pk for page in pages.search("درس الف", operator="and")]
    suggestions = pages.autocomplete("مود")
    assert {page.pk for page in suggestions} == {second.pk}  # titles only
