"""Request-wide middleware: the content cache's memo, compression, and the held-back jobs notice."""

from django.contrib import messages
from django.middleware.gzip import GZipMiddleware
from django.utils import translation
from django.utils.translation import gettext as _
from wagtail.users.models import UserProfile

from . import caching, jobs

COMPRESSED_TYPES = (
    "text/",
    "application/json",
    "application/javascript",
    "application/xml",
    "application/manifest+json",
)


class ContentCacheMiddleware:
    """One memo of cached published structure per request (see ``core.caching``)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = caching.start_request()
        try:
            return self.get_response(request)
        finally:
            caching.end_request(token)


class TextGZipMiddleware(GZipMiddleware):
    """Django's gzip (with its BREACH padding), for text responses only: images, PDFs,
    videos and H5P archives are compressed already. Why in the app: README, *Running at scale*.
    """

    def process_response(self, request, response):
        content_type = response.get("Content-Type", "")
        if not content_type.startswith(COMPRESSED_TYPES):
            return response
        return super().process_response(request, response)


class HeldBackJobsMiddleware:
    """After a request whose background jobs the broker did not take, say they will run later.

    Only people who use the admin are told (they started an import, published a page); a
    learner's page shows nothing, its jobs simply run later.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        jobs.start_request()
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if (
            jobs.held_back()
            and user is not None
            and user.is_authenticated
            and user.has_perm("wagtailadmin.access_admin")
        ):
            # The admin view has given back its language by now: speak the editor's own.
            with translation.override(UserProfile.get_for_user(user).get_preferred_language()):
                notice = _(
                    "Saved. The task queue is not answering: the background work this "
                    "started (such as an import) will start when the task queue is back."
                )
            messages.warning(request, notice, fail_silently=True)
        return response
