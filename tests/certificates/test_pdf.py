"""The certificate PDF: real WeasyPrint output read back with pdftotext, in both languages."""

import datetime
import re
import subprocess
import unicodedata

import jdatetime
import pytest
from django.template.defaultfilters import date as date_filter
from django.utils import timezone, translation

from certificates import services
from certificates.models import Certificate, PdfStatus
from core.text import persian_digits

from .conftest import EN_NAME, EN_TITLE, FA_NAME, FA_TITLE, complete_course

pytestmark = pytest.mark.django_db


def comparable(text: str) -> str:
    """Text as pdftotext and the source both reduce to: NFKC (presentation forms folded),
    without format characters (bidi marks, ZWNJ) or combining marks, single spaces."""
    text = unicodedata.normalize("NFKC", text)
    text = "".join(c for c in text if unicodedata.category(c) not in {"Cf", "Mn"})
    return " ".join(text.split())


def pdf_text(content: bytes, tmp_path, name: str) -> str:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(content)
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        check=True,
        timeout=60,
    )
    return comparable(result.stdout.decode())


def contains(text: str, expected: str) -> bool:
    """``expected`` in logical order, or in visual order (some extractors reverse RTL runs)."""
    expected = comparable(expected)
    return expected in text or expected[::-1] in text


def test_persian_and_english_renderings_carry_name_title_date_code_and_link(completion, tmp_path):
    certificate = completion.certificate
    assert certificate.language == "fa"
    fa = pdf_text(services.render_pdf(certificate), tmp_path, "fa")
    en = pdf_text(services.render_pdf(certificate, language="en"), tmp_path, "en")

    assert contains(fa, FA_NAME), fa
    assert contains(fa, FA_TITLE), fa
    assert not contains(fa, EN_TITLE)
    assert contains(en, FA_NAME), en  # the learner's name as they wrote it
    assert contains(en, EN_TITLE), en
    assert not contains(en, FA_TITLE)

    completed = timezone.localtime(certificate.completed_at).date()
    jalali = jdatetime.date.fromgregorian(date=completed, locale="fa_IR")
    assert persian_digits(str(jalali.year)) in fa
    assert contains(fa, jalali.strftime("%B"))
    with translation.override("en"):
        assert date_filter(completed, "F Y") in en
    body = fa.replace(certificate.verify_url, "").replace(certificate.code, "")
    assert str(completed.year) not in body  # no Gregorian year in the Persian rendering

    for text in (fa, en):
        assert certificate.code in text
        assert certificate.verify_url in text


def test_english_learner_gets_an_english_certificate(course, english_learner, tmp_path):
    complete_course(course, english_learner)
    certificate = Certificate.objects.get(user=english_learner)
    assert certificate.language == "en"
    en = pdf_text(services.render_pdf(certificate), tmp_path, "en")
    assert EN_NAME in en
    assert EN_TITLE in en


def run_poppler(tool: str, content: bytes, tmp_path) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(content)
    return subprocess.run(
        [tool, str(path)], capture_output=True, check=True, timeout=60
    ).stdout.decode()


def test_the_pdf_is_a4_landscape_with_rtl_markup_and_embedded_fonts(completion, tmp_path):
    certificate = completion.certificate
    html = services.pdf_html(certificate)
    assert 'dir="rtl"' in html and 'lang="fa"' in html
    assert 'dir="ltr"' in services.pdf_html(certificate, "en")
    assert "A4 landscape" in html
    assert "Vazirmatn-Regular.ttf" in html and "file://" in html
    content = services.render_pdf(certificate)
    assert content.startswith(b"%PDF-")
    fonts = run_poppler("pdffonts", content, tmp_path)
    embedded = [line for line in fonts.splitlines() if "Vazirmatn" in line]
    assert len(embedded) == 2, fonts  # regular and bold
    assert all(" yes yes yes " in line for line in embedded), fonts  # embedded, subset, unicode
    info = run_poppler("pdfinfo", content, tmp_path)
    assert re.search(r"^Pages:\s+1$", info, re.MULTILINE), info
    width, height = (float(v) for v in info.split("Page size:")[1].split("pts")[0].split(" x "))
    assert (round(width), round(height)) == (842, 595)  # A4 landscape in points


def test_qr_code_encodes_the_verification_address(completion):
    certificate = completion.certificate
    html = services.pdf_html(certificate)
    svg = services.qr_svg(certificate.verify_url)
    assert svg.startswith("<svg") and 'class="qr"' in svg and "<path" in svg
    assert svg in html
    assert services.qr_svg(certificate.verify_url + "x") != svg  # it depends on the address
    assert certificate.verify_url.startswith("http") and certificate.code in certificate.verify_url


def test_rendering_task_stores_the_pdf_once(completion):
    certificate = completion.certificate
    assert certificate.pdf_status == PdfStatus.READY
    assert certificate.pdf.name.startswith("certificates/")
    with certificate.pdf.open("rb") as handle:
        assert handle.read(5) == b"%PDF-"
    stored = certificate.pdf.name
    again = services.store_pdf(certificate.pk)  # idempotent: nothing re-rendered
    assert again.pdf.name == stored


def test_dates_fall_on_the_local_calendar_day(completion):
    """A completion late at night UTC is dated on the next day in Tehran (Asia/Tehran)."""
    certificate = completion.certificate
    certificate.completed_at = datetime.datetime(2024, 3, 19, 21, 0, tzinfo=datetime.UTC)
    with translation.override("en"):
        html = services.pdf_html(certificate, "en")
    assert "20 March 2024" in html
    assert "۱ فروردین ۱۴۰۳" in services.pdf_html(certificate, "fa")
