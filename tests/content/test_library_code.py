"""Shared library code on object storage, and the versioned library paths players load.

Object storage cannot swap two folders: each stored version of a library's code goes to a
folder of its own, and the library's row points players to it once every file is there. Player
pages name the set of library versions in their library path, so a browser that cached a file
of the old code (for a week) never mixes it with the new.
"""

import io
from pathlib import Path

import pytest
from django.core.files import File
from django.core.files.storage import InMemoryStorage, default_storage
from django.urls import reverse
from django.utils import translation

from content import services, storage
from content.models import H5PLibrary, H5PPackage
from content.selectors import library_code
from tests.content.hostile import LIBRARY_FOLDER, dumps, library_json, package
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

HELLO_JS = "hello.js"


@pytest.fixture(autouse=True)
def object_storage(settings, tmp_path):
    """A default storage without local paths (as a bucket); English messages."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    settings.H5P_WORK_DIR = str(tmp_path / "work")
    assert not storage.is_local()
    with translation.override("en"):
        yield default_storage


@pytest.fixture
def admin():
    return UserFactory(username="boss", is_superuser=True, is_staff=True)


def hello(tmp_path: Path, name: str, *, patch: int, js: bytes) -> Path:
    replace = {
        f"{LIBRARY_FOLDER}/library.json": dumps(library_json(patchVersion=patch)),
        f"{LIBRARY_FOLDER}/{HELLO_JS}": js,
    }
    return package(tmp_path / name, replace=replace)


def imported(path: Path, user) -> H5PPackage:
    with path.open("rb") as handle:
        made = services.package_create(
            upload=File(handle, name=path.name), user=user, enqueue=False
        )
    return services.package_import(made.pk)


def served(client, path: str) -> bytes:
    response = client.get(reverse("h5p:library", args=[path]))
    assert response.status_code == 200, path
    return b"".join(response.streaming_content)


def test_an_upgrade_is_stored_beside_the_old_code_and_players_switch_at_the_commit(
    tmp_path, admin, client, object_storage, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert imported(hello(tmp_path, "a.h5p", patch=3, js=b"old()"), admin).is_ready
    old_dir = H5PLibrary.objects.get().code_dir
    old_token = library_code()["token"]
    assert served(client, f"{old_token}/{LIBRARY_FOLDER}/{HELLO_JS}") == b"old()"

    with django_capture_on_commit_callbacks(execute=False) as after_commit:
        upgraded = imported(hello(tmp_path, "b.h5p", patch=4, js=b"new()"), admin)
    assert upgraded.notices[0]["code"] == "library_upgraded"
    row = H5PLibrary.objects.get()
    assert row.patch_version == 4 and row.code_dir != old_dir
    assert row.code_dir.startswith(f"h5p/library-code/{LIBRARY_FOLDER}/")
    # Until the commit, the old folder is whole: a player that still reads it finds every file.
    assert object_storage.open(f"{old_dir}/{HELLO_JS}").read() == b"old()"
    for callback in after_commit:
        callback()
    assert not storage.exists(old_dir)
    assert object_storage.open(f"{row.code_dir}/{HELLO_JS}").read() == b"new()"

    new_token = library_code()["token"]
    assert new_token != old_token  # new URLs: no cached old file is mixed in
    assert served(client, f"{new_token}/{LIBRARY_FOLDER}/{HELLO_JS}") == b"new()"
    # A page loaded before the upgrade, and the path without a token, get the current code.
    assert served(client, f"{old_token}/{LIBRARY_FOLDER}/{HELLO_JS}") == b"new()"
    assert served(client, f"{LIBRARY_FOLDER}/{HELLO_JS}") == b"new()"


def test_an_upgrade_that_fails_half_way_leaves_the_old_code_in_place(
    tmp_path, admin, client, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        imported(hello(tmp_path, "a.h5p", patch=3, js=b"old()"), admin)
    before = H5PLibrary.objects.get()
    stored_before = set(storage._stored_files("h5p", default_storage))

    real_save = InMemoryStorage.save

    def failing_save(self, name, content, **kwargs):
        if name.startswith("h5p/library-code/") and name.endswith(HELLO_JS):
            raise OSError("network down")
        return real_save(self, name, content, **kwargs)

    monkeypatch.setattr(InMemoryStorage, "save", failing_save)
    with django_capture_on_commit_callbacks(execute=True):
        failed = imported(hello(tmp_path, "b.h5p", patch=4, js=b"new()"), admin)
    assert failed.status == H5PPackage.Status.FAILED
    row = H5PLibrary.objects.get()
    assert (row.patch_version, row.code_dir) == (3, before.code_dir)
    assert served(client, f"{LIBRARY_FOLDER}/{HELLO_JS}") == b"old()"
    # Nothing of the new code, the new package or its work folder is left behind.
    stored_after = set(storage._stored_files("h5p", default_storage))
    assert {name for name in stored_after - stored_before if "uploads/" not in name} == set()


def code_folders() -> list[str]:
    return storage.subfolders(f"h5p/library-code/{LIBRARY_FOLDER}")


def test_code_placed_by_an_upgrade_that_rolls_back_is_deleted_at_once(
    tmp_path, admin, client, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        imported(hello(tmp_path, "a.h5p", patch=3, js=b"old()"), admin)
    before = H5PLibrary.objects.get()
    assert code_folders() == [before.code_dir.rsplit("/", 1)[-1]]

    def refuse(**kwargs):  # the upgrade's record fails after the new code was uploaded
        raise RuntimeError("database went away")

    monkeypatch.setattr(services.H5PLibraryUpgrade.objects, "create", refuse)
    with django_capture_on_commit_callbacks(execute=True):
        failed = imported(hello(tmp_path, "b.h5p", patch=4, js=b"new()"), admin)
    assert failed.status == H5PPackage.Status.FAILED
    row = H5PLibrary.objects.get()
    assert (row.patch_version, row.code_dir) == (3, before.code_dir)
    assert code_folders() == [before.code_dir.rsplit("/", 1)[-1]]
    assert served(client, f"{LIBRARY_FOLDER}/{HELLO_JS}") == b"old()"


def test_code_folders_left_by_a_process_that_died_go_at_the_next_upgrade(
    tmp_path, admin, object_storage, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        imported(hello(tmp_path, "a.h5p", patch=3, js=b"old()"), admin)
    # Uploaded by an upgrade whose process was killed before its commit: no row points here.
    leftover = f"h5p/library-code/{LIBRARY_FOLDER}/0123456789abcdef"
    object_storage.save(f"{leftover}/{HELLO_JS}", File(io.BytesIO(b"half()"), name=HELLO_JS))
    assert len(code_folders()) == 2

    with django_capture_on_commit_callbacks(execute=True):
        upgraded = imported(hello(tmp_path, "b.h5p", patch=4, js=b"new()"), admin)
    assert upgraded.notices[0]["code"] == "library_upgraded"
    row = H5PLibrary.objects.get()
    assert code_folders() == [row.code_dir.rsplit("/", 1)[-1]]
    assert not storage.exists(leftover)
    assert object_storage.open(f"{row.code_dir}/{HELLO_JS}").read() == b"new()"


def test_on_local_storage_the_library_folder_is_swapped_in_place(settings, tmp_path, admin):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    }
    settings.MEDIA_ROOT = str(tmp_path / "media")
    imported(hello(tmp_path, "a.h5p", patch=3, js=b"old()"), admin)
    imported(hello(tmp_path, "b.h5p", patch=4, js=b"new()"), admin)
    assert H5PLibrary.objects.get().code_dir == ""
    stored = tmp_path / "media" / "h5p/libraries" / LIBRARY_FOLDER / HELLO_JS
    assert stored.read_bytes() == b"new()"
