"""Learner pages and downloads, and the public verification page."""

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from wagtail.models import Page

from certificates import services
from certificates.models import Certificate, PdfStatus
from tests.factories import UserFactory

from .conftest import EN_TITLE, FA_NAME, FA_TITLE

# The SQLite pass of `make test` runs the tests marked `sqlite` (the browser journeys cover
# the rest of these pages on SQLite).
pytestmark = pytest.mark.django_db


def fa(message: str) -> str:
    with translation.override("fa"):
        return gettext(message)


def en(message: str) -> str:
    with translation.override("en"):
        return gettext(message)


def list_url(language="fa") -> str:
    with translation.override(language):
        return reverse("certificates:list")


def detail_url(certificate, language="fa") -> str:
    with translation.override(language):
        return reverse("certificates:detail", args=[certificate.code])


def pdf_url(certificate, language="fa") -> str:
    with translation.override(language):
        return certificate.get_pdf_url()


# --------------------------------------------------------------------------- learner


@pytest.mark.sqlite
def test_learner_lists_and_opens_own_certificates(client, completion):
    certificate = completion.certificate
    client.force_login(completion.learner)
    response = client.get(list_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert FA_TITLE in page and certificate.get_pdf_url() in page
    response = client.get(detail_url(certificate))
    page = response.content.decode()
    assert response.status_code == 200
    assert FA_NAME in page and certificate.code in page and certificate.verify_url in page
    english = client.get(detail_url(certificate, "en")).content.decode()
    assert EN_TITLE in english  # the title follows the page's language


@pytest.mark.sqlite
def test_learner_downloads_own_pdf(client, completion):
    certificate = completion.certificate
    client.force_login(completion.learner)
    response = client.get(pdf_url(certificate))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert f"certificate-{certificate.code}.pdf" in response["Content-Disposition"]
    assert response["Cache-Control"] == "private"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_other_learners_and_visitors_get_nothing(client, completion):
    certificate = completion.certificate
    for url in (detail_url(certificate), pdf_url(certificate)):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    client.force_login(UserFactory())
    for url in (detail_url(certificate), pdf_url(certificate)):
        assert client.get(url).status_code == 404
    page = client.get(list_url()).content.decode()
    assert certificate.code not in page and FA_TITLE not in page


def test_a_pending_pdf_is_rendered_on_download(client, course, learner):
    from .conftest import complete_course

    complete_course(course, learner)  # the task would run after a commit that never comes
    certificate = Certificate.objects.get(user=learner)
    assert certificate.pdf_status == PdfStatus.PENDING
    client.force_login(learner)
    response = client.get(pdf_url(certificate))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    certificate.refresh_from_db()
    assert certificate.pdf_status == PdfStatus.READY and certificate.pdf.name


def test_a_lost_pdf_file_is_rendered_again(client, completion):
    certificate = completion.certificate
    certificate.pdf.storage.delete(certificate.pdf.name)
    client.force_login(completion.learner)
    response = client.get(pdf_url(certificate))
    assert response.status_code == 200
    assert certificate.pdf.storage.exists(certificate.pdf.name)


def test_certificates_survive_unpublishing_and_deleting_the_course(client, completion):
    certificate, built = completion.certificate, completion.built
    client.force_login(completion.learner)
    built.course.unpublish()
    built.english.unpublish()
    for url in (list_url(), detail_url(certificate), pdf_url(certificate)):
        assert client.get(url).status_code == 200, url
    Page.objects.filter(pk__in=[built.course.pk, built.english.pk]).delete()
    assert FA_TITLE in client.get(list_url()).content.decode()
    assert client.get(pdf_url(certificate)).status_code == 200
    certificate.pdf.storage.delete(certificate.pdf.name)  # even re-rendering needs no course
    assert client.get(pdf_url(certificate)).status_code == 200
    assert client.get(certificate.verify_url).status_code == 200


def test_media_urls_never_serve_certificate_files(client, completion):
    from django.conf import settings

    certificate = completion.certificate
    client.force_login(completion.learner)
    assert client.get(settings.MEDIA_URL + certificate.pdf.name).status_code == 404


# --------------------------------------------------------------------------- public


def assert_public_headers(response):
    assert "no-cache" in response["Cache-Control"]
    assert response["X-Robots-Tag"] == "noindex"
    assert '<meta name="robots" content="noindex">' in response.content.decode()


@pytest.mark.sqlite
def test_verify_a_valid_certificate(client, completion):
    certificate = completion.certificate
    response = client.get(certificate.verify_url)
    assert response.status_code == 200
    assert_public_headers(response)
    page = response.content.decode()
    assert fa("This certificate is valid.") in page
    assert FA_NAME in page and FA_TITLE in page and certificate.code in page
    assert completion.learner.username not in page and completion.learner.email not in page


def test_verify_speaks_the_certificates_language_and_its_switch_works(client, completion):
    """The page is in the certificate's language whatever the browser asks; its language
    switch (the page is outside the /fa/, /en/ prefixes) goes to ``?lang=``."""
    certificate = completion.certificate
    path = reverse("certificates_public:verify", args=[certificate.code])
    browser_en = client.get(path, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert fa("This certificate is valid.") in browser_en and 'lang="fa"' in browser_en
    assert f'href="{path}?lang=en"' in browser_en
    english = client.get(f"{path}?lang=en").content.decode()
    assert en("This certificate is valid.") in english and EN_TITLE in english
    assert 'lang="en"' in english and f'href="{path}?lang=fa"' in english
    assert fa("This certificate is valid.") in client.get(f"{path}?lang=xx").content.decode()


def test_verify_a_revoked_certificate_shows_only_that(client, completion):
    certificate = completion.certificate
    services.revoke(certificate, by=UserFactory(is_superuser=True), reason="Secret reason")
    response = client.get(certificate.verify_url)
    assert response.status_code == 200
    assert_public_headers(response)
    page = response.content.decode()
    assert fa("This certificate has been revoked.") in page
    assert fa("This certificate is valid.") not in page
    assert fa("Revoked on") in page
    for hidden in (FA_NAME, FA_TITLE, EN_TITLE, "Secret reason"):
        assert hidden not in page


def test_verify_unknown_and_malformed_codes(client, completion):
    for code in ("ZZZZ-ZZZZ-ZZZZ-ZZZZ", "not-a-code", "0000-0000-0000-0000"):
        response = client.get(reverse("certificates_public:verify", args=[code]))
        assert response.status_code == 404, code
        assert_public_headers(response)
        page = response.content.decode()
        assert fa("No certificate has this code.") in page
        assert 'name="code"' in page  # the form to type it again
        assert FA_NAME not in page
    english = client.get("/verify/ZZZZ-ZZZZ-ZZZZ-ZZZZ/", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 404
    assert en("No certificate has this code.") in english.content.decode()


def test_verify_accepts_other_spellings_of_a_code(client, completion):
    certificate = completion.certificate
    typed = certificate.code.lower().replace("-", "")
    response = client.get(reverse("certificates_public:verify", args=[typed]))
    assert response.status_code == 302
    assert response["Location"] == reverse("certificates_public:verify", args=[certificate.code])


def test_verify_form_redirects_to_the_code(client, completion):
    certificate = completion.certificate
    response = client.get(reverse("certificates_public:form"))
    assert response.status_code == 200 and 'name="code"' in response.content.decode()
    response = client.get(
        reverse("certificates_public:form"), {"code": certificate.code.lower().replace("-", " ")}
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("certificates_public:verify", args=[certificate.code])
    response = client.get(reverse("certificates_public:form"), {"code": "nonsense"})
    assert response.status_code == 200
    assert fa("This is not a verification code: it has 16 letters and digits.") in (
        response.content.decode()
    )
    assert client.post(certificate.verify_url).status_code == 405


def test_verify_url_is_absolute_and_outside_the_language_prefix(completion, settings):
    certificate = completion.certificate
    assert certificate.verify_url == f"{settings.SITE_URL}/verify/{certificate.code}/"
