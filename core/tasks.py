"""Small maintenance tasks. Tasks stay thin: they call a service and report."""

import os
import socket

from celery import shared_task
from celery.signals import worker_ready
from django.core import management

from . import jobs


@shared_task(name="core.tasks.ping")
def ping(nonce: str) -> dict:
    """Echo ``nonce`` with the worker's host name; used to check a worker round trip."""
    return {"nonce": nonce, "host": socket.gethostname(), "pid": os.getpid()}


@shared_task(name="core.tasks.clear_expired_sessions")
def clear_expired_sessions() -> None:
    """Delete expired sessions (scheduled daily by Celery beat)."""
    management.call_command("clearsessions")


@shared_task(name=jobs.FLUSH_TASK, ignore_result=True)
def flush_pending_jobs() -> dict:
    """Publish the jobs that waited in the database for the broker (every minute, by beat)."""
    return jobs.flush()


@worker_ready.connect
def flush_when_a_worker_starts(sender, **kwargs) -> None:
    """A worker that starts (the broker is reachable) has the waiting jobs published."""
    sender.app.send_task(jobs.FLUSH_TASK, ignore_result=True)
