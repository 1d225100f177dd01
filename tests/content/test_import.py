"""The H5P import pipeline: real packages end ready and unpacked, bad ones leave nothing behind."""

import os
import zipfile
from io import StringIO
from pathlib import Path

import pytest
from django.core.files import File
from django.core.files.storage import InMemoryStorage, default_storage
from django.core.management import call_command
from django.utils import translation

from content import services, storage, tasks
from content.h5p.limits import Limits
from content.h5p.validation import LibraryRef, is_ignored, validate_package
from content.management.commands import h5p_validate
from content.models import H5PLibrary, H5PPackage
from core.caching import bump_content_version
from tests.builders import build_course
from tests.content import hostile
from tests.content.hostile import LIBRARY_FOLDER, MB, dumps, h5p_json, package

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "h5p"
GREETING = FIXTURES / "greetingcard-minimal.h5p"
TRUEFALSE = FIXTURES / "truefalse-hello-world.h5p"
MULTICHOICE = FIXTURES / "multichoice.h5p"
Status = H5PPackage.Status


@pytest.fixture(autouse=True)
def media(settings, tmp_path) -> Path:
    """An empty MEDIA_ROOT of this test's own, and messages in English."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    with translation.override("en"):
        yield root


def upload(path: Path, **kwargs) -> H5PPackage:
    with path.open("rb") as handle:
        return services.package_create(upload=File(handle, name=path.name), enqueue=False, **kwargs)


def imported(path: Path, **kwargs) -> H5PPackage:
    return services.package_import(upload(path, **kwargs).pk)


def stored(root: Path) -> set[str]:
    """Every file and folder under ``root``, as relative POSIX paths."""
    return {path.relative_to(root).as_posix() for path in root.rglob("*")}


def stored_files(root: Path) -> set[str]:
    return {path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file()}


def expected_files(path: Path, content_dir: str) -> dict[str, str]:
    """Storage name of every file the package's import should place -> zip entry name."""
    placed = {}
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            name = info.filename
            if info.is_dir() or is_ignored(name):
                continue
            if name == "h5p.json" or name.startswith("content/"):
                placed[f"{content_dir}/{name}"] = name
            elif "/" in name:
                placed[f"h5p/libraries/{name}"] = name
    return placed


def codes(package: H5PPackage) -> set[str]:
    return {error["code"] for error in package.errors}


def no_work_dirs(media: Path) -> bool:
    work = media / "h5p" / "tmp"
    return not work.exists() or not any(work.iterdir())


# --- Real packages ---------------------------------------------------------------------------

REAL = [
    (GREETING, "Greeting card", "H5P.GreetingCard 1.0", 1),
    (TRUEFALSE, "Hello World", "H5P.TrueFalse 1.6", 10),
    (MULTICHOICE, "Multiple Choice", "H5P.MultiChoice 1.14", 13),
]


@pytest.mark.parametrize(("path", "title", "main", "library_count"), REAL)
def test_real_package_is_imported_and_unpacked(media, user, path, title, main, library_count):
    package = imported(path, user=user)

    assert package.status == Status.READY, package.errors
    assert (package.progress, package.errors) == (100, [])
    assert (package.title, package.main_library) == (title, main)
    assert package.h5p_json["title"] == title
    assert package.uploaded_by == user
    assert package.upload.name == f"h5p/uploads/{package.uuid}.h5p"

    expected = expected_files(path, package.content_dir)
    assert stored_files(media) == {package.upload.name, *expected}
    with zipfile.ZipFile(path) as zf:
        for name, entry in expected.items():
            assert (media / name).read_bytes() == zf.read(entry), name
    assert default_storage.exists(f"{package.content_dir}/h5p.json")
    assert default_storage.exists(f"{package.content_dir}/content/content.json")

    report = validate_package(path)
    for ref in report.libraries:
        assert default_storage.exists(f"h5p/libraries/{ref.folder}/library.json")
    rows = H5PLibrary.objects.all()
    assert rows.count() == library_count
    assert {(r.machine_name, r.major_version, r.minor_version, r.patch_version) for r in rows} == {
        (ref.machine_name, ref.major, ref.minor, ref.patch) for ref in report.libraries
    }
    assert set(package.libraries.all()) == set(rows)
    main_row = rows.get(machine_name=main.split()[0])
    assert main_row.title and main_row.metadata["machineName"] == main_row.machine_name
    assert no_work_dirs(media)


