"""H5P packages in the Wagtail admin: upload, follow the import, replace, retry, delete."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from wagtail.users.models import UserProfile

from content import services
from content.h5p.validation import validate_package
from content.models import H5PLibrary, H5PPackage
from courses.services import course_ensure_editors_group, ensure_roles
from tests.builders import build_course
from tests.content.hostile import package
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "h5p"
GREETING = FIXTURES / "greetingcard-minimal.h5p"
TRUEFALSE = FIXTURES / "truefalse-hello-world.h5p"
Status = H5PPackage.Status


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


def admin_language(user, language: str):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()


@pytest.fixture
def course(site_tree):
    return build_course(slug="h5p-course", lessons=1, title="H5P course").course


@pytest.fixture
def teacher(course):
    """A teacher who edits ``course``."""
    ensure_roles()
    services.ensure_h5p_permissions()
    user = UserFactory(username="h5p-teacher")
    user.groups.add(Group.objects.get(name="Teachers"))
    course_ensure_editors_group(course=course, owners=[user])
    admin_language(user, "en")
    return user


@pytest.fixture
def editor_without_h5p(db):
    """May use the admin, but has no permission on H5P packages."""
    user = UserFactory(username="no-h5p")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    admin_language(user, "en")
    return user


@pytest.fixture
def superuser(db):
    user = UserFactory(username="boss", is_superuser=True, is_staff=True)
    admin_language(user, "en")
    return user


def url(name: str, *args) -> str:
    return reverse(H5PPackage.snippet_viewset.get_url_name(name), args=args)


def h5p_file(path: Path, name: str | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name or path.name, path.read_bytes(), "application/zip")


def stored_files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_a_teacher_uploads_a_package_and_it_becomes_ready(
    client, teacher, course, django_capture_on_commit_callbacks
):
    client.force_login(teacher)
    assert client.get(url("list")).status_code == 200
    form = client.get(url("add"))
    assert form.status_code == 200
    assert 'accept=".h5p"' in form.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("add"), {"title": "", "course": course.pk, "upload": h5p_file(GREETING)}
        )
    made = H5PPackage.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("inspect", made.pk)
    assert made.status == Status.READY, made.errors
    assert (made.title, made.main_library, made.uploaded_by, made.course) == (
        "Greeting card",
        "H5P.GreetingCard 1.0",
        teacher,
        course,
    )
    assert default_storage.exists(f"{made.content_dir}/content/content.json")

    page = client.get(url("inspect", made.pk))
    html = page.content.decode()
    assert page.status_code == 200
    assert "H5P.GreetingCard 1.0.6" in html  # the libraries
    assert "data-h5p-status-url" not in html  # done: nothing to follow
    listing = client.get(url("list")).content.decode()
    assert "Greeting card" in listing and url("inspect", made.pk) in listing


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("notes.txt", b"hello", "is not an H5P file: choose a file whose name ends in .h5p"),
        ("lesson.zip", GREETING.read_bytes(), "whose name ends in .h5p"),
        ("fake.h5p", b"just text", "is not an H5P file: it is not a zip archive"),
    ],
)
def test_other_files_are_refused_with_a_message(client, teacher, name, data, message):
    client.force_login(teacher)
    response = client.post(url("add"), {"upload": SimpleUploadedFile(name, data)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not H5PPackage.objects.exists()


def test_too_large_files_are_refused(client, teacher, settings):
    settings.H5P_MAX_UPLOAD_BYTES = 10_000
    client.force_login(teacher)
    response = client.post(url("add"), {"upload": h5p_file(GREETING)})
    assert response.status_code == 200
    assert "an H5P file may be at most 9.8\xa0KB" in response.content.decode()
    assert not H5PPackage.objects.exists()


def test_problems_are_shown_in_the_uploaders_language(
    client, teacher, course, tmp_path, django_capture_on_commit_callbacks
):
    admin_language(teacher, "fa")
    bad = package(tmp_path / "bad.h5p", extra=[("content/shell.php", b"<?php")])
    client.force_login(teacher)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("add"), {"course": course.pk, "upload": h5p_file(bad)})
    made = H5PPackage.objects.get()
    assert made.status == Status.FAILED
    with translation.override("fa"):
        persian = validate_package(bad).problems[0].message
    with translation.override("en"):
        english = validate_package(bad).problems[0].message
    assert persian != english
    html = client.get(url("inspect", made.pk)).content.decode()
    assert persian in html
    assert "content/shell.php" in html and "forbidden_extension" in html
    # The refused file is deleted: no retry of the same file, a new one goes on the edit page.
    assert made.upload.name == "" and not default_storage.listdir("h5p/uploads")[1]
    assert url("retry", made.pk) not in html


def test_status_endpoint_and_the_page_that_follows_it(client, teacher):
    made = services.package_create(
        upload=h5p_file(GREETING), user=teacher, enqueue=False
    )  # pending: no worker has taken it yet
    client.force_login(teacher)
    data = client.get(url("status", made.pk)).json()
    assert data == {
        "id": made.pk,
        "status": "pending",
        "status_label": "Waiting to be imported",
        "progress": 0,
        "busy": True,
        "replacing": False,
        "ready": False,
        "title": str(made.uuid),
        "main_library": "",
        "errors": [],
    }
    html = client.get(url("inspect", made.pk)).content.decode()
    assert f'data-h5p-status-url="{url("status", made.pk)}"' in html
    assert "content/admin/h5p_status.js" in html
    assert "<progress" in html and ">Refresh</a>" in html  # works without JavaScript too

    services.package_import(made.pk)
    data = client.get(url("status", made.pk)).json()
    assert (data["status"], data["progress"], data["busy"], data["ready"]) == (
        "ready",
        100,
        False,
        True,
    )
    assert data["main_library"] == "H5P.GreetingCard 1.0"


def test_users_without_the_permissions_are_refused(
    client, editor_without_h5p, teacher, django_capture_on_commit_callbacks
):
    made = services.package_create(upload=h5p_file(GREETING), enqueue=False)
    services.package_import(made.pk)
    client.force_login(editor_without_h5p)
    assert client.get(url("list")).status_code == 302  # back to the dashboard
    assert client.get(url("add")).status_code == 302
    client.post(url("add"), {"upload": h5p_file(GREETING)})
    assert H5PPackage.objects.count() == 1
    assert client.get(url("status", made.pk)).status_code == 302
    script = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest"}
    assert client.get(url("status", made.pk), **script).status_code == 403
    H5PPackage.objects.filter(pk=made.pk).update(status=Status.FAILED)
    assert client.post(url("retry", made.pk)).status_code == 302
    assert H5PPackage.objects.get(pk=made.pk).status == Status.FAILED
    H5PPackage.objects.filter(pk=made.pk).update(status=Status.READY)
    assert client.get(url("inspect", made.pk)).status_code == 302

    # Teachers may upload and change, not delete.
    client.force_login(teacher)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("delete", made.pk))
    assert response.status_code == 302
    assert H5PPackage.objects.filter(pk=made.pk).exists()


def test_delete_removes_the_content_files(
    client, superuser, media, django_capture_on_commit_callbacks
):
    made = services.package_create(upload=h5p_file(GREETING), enqueue=False)
    services.package_import(made.pk)
    assert default_storage.exists(f"{made.content_dir}/h5p.json")
    client.force_login(superuser)
    assert client.get(url("delete", made.pk)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("delete", made.pk))
    assert response.status_code == 302
    assert not H5PPackage.objects.exists()
    assert not default_storage.exists(made.content_dir)
    assert not default_storage.exists(made.upload.name)
    # The shared library stays.
    assert stored_files(media) == {
        name for name in stored_files(media) if name.startswith("h5p/libraries/")
    }
    assert H5PLibrary.objects.count() == 1


def test_edit_replaces_the_file_or_just_the_title(
    client, teacher, course, django_capture_on_commit_callbacks
):
    made = services.package_create(upload=h5p_file(GREETING), course=course, enqueue=False)
    services.package_import(made.pk)
    client.force_login(teacher)
    assert client.get(url("edit", made.pk)).status_code == 200

    response = client.post(url("edit", made.pk), {"title": "کارت", "course": course.pk})
    assert response.status_code == 302
    made.refresh_from_db()
    assert (made.title, made.main_library) == ("کارت", "H5P.GreetingCard 1.0")

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("edit", made.pk),
            {"title": "کارت", "course": course.pk, "upload": h5p_file(TRUEFALSE)},
        )
    assert response.status_code == 302
    assert response["Location"] == url("inspect", made.pk)
    made.refresh_from_db()
    assert made.status == Status.READY
    assert made.main_library == "H5P.TrueFalse 1.6"

    refused = client.post(
        url("edit", made.pk),
        {"title": "x", "course": course.pk, "upload": SimpleUploadedFile("a.txt", b"x")},
    )
    assert refused.status_code == 200
    assert "whose name ends in .h5p" in refused.content.decode()


def test_no_new_file_while_an_import_runs(client, teacher, course):
    made = services.package_create(upload=h5p_file(GREETING), course=course, enqueue=False)
    client.force_login(teacher)
    response = client.post(
        url("edit", made.pk), {"title": "", "course": course.pk, "upload": h5p_file(GREETING)}
    )
    assert response.status_code == 200
    assert "being imported; wait until that has finished" in response.content.decode()


def test_retry_from_the_status_page(client, teacher, course, django_capture_on_commit_callbacks):
    made = services.package_create(upload=h5p_file(GREETING), course=course, enqueue=False)
    H5PPackage.objects.filter(pk=made.pk).update(
        status=Status.FAILED, errors=[{"code": "import_error", "message": "x", "path": None}]
    )
    client.force_login(teacher)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("retry", made.pk))
    assert response.status_code == 302
    made.refresh_from_db()
    assert (made.status, made.errors) == (Status.READY, [])


def test_the_chooser_offers_only_ready_packages(client, teacher, course):
    ready = services.package_create(
        upload=h5p_file(GREETING), title="آماده", course=course, enqueue=False
    )
    services.package_import(ready.pk)
    services.package_create(upload=h5p_file(GREETING), title="در صف", course=course, enqueue=False)
    client.force_login(teacher)
    chooser = H5PPackage.snippet_viewset.chooser_viewset
    response = client.get(reverse(chooser.get_url_name("choose")))
    assert response.status_code == 200
    html = response.json()["html"]
    assert "آماده" in html and "در صف" not in html
