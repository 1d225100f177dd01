from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .health import run_checks


@never_cache
@require_safe
def healthz(request):
    """JSON state of database, cache and broker: 200 when all are fine, 503 otherwise."""
    healthy, report = run_checks()
    return JsonResponse(report, status=200 if healthy else 503)
