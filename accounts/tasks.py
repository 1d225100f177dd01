"""Background work of the accounts app. Tasks stay thin: they call a service and report."""

from celery import shared_task

from . import services


@shared_task(name="accounts.tasks.send_invitations", acks_late=True)
def send_invitations(user_ids: list[int]) -> dict:
    """Send the invitation e-mail of each imported account that still has no password."""
    sent = sum(services.invitation_send(user_id=user_id) for user_id in user_ids)
    return {"sent": sent, "skipped": len(user_ids) - sent}
