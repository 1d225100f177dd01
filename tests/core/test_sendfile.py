"""Local storage with ``SENDFILE_BACKEND``: after the same access checks, the web server sends
the file (nginx ``X-Accel-Redirect`` into an ``internal`` location); the worker sends headers only.
"""

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from wagtail.documents import get_document_model

from certificates.models import Certificate
from courses import services
from courses.models import EnrolmentMode
from courses.selectors import course_syllabus
from progress.services import record_completion
from tests.builders import build_course, h5p_activity_for_a_learner
from tests.content.installed import install
from tests.core.test_media import _lesson_with_image
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

INTERNAL = "/internal-media/"


@pytest.fixture(autouse=True)
def nginx(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.SENDFILE_BACKEND = "django_sendfile.backends.nginx"
    settings.SENDFILE_ROOT = settings.MEDIA_ROOT
    settings.SENDFILE_URL = INTERNAL.rstrip("/")


def sent(response) -> str:
    """The file the web server is told to send (and that the worker sent no body)."""
    assert response.status_code == 200, response.status_code
    assert response.content == b""
    return response["X-Accel-Redirect"]


def test_images_are_handed_to_the_web_server_after_the_access_check(client, site_tree):
    built, image = _lesson_with_image(EnrolmentMode.INVITATION, "sendfile-images")
    response = client.get(image.file.url)
    assert response.status_code == 403 and "X-Accel-Redirect" not in response
    learner = UserFactory()
    services.enrol(user=learner, course=built.course, source="teacher")
    client.force_login(learner)
    response = client.get(image.file.url)
    assert sent(response) == INTERNAL + image.file.name
    assert response["Content-Type"] == "image/png"
    assert response["Cache-Control"].startswith("private")
    assert client.get("/media/original_images/missing.png").status_code == 404


def test_documents_are_handed_to_the_web_server(client):
    document = get_document_model().objects.create(
        title="Guide", file=ContentFile(b"%PDF-1.4 guide", name="guide.pdf")
    )
    assert sent(client.get(document.url)) == INTERNAL + document.file.name


def test_h5p_files_keep_their_isolation_headers_when_the_web_server_sends_them(client):
    package = install("multichoice.h5p")
    _activity, token = h5p_activity_for_a_learner(client, package, slug="sendfile-h5p")
    frame = Client()
    response = frame.get(reverse("h5p:content", args=[token, "content/content.json"]))
    assert sent(response) == f"{INTERNAL}{package.content_dir}/content/content.json"
    # nginx passes these on from the upstream answer (deploy/nginx.conf).
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["Content-Type"] == "application/json"
    missing = frame.get(reverse("h5p:content", args=[token, "content/nothing.json"]))
    assert missing.status_code == 404


def test_certificate_pdfs_are_handed_to_the_web_server(client, django_capture_on_commit_callbacks):
    built = build_course(slug="sendfile-cert", lessons=1)
    learner = UserFactory()
    syllabus = course_syllabus(built.course)
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in built.lessons:
            record_completion(user=learner, activity=lesson.activity_ref(syllabus))
    certificate = Certificate.objects.get(user=learner)
    client.force_login(learner)
    response = client.get(reverse("certificates:pdf", args=[certificate.code]))
    assert sent(response) == INTERNAL + certificate.pdf.name
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "private"
