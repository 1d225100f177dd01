"""Savad on S3-compatible object storage (moto's server on loopback, a bucket per test).

Uploads land in the bucket; files leave only after the same access checks as on local disk,
as a redirect to a short-lived signed link that really downloads from the S3 server. H5P
content stays on the site's (content) origin, streamed from the bucket. A refused package
leaves nothing in the bucket at all.
"""

import json
import re
import urllib.request
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.documents import get_document_model

from certificates.models import Certificate
from content import services as h5p_services
from content.models import H5PActivityPage, H5PLibrary, H5PPackage
from content.selectors import library_code
from core.storages import SignedS3Storage
from courses import services
from courses.models import EnrolmentMode
from courses.selectors import course_syllabus
from lms.settings.env import media_storage_from_env
from progress.services import record_completion
from tests.builders import build_course, h5p_activity_for_a_learner
from tests.conftest import clean_env, run_python
from tests.content.hostile import package as hostile_package
from tests.core.test_media import _lesson_with_image
from tests.core.test_settings import load
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "h5p"
GREETING = FIXTURES / "greetingcard-minimal.h5p"
TRUEFALSE = FIXTURES / "truefalse-hello-world.h5p"


def download(response):
    """Follow a redirect to a signed link: the S3 server's bytes and headers."""
    assert response.status_code == 302, response.status_code
    with urllib.request.urlopen(response["Location"], timeout=10) as answer:  # noqa: S310
        return answer.read(), answer.headers


def assert_signed(response, s3_server, bucket):
    location = response["Location"]
    assert location.startswith(f"{s3_server.endpoint}/{bucket}/"), location
    query = parse_qs(urlsplit(location).query)
    assert 0 < int(query["X-Amz-Expires"][0]) <= 300
    assert response["Cache-Control"].startswith("private")
    # Without the signature the bucket refuses the same object.
    unsigned = location.split("?")[0]
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(unsigned, timeout=10)  # noqa: S310 (loopback)
    assert refused.value.code == 403


# --- Settings --------------------------------------------------------------------------------


def test_media_storage_url_names_a_private_bucket(monkeypatch):
    monkeypatch.delenv("MEDIA_STORAGE_URL", raising=False)
    assert media_storage_from_env()["BACKEND"].endswith("FileSystemStorage")
    monkeypatch.setenv(
        "MEDIA_STORAGE_URL", "s3://savad-media/site-a/?endpoint_url=http://minio:9000&region=eu-1"
    )
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "key")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret")
    monkeypatch.setenv("MEDIA_URL_EXPIRY", "120")
    config = media_storage_from_env()
    assert config["BACKEND"] == "core.storages.SignedS3Storage"
    options = config["OPTIONS"]
    assert (options["bucket_name"], options["location"]) == ("savad-media", "site-a")
    assert (options["endpoint_url"], options["region_name"]) == ("http://minio:9000", "eu-1")
    assert (options["access_key"], options["secret_key"]) == ("key", "secret")
    assert options["addressing_style"] == "path"
    assert options["querystring_auth"] is True and options["querystring_expire"] == 120
    assert options["default_acl"] is None and options["file_overwrite"] is False


@pytest.mark.parametrize(
    ("url", "expiry", "reason"),
    [
        ("minio://bucket", "300", "unsupported scheme 'minio'"),
        ("s3://", "300", "no bucket"),
        ("s3://key:secret@bucket", "300", "credentials belong in AWS_ACCESS_KEY_ID"),
        ("s3://bucket?region=x&acl=public-read", "300", "unknown option 'acl'"),
        ("s3://bucket?endpoint_url=minio:9000", "300", "endpoint_url must be an http(s) URL"),
        ("s3://bucket", "3600", "MEDIA_URL_EXPIRY must be between 1 and 300"),
    ],
)
def test_a_malformed_media_storage_url_says_what_is_wrong(monkeypatch, url, expiry, reason):
    monkeypatch.setenv("MEDIA_STORAGE_URL", url)
    monkeypatch.setenv("MEDIA_URL_EXPIRY", expiry)
    with pytest.raises(ImproperlyConfigured, match=re.escape(reason)):
        media_storage_from_env()


CSP_DUMP = (
    "import json; from django.conf import settings as s;"
    "d = s.CONTENT_SECURITY_POLICY['DIRECTIVES'];"
    "print(json.dumps([d['img-src'], d['media-src']]))"
)


@pytest.mark.parametrize(
    ("url", "origins"),
    [
        (
            "s3://savad-media?region=eu-central-1",
            [
                "https://savad-media.s3.amazonaws.com",
                "https://savad-media.s3.eu-central-1.amazonaws.com",
            ],
        ),
        ("s3://savad-media?endpoint_url=http://minio:9000", ["http://minio:9000"]),
        (
            "s3://m?endpoint_url=https://s3.example.org&addressing_style=virtual",
            ["https://m.s3.example.org"],
        ),
    ],
)
def test_pages_may_load_images_from_the_buckets_signed_links(url, origins):
    assert load(MEDIA_STORAGE_URL=url)["media"] == "core.storages.SignedS3Storage"
    env = clean_env(DJANGO_SETTINGS_MODULE="lms.settings.dev", MEDIA_STORAGE_URL=url)
    result = run_python(CSP_DUMP, env=env)
    assert result.returncode == 0, result.stderr
    img_src, media_src = json.loads(result.stdout)
    assert img_src == ["'self'", "data:", *origins]
    assert media_src == ["'self'", *origins]


