"""Wagtail's database search backend, with PostgreSQL's matching made a semi-join.

Wagtail's PostgreSQL backend joins the searched pages to their index entries on
``page.id::text = entry.object_id`` and filters the joined rows with the tsquery. PostgreSQL
cannot estimate how many entries a tsquery of common words matches (it guesses one), so it
picks a nested loop that rescans the pages for every matching entry: 20 s for two common
words over 10,000 lessons (``bench/search.py``). Here the matching entries are one subquery
(``pk IN (SELECT object_id::int …)``, on the GIN index of ``title || body``) and each result's
rank a correlated lookup by the entry's unique key, as Wagtail's SQLite backend already does;
the ranking itself (weights, title norms) is Wagtail's. Each result also carries the number
of matches (``SEARCH_TOTAL``, a window count computed with the ranking), so a page of results
and its total are one query (``search.selectors.result_page``). SQLite and other vendors are
Wagtail's backends unchanged.

``WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.backends", …}}``.
"""

from django.db.models import (
    CharField,
    Count,
    F,
    FloatField,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Window,
)
from django.db.models.functions import Cast, Coalesce
from wagtail.models import Page
from wagtail.search.backends.database import SearchBackend as database_backend
from wagtail.search.backends.database.postgres.postgres import (
    PostgresAutocompleteQueryCompiler,
    PostgresSearchBackend,
    PostgresSearchQueryCompiler,
)
from wagtail.search.models import IndexEntry
from wagtail.search.query import And, Or, Phrase, PlainText
from wagtail.search.utils import get_descendants_content_types_pks

# The annotation that holds, on each result, how many results the search has in all.
SEARCH_TOTAL = "_savad_search_total"


class _SemiJoinMixin:
    # The index entry's tsvector columns searched, with their boosts (Wagtail's).
    entry_vectors = [(F("title"), F("title_norm")), (F("body"), 1.0)]

    def search(self, config, start, stop, score_field=None, backend=None):
        pk = self.queryset.model._meta.pk
        if (
            self.fields is not None
            or not isinstance(self.query, PlainText | Phrase | And | Or)
            or pk.get_internal_type() not in {"AutoField", "BigAutoField", "IntegerField"}
        ):
            return super().search(config, start, stop, score_field=score_field, backend=backend)
        search_query = self.build_tsquery(self.query, config=config)
        vector = self.entry_vectors[0][0]
        for other, _boost in self.entry_vectors[1:]:
            vector = vector._combine(other, "||", False)
        entries = (
            IndexEntry._default_manager.filter(
                content_type_id__in=get_descendants_content_types_pks(self.queryset.model)
            )
            .annotate(_vector_=vector)
            .filter(_vector_=search_query)
        )
        matched = entries.annotate(_id=Cast("object_id", IntegerField())).values("_id")
        rank = self._build_rank_expression(self.entry_vectors, config)
        ranked = (  # the entry of a result (known to match), found by its unique key
            IndexEntry._default_manager.filter(
                self._entry_content_type(), object_id=Cast(OuterRef("pk"), CharField())
            )
            .annotate(_rank=rank)
            .values("_rank")[:1]
        )
        queryset = self.queryset.filter(pk__in=matched).annotate(
            **{SEARCH_TOTAL: Window(Count("*"))}
        )
        rank_expression = Coalesce(Subquery(ranked, output_field=FloatField()), 0.0)
        return self._apply_ordering_and_scoring(queryset, rank_expression, start, stop, score_field)

    def _entry_content_type(self) -> Q:
        """Which content type a result's index entry is stored under: a page's own (its
        specific model's, one index probe per result), else any of the searched model's."""
        if issubclass(self.queryset.model, Page):
            return Q(content_type_id=OuterRef("content_type"))
        return Q(content_type_id__in=get_descendants_content_types_pks(self.queryset.model))


class SemiJoinSearchQueryCompiler(_SemiJoinMixin, PostgresSearchQueryCompiler):
    pass


class SemiJoinAutocompleteQueryCompiler(_SemiJoinMixin, PostgresAutocompleteQueryCompiler):
    entry_vectors = [(F("autocomplete"), 1.0)]


def SearchBackend(params):  # noqa: N802 - Wagtail looks the backend up by this name
    backend = database_backend(params)
    if isinstance(backend, PostgresSearchBackend):
        backend.query_compiler_class = SemiJoinSearchQueryCompiler
        backend.autocomplete_query_compiler_class = SemiJoinAutocompleteQueryCompiler
    return backend
