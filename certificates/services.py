"""Issuing, revoking, reissuing and rendering certificates.

Issuing is idempotent and race-safe: the partial unique constraint allows one valid certificate
per learner and course, and a parallel issue that loses the race returns the winner's
certificate. PDFs are rendered after the commit by ``tasks.render_certificate_pdf`` (or on
demand by the learner's download when the task has not run yet).
"""

import logging
from pathlib import Path
from uuid import UUID

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import ImproperlyConfigured
from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import jobs
from core.caching import cached_content
from core.exceptions import SavadError
from core.sql import insert_unless_conflicting
from courses.models import CoursePage
from progress import selectors as progress_selectors

from . import codes
from .models import Certificate, PdfStatus, pdf_path

logger = logging.getLogger(__name__)

FONT_DIR = "vendor/vazirmatn/"
CODE_ATTEMPTS = 5  # a code collision at 80 bits is practically impossible, but never fatal


class CertificateError(SavadError):
    """A certificate action that cannot be done (the message says why)."""


# --------------------------------------------------------------------------- issuing


def course_titles(course_key: UUID) -> dict[str, str]:
    """The course's title in each language it has a page in (live pages win over drafts);
    cached until the next publish."""
    return dict(cached_content(f"certificate-titles:{course_key}", lambda: _titles(course_key)))


def _titles(course_key: UUID) -> dict[str, str]:
    rows = (
        CoursePage.objects.filter(translation_key=course_key)
        .order_by("live", "pk")
        .values_list("locale__language_code", "title")
    )
    return dict(rows)


def valid_certificate(user, course_key: UUID) -> Certificate | None:
    """The learner's current (non-revoked) certificate for the course, if any."""
    return Certificate.objects.filter(
        user=user, course_key=course_key, revoked_at__isnull=True
    ).first()


def issue_certificate(user, course_key: UUID, *, completed_at=None) -> Certificate:
    """The learner's valid certificate for the course, issued now if they have none.

    ``completed_at`` defaults to the completion recorded in the learner's course progress;
    without one, the learner has not completed the course and nothing is issued.
    """
    course_key = UUID(str(course_key))
    if completed_at is None:  # not from a completion just recorded: look before issuing
        existing = valid_certificate(user, course_key)
        if existing is not None:
            return existing
        completed_at = _recorded_completion(user, course_key)
    titles = course_titles(course_key)
    if not titles:
        raise CertificateError(_("This course does not exist."), status=404)
    return _create(user, course_key, titles=titles, completed_at=completed_at)


def _recorded_completion(user, course_key: UUID):
    completed_at = progress_selectors.completion_time(user=user, course_key=course_key)
    if completed_at is None:
        raise CertificateError(_("The learner has not completed this course."), status=409)
    return completed_at


def _create(
    user, course_key: UUID, *, titles: dict, completed_at, replaces: Certificate | None = None
) -> Certificate:
    """Insert a new certificate, unless the learner has a valid one (issued earlier or by a
    parallel request): that one is returned. One INSERT, no savepoint."""
    for _attempt in range(CODE_ATTEMPTS):
        certificate = Certificate(
            code=codes.new_code(),
            user=user,
            course_key=course_key,
            learner_name=user.get_full_name() or user.get_username(),
            course_titles=titles,
            language=getattr(user, "preferred_language", "") or settings.LANGUAGE_CODE,
            completed_at=completed_at,
            replaces=replaces,
        )
        if insert_unless_conflicting(certificate):
            return certificate
        existing = valid_certificate(user, course_key)
        if existing is not None:
            return existing
        # the code was taken: draw another
    raise CertificateError(_("No certificate could be issued. Please try again."), status=503)


def queue_pdf(certificate: Certificate) -> None:
    """Render the certificate's PDF in the background once the current transaction commits."""
    # import cycle: certificates.tasks imports this module
    from .tasks import render_certificate_pdf

    jobs.enqueue_on_commit(render_certificate_pdf, certificate.pk, robust=True)


# --------------------------------------------------------------------------- administration


def revoke(certificate: Certificate, *, by, reason: str) -> Certificate:
    """Revoke a valid certificate; its verification page then says so."""
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError(_("Give a reason for revoking the certificate."))
    with transaction.atomic():
        locked = Certificate.objects.select_for_update().get(pk=certificate.pk)
        _revoke(locked, by=by, reason=reason)
    certificate.revoked_at, certificate.revoked_by = locked.revoked_at, locked.revoked_by
    certificate.revoke_reason = locked.revoke_reason
    return locked


def _revoke(locked: Certificate, *, by, reason: str) -> None:
    if locked.is_revoked:
        raise CertificateError(_("This certificate is already revoked."), status=409)
    locked.revoked_at, locked.revoked_by, locked.revoke_reason = timezone.now(), by, reason
    locked.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])


