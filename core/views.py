import hmac

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .health import run_checks


def may_see_health_details(request) -> bool:
    """Staff, or a monitor that sends ``Authorization: Bearer <HEALTHZ_TOKEN>``."""
    if getattr(request, "user", None) is not None and request.user.is_staff:
        return True
    token = getattr(settings, "HEALTHZ_TOKEN", "")
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    return (
        bool(token)
        and scheme.lower() == "bearer"
        and hmac.compare_digest(given.strip().encode(), token.encode())
    )


@never_cache
@require_safe
def healthz(request):
    """State of database, cache and broker: 200 while the site can serve, 503 otherwise.

    Everyone gets the status ("ok", "degraded" or "error"); the checks' details (vendors, host
    names, timings, errors) only staff and holders of ``HEALTHZ_TOKEN``.
    """
    healthy, report = run_checks()
    if not may_see_health_details(request):
        report = {"status": report["status"]}
    return JsonResponse(report, status=200 if healthy else 503)
