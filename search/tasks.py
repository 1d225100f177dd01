"""Background work for search. Tasks stay thin: they call a service."""

from celery import shared_task

from .services import index_refresh, search_record


@shared_task(
    name="search.tasks.refresh_index_entry",
    acks_late=True,
    autoretry_for=(Exception,),  # the cluster was down or slow: the refresh is idempotent
    retry_backoff=10,
    max_retries=8,
)
def refresh_index_entry(app_label: str, model_name: str, pk: str) -> bool:
    """Index (or unindex) one object in the backends updated from Celery."""
    return index_refresh(app_label=app_label, model_name=model_name, pk=pk)


@shared_task(name="search.tasks.record_search", ignore_result=True)
def record_search(terms: str, found: bool) -> None:
    """Count a search for the administrators' reports (never in the learner's request)."""
    search_record(terms=terms, found=found)
