"""Writes of the search app: index entries kept up to date from Celery, queries recorded."""

from django.apps import apps
from django.conf import settings
from django.db.models import F
from django.utils import timezone
from wagtail.contrib.search_promotions.models import Query
from wagtail.search.backends import get_search_backend
from wagtail.search.index import class_is_indexed, get_indexed_instance

from .models import QueryDailyMisses


def celery_backend_names() -> list[str]:
    """The search backends whose index is updated from Celery (``UPDATE_ON_CELERY``)."""
    backends = getattr(settings, "WAGTAILSEARCH_BACKENDS", {})
    return [name for name, params in backends.items() if params.get("UPDATE_ON_CELERY")]


def index_refresh(*, app_label: str, model_name: str, pk: str) -> bool:
    """Bring one object's entry in the Celery-updated backends up to date with the database.

    It is added (or replaced) when the object exists and belongs in the index, and removed
    otherwise: so a repeated or late run is harmless. Returns whether it is indexed now.
    """
    model = apps.get_model(app_label, model_name)
    if not class_is_indexed(model):
        return False
    found = model._default_manager.filter(pk=pk).first()
    indexed = get_indexed_instance(found) if found is not None else None
    for name in celery_backend_names():
        backend = get_search_backend(name)
        if indexed is not None:
            backend.add(indexed)
        else:
            backend.delete(model(pk=pk))
    return indexed is not None


def search_record(*, terms: str, found: bool) -> Query:
    """Count one search for ``terms`` (folded, see ``selectors.search_terms``) in Wagtail's
    query report, and as a search without a result when nothing was ``found``."""
    query = Query.get(terms)
    query.add_hit()
    if not found:
        today = timezone.localdate()
        row, _created = QueryDailyMisses.objects.get_or_create(query=query, date=today)
        QueryDailyMisses.objects.filter(pk=row.pk).update(misses=F("misses") + 1)
    return query
