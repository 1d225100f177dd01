"""The shared library store: one code per ``machineName-major.minor``, decided by a rule.

Same patch and files: shared. Same patch, other files: the stored code stays and the import
says which files differ. Lower patch: the stored newer code. Higher patch: an administrator's
upload upgrades the library (the changed files listed); anyone else's waits as a pending upgrade
that an administrator reviews (file diff) and approves or rejects.
"""

import json
from pathlib import Path

import pytest
from django.core.files import File
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import translation

from content import services, storage
from content.models import H5PLibrary, H5PLibraryUpgrade, H5PPackage
from tests.content.hostile import LIBRARY_FOLDER, dumps, library_json, package
from tests.factories import UserFactory
from tests.threads import run_in_threads

pytestmark = pytest.mark.django_db

Status = H5PPackage.Status
Upgrade = H5PLibraryUpgrade.Status
HELLO_JS = f"{LIBRARY_FOLDER}/hello.js"
LIBRARY_JSON = f"{LIBRARY_FOLDER}/library.json"


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    with translation.override("en"):
        yield root


@pytest.fixture
def admin(db):
    return UserFactory(username="boss", is_superuser=True, is_staff=True)


@pytest.fixture
def teacher(db):
    return UserFactory(username="teacher")


def hello(tmp_path: Path, name: str, *, patch: int = 3, js: bytes | None = None, extra=()) -> Path:
    """The minimal package with H5P.Hello 1.0.<patch> and the given hello.js."""
    replace = {LIBRARY_JSON: dumps(library_json(patchVersion=patch))}
    if js is not None:
        replace[HELLO_JS] = js
    return package(tmp_path / name, replace=replace, extra=extra)


def imported(path: Path, user=None) -> H5PPackage:
    with path.open("rb") as handle:
        made = services.package_create(
            upload=File(handle, name=path.name), user=user, enqueue=False
        )
    return services.package_import(made.pk)


def stored_js(media: Path) -> bytes:
    return (media / "h5p/libraries" / LIBRARY_FOLDER / "hello.js").read_bytes()


def library() -> H5PLibrary:
    return H5PLibrary.objects.get(machine_name="H5P.Hello")


def test_same_version_and_files_are_shared_silently(media, tmp_path, teacher):
    first = imported(hello(tmp_path, "a.h5p"), teacher)
    second = imported(hello(tmp_path, "b.h5p"), teacher)
    assert (first.status, second.status) == (Status.READY, Status.READY)
    assert first.notices == second.notices == []
    row = library()
    assert row.patch_version == 3 and set(row.files) == {"library.json", "hello.js"}
    assert not H5PLibraryUpgrade.objects.exists()


def test_same_version_with_other_files_keeps_the_stored_code_and_says_which(media, tmp_path, admin):
    imported(hello(tmp_path, "a.h5p"))
    original = stored_js(media)
    other = hello(
        tmp_path, "b.h5p", js=b"H5P.Hello = evil;\n", extra=[(f"{LIBRARY_FOLDER}/x.js", b"1")]
    )
    second = imported(other, admin)  # not even an administrator changes a version in place
    assert second.status == Status.READY
    assert stored_js(media) == original
    (notice,) = second.notices
    assert notice["code"] == "library_differs"
    assert notice["library"] == "H5P.Hello 1.0"
    assert notice["changes"] == {"added": ["x.js"], "removed": [], "changed": ["hello.js"]}
    assert "H5P.Hello 1.0.3" in notice["message"] and "stored code is used" in notice["message"]
    assert library().patch_version == 3
    assert not H5PLibraryUpgrade.objects.exists()


def test_lower_patch_uses_the_stored_newer_code(media, tmp_path):
    imported(hello(tmp_path, "new.h5p", patch=5, js=b"// 1.0.5\n"))
    older = imported(hello(tmp_path, "old.h5p", patch=2, js=b"// 1.0.2\n"))
    assert older.status == Status.READY
    assert stored_js(media) == b"// 1.0.5\n"
    assert [n["code"] for n in older.notices] == ["library_newer_stored"]
    assert "newer stored H5P.Hello 1.0.5" in older.notices[0]["message"]
    assert library().patch_version == 5


