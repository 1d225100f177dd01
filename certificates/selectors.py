"""Read-only queries about certificates."""

from django.db.models import Count, QuerySet

from . import codes
from .models import Certificate


def certificates_for(user) -> QuerySet[Certificate]:
    """The learner's certificates, newest first (one query), revoked ones included."""
    if not getattr(user, "is_authenticated", False):
        return Certificate.objects.none()
    return Certificate.objects.filter(user=user).order_by("-issued_at", "-pk")


def certificate_by_code(typed: str) -> Certificate | None:
    """The certificate with this code (typed in any case, with or without dashes), or None."""
    code = codes.normalise(typed)
    if code is None:
        return None
    return Certificate.objects.filter(code=code).first()


def learner_certificate(user, typed: str) -> Certificate | None:
    """The learner's own certificate with this code, or None (also for someone else's)."""
    code = codes.normalise(typed)
    if code is None or not getattr(user, "is_authenticated", False):
        return None
    return Certificate.objects.filter(code=code, user=user).first()


def issued_counts(*, course_keys) -> dict:
    """Certificates in force (not revoked) per course key, for statistics (one query)."""
    rows = (
        Certificate.objects.filter(course_key__in=list(course_keys), revoked_at__isnull=True)
        .values("course_key")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {row["course_key"]: row["n"] for row in rows}
