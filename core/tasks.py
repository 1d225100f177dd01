"""Small maintenance tasks. Tasks stay thin: they call a service and report."""

import os
import socket

from celery import shared_task
from django.core import management


@shared_task(name="core.tasks.ping")
def ping(nonce: str) -> dict:
    """Echo ``nonce`` with the worker's host name; used to check a worker round trip."""
    return {"nonce": nonce, "host": socket.gethostname(), "pid": os.getpid()}


@shared_task(name="core.tasks.clear_expired_sessions")
def clear_expired_sessions() -> None:
    """Delete expired sessions (scheduled daily by Celery beat)."""
    management.call_command("clearsessions")