def test_an_administrators_higher_patch_upgrades_the_shared_library(media, tmp_path, admin):
    first = imported(hello(tmp_path, "a.h5p"))
    newer = hello(
        tmp_path, "b.h5p", patch=4, js=b"// 1.0.4\n", extra=[(f"{LIBRARY_FOLDER}/new.css", b"a{}")]
    )
    second = imported(newer, admin)
    assert second.status == Status.READY
    assert stored_js(media) == b"// 1.0.4\n"
    assert (media / "h5p/libraries" / LIBRARY_FOLDER / "new.css").exists()
    row = library()
    assert row.patch_version == 4 and row.metadata["patchVersion"] == 4
    assert set(row.files) == {"library.json", "hello.js", "new.css"}
    (notice,) = second.notices
    assert notice["code"] == "library_upgraded"
    assert notice["changes"] == {
        "added": ["new.css"],
        "removed": [],
        "changed": ["hello.js", "library.json"],
    }
    upgrade = H5PLibraryUpgrade.objects.get()
    assert (upgrade.status, upgrade.from_patch, upgrade.patch_version) == (Upgrade.APPLIED, 3, 4)
    assert upgrade.requested_by == upgrade.decided_by == admin
    # Both packages use the one (upgraded) library.
    assert list(first.libraries.all()) == list(second.libraries.all()) == [row]
    assert not (media / services.UPGRADES_DIR).exists()


