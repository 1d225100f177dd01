"""Background work of the content app. Tasks stay thin: they call a service and report."""

from celery import shared_task

from . import services
from .models import H5PPackage


@shared_task(
    bind=True,
    name="content.tasks.import_package",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=0,
)
def import_package(
    self,
    package_id: int,
    upload_name: str | None = None,
    language: str | None = None,
    user_id: int | None = None,
) -> dict:
    """Import (or, with ``upload_name``, replace) an uploaded H5P package.

    A refused package is not retried: the package ends failed with its reasons, and a teacher
    may retry it. A worker that dies mid-import gets the task again (late acknowledgement) and
    the import starts over.
    """
    try:
        package = services.package_import(
            package_id, upload_name=upload_name, language=language, user_id=user_id
        )
    except H5PPackage.DoesNotExist:
        return {"package": package_id, "status": "deleted"}
    return {
        "package": package.pk,
        "status": package.status,
        "errors": [error.get("code") for error in package.errors],
    }
