"""Signal receivers of the content app, connected by ``ContentConfig.ready()`` (:func:`connect`)."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from core.caching import bump_content_version

from .models import H5PLibrary


def library_changed(sender, **kwargs):
    """Players' library paths and stored folders (``selectors.library_code``) are cached under
    the content version: move it on once the change is committed."""
    transaction.on_commit(bump_content_version)


def connect() -> None:
    post_save.connect(library_changed, sender=H5PLibrary, dispatch_uid="content-library-save")
    post_delete.connect(library_changed, sender=H5PLibrary, dispatch_uid="content-library-delete")