# --- Uploads and downloads -------------------------------------------------------------------


def test_the_default_storage_is_the_bucket(object_storage, s3_server):
    name = default_storage.save("probe/hello.txt", ContentFile(b"salaam"))
    assert s3_server.keys(object_storage) == [name]
    assert default_storage.url(name) == f"/media/{name}"  # pages link to the checked route
    assert isinstance(default_storage._wrapped, SignedS3Storage)


def test_a_gated_image_goes_only_to_enrolled_learners_as_a_signed_link(
    client, site_tree, object_storage, s3_server
):
    built, image = _lesson_with_image(EnrolmentMode.INVITATION, "s3-closed-images")
    rendition = image.get_rendition("max-800x600|format-webp")
    assert image.file.name in s3_server.keys(object_storage)
    assert rendition.file.name in s3_server.keys(object_storage)
    urls = [image.file.url, rendition.url]
    assert all(url.startswith("/media/") for url in urls)

    assert {client.get(url).status_code for url in urls} == {403}
    learner = UserFactory()
    client.force_login(learner)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 403
        with translation.override("fa"):
            message = translation.gettext("This file belongs to a course you are not enrolled in.")
        assert message in response.content.decode()

    services.enrol(user=learner, course=built.course, source="teacher")
    response = client.get(image.file.url)
    assert_signed(response, s3_server, object_storage)
    body, headers = download(response)
    image.file.open("rb")
    with image.file:
        assert body == image.file.read()
    assert headers["Content-Type"] == "image/png"
    assert headers["Cache-Control"].startswith("private")
    body, headers = download(client.get(rendition.url))
    assert body[:4] == b"RIFF" and headers["Content-Type"] == "image/webp"


def test_a_document_is_uploaded_and_downloaded_through_the_document_view(
    client, object_storage, s3_server
):
    document = get_document_model().objects.create(
        title="Guide", file=ContentFile(b"%PDF-1.4 guide", name="guide.pdf")
    )
    assert document.file.name in s3_server.keys(object_storage)
    response = client.get(document.url)
    assert_signed(response, s3_server, object_storage)
    body, headers = download(response)
    assert body == b"%PDF-1.4 guide"
    assert headers["Content-Type"] == "application/pdf"


# --- H5P -------------------------------------------------------------------------------------


def _upload(path: Path) -> H5PPackage:
    with path.open("rb") as handle:
        return h5p_services.package_create(upload=File(handle, name=path.name), enqueue=False)


