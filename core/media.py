"""Serving uploaded media (images and their renditions) through Django, with an access check.

Every environment serves ``MEDIA_URL`` through :func:`serve_media` so that an image used only
in lessons of invitation-only courses reaches only those who may see those lessons. Apps decide
who may see an image with the ``savad_before_serve_image`` hook (``fn(image, request)`` returns
``None`` to allow or a response to send instead). Documents are never served from here: Wagtail's
document view (``/documents/``) serves them behind its ``before_serve_document`` hook.

Files are read through the default storage and leave as ``core.serving`` sends them: a redirect
to a signed link on object storage, the web server's sendfile or a stream on local disk.
"""

import mimetypes
import posixpath

from django.http import Http404
from django.views.decorators.http import require_safe
from wagtail import hooks
from wagtail.images import get_image_model

from .serving import send_stored

# Served by their own views, with checks (lrs/: xAPI attachment data, only through the LRS).
PRIVATE_PREFIXES = ("documents/", "h5p/", "certificates/", "lrs/")


def _image_for(path: str):
    """The image whose original or rendition file is ``path`` (one or two queries), or None."""
    image_model = get_image_model()
    image = image_model.objects.filter(file=path).first()
    if image is not None:
        return image
    rendition = (
        image_model.get_rendition_model().objects.filter(file=path).select_related("image").first()
    )
    return rendition.image if rendition is not None else None


@require_safe
def serve_media(request, path: str):
    path = posixpath.normpath(path).lstrip("/")
    if path.startswith(("..", *PRIVATE_PREFIXES)) or path in {"", "."}:
        raise Http404
    image = _image_for(path)
    if image is not None:
        for hook in hooks.get_hooks("savad_before_serve_image"):
            response = hook(image, request)
            if response is not None:
                return response
    content_type, _encoding = mimetypes.guess_type(path)
    private = getattr(request, "_savad_media_private", False)
    return send_stored(
        request,
        path,
        content_type=content_type or "application/octet-stream",
        cache_control="private, max-age=3600" if private else "public, max-age=86400",
    )
