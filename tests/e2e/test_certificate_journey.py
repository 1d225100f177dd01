"""A learner completes a small course, downloads the certificate and opens its verification page."""

import re
import subprocess
from urllib.parse import urlsplit

import pytest
from django.utils import translation
from django.utils.translation import gettext

from demo.site import DEMO_ACCOUNTS
from tests.e2e.conftest import axe_violations

LEARNER = next(a for a in DEMO_ACCOUNTS if a.role == "learner")
COURSE_PATH = "/fa/courses/your-phone/"  # the demo course the demo learner is enrolled in


@pytest.fixture
def demo_site(transactional_db):
    from demo import site as demo

    demo.seed(curriculum=False)  # the demo courses: the whole learner journey loads the rest


def fa(message: str) -> str:
    with translation.override("fa"):
        return gettext(message)


def test_learner_completes_a_course_downloads_the_certificate_and_verifies_it(
    page, live_server, demo_site, tmp_path
):
    base = live_server.url
    page.goto(f"{base}/fa/accounts/login/")
    page.get_by_label("نام کاربری").fill(LEARNER.username)
    page.get_by_label("گذرواژه").fill(LEARNER.password)
    page.get_by_role("button", name="ورود").click()
    page.wait_for_url(f"{base}/fa/dashboard/")
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360

    # Work through every lesson: "mark as complete" leads to the next one, then to the course.
    page.goto(base + COURSE_PATH)
    first_lesson = page.locator(".syllabus-entry a").first.get_attribute("href")
    page.goto(base + first_lesson)
    mark_complete = page.get_by_role("button", name=fa("Mark as complete"))
    for _lesson in range(10):
        if not mark_complete.count():
            break
        mark_complete.click()
        page.wait_for_load_state()
    assert page.url == base + COURSE_PATH

    # The dashboard lists the certificate with its PDF and its verification page.
    page.goto(f"{base}/fa/dashboard/")
    certificate = page.locator(".certificates li").first
    with page.expect_download() as download_info:
        certificate.get_by_role("link", name=re.compile(re.escape(fa("Download (PDF)")))).click()
    pdf = tmp_path / "certificate.pdf"
    download_info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    code = certificate.locator("[dir=ltr]").first.inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9]{4}(-[A-Z0-9]{4}){3}", code)
    assert code in text

    # The printed address points at SITE_URL; the same path on this server is the check.
    verify_link = certificate.get_by_role("link", name=re.compile(fa("Verification page")))
    verify = verify_link.get_attribute("href")
    page.goto(base + urlsplit(verify).path)
    assert fa("This certificate is valid.") in page.locator(".verdict").inner_text()
    facts = page.locator(".certificate-facts").inner_text()
    assert LEARNER.display_name in facts
    assert code in facts
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
