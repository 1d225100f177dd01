"""Signal receivers of the core app, connected by ``CoreConfig.ready()`` through :func:`connect`."""

from django.db.models.signals import post_delete, post_save
from wagtail.models import Locale, Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from .caching import bump_content_version


def connect() -> None:
    """Move the content version on whenever published structure may have changed."""
    for signal in (page_published, page_unpublished, post_page_move):
        signal.connect(bump_content_version, dispatch_uid=f"savad-bump-{signal!r}")
    for model in (Page, Site, Locale, PageViewRestriction):
        post_save.connect(bump_content_version, sender=model, dispatch_uid=f"savad-save-{model}")
        post_delete.connect(bump_content_version, sender=model, dispatch_uid=f"savad-del-{model}")
