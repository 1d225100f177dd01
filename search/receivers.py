"""Signal receivers of the search app, connected by ``SearchConfig.ready()`` via :func:`connect`.

With a backend marked ``UPDATE_ON_CELERY`` (Elasticsearch: see ``lms/settings/env.py``, where
its ``AUTO_UPDATE`` is off so Wagtail's own handlers skip it), every save and deletion of an
indexed object (publishing and unpublishing a page save it) queues one Celery task after the
commit, through the jobs outbox: a request never waits on the search cluster, and a change
made while the broker or the cluster is down reaches the index later.
"""

from django.db.models.signals import post_delete, post_save
from wagtail.search.index import get_indexed_models

from core import jobs

from .services import celery_backend_names
from .tasks import refresh_index_entry


def queue_index_refresh(sender, instance, raw=False, **kwargs):
    if raw or not celery_backend_names():
        return
    meta = instance._meta
    jobs.enqueue_on_commit(
        refresh_index_entry, meta.app_label, meta.model_name, str(instance.pk), robust=True
    )


def connect() -> None:
    """Connect for the indexed models only: a ``post_delete`` receiver for every model would
    keep Django from deleting rows of any model in one statement (its fast delete)."""
    for model in get_indexed_models():
        label = model._meta.label
        post_save.connect(queue_index_refresh, sender=model, dispatch_uid=f"search-save-{label}")
        post_delete.connect(
            queue_index_refresh, sender=model, dispatch_uid=f"search-delete-{label}"
        )
