"""Keep the H5P content host and the site apart when ``H5P_CONTENT_ORIGIN`` is set.

The content host answers the player frame, package files, libraries, saved state and static
files, and nothing else (no pages, no admin, no media, no session). The site's own host then no
longer serves H5P frames, package files or libraries: library code never runs on the site's
origin, where the site's ``script-src 'self'`` would trust it.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponseNotFound

from .access import CONTENT_PATHS

DEFAULT_PORTS = {"http": "80", "https": "443"}


def _host_and_port(netloc: str, scheme: str) -> tuple[str, str]:
    netloc = netloc.lower()
    if ":" not in netloc or netloc.endswith("]"):  # no port (an IPv6 literal ends with "]")
        return netloc, DEFAULT_PORTS.get(scheme, "")
    host, port = netloc.rsplit(":", 1)
    return host, port


class ContentHostMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        origin = settings.H5P_CONTENT_ORIGIN
        if not origin:
            return self.get_response(request)
        parts = urlsplit(origin)
        content_host = _host_and_port(parts.netloc, parts.scheme)
        on_content_host = _host_and_port(request.get_host(), request.scheme) == content_host
        path = request.path_info
        h5p_path = path.startswith(CONTENT_PATHS)
        if on_content_host and not (h5p_path or path.startswith(settings.STATIC_URL)):
            return HttpResponseNotFound("Not found", content_type="text/plain")
        if not on_content_host and h5p_path:
            return HttpResponseNotFound("Not found", content_type="text/plain")
        return self.get_response(request)