def reissue(certificate: Certificate, *, by, reason: str = "") -> Certificate:
    """Replace a certificate with a fresh one (new code, current name and titles, new PDF).

    A valid certificate is revoked first (with ``reason``, or a note that it was reissued).
    """
    if certificate.user_id is None:
        raise CertificateError(
            _("The learner's account no longer exists: this certificate cannot be reissued."),
            status=409,
        )
    with transaction.atomic():
        old = Certificate.objects.select_for_update().get(pk=certificate.pk)
        if not old.is_revoked:
            _revoke(old, by=by, reason=(reason or "").strip() or _("Reissued."))
        elif valid_certificate(old.user, old.course_key) is not None:
            raise CertificateError(
                _("The learner already has a valid certificate for this course."), status=409
            )
        titles = course_titles(old.course_key) or old.course_titles
        new = _create(
            old.user,
            old.course_key,
            titles=titles,
            completed_at=old.completed_at,
            replaces=old,
        )
        queue_pdf(new)
    return new


# --------------------------------------------------------------------------- PDF


def _font_url(name: str) -> str:
    path = finders.find(FONT_DIR + name)
    if not path:
        collected = Path(settings.STATIC_ROOT) / FONT_DIR / name
        path = collected if collected.exists() else None
    if not path:
        raise ImproperlyConfigured(f"Font {FONT_DIR}{name} not found: build the static files.")
    return Path(path).resolve().as_uri()


def qr_svg(url: str) -> str:
    """An inline SVG QR code for ``url`` (medium error correction, standard quiet zone)."""
    return segno.make(url, error="m", micro=False).svg_inline(
        scale=1, border=4, omitsize=True, svgclass="qr", lineclass=None, dark="#000"
    )


def pdf_html(certificate: Certificate, language: str | None = None) -> str:
    """The HTML the PDF is made of, in ``language`` (default: the certificate's)."""
    language = language or certificate.language
    verify_url = certificate.verify_url
    with translation.override(language):
        return render_to_string(
            "certificates/pdf.html",
            {
                "certificate": certificate,
                "course_title": certificate.title_in(language),
                "verify_url": verify_url,
                "qr_svg": qr_svg(verify_url),
                "font_regular": _font_url("Vazirmatn-Regular.ttf"),
                "font_bold": _font_url("Vazirmatn-Bold.ttf"),
            },
        )


def render_pdf(certificate: Certificate, language: str | None = None) -> bytes:
    """The certificate as a PDF, in ``language`` (default: the certificate's)."""
    from weasyprint import HTML  # heavy (Pango, fonts): loaded only to render a PDF

    html = pdf_html(certificate, language)
    font_dir = Path(_font_url("Vazirmatn-Regular.ttf").removeprefix("file://")).parent
    return HTML(string=html, base_url=font_dir.as_uri() + "/").write_pdf()


def store_pdf(certificate_id: int) -> Certificate:
    """Render and store the certificate's PDF unless it is already there (idempotent).

    The row stays locked while rendering, so a download and the task never render it twice.
    """
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate_id)
        if certificate.pdf_status == PdfStatus.READY and _pdf_exists(certificate):
            return certificate
        content = render_pdf(certificate)
        if certificate.pdf.name:
            certificate.pdf.storage.delete(certificate.pdf.name)
        certificate.pdf.save(pdf_path(certificate, ""), ContentFile(content), save=False)
        certificate.pdf_status, certificate.pdf_error = PdfStatus.READY, ""
        certificate.save(update_fields=["pdf", "pdf_status", "pdf_error"])
    return certificate


def _pdf_exists(certificate: Certificate) -> bool:
    return bool(certificate.pdf.name) and certificate.pdf.storage.exists(certificate.pdf.name)


def mark_pdf_failed(certificate_id: int, error: BaseException) -> None:
    """Keep the reason a rendering failed (shown in the admin)."""
    message = f"{type(error).__name__}: {error}"[:2000]
    Certificate.objects.filter(pk=certificate_id).exclude(pdf_status=PdfStatus.READY).update(
        pdf_status=PdfStatus.FAILED, pdf_error=message
    )


def ready_pdf(certificate: Certificate) -> Certificate:
    """The certificate with its PDF stored, rendering it now if needed."""
    if certificate.pdf_status == PdfStatus.READY and _pdf_exists(certificate):
        return certificate
    return store_pdf(certificate.pk)


# --------------------------------------------------------------------------- personal data


def export_rows(user) -> list[dict]:
    """The learner's certificates for their data export."""
    return [
        {
            "code": certificate.code,
            "learner_name": certificate.learner_name,
            "course_titles": certificate.course_titles,
            "language": certificate.language,
            "completed_at": certificate.completed_at,
            "issued_at": certificate.issued_at,
            "revoked_at": certificate.revoked_at,
            "verify_url": certificate.verify_url,
        }
        for certificate in Certificate.objects.filter(user=user).order_by("issued_at", "pk")
    ]


def erase_user(user) -> int:
    """Delete the learner's certificates; their PDF files go once the deletion commits."""
    certificates = Certificate.objects.filter(user=user)
    files = [name for name in certificates.values_list("pdf", flat=True) if name]
    _total, deleted = certificates.delete()
    if files:
        storage = Certificate._meta.get_field("pdf").storage
        transaction.on_commit(lambda: [storage.delete(name) for name in files])
    return deleted.get(Certificate._meta.label, 0)
