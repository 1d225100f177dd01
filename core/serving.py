"""Sending a stored file once a view has checked who may have it, without tying up a worker.

* Object storage (``core.storages.SignedS3Storage``): a redirect to a link signed for
  ``MEDIA_URL_EXPIRY`` seconds; the bucket sends the bytes with the headers the view chose.
* Local storage with ``SENDFILE_BACKEND`` (django-sendfile2, e.g. nginx ``X-Accel-Redirect``):
  the web server sends the file from ``MEDIA_ROOT``.
* Otherwise (the default, and files that must come from the site's own origin): Django streams
  the file from the storage.
"""

import os

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.storage import FileSystemStorage, Storage, default_storage
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.utils.http import content_disposition_header

# A redirect may be reused by the browser for this long (well within the link's validity).
REDIRECT_MAX_AGE = 60


def is_local(storage: Storage | None = None) -> bool:
    """True if the storage keeps files in folders of this machine."""
    return isinstance(storage or default_storage, FileSystemStorage)


def can_sign(storage: Storage | None = None) -> bool:
    return hasattr(storage or default_storage, "signed_url")


def send_stored(
    request,
    name: str,
    *,
    content_type: str,
    cache_control: str,
    filename: str | None = None,
    as_attachment: bool = False,
    headers: dict[str, str] | None = None,
    redirect: bool = True,
    storage: Storage | None = None,
) -> HttpResponse:
    """The response that sends the stored file ``name`` (a missing file: ``Http404``).

    ``redirect=False`` keeps the file on the site's origin (streamed, or sent by the web
    server), for content whose relative links or isolation headers need that origin.
    ``headers`` are set on the response (not on a signed link's answer, which carries only the
    content type, disposition and cache control).
    """
    storage = storage or default_storage
    disposition = (
        content_disposition_header(as_attachment, filename) if as_attachment or filename else None
    )
    if redirect and can_sign(storage):
        parameters = {"ResponseContentType": content_type, "ResponseCacheControl": cache_control}
        if disposition:
            parameters["ResponseContentDisposition"] = disposition
        response = HttpResponseRedirect(storage.signed_url(name, parameters=parameters))
        max_age = min(REDIRECT_MAX_AGE, settings.MEDIA_URL_EXPIRY // 2)
        response["Cache-Control"] = f"private, max-age={max_age}"
        return response
    if is_local(storage) and getattr(settings, "SENDFILE_BACKEND", ""):
        response = _sendfile(request, name, storage, content_type, as_attachment, filename)
    else:
        try:
            handle = storage.open(name, "rb")
        except (OSError, SuspiciousFileOperation) as error:  # missing, a folder, outside
            raise Http404 from error
        response = FileResponse(
            handle, content_type=content_type, as_attachment=as_attachment, filename=filename or ""
        )
        if disposition is None:
            response.headers.pop("Content-Disposition", None)
    response["Cache-Control"] = cache_control
    response["X-Content-Type-Options"] = "nosniff"
    for header, value in (headers or {}).items():
        response[header] = value
    return response


def _sendfile(request, name, storage, content_type, as_attachment, filename) -> HttpResponse:
    from django_sendfile import sendfile

    try:
        path = storage.path(name)
    except SuspiciousFileOperation as error:
        raise Http404 from error
    if not os.path.isfile(path):
        raise Http404
    return sendfile(
        request,
        path,
        attachment=as_attachment,
        attachment_filename=filename or None,
        mimetype=content_type,
    )
