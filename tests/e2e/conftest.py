"""Real Chromium (Debian's /usr/bin/chromium) driven by Playwright against the live server."""

import os
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


class _InFlight:
    """Counts the requests the live server is handling (Django's request signals)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.count = 0
        self.last_change = time.monotonic()

    def started(self, **kwargs):
        with self.lock:
            self.count += 1
            self.last_change = time.monotonic()

    def finished(self, **kwargs):
        with self.lock:
            self.count -= 1
            self.last_change = time.monotonic()

    def wait_idle(self, quiet=0.25, timeout=15.0):
        """Return once no request has run for ``quiet`` seconds (or after ``timeout``)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                idle_for = time.monotonic() - self.last_change
                if self.count <= 0 and idle_for >= quiet:
                    return
            time.sleep(0.05)


@pytest.fixture(autouse=True)
def _live_server_idle_before_flush(request):
    """Let the live server finish what the browser sent last before the database is flushed.

    Pages send beacons as they close (courses/static/courses/visits.js) and H5P frames may still
    be loading; a request still writing while the test database is flushed makes the flush fail
    (SQLite's shared in-memory database is locked) and leaves rows for the next test.
    """
    if "live_server" not in request.fixturenames:
        yield
        return
    from django.core.signals import request_finished, request_started

    request.getfixturevalue("transactional_db")  # set up first, so flushed after this returns
    in_flight = _InFlight()
    request_started.connect(in_flight.started, weak=False)
    request_finished.connect(in_flight.finished, weak=False)
    try:
        yield
        in_flight.wait_idle()
    finally:
        request_started.disconnect(in_flight.started)
        request_finished.disconnect(in_flight.finished)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread, and the test's fixtures use the
    # ORM from it; the live server itself serves requests from its own thread.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install the Debian package 'chromium'")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fa-IR")
    page = context.new_page()
    yield page
    context.close()


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core (from npm) on the current page; return violations of the given impacts."""
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document)")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
        if v["impact"] in impacts
    ]
