"""Object storage for uploads: a private S3 bucket whose files are reached through Savad.

``url()`` names the access-checked route (``MEDIA_URL`` + name, served by ``core.media``), so
pages never carry a link that bypasses the checks or expires in a cached page; the views send
a short-lived signed link (``signed_url``) only after their check.
"""

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage


class SignedS3Storage(S3Storage):
    def url(self, name, parameters=None, expire=None, http_method=None):
        return settings.MEDIA_URL + filepath_to_uri(name).lstrip("/")

    def signed_url(self, name: str, *, parameters: dict | None = None) -> str:
        """A link to ``name`` valid for ``MEDIA_URL_EXPIRY`` seconds; S3 answers it with the
        response headers in ``parameters`` (``ResponseContentType``...)."""
        return super().url(name, parameters=parameters, expire=settings.MEDIA_URL_EXPIRY)
