"""Screenshots of Savad's main pages, in Persian and English, on a phone and a desktop screen.

    make screenshots          # or: .venv/bin/python scripts/screenshots.py [--out docs/screenshots]

A throwaway SQLite database gets the migrations and the demo content (``seed_demo``); Django's
server runs it on a free loopback port; Chromium (``/usr/bin/chromium``, through Playwright)
signs in as the demo learner and saves ``<page>-<language>-<width>.jpg`` for each page at
360×740 and 1280×800. Nothing outside ``--out`` and a temporary folder is touched.
"""

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCREENS = [(360, 740), (1280, 800)]
LANGUAGES = {"fa": "fa-IR", "en": "en-GB"}
CHROMIUM = "/usr/bin/chromium"
# (name, path after /<language>/, course to enrol in first or None)
PAGES = [
    ("home", "", None),
    ("catalogue", "courses/", None),
    ("course", "courses/safe-online/", "courses/safe-online/"),
    ("lesson", "courses/safe-online/two-step-verification/", "courses/safe-online/"),
    ("simulation", "courses/pay-a-bill-online/practice-pay-a-bill/", "courses/pay-a-bill-online/"),
    ("dashboard", "dashboard/", None),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=2)  # noqa: S310 - our own loopback server
            return
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit(f"the server at {url} did not answer") from None
            time.sleep(0.5)


def shoot(base: str, out: Path, env: dict) -> list[Path]:
    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT))
    os.environ.update(env)
    import django

    django.setup()
    from demo.site import DEMO_ACCOUNTS

    learner = next(account for account in DEMO_ACCOUNTS if account.role == "learner")
    saved = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for language, browser_locale in LANGUAGES.items():
            for width, height in SCREENS:
                context = browser.new_context(
                    viewport={"width": width, "height": height}, locale=browser_locale
                )
                page = context.new_page()
                page.goto(f"{base}/{language}/accounts/login/")
                page.locator("input[name=username]").fill(learner.username)
                page.locator("input[name=password]").fill(learner.password)
                page.locator("form button[type=submit]").click()
                page.wait_for_load_state()
                for name, path, enrol_at in PAGES:
                    if enrol_at:
                        page.goto(f"{base}/{language}/{enrol_at}")
                        enrol = page.locator("form[action$='/enrol/'] button[type=submit]")
                        if enrol.count():
                            enrol.first.click()
                            page.wait_for_load_state()
                    page.goto(f"{base}/{language}/{path}")
                    page.wait_for_load_state("networkidle")
                    target = out / f"{name}-{language}-{width}.jpg"
                    page.screenshot(path=str(target), type="jpeg", quality=70)
                    saved.append(target)
                context.close()
        browser.close()
    return saved


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="savad-screenshots-") as folder:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder}/db.sqlite3",
            "MEDIA_ROOT": f"{folder}/media",
            "DJANGO_SETTINGS_MODULE": "lms.settings.dev",
        }
        env.pop("CACHE_URL", None)
        manage(env, "migrate", "--verbosity", "0")
        manage(env, "seed_demo")
        port = free_port()
        server = subprocess.Popen(  # noqa: S603 - our own manage.py
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            wait_for(f"{base}/fa/")
            saved = shoot(base, args.out, env)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"screenshots: {len(saved)} pictures in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
