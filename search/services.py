"""Writes of the search app: index entries kept up to date from Celery, queries recorded."""

from django.apps import apps
from django.conf import settings
from wagtail.search.backends import get_search_backend
from wagtail.search.index import class_is_indexed, get_indexed_instance


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
