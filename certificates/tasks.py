"""Background work of the certificates app. Tasks stay thin: they call a service and report."""

from celery import shared_task

from . import services
from .models import Certificate


@shared_task(
    bind=True,
    name="certificates.tasks.render_certificate_pdf",
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=3,
    default_retry_delay=60,
)
def render_certificate_pdf(self, certificate_id: int) -> dict:
    """Render and store a certificate's PDF (nothing to do when it is already stored).

    A failure marks the PDF failed with its reason and is retried by the worker; the
    learner's download renders it on demand meanwhile.
    """
    try:
        certificate = services.store_pdf(certificate_id)
    except Certificate.DoesNotExist:
        return {"certificate": certificate_id, "status": "deleted"}
    except Exception as error:
        services.mark_pdf_failed(certificate_id, error)
        if self.request.is_eager:  # no worker (tests, or no broker): fail now, never wait
            raise
        raise self.retry(exc=error) from error
    return {"certificate": certificate.pk, "status": certificate.pdf_status}