def test_a_teachers_higher_patch_waits_for_an_administrator(
    media, tmp_path, teacher, admin, client, django_capture_on_commit_callbacks
):
    imported(hello(tmp_path, "a.h5p"))
    original = stored_js(media)
    newer = hello(tmp_path, "b.h5p", patch=4, js=b"// 1.0.4\n")
    second = imported(newer, teacher)
    assert second.status == Status.READY
    assert stored_js(media) == original  # the stored code stays
    assert library().patch_version == 3
    (notice,) = second.notices
    assert notice["code"] == "library_upgrade_pending"
    assert notice["changes"]["changed"] == ["hello.js", "library.json"]
    upgrade = H5PLibraryUpgrade.objects.get()
    assert (upgrade.status, upgrade.requested_by, upgrade.package) == (
        Upgrade.PENDING,
        teacher,
        second,
    )
    staged = media / upgrade.staged_dir
    assert (staged / "hello.js").read_bytes() == b"// 1.0.4\n"
    # The same upgrade uploaded again is not staged twice.
    imported(hello(tmp_path, "c.h5p", patch=4, js=b"// 1.0.4\n"), teacher)
    assert H5PLibraryUpgrade.objects.count() == 1

    # The status page shows the changed files; the upgrades are the administrator's.
    status_page = reverse(H5PPackage.snippet_viewset.get_url_name("inspect"), args=[second.pk])
    client.force_login(admin)
    html = client.get(status_page).content.decode()
    assert "library_upgrade_pending" in html and "<code>hello.js</code>" in html
    listing = reverse(H5PPackage.snippet_viewset.get_url_name("library_upgrades"))
    review = reverse(H5PPackage.snippet_viewset.get_url_name("library_upgrade"), args=[upgrade.pk])
    assert review in client.get(listing).content.decode()
    page = client.get(review)
    assert page.status_code == 200
    assert page.context["changes"] == {
        "added": [],
        "removed": [],
        "changed": ["hello.js", "library.json"],
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(review, {"decision": "approve"})
    assert response.status_code == 302
    assert stored_js(media) == b"// 1.0.4\n"
    assert library().patch_version == 4
    upgrade.refresh_from_db()
    assert (upgrade.status, upgrade.decided_by, upgrade.staged_dir) == (Upgrade.APPLIED, admin, "")
    assert not staged.exists()
    # Decided once: approving again is refused with a message, nothing changes.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(review, {"decision": "approve"})
    with pytest.raises(services.SavadError):
        services.library_upgrade_approve(upgrade=upgrade, user=admin)


def test_teachers_cannot_review_or_approve_upgrades(media, tmp_path, teacher, client):
    imported(hello(tmp_path, "a.h5p"))
    imported(hello(tmp_path, "b.h5p", patch=4, js=b"// 1.0.4\n"), teacher)
    upgrade = H5PLibraryUpgrade.objects.get()
    teacher.is_staff = True
    teacher.save()
    from django.contrib.auth.models import Permission

    teacher.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    client.force_login(teacher)
    review = reverse(H5PPackage.snippet_viewset.get_url_name("library_upgrade"), args=[upgrade.pk])
    assert client.get(review).status_code in (302, 403)
    client.post(review, {"decision": "approve"})
    assert library().patch_version == 3
    with pytest.raises(services.SavadError):
        services.library_upgrade_approve(upgrade=upgrade, user=teacher)
    assert H5PLibraryUpgrade.objects.get().status == Upgrade.PENDING


def test_rejecting_an_upgrade_deletes_its_staged_files(
    media, tmp_path, teacher, admin, django_capture_on_commit_callbacks
):
    imported(hello(tmp_path, "a.h5p"))
    imported(hello(tmp_path, "b.h5p", patch=4, js=b"// 1.0.4\n"), teacher)
    upgrade = H5PLibraryUpgrade.objects.get()
    staged = media / upgrade.staged_dir
    assert staged.is_dir()
    with django_capture_on_commit_callbacks(execute=True):
        services.library_upgrade_reject(upgrade=upgrade, user=admin)
    assert H5PLibraryUpgrade.objects.get().status == Upgrade.REJECTED
    assert not staged.exists()
    assert library().patch_version == 3


def test_an_upgrade_supersedes_older_pending_ones(
    media, tmp_path, teacher, admin, django_capture_on_commit_callbacks
):
    imported(hello(tmp_path, "a.h5p"))
    imported(hello(tmp_path, "b.h5p", patch=4, js=b"// 1.0.4\n"), teacher)
    pending = H5PLibraryUpgrade.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        imported(hello(tmp_path, "c.h5p", patch=6, js=b"// 1.0.6\n"), admin)
    pending.refresh_from_db()
    assert pending.status == Upgrade.SUPERSEDED
    assert not (media / pending.staged_dir).exists()
    with pytest.raises(services.SavadError):
        services.library_upgrade_approve(upgrade=pending, user=admin)
    assert stored_js(media) == b"// 1.0.6\n"


def test_tampered_staged_files_are_not_applied(media, tmp_path, teacher, admin):
    imported(hello(tmp_path, "a.h5p"))
    imported(hello(tmp_path, "b.h5p", patch=4, js=b"// 1.0.4\n"), teacher)
    upgrade = H5PLibraryUpgrade.objects.get()
    (media / upgrade.staged_dir / "hello.js").write_bytes(b"// swapped\n")
    with pytest.raises(services.SavadError):
        services.library_upgrade_approve(upgrade=upgrade, user=admin)
    assert library().patch_version == 3 and b"swapped" not in stored_js(media)


def test_rows_from_before_manifests_are_compared_by_their_stored_files(media, tmp_path):
    imported(hello(tmp_path, "a.h5p"))
    H5PLibrary.objects.update(files={})  # as migrated from the old store
    second = imported(hello(tmp_path, "b.h5p", js=b"// other\n"))
    assert [n["code"] for n in second.notices] == ["library_differs"]
    assert set(library().files) == {"library.json", "hello.js"}


def test_a_library_folder_without_its_row_is_replaced(media, tmp_path):
    """A worker that died after placing a folder but before recording it: the folder is not
    trusted; the next import's checked copy takes its place."""
    leftover = media / "h5p/libraries" / LIBRARY_FOLDER
    leftover.mkdir(parents=True)
    (leftover / "hello.js").write_bytes(b"// half\n")
    made = imported(hello(tmp_path, "a.h5p"))
    assert made.status == Status.READY and made.notices == []
    assert stored_js(media) == b"H5P.Hello = function () {};\n"
    assert set(library().files) == {p.name for p in leftover.iterdir()}


def test_the_rule_is_in_the_uploaders_language(media, tmp_path):
    imported(hello(tmp_path, "a.h5p"))
    path = hello(tmp_path, "b.h5p", js=b"// other\n")
    with path.open("rb") as handle:
        made = services.package_create(upload=File(handle, name="b.h5p"), enqueue=False)
    made = services.package_import(made.pk, language="fa")
    with translation.override("en"):
        english = "stored code is used"
    assert made.notices and english not in made.notices[0]["message"]


@pytest.mark.django_db(transaction=True)
def test_parallel_imports_of_one_new_library_store_one_code(media, tmp_path, settings):
    """Two workers bring H5P.Hello 1.0.3 with different files at the same moment: one code is
    stored and recorded, the other import says its files differ; nothing is silent."""
    paths = [hello(tmp_path, f"{i}.h5p", js=f"// copy {i}\n".encode()) for i in range(2)]
    made = []
    for path in paths:
        with path.open("rb") as handle:
            made.append(services.package_create(upload=File(handle, name=path.name), enqueue=False))
    errors = run_in_threads(2, lambda i: services.package_import(made[i].pk))
    assert errors == []
    done = [H5PPackage.objects.get(pk=p.pk) for p in made]
    assert [p.status for p in done] == [Status.READY, Status.READY]
    row = library()
    stored = stored_js(media)
    assert stored in (b"// copy 0\n", b"// copy 1\n")
    assert row.files == storage.stored_manifest(f"h5p/libraries/{LIBRARY_FOLDER}")
    codes = sorted(n["code"] for p in done for n in p.notices)
    assert codes == ["library_differs"]
    for index, package_ in enumerate(done):  # the one whose code was stored has no notice
        assert (stored == f"// copy {index}\n".encode()) is (package_.notices == [])
    assert H5PLibrary.objects.count() == 1
    assert json.loads((media / "h5p/libraries" / LIBRARY_FOLDER / "library.json").read_text())
    assert not default_storage.exists("h5p/tmp") or not any((media / "h5p/tmp").iterdir())
