"""Background work for statistics. Tasks stay thin: they call a service."""

from celery import shared_task

from . import rollups


@shared_task(name="stats.tasks.refresh_rollups", acks_late=True)
def refresh_rollups() -> dict:
    """Recompute the stale report rollups that someone reads (every minute, and when a
    report finds its rollup stale)."""
    return rollups.refresh_stale()
