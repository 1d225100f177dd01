"""Checks of the services Savad depends on, for ``/healthz`` and monitoring."""

import threading
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from kombu import Connection

BROKER_TIMEOUT_SECONDS = 0.5  # per connect and per reply
BROKER_DEADLINE_SECONDS = 1.5  # the whole broker check, whatever the broker does
# Checks whose failure leaves the site serving learners: reported as "degraded", still HTTP 200
# (jobs wait in the database until the broker is back, see core/jobs.py).
NON_CRITICAL = {"broker"}


def check_database() -> str:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connections["default"].vendor


def check_cache() -> str:
    key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    stored = cache.get(key)
    cache.delete(key)
    if stored != value:
        raise RuntimeError("value written to the cache could not be read back")
    return settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]


def check_broker() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER and not settings.CELERY_BROKER_URL:
        return "eager (no broker configured; tasks run in the web process)"
    options = {
        **getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}),
        "socket_connect_timeout": BROKER_TIMEOUT_SECONDS,
        "socket_timeout": BROKER_TIMEOUT_SECONDS,
        "max_retries": 0,
    }
    with Connection(
        settings.CELERY_BROKER_URL,
        connect_timeout=BROKER_TIMEOUT_SECONDS,
        transport_options=options,
    ) as conn:
        conn.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT_SECONDS)
        conn.default_channel  # noqa: B018 - opening a channel asks the broker (Redis: PING)
        return conn.as_uri()  # the password masked


def within(seconds: float, check: Callable[[], str]) -> Callable[[], str]:
    """``check`` run in a thread of its own, given up (an error) after ``seconds``."""

    def bounded() -> str:
        outcome: dict = {}

        def run():
            try:
                outcome["detail"] = check()
            except Exception as exc:  # noqa: BLE001 - handed to the caller below
                outcome["error"] = exc

        worker = threading.Thread(target=run, name="healthz-check", daemon=True)
        worker.start()
        worker.join(seconds)
        if worker.is_alive():
            raise TimeoutError(f"no answer within {seconds:g} s")
        if "error" in outcome:
            raise outcome["error"]
        return outcome["detail"]

    return bounded


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": within(BROKER_DEADLINE_SECONDS, lambda: check_broker()),
}


def run_checks() -> tuple[bool, dict]:
    """Run every check; return whether the site can serve and a JSON-ready report.

    ``status`` is "ok" when every check passed, "degraded" when only non-critical ones (the
    broker) failed, "error" otherwise; the first value is False only for "error".
    """
    report = {}
    for name, check in CHECKS.items():
        started = time.perf_counter()
        try:
            detail, ok = check(), True
        except Exception as exc:  # noqa: BLE001 - any failure is a failed check, reported
            detail, ok = f"{type(exc).__name__}: {exc}"[:300], False
        report[name] = {
            "ok": ok,
            "detail": detail,
            "ms": round((time.perf_counter() - started) * 1000, 1),
        }
    failed = {name for name, item in report.items() if not item["ok"]}
    status = "error" if failed - NON_CRITICAL else "degraded" if failed else "ok"
    return status != "error", {"status": status, "checks": report}
