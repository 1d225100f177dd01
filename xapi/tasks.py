"""Background work of the xAPI outbox. Tasks stay thin: they call a service and report."""

from celery import shared_task

from . import delivery


@shared_task(name="xapi.tasks.deliver_outbox", ignore_result=True)
def deliver_outbox() -> dict:
    """Send due outbox statements to the LRS (queued after each event and every minute)."""
    return delivery.deliver_outbox()