def test_upload_is_imported_when_the_transaction_commits(media, django_capture_on_commit_callbacks):
    with GREETING.open("rb") as handle, django_capture_on_commit_callbacks(execute=True) as calls:
        package = services.package_create(upload=File(handle, name="card.h5p"), title="کارت")
        assert H5PPackage.objects.get(pk=package.pk).status == Status.PENDING
    # The import, then (run by it) the refresh of the players' cached library paths.
    assert len(calls) == 2 and calls[1] is bump_content_version
    package.refresh_from_db()
    assert package.status == Status.READY
    assert package.title == "کارت"  # a title given at upload is kept


def test_task_reports_and_ignores_deleted_packages(media):
    package = upload(GREETING)
    result = tasks.import_package.delay(package.pk).get()
    assert result == {"package": package.pk, "status": "ready", "errors": []}
    assert tasks.import_package.delay(package.pk + 1000).get()["status"] == "deleted"


def test_libraries_shared_by_packages_are_stored_once(media):
    first = imported(TRUEFALSE)
    shared = media / "h5p/libraries/H5P.JoubelUI-1.3/library.json"
    before = (shared.stat().st_ino, shared.stat().st_mtime_ns, shared.read_bytes())
    rows_before = {row.pk: row.folder for row in H5PLibrary.objects.all()}

    second = imported(MULTICHOICE)
    assert second.status == Status.READY, second.errors
    # Stored once: the shared folders were not written again, their rows are reused.
    assert (shared.stat().st_ino, shared.stat().st_mtime_ns, shared.read_bytes()) == before
    joubel = H5PLibrary.objects.get(machine_name="H5P.JoubelUI")
    assert joubel.patch_version == 9  # the first one stored; 1.3.10 in the second is not
    assert joubel.pk in rows_before
    assert joubel in second.libraries.all() and joubel in first.libraries.all()
    folders = {row.folder for row in H5PLibrary.objects.all()}
    assert len(folders) == H5PLibrary.objects.count() == 15  # 10 + 13 - 8 shared
    assert {p.name for p in (media / "h5p/libraries").iterdir()} == folders

    third = imported(MULTICHOICE)
    assert third.status == Status.READY
    assert H5PLibrary.objects.count() == 15
    assert set(third.libraries.all()) == set(second.libraries.all())


def test_dependencies_from_the_store_are_linked(media):
    """A package that bundles nothing but its content uses the libraries already stored."""
    imported(hostile.package(media.parent / "hello.h5p"))
    bare = package(media.parent / "bare.h5p", drop=[f"{LIBRARY_FOLDER}/library.json"])
    with zipfile.ZipFile(bare) as zf:  # keep only h5p.json and content
        entries = {n: zf.read(n) for n in zf.namelist() if not n.startswith(LIBRARY_FOLDER)}
    hostile.write_zip(bare, entries)
    second = imported(bare)
    assert second.status == Status.READY, second.errors
    assert [row.folder for row in second.libraries.all()] == [LIBRARY_FOLDER]
    assert services.store_libraries() == [LibraryRef("H5P.Hello", 1, 0, 3)]
    assert h5p_validate.available_libraries() == (LibraryRef("H5P.Hello", 1, 0, 3),)


# --- Hostile packages ------------------------------------------------------------------------


def _deep(path):
    return package(path, extra=[("content/" + "a/" * 199 + "x.json", b"{}")])


def _svg(path):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    return package(path, extra=[(f"{LIBRARY_FOLDER}/icon.svg", svg)])