def test_an_h5p_package_is_imported_into_the_bucket_and_played_from_it(
    client, site_tree, object_storage, s3_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        package = h5p_services.package_import(_upload(GREETING).pk)
    assert package.status == H5PPackage.Status.READY, package.errors
    keys = s3_server.keys(object_storage)
    assert package.content_version.startswith("v-")
    assert f"{package.content_dir}/h5p.json" in keys
    assert f"{package.content_dir}/content/content.json" in keys
    code_dir = H5PLibrary.objects.get(machine_name="H5P.GreetingCard").code_dir
    assert f"{code_dir}/library.json" in keys  # the library's code in a folder of its own
    assert not any(key.startswith("h5p/tmp") for key in keys)

    activity, token = h5p_activity_for_a_learner(client, package, slug="s3-h5p")
    frame = Client()  # the sandboxed frame has no cookies
    response = frame.get(reverse("h5p:content", args=[token, "content/content.json"]))
    assert response.status_code == 200  # streamed from the bucket, on the content origin
    assert "sandbox" in response["Content-Security-Policy"]
    with default_storage.open(f"{package.content_dir}/content/content.json") as stored:
        assert b"".join(response.streaming_content) == stored.read()
    library = frame.get(reverse("h5p:library", args=["H5P.GreetingCard-1.0/library.json"]))
    assert library.status_code == 200
    versions = library_code()["token"]  # as the player asks for it: the library set's version
    versioned = f"{versions}/H5P.GreetingCard-1.0/library.json"
    with default_storage.open(f"{code_dir}/library.json") as stored:
        assert b"".join(frame.get(reverse("h5p:library", args=[versioned])).streaming_content) == (
            stored.read()
        )

    # A replacement is uploaded to a new folder; the row switches to it; the old one goes.
    old_dir = package.content_dir
    with TRUEFALSE.open("rb") as handle, django_capture_on_commit_callbacks(execute=True):
        h5p_services.package_replace(package, File(handle, name="tf.h5p"))
    package.refresh_from_db()
    assert package.main_library == "H5P.TrueFalse 1.6"
    assert package.content_dir != old_dir
    keys = s3_server.keys(object_storage)
    assert not any(key.startswith(old_dir + "/") for key in keys)
    assert f"{package.content_dir}/content/content.json" in keys
    response = frame.get(reverse("h5p:content", args=[token, "h5p.json"]))
    assert b"H5P.TrueFalse" in b"".join(response.streaming_content)

    H5PActivityPage.objects.get(pk=activity.pk).delete()
    with django_capture_on_commit_callbacks(execute=True):
        h5p_services.package_delete(package)
    assert not any(key.startswith("h5p/content/") for key in s3_server.keys(object_storage))


def test_a_hostile_package_is_refused_and_leaves_nothing_in_the_bucket(
    object_storage, s3_server, tmp_path
):
    path = hostile_package(tmp_path / "slip.h5p", extra=[("../evil.js", b"x")])
    with translation.override("en"):
        made = _upload(path)
        assert s3_server.keys(object_storage) == [made.upload.name]  # the upload, for now
        package = h5p_services.package_import(made.pk)
    assert package.status == H5PPackage.Status.FAILED
    error = next(e for e in package.errors if e["code"] == "zip_slip")
    assert "../evil.js" in error["message"]
    assert s3_server.keys(object_storage) == []  # no upload, content, library or work file


def test_a_failed_replacement_leaves_the_old_content_and_no_new_folder(
    object_storage, s3_server, tmp_path, django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=True):
        package = h5p_services.package_import(_upload(GREETING).pk)
    before = s3_server.keys(object_storage)

    from content import storage as h5p_storage

    real_put = h5p_storage.put_tree

    def put_then_fail(local_dir, prefix, **kwargs):
        real_put(local_dir, prefix, **kwargs)
        raise OSError("the network went away after the upload")

    monkeypatch.setattr(h5p_storage, "put_tree", put_then_fail)
    with TRUEFALSE.open("rb") as handle, django_capture_on_commit_callbacks(execute=True):
        h5p_services.package_replace(package, File(handle, name="tf.h5p"))
    package.refresh_from_db()
    assert package.is_ready and package.main_library == "H5P.GreetingCard 1.0"
    assert package.errors and package.errors[0]["code"] == "import_error"
    after = s3_server.keys(object_storage)
    assert not [key for key in after if key.startswith("h5p/content/") and key not in before]
    assert f"{package.content_dir}/content/content.json" in after


# --- Certificates ----------------------------------------------------------------------------


def test_a_certificate_pdf_is_stored_in_the_bucket_and_downloaded_by_its_owner(
    client, object_storage, s3_server, django_capture_on_commit_callbacks
):
    built = build_course(slug="s3-cert", lessons=1)
    learner = UserFactory()
    syllabus = course_syllabus(built.course)
    with django_capture_on_commit_callbacks(execute=True):
        for lesson in built.lessons:
            record_completion(user=learner, activity=lesson.activity_ref(syllabus))
    certificate = Certificate.objects.get(user=learner)
    assert certificate.pdf.name in s3_server.keys(object_storage)
    url = reverse("certificates:pdf", args=[certificate.code])

    client.force_login(UserFactory())
    assert client.get(url).status_code in {403, 404}
    client.force_login(learner)
    response = client.get(url)
    assert_signed(response, s3_server, object_storage)
    body, headers = download(response)
    assert body.startswith(b"%PDF-")
    assert headers["Content-Type"] == "application/pdf"
    assert headers["Content-Disposition"].startswith("attachment;")
    assert f"certificate-{certificate.code}.pdf" in headers["Content-Disposition"]


def test_an_import_removes_what_a_crashed_attempt_uploaded(
    object_storage, s3_server, django_capture_on_commit_callbacks
):
    made = _upload(GREETING)
    # A worker died after uploading part of a version that the row never pointed to.
    default_storage.save(f"{made.content_root}/v-crashed/content/content.json", ContentFile(b"{}"))
    with django_capture_on_commit_callbacks(execute=True):
        package = h5p_services.package_import(made.pk)
    assert package.is_ready
    content = [key for key in s3_server.keys(object_storage) if key.startswith("h5p/content/")]
    assert content and all(key.startswith(package.content_dir + "/") for key in content)


def test_a_package_moved_from_a_bucket_to_local_disk_goes_back_to_its_root_folder(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    package = h5p_services.package_import(_upload(GREETING).pk)
    # As if its files had been copied from a bucket, version folder and all.
    old = Path(settings.MEDIA_ROOT, package.content_root)
    (old / "content").rename(tmp_path / "content")
    (old / "v-bucket").mkdir()
    (tmp_path / "content").rename(old / "v-bucket" / "content")
    (old / "h5p.json").rename(old / "v-bucket" / "h5p.json")
    H5PPackage.objects.filter(pk=package.pk).update(content_version="v-bucket")
    package.refresh_from_db()

    with TRUEFALSE.open("rb") as handle, django_capture_on_commit_callbacks(execute=True):
        h5p_services.package_replace(package, File(handle, name="tf.h5p"))
    package.refresh_from_db()
    assert package.main_library == "H5P.TrueFalse 1.6"
    assert (package.content_version, package.content_dir) == ("", package.content_root)
    assert sorted(path.name for path in old.iterdir()) == ["content", "h5p.json"]
