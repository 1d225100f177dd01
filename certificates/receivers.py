"""Issue a certificate when a learner completes a course (inside the progress transaction).

Connected by ``CertificatesConfig.ready()`` through :func:`connect`.
"""

import logging

from progress.signals import course_completed

from . import services
from .models import PdfStatus

logger = logging.getLogger(__name__)


def issue_on_completion(sender, *, user, summary, **kwargs):
    """Issue (at most once) and queue the PDF for after the commit."""
    try:
        certificate = services.issue_certificate(
            user, summary.course_key, completed_at=summary.completed_at
        )
    except services.CertificateError:
        logger.exception("No certificate issued for course %s", summary.course_key)
        return
    if certificate.pdf_status != PdfStatus.READY:
        services.queue_pdf(certificate)


def connect() -> None:
    course_completed.connect(issue_on_completion, dispatch_uid="certificates.issue_on_completion")