HOSTILE = {
    "zip_slip": lambda p: package(p, extra=[("../evil.js", b"x")]),
    "absolute_path": lambda p: package(p, extra=[("/etc/evil.json", b"{}")]),
    "symlink": lambda p: package(p, extra=[hostile.symlink("content/passwd.json")]),
    "compression_ratio": lambda p: hostile.zip_bomb(p, size=20 * MB),
    "forbidden_extension": lambda p: package(p, extra=[("content/shell.php", b"<?php")]),
    "forbidden_extension-exe": lambda p: package(p, extra=[(f"{LIBRARY_FOLDER}/a.exe", b"MZ")]),
    "forbidden_extension-svg": lambda p: package(p, extra=[("content/image.svg", b"<svg/>")]),
    "svg_script": _svg,
    "h5p_json_invalid": lambda p: package(p, replace={"h5p.json": b'{"title": '}),
    "content_json_missing": lambda p: package(p, drop=["content/content.json"]),
    "library_json_missing": lambda p: package(p, drop=[f"{LIBRARY_FOLDER}/library.json"]),
    "too_deep": _deep,
    "too_large_declared": lambda p: package(
        p, extra=[("content/huge.json", b"{}")], central={"content/huge.json": {"file_size": 2**34}}
    ),
    "not_zip": lambda p: p.write_bytes(b"just text, not a zip") and p,
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_hostile_package_is_refused_and_nothing_is_written(media, tmp_path, case):
    path = HOSTILE[case](tmp_path / "hostile.h5p")
    package_ = imported(path)

    assert package_.status == Status.FAILED
    assert case.split("-")[0] in codes(package_), package_.errors
    for error in package_.errors:
        assert set(error) == {"code", "message", "path"}
        assert error["message"]
    # Nothing at all: the refused upload is deleted too; no content folder, no library, no
    # work folder (empty folders at most).
    assert stored_files(media) == set()
    assert stored(media) <= {"h5p", "h5p/uploads", "h5p/tmp"}
    assert package_.upload.name == "" == H5PPackage.objects.get(pk=package_.pk).upload.name
    assert not H5PLibrary.objects.exists()
    assert package_.libraries.count() == 0


def test_problem_messages_are_in_the_uploaders_language(media):
    path = package(media.parent / "bad.h5p", extra=[("content/shell.php", b"<?php")])
    package_ = upload(path)
    services.package_import(package_.pk, language="fa")
    package_.refresh_from_db()
    with translation.override("fa"):
        expected = validate_package(path).problems[0].message
    assert package_.errors[0]["message"] == expected


# --- Atomicity -------------------------------------------------------------------------------


def test_crash_while_placing_the_content_leaves_no_partial_files(
    media, monkeypatch, django_capture_on_commit_callbacks
):
    real_put_tree = storage.put_tree
    calls = []

    def crashing_put_tree(local_dir, prefix, **kwargs):
        calls.append(prefix)
        if prefix.startswith("h5p/content/"):
            # Half of the files reach the final folder, then the "storage" fails.
            files = sorted(p for p in Path(local_dir).rglob("*") if p.is_file())
            for path in files[: len(files) // 2]:
                with path.open("rb") as handle:
                    default_storage.save(f"{prefix}/{path.relative_to(local_dir)}", File(handle))
            raise OSError("disk full")
        return real_put_tree(local_dir, prefix, **kwargs)

    monkeypatch.setattr(storage, "put_tree", crashing_put_tree)
    package_ = imported(MULTICHOICE)

    assert package_.status == Status.FAILED
    assert codes(package_) == {"import_error"}
    assert "OSError" in package_.errors[0]["message"]
    assert not default_storage.exists(package_.content_dir)
    assert no_work_dirs(media)
    # Libraries are placed whole before the content: each one is complete, none is half there.
    expected = expected_files(MULTICHOICE, package_.content_dir)
    libraries = {name for name in expected if name.startswith("h5p/libraries/")}
    assert stored_files(media) == {package_.upload.name, *libraries}
    assert H5PLibrary.objects.count() == 13

    monkeypatch.setattr(storage, "put_tree", real_put_tree)
    with django_capture_on_commit_callbacks(execute=True):
        services.package_retry(package_)  # eager Celery: the import runs at the commit
    package_.refresh_from_db()
    assert package_.status == Status.READY, package_.errors
    assert stored_files(media) == {package_.upload.name, *expected}


def test_damaged_entry_found_while_unpacking_leaves_nothing(media, monkeypatch, tmp_path):
    """The check before unpacking would refuse this file; make it miss the damage, to see the
    unpacking itself stop at the bad CRC of the 30th entry and clean up."""
    extra = [(f"content/part{i:02d}.txt", f"MARK{i:02d} ".encode() * 500) for i in range(40)]
    path = hostile.write_zip(
        tmp_path / "crc.h5p",
        [*hostile.minimal_files().items(), *extra],
        compression=zipfile.ZIP_STORED,
    )
    intact_report = validate_package(path)
    hostile.patch_bytes(path, b"MARK30", b"MARX30")
    assert not validate_package(path).ok
    monkeypatch.setattr(services, "validate_package", lambda *a, **k: intact_report)

    package_ = imported(path)
    assert package_.status == Status.FAILED
    assert codes(package_) == {"corrupt_entry"}
    assert package_.errors[0]["path"] == "content/part30.txt"
    assert stored(media) == {"h5p", "h5p/uploads", "h5p/tmp"}  # the refused upload is gone
    assert no_work_dirs(media)
    assert not H5PLibrary.objects.exists()


def test_unpacking_checks_real_sizes_against_the_limits(tmp_path):
    path = package(tmp_path / "big.h5p", extra=[("content/noise.txt", os.urandom(300_000))])
    work = tmp_path / "work"
    work.mkdir()
    with pytest.raises(services.ImportFailure) as failure:
        services.extract(path, work, library_folders=set(), limits=Limits(max_file_bytes=200_000))
    assert failure.value.code == "too_large_actual"
    assert failure.value.path == "content/noise.txt"
    with pytest.raises(services.ImportFailure) as failure:
        services.extract(
            path, tmp_path / "work2", library_folders=set(), limits=Limits(max_total_bytes=1000)
        )
    assert failure.value.code == "too_large_actual"


@pytest.mark.parametrize("name", ["content//evil.json", "content/a\\evil.json"])
def test_unpacking_refuses_unsafe_names_even_if_the_check_missed_them(tmp_path, name):
    path = package(tmp_path / "slip.h5p", extra=[(name, b"{}")])
    work = tmp_path / "work"
    with pytest.raises(services.ImportFailure) as failure:
        services.extract(path, work, library_folders=set(), limits=Limits())
    assert failure.value.code == "unsafe_path"
    assert not (tmp_path / "evil.json").exists()
    # "content/../x" style names never get this far: H5P ignores "." and ".." segments.
    ignored = package(tmp_path / "dots.h5p", extra=[("content/../../evil.json", b"{}")])
    services.extract(ignored, tmp_path / "work3", library_folders=set(), limits=Limits())
    assert not any(p.name == "evil.json" for p in tmp_path.rglob("*"))


def test_dead_worker_leftovers_are_removed_and_the_import_starts_over(media):
    """A worker killed mid-unpacking leaves the package "extracting" and a work folder."""
    package_ = upload(GREETING)
    H5PPackage.objects.filter(pk=package_.pk).update(status=Status.EXTRACTING, progress=40)
    stale = media / "h5p" / "tmp" / f"{package_.uuid}-deadbeef" / "content"
    stale.mkdir(parents=True)
    (stale / "h5p.json").write_text("{half")
    other = media / "h5p" / "tmp" / "another-package-1234"
    other.mkdir()

    # The message delivered again runs the import again: it cleans up and starts over.
    package_ = services.package_import(package_.pk)
    assert package_.status == Status.READY, package_.errors
    assert not stale.parent.exists()
    assert other.exists()  # another package's work folder is not touched
    assert (media / package_.content_dir / "h5p.json").read_bytes() != b"{half"


def test_retry_after_a_dead_worker(media, django_capture_on_commit_callbacks):
    package_ = upload(GREETING)
    H5PPackage.objects.filter(pk=package_.pk).update(status=Status.EXTRACTING, progress=40)
    (media / "h5p" / "tmp" / f"{package_.uuid}-x").mkdir(parents=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.package_retry(package_)
    package_.refresh_from_db()
    assert package_.status == Status.READY
    assert no_work_dirs(media)


def test_a_ready_package_delivered_again_is_left_alone(media):
    package_ = imported(GREETING)
    h5p = media / package_.content_dir / "h5p.json"
    before = h5p.stat().st_ino
    assert services.package_import(package_.pk).status == Status.READY
    assert h5p.stat().st_ino == before


def test_missing_upload_fails_with_a_reason(media):
    package_ = upload(GREETING)
    default_storage.delete(package_.upload.name)
    package_ = services.package_import(package_.pk)
    assert package_.status == Status.FAILED
    assert codes(package_) == {"upload_missing"}


# --- Replace and delete ----------------------------------------------------------------------


def test_replace_keeps_the_old_content_until_the_new_one_is_ready(
    media, django_capture_on_commit_callbacks
):
    package_ = imported(GREETING)
    old_upload = package_.upload.name
    h5p = media / package_.content_dir / "h5p.json"
    assert b"Greeting card" in h5p.read_bytes()

    with TRUEFALSE.open("rb") as handle, django_capture_on_commit_callbacks() as calls:
        services.package_replace(package_, File(handle, name="new.h5p"))
    # Queued, not yet run: the package is still ready and plays the old content.
    package_.refresh_from_db()
    assert package_.is_ready and services.is_replacing(package_)
    assert b"Greeting card" in h5p.read_bytes()
    assert package_.main_library == "H5P.GreetingCard 1.0"

    for callback in calls:
        callback()
    package_.refresh_from_db()
    assert package_.status == Status.READY and not services.is_replacing(package_)
    assert package_.main_library == "H5P.TrueFalse 1.6"
    assert package_.title == "Greeting card"  # the title stays
    assert b"Hello World" in h5p.read_bytes()
    assert not default_storage.exists(old_upload)
    expected = expected_files(TRUEFALSE, package_.content_dir)
    content = {name for name in stored_files(media) if name.startswith(package_.content_dir)}
    assert content == {name for name in expected if name.startswith(package_.content_dir)}
    assert package_.libraries.count() == 10
    assert no_work_dirs(media)


def test_a_refused_replacement_keeps_the_package_as_it_was(
    media, tmp_path, django_capture_on_commit_callbacks
):
    package_ = imported(GREETING)
    before = stored(media)
    bad = package(tmp_path / "bad.h5p", extra=[("content/shell.php", b"<?php")])
    with bad.open("rb") as handle, django_capture_on_commit_callbacks(execute=True):
        services.package_replace(package_, File(handle, name="bad.h5p"))
    package_.refresh_from_db()
    assert package_.status == Status.READY
    assert package_.progress == 100
    assert codes(package_) == {"forbidden_extension"}
    assert package_.main_library == "H5P.GreetingCard 1.0"
    assert stored(media) == before  # the refused file is gone, nothing else changed


def test_replacing_a_failed_package_imports_the_new_file(
    media, tmp_path, django_capture_on_commit_callbacks
):
    package_ = imported(package(tmp_path / "bad.h5p", drop=["content/content.json"]))
    assert package_.status == Status.FAILED
    assert package_.upload.name == ""  # the refused file was deleted at once
    assert stored_files(media) == set()
    with GREETING.open("rb") as handle, django_capture_on_commit_callbacks(execute=True):
        services.package_replace(package_, File(handle, name="good.h5p"), title="Card")
    package_.refresh_from_db()
    assert package_.status == Status.READY
    assert (package_.title, package_.errors) == ("Card", [])
    assert default_storage.exists(package_.upload.name)


def test_no_replacement_while_an_import_runs(media):
    package_ = upload(GREETING)
    H5PPackage.objects.filter(pk=package_.pk).update(status=Status.EXTRACTING)
    with GREETING.open("rb") as handle, pytest.raises(services.PackageBusy):
        services.package_replace(package_, File(handle, name="again.h5p"))


def test_delete_removes_content_and_upload_but_keeps_libraries(
    media, django_capture_on_commit_callbacks
):
    first = imported(TRUEFALSE)
    second = imported(MULTICHOICE)
    with django_capture_on_commit_callbacks(execute=True):
        services.package_delete(first)
    assert not H5PPackage.objects.filter(pk=first.pk).exists()
    assert not default_storage.exists(first.content_dir)
    assert not default_storage.exists(first.upload.name)
    assert H5PLibrary.objects.count() == 15
    assert default_storage.exists("h5p/libraries/H5P.TrueFalse-1.6/library.json")
    assert default_storage.exists(f"{second.content_dir}/h5p.json")


# --- Permissions and the command -------------------------------------------------------------


def test_teachers_get_add_change_view(db):
    services.ensure_h5p_permissions()
    services.ensure_h5p_permissions()
    from django.contrib.auth.models import Group

    teachers = Group.objects.get(name="Teachers")
    assert set(
        teachers.permissions.filter(content_type__app_label="content").values_list(
            "codename", flat=True
        )
    ) == {"add_h5ppackage", "change_h5ppackage", "view_h5ppackage"}


def run_import(*args) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("h5p_import", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        return exit_.code, out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def test_import_command(media, tmp_path):
    code, out, err = run_import(str(MULTICHOICE))
    assert (code, err) == (0, "")
    package_ = H5PPackage.objects.get()
    assert out == (f"Imported “Multiple Choice” (H5P.MultiChoice 1.14) as package {package_.pk}\n")
    assert package_.status == Status.READY

    code, out, _err = run_import(str(GREETING), "--title", "کارت تبریک")
    assert code == 0 and "Imported “کارت تبریک” (H5P.GreetingCard 1.0)" in out
    assert package_.course is None  # without --course: shared by every course


def test_import_command_puts_the_package_in_a_course(media, site_tree):
    course = build_course(slug="cli-course", lessons=0).course
    code, _out, err = run_import(str(GREETING), "--course", str(course.pk))
    assert (code, err) == (0, "")
    assert H5PPackage.objects.get().course == course
    code, _out, err = run_import(str(GREETING), "--course", "999999")
    assert code == 1 and "No such course: 999999" in err
    assert H5PPackage.objects.count() == 1


def test_import_command_refuses_bad_packages(media, tmp_path, django_capture_on_commit_callbacks):
    bad = package(tmp_path / "bad.h5p", replace={"h5p.json": dumps(h5p_json(language="?!"))})
    with django_capture_on_commit_callbacks(execute=True):
        code, out, err = run_import(str(bad))
    assert code == 1 and out == ""
    assert "was refused" in err
    assert "[h5p_json_field] h5p.json: the field “language”" in err
    assert not H5PPackage.objects.exists()
    assert stored_files(media) == set()

    code, _out, err = run_import(str(tmp_path / "nope.h5p"))
    assert code == 1 and "No such file" in err


# --- content.storage -------------------------------------------------------------------------


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def make_tree(root: Path, files: dict[str, bytes]) -> Path:
    for name, data in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(data)
    return root


@pytest.mark.parametrize("exchange", [True, False], ids=["renameat2", "two-renames"])
def test_put_tree_places_and_replaces_folders_on_local_storage(
    media, tmp_path, monkeypatch, exchange
):
    if not exchange:
        monkeypatch.setattr(storage, "_renameat2", None)
    first = make_tree(tmp_path / "one", {"h5p.json": b"1", "content/a.json": b"a"})
    assert storage.put_tree(first, "h5p/content/x")
    assert not first.exists()  # moved, not copied
    assert tree(media / "h5p/content/x") == {"h5p.json": b"1", "content/a.json": b"a"}

    second = make_tree(tmp_path / "two", {"h5p.json": b"2"})
    assert not storage.put_tree(second, "h5p/content/x")  # there already, not replaced
    assert tree(media / "h5p/content/x")["h5p.json"] == b"1"
    assert storage.put_tree(second, "h5p/content/x", replace=True)
    assert tree(media / "h5p/content/x") == {"h5p.json": b"2"}
    assert sorted(p.name for p in (media / "h5p/content").iterdir()) == ["x"]  # no leftovers

    storage.delete_tree("h5p/content/x")
    assert not storage.exists("h5p/content/x")
    assert list((media / "h5p/content").iterdir()) == []


def test_put_tree_from_another_file_system_copies_next_to_the_target(media, tmp_path, monkeypatch):
    monkeypatch.setattr(storage, "_same_device", lambda first, second: False)
    source = make_tree(tmp_path / "src", {"library.json": b"{}", "js/a.js": b"x"})
    assert storage.put_tree(source, "h5p/libraries/A-1.0")
    assert tree(media / "h5p/libraries/A-1.0") == {"library.json": b"{}", "js/a.js": b"x"}
    assert not source.exists()
    assert [p.name for p in (media / "h5p/libraries").iterdir()] == ["A-1.0"]


@pytest.fixture
def object_storage(settings, tmp_path):
    """A default storage without local paths (as object storage would be)."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    settings.H5P_WORK_DIR = str(tmp_path / "work")
    assert not storage.is_local()
    return default_storage


def test_put_tree_through_the_storage_api(object_storage, tmp_path, monkeypatch):
    source = make_tree(tmp_path / "a", {"library.json": b"{}", "a.js": b"1", "css/b.css": b"2"})
    assert storage.put_tree(source, "h5p/libraries/A-1.0")
    assert storage.exists("h5p/libraries/A-1.0")
    assert object_storage.open("h5p/libraries/A-1.0/css/b.css").read() == b"2"
    again = make_tree(tmp_path / "b", {"library.json": b"{}"})
    assert not storage.put_tree(again, "h5p/libraries/A-1.0")

    # A failure half-way removes what was written.
    saved = []
    real_save = InMemoryStorage.save

    def failing_save(self, name, content, **kwargs):
        if len(saved) == 2:
            raise OSError("network down")
        saved.append(name)
        return real_save(self, name, content, **kwargs)

    broken = make_tree(tmp_path / "c", {f"f{i}.js": b"x" for i in range(5)})
    with monkeypatch.context() as patch, pytest.raises(OSError):
        patch.setattr(InMemoryStorage, "save", failing_save)
        storage.put_tree(broken, "h5p/libraries/B-1.0")
    assert len(saved) == 2
    assert not storage.exists("h5p/libraries/B-1.0")
    assert not object_storage.exists(saved[0])

    replacement = make_tree(tmp_path / "d", {"library.json": b"{}", "new.js": b"3"})
    assert storage.put_tree(replacement, "h5p/libraries/A-1.0", replace=True)
    assert sorted(storage._stored_files("h5p/libraries/A-1.0", object_storage)) == [
        "h5p/libraries/A-1.0/library.json",
        "h5p/libraries/A-1.0/new.js",
    ]
    storage.delete_tree("h5p/libraries/A-1.0")
    assert not storage.exists("h5p/libraries/A-1.0")


def test_import_replace_and_delete_without_local_paths(
    object_storage, tmp_path, django_capture_on_commit_callbacks
):
    package_ = imported(GREETING)
    assert package_.status == Status.READY, package_.errors
    assert object_storage.exists(f"{package_.content_dir}/content/content.json")
    code_dir = H5PLibrary.objects.get(machine_name="H5P.GreetingCard").code_dir
    assert code_dir.startswith("h5p/library-code/H5P.GreetingCard-1.0/")  # a folder of its own
    assert object_storage.exists(f"{code_dir}/library.json")
    assert not any((tmp_path / "work").iterdir())  # the local copy and work folder are gone

    with TRUEFALSE.open("rb") as handle, django_capture_on_commit_callbacks(execute=True):
        services.package_replace(package_, File(handle, name="tf.h5p"))
    package_.refresh_from_db()
    assert package_.main_library == "H5P.TrueFalse 1.6"
    assert object_storage.listdir(f"{package_.content_dir}/content")[1] == ["content.json"]

    with django_capture_on_commit_callbacks(execute=True):
        services.package_delete(package_)
    assert not storage.exists(package_.content_dir)
    assert not object_storage.exists(package_.upload.name)
