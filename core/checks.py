"""Deployment checks (``manage.py check --deploy``) for running Savad on several processes."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

PROCESS_LOCAL_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register(Tags.caches, deploy=True)
def shared_cache(app_configs=None, **kwargs):
    """Web nodes share state only through the database and the cache: a cache each process
    keeps for itself breaks invalidation (the content version), locks and rate limits as soon
    as a second process serves the site."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend not in PROCESS_LOCAL_CACHES:
        return []
    return [
        Warning(
            "The default cache lives in each process; run a single web process or set "
            "CACHE_URL (e.g. redis://host:6379/0) so every process and node shares it.",
            id="savad.W001",
        )
    ]
