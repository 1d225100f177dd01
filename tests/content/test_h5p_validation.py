"""``content.h5p.validation``: real packages pass; hostile ones are refused with every reason."""

import io
import json
import os
import struct
import time
import zipfile
from pathlib import Path

import pytest
from django.test import override_settings
from django.utils import translation

from content.h5p import validation
from content.h5p.limits import Limits
from content.h5p.validation import LibraryRef, PackageReport, is_ignored, validate_package
from tests.content import hostile
from tests.content.hostile import LIBRARY_FOLDER, MB, dumps, h5p_json, library_json, package

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "h5p"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def codes(report: PackageReport) -> set[str]:
    return {problem.code for problem in report.problems}


def check(path, **kwargs) -> PackageReport:
    report = validate_package(path, **kwargs)
    assert report.ok is (not report.problems)
    return report


def assert_refused(report: PackageReport, code: str, path: str | None = "", text: str = ""):
    """``code`` is among the problems (for ``path``, when given; with ``text`` in its message)."""
    assert not report.ok
    matching = [p for p in report.problems if p.code == code]
    assert matching, f"{code} not in {report.problems}"
    if path != "":
        assert path in {p.path for p in matching}, report.problems
    if text:
        assert any(text in p.message for p in matching), report.problems


# --- Real packages made by others ------------------------------------------------------------

REAL = [
    (
        "greetingcard-minimal.h5p",
        "Greeting card",
        "H5P.GreetingCard 1.0",
        ["H5P.GreetingCard 1.0.6"],
    ),
    (
        "truefalse-hello-world.h5p",
        "Hello World",
        "H5P.TrueFalse 1.6",
        [
            "Drop 1.0.2",
            "FontAwesome 4.5.4",
            "H5P.FontIcons 1.0.6",
            "H5P.JoubelUI 1.3.9",
            "H5P.Question 1.4.6",
            "H5P.Transition 1.0.4",
            "H5P.TrueFalse 1.6.1",
            "H5PEditor.RadioGroup 1.1.4",
            "H5PEditor.ShowWhen 1.0.5",
            "Tether 1.0.2",
        ],
    ),
    (
        "multichoice.h5p",
        "Multiple Choice",
        "H5P.MultiChoice 1.14",
        [
            "Drop 1.0.2",
            "EmbeddedJS 1.0.4",
            "FontAwesome 4.5.4",
            "H5P.FontIcons 1.0.6",
            "H5P.Image 1.1.9",
            "H5P.JoubelUI 1.3.10",
            "H5P.MultiChoice 1.14.6",
            "H5P.Question 1.4.7",
            "H5P.Transition 1.0.4",
            "H5PEditor.RangeList 1.0.10",
            "H5PEditor.ShowWhen 1.0.5",
            "H5PEditor.TableList 1.0.4",
            "Tether 1.0.2",
        ],
    ),
]


@pytest.mark.parametrize(("name", "title", "main", "libraries"), REAL)
def test_real_packages_are_valid(name, title, main, libraries):
    started = time.perf_counter()
    report = check(FIXTURES / name)
    assert time.perf_counter() - started < 2
    assert report.ok, report.problems
    assert report.problems == []
    assert report.title == title
    assert str(report.main_library) == main
    assert report.as_json() == {
        "ok": True,
        "title": title,
        "main_library": main,
        "libraries": libraries,
        "errors": [],
    }
    assert report.h5p_json["title"] == title
    assert main.split()[0] in {ref.machine_name for ref in report.dependencies}


def test_real_package_from_a_file_object():
    data = (FIXTURES / "truefalse-hello-world.h5p").read_bytes()
    report = check(io.BytesIO(data))
    assert report.ok
    assert report.main_library == LibraryRef("H5P.TrueFalse", 1, 6, 1)
    assert report.main_library.folder == "H5P.TrueFalse-1.6"
    # h5p.json gives versions as strings; they come out as numbers.
    assert LibraryRef("H5P.Question", 1, 4) in report.dependencies


def test_real_package_with_tighter_limits_is_refused():
    report = check(FIXTURES / "multichoice.h5p", limits=Limits(max_entries=50))
    assert codes(report) == {"too_many_entries"}


# --- Our own minimal package -----------------------------------------------------------------


def test_minimal_package_is_valid(tmp_path):
    report = check(package(tmp_path / "ok.h5p"))
    assert report.problems == []
    assert report.ok
    assert report.title == "Hello"
    assert report.main_library == LibraryRef("H5P.Hello", 1, 0, 3)
    assert report.libraries == [LibraryRef("H5P.Hello", 1, 0, 3)]
    assert report.dependencies == [LibraryRef("H5P.Hello", 1, 0)]
    assert report.as_json()["libraries"] == ["H5P.Hello 1.0.3"]


def test_library_ref_names():
    ref = LibraryRef("H5P.MultiChoice", 1, 16, 4)
    assert ref.folder == "H5P.MultiChoice-1.16"
    assert str(ref) == "H5P.MultiChoice 1.16"
    assert ref.full_name == "H5P.MultiChoice 1.16.4"
    assert LibraryRef("H5P.MultiChoice", 1, 16).full_name == "H5P.MultiChoice 1.16"


def test_report_as_json_is_json(tmp_path):
    report = check(package(tmp_path / "bad.h5p", extra=[("../evil.js", b"x")]))
    data = json.loads(json.dumps(report.as_json()))
    assert set(data) == {"ok", "title", "main_library", "libraries", "errors"}
    assert data["ok"] is False
    assert data["main_library"] == "H5P.Hello 1.0"
    error = next(e for e in data["errors"] if e["code"] == "zip_slip")
    assert error == {"code": "zip_slip", "message": error["message"], "path": "../evil.js"}
    assert "../evil.js" in error["message"]


def test_case_and_ignored_files_are_fine(tmp_path):
    extra = [
        ("content/IMAGE.PNG", b"png"),
        (f"{LIBRARY_FOLDER}/Styles.CSS", b"p{}"),
        (f"{LIBRARY_FOLDER}/clean.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>'),
        ("__MACOSX/._h5p.json", b"\x00\x05"),
        (".DS_Store", b"\x00"),
        ("content/.hidden.php", b"<?php"),
        (f"{LIBRARY_FOLDER}/_build/tool.exe", b"MZ"),
        ("README.exe", b"top-level files other than h5p.json are not checked"),
        ("content/", b""),
        ("content/images/", b""),
    ]
    report = check(package(tmp_path / "ok.h5p", extra=extra))
    assert report.problems == []


def test_is_ignored():
    assert is_ignored("__MACOSX/content/._x.json")
    assert is_ignored(".DS_Store")
    assert is_ignored("content/.git/config")
    assert is_ignored("H5P.X-1.0/_private/a.js")
    assert not is_ignored("content/content.json")
    assert not is_ignored("H5P.X-1.0/js/x.min.js")


# --- Archive structure -----------------------------------------------------------------------


def test_random_bytes_are_not_a_zip(tmp_path):
    path = tmp_path / "random.h5p"
    path.write_bytes(os.urandom(4096))
    report = check(path)
    assert [p.code for p in report.problems] == ["not_zip"]
    assert report.problems[0].message == "The file is not a zip archive."
    assert report.title == "" and report.main_library is None and report.h5p_json is None


def test_png_is_not_a_zip(tmp_path):
    path = tmp_path / "image.h5p"
    path.write_bytes(hostile.png_bytes())
    assert [p.code for p in check(path).problems] == ["not_zip"]


def test_zip_hidden_behind_a_png_is_refused(tmp_path):
    zipped = package(tmp_path / "ok.h5p").read_bytes()
    path = tmp_path / "polyglot.h5p"
    path.write_bytes(hostile.png_bytes() + zipped)
    assert zipfile.is_zipfile(path)  # Python would happily open it
    assert [p.code for p in check(path).problems] == ["not_zip"]


@pytest.mark.parametrize("keep", [0, 100, 0.5])
def test_empty_or_truncated_file_is_not_a_zip(tmp_path, keep):
    data = package(tmp_path / "ok.h5p").read_bytes()
    path = tmp_path / "cut.h5p"
    path.write_bytes(data[: int(len(data) * keep) if isinstance(keep, float) else keep])
    assert [p.code for p in check(path).problems] == ["not_zip"]


def test_empty_zip(tmp_path):
    path = hostile.write_zip(tmp_path / "empty.h5p", [])
    assert [p.code for p in check(path).problems] == ["empty_package"]


def test_upload_too_large(tmp_path):
    path = package(tmp_path / "ok.h5p")
    report = check(path, limits=Limits(max_upload_bytes=100))
    assert [p.code for p in report.problems] == ["upload_too_large"]


def test_too_many_entries(tmp_path):
    extra = [(f"content/file{i}.txt", b"x") for i in range(60)]
    report = check(package(tmp_path / "many.h5p", extra=extra), limits=Limits(max_entries=50))
    assert_refused(report, "too_many_entries", None, "64 entries")


def lie_about_entry_count(path: Path, count: int) -> Path:
    data = bytearray(path.read_bytes())
    at = data.rfind(b"PK\x05\x06")
    data[at + 8 : at + 12] = struct.pack("<HH", count, count)
    path.write_bytes(bytes(data))
    return path


def test_too_many_entries_with_a_lying_count(tmp_path):
    extra = [(f"content/file{i}.txt", b"x") for i in range(60)]
    path = lie_about_entry_count(package(tmp_path / "many.h5p", extra=extra), 5)
    assert len(zipfile.ZipFile(path).infolist()) == 64  # Python still finds them all
    report = check(path, limits=Limits(max_entries=50))
    assert_refused(report, "too_many_entries", None, "64 entries")


def test_too_large_table_of_contents(tmp_path):
    extra = [(f"content/{'x' * 1000}{i}.txt", b"x") for i in range(4)]
    path = lie_about_entry_count(package(tmp_path / "long.h5p", extra=extra), 1)
    report = check(path, limits=Limits(max_entries=3))
    assert [p.code for p in report.problems] == ["too_many_entries"]
    assert "table of contents" in report.problems[0].message


def zip64_package(path: Path, monkeypatch) -> Path:
    """The minimal package with Zip64 end records (as if it had more than 65,535 entries)."""
    with monkeypatch.context() as patch:
        patch.setattr(zipfile, "ZIP_FILECOUNT_LIMIT", 1)
        hostile.write_zip(path, hostile.minimal_files())
    tail = path.read_bytes()[-100:]
    assert b"PK\x06\x06" in tail and b"PK\x06\x07" in tail
    return path


def test_zip64_package_is_read(tmp_path, monkeypatch):
    report = check(zip64_package(tmp_path / "zip64.h5p", monkeypatch))
    assert report.ok, report.problems


def test_zip64_entry_count_is_checked_before_parsing(tmp_path, monkeypatch):
    path = zip64_package(tmp_path / "zip64.h5p", monkeypatch)
    with path.open("rb") as fileobj:
        assert validation._central_directory(fileobj, path.stat().st_size)[0] == 4
    report = check(path, limits=Limits(max_entries=3))
    assert [p.code for p in report.problems] == ["too_many_entries"]
    assert "4 entries" in report.problems[0].message


def test_damaged_entry_fails_its_crc(tmp_path):
    path = hostile.write_zip(
        tmp_path / "crc.h5p",
        [
            *hostile.minimal_files().items(),
            (f"{LIBRARY_FOLDER}/more.js", b"console.log('MARKER');"),
        ],
        compression=zipfile.ZIP_STORED,
    )
    hostile.patch_bytes(path, b"MARKER", b"MARKEX")
    assert_refused(check(path), "corrupt_entry", f"{LIBRARY_FOLDER}/more.js")


def test_damaged_h5p_json(tmp_path):
    path = hostile.write_zip(
        tmp_path / "crc.h5p", hostile.minimal_files(), compression=zipfile.ZIP_STORED
    )
    hostile.patch_bytes(path, b'"language": "en"', b'"language": "em"')
    report = check(path)
    assert_refused(report, "corrupt_entry", "h5p.json")
    assert "h5p_json_missing" not in codes(report)  # it is there, only damaged


def test_overlapping_entries(tmp_path):
    # Two directory records pointing at the same local data: the "non-recursive zip bomb" trick.
    path = package(
        tmp_path / "overlap.h5p",
        extra=[("content/b.txt", b"b" * 100)],
        central={"content/b.txt": {"header_offset": 0}},
    )
    assert_refused(check(path), "overlapping_entries", "content/b.txt")


# --- Names -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["../evil.js", "content/../../x.json", f"{LIBRARY_FOLDER}/../../../etc/cron.d/x.js"]
)
def test_zip_slip(tmp_path, name):
    report = check(package(tmp_path / "slip.h5p", extra=[(name, b"x")]))
    assert_refused(report, "zip_slip", name)


@pytest.mark.parametrize("name", ["/etc/evil.js", "/var/www/x.json"])
def test_absolute_path(tmp_path, name):
    assert_refused(
        check(package(tmp_path / "abs.h5p", extra=[(name, b"x")])), "absolute_path", name
    )


@pytest.mark.parametrize("name", ["C:\\evil.js", "C:/evil.js", "\\\\server\\share\\evil.js"])
def test_windows_absolute_path(tmp_path, name):
    report = check(package(tmp_path / "abs.h5p", extra=[(name, b"x")]))
    assert_refused(report, "absolute_path", name)


@pytest.mark.parametrize("name", [f"{LIBRARY_FOLDER}\\evil.js", "content\\..\\..\\evil.json"])
def test_backslash_path(tmp_path, name):
    report = check(package(tmp_path / "bs.h5p", extra=[(name, b"x")]))
    assert_refused(report, "backslash_path", name)
    if ".." in name:
        assert_refused(report, "zip_slip", name)


@pytest.mark.parametrize(
    "name", ["content/a\nb.json", "content/bell\x07.json", "content/\x7f.json"]
)
def test_control_characters(tmp_path, name):
    report = check(package(tmp_path / "ctl.h5p", extra=[(name, b"{}")]))
    assert_refused(report, "control_character")


def test_nul_in_name(tmp_path):
    path = package(tmp_path / "nul.h5p", extra=[("content/evilXjs.json", b"{}")])
    hostile.patch_bytes(path, b"evilXjs", b"evil\x00js")  # Python would read "content/evil"
    assert_refused(check(path), "control_character", "content/evil\\x00js.json")


@pytest.mark.parametrize("name", ["content//x.json", "content/./x.json", "./h5p.json"])
def test_empty_or_dot_segments(tmp_path, name):
    report = check(package(tmp_path / "dots.h5p", extra=[(name, b"{}")]))
    assert_refused(report, "bad_name", name)


def test_too_deep(tmp_path):
    name = "/".join(["content"] + ["d"] * 199 + ["deep.json"])
    report = check(package(tmp_path / "deep.h5p", extra=[(name, b"{}")]))
    assert_refused(report, "too_deep", name, "201 levels")


@pytest.mark.parametrize(
    "second", ["content/content.json", "content/Content.JSON", "CONTENT/content.json"]
)
def test_duplicate_names(tmp_path, second):
    report = check(package(tmp_path / "dup.h5p", extra=[(second, b"{}")]))
    assert_refused(report, "duplicate_entry", second)


def test_unicode_forms_are_duplicates(tmp_path):
    extra = [("content/caf\u00e9.txt", b"1"), ("content/cafe\u0301.txt", b"2")]
    assert_refused(check(package(tmp_path / "dup.h5p", extra=extra)), "duplicate_entry")


# --- Entry types and flags -------------------------------------------------------------------


@pytest.mark.parametrize("name", [f"{LIBRARY_FOLDER}/link.js", "content/link.json", "__MACOSX/x"])
def test_symlink(tmp_path, name):
    report = check(package(tmp_path / "link.h5p", extra=[hostile.symlink(name)]))
    assert_refused(report, "symlink", name)


@pytest.mark.parametrize("make", [hostile.fifo, hostile.char_device])
def test_special_files(tmp_path, make):
    report = check(package(tmp_path / "special.h5p", extra=[make("content/dev.json")]))
    assert_refused(report, "special_entry", "content/dev.json")


def test_unix_regular_files_and_directories_are_fine(tmp_path):
    extra = [
        (hostile.unix_entry("content/images/", 0o40755), b""),
        (hostile.unix_entry("content/images/a.png", 0o100644), b"png"),
    ]
    assert check(package(tmp_path / "ok.h5p", extra=extra)).problems == []


def test_encrypted_entry(tmp_path):
    path = package(
        tmp_path / "enc.h5p",
        extra=[("content/secret.json", b"{}")],
        central={"content/secret.json": {"flag_bits": 0x1}},
    )
    assert_refused(check(path), "encrypted_entry", "content/secret.json")


def test_unsupported_compression(tmp_path):
    path = package(
        tmp_path / "aes.h5p",
        extra=[("content/x.json", b"{}")],
        central={"content/x.json": {"compress_type": 99}},  # WinZip AES
    )
    assert_refused(check(path), "unsupported_compression", "content/x.json")


# --- Sizes and zip bombs ---------------------------------------------------------------------


def test_zip_bomb(tmp_path):
    path = hostile.zip_bomb(tmp_path / "bomb.h5p")  # 200 MB of zeros in about 200 KB
    assert path.stat().st_size < 1 * MB
    started = time.perf_counter()
    report = check(path)
    assert time.perf_counter() - started < 2
    assert_refused(report, "compression_ratio", "content/zeros.txt")
    assert_refused(report, "file_too_large", "content/zeros.txt")


def test_zip_bomb_within_the_file_limit(tmp_path):
    path = hostile.zip_bomb(tmp_path / "bomb.h5p", size=20 * MB)
    report = check(path)
    assert_refused(report, "compression_ratio", "content/zeros.txt")
    assert "file_too_large" not in codes(report)


def test_declared_size_lies_small_about_a_bomb(tmp_path):
    # The directory says 1 KB; the data unpacks to 20 MB of zeros.
    path = hostile.zip_bomb(tmp_path / "bomb.h5p", size=20 * MB, declared=1000)
    assert zipfile.ZipFile(path).getinfo("content/zeros.txt").file_size == 1000
    report = check(path)
    assert_refused(report, "compression_ratio", "content/zeros.txt")


def test_declared_size_lies_small(tmp_path):
    # Incompressible data, so only the real size can give it away.
    name = "content/noise.json"
    path = package(
        tmp_path / "liar.h5p",
        extra=[(name, os.urandom(2 * MB))],
        central={name: {"file_size": 1000}},
    )
    report = check(path, limits=Limits(max_file_bytes=1 * MB))
    assert_refused(report, "too_large_actual", name)
    assert "file_too_large" not in codes(report)


def test_declared_total_lies_small(tmp_path):
    extra = [(f"content/noise{i}.txt", os.urandom(100_000)) for i in range(3)]
    central = {name: {"file_size": 10} for name, _ in extra}
    path = package(tmp_path / "liar.h5p", extra=extra, central=central)
    report = check(path, limits=Limits(max_total_bytes=250_000))
    assert_refused(report, "too_large_actual", None)
    assert "too_large_declared" not in codes(report)


def test_declared_huge(tmp_path):
    name = "content/huge.json"
    path = package(
        tmp_path / "huge.h5p", extra=[(name, b"{}")], central={name: {"file_size": 10 * 2**30}}
    )
    assert zipfile.ZipFile(path).getinfo(name).file_size == 10 * 2**30  # (a Zip64 record)
    report = check(path)
    assert_refused(report, "file_too_large", name)
    assert_refused(report, "too_large_declared", None)


def test_declared_total_too_large(tmp_path):
    path = package(tmp_path / "big.h5p", extra=[("content/a.txt", b"a" * 2000)])
    report = check(path, limits=Limits(max_total_bytes=1500))
    assert codes(report) == {"too_large_declared"}


def test_file_too_large(tmp_path):
    path = package(tmp_path / "big.h5p", extra=[("content/a.txt", os.urandom(3000))])
    report = check(path, limits=Limits(max_file_bytes=2000))
    assert codes(report) == {"file_too_large"}


def test_limits_come_from_settings():
    with override_settings(H5P_MAX_ENTRIES=5, H5P_MAX_RATIO=50, H5P_MAX_FILE_BYTES=7):
        limits = Limits()
    assert (limits.max_entries, limits.max_ratio, limits.max_file_bytes) == (5, 50, 7)
    assert Limits(max_depth=3).max_depth == 3


# --- Extension whitelists --------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "content/shell.php",
        "content/setup.exe",
        "content/image.svg",
        "content/script.js",
        "content/page.HTML",
        "content/noextension",
        "content/trailingdot.",
        f"{LIBRARY_FOLDER}/shell.php",
        f"{LIBRARY_FOLDER}/tool.exe",
        f"{LIBRARY_FOLDER}/index.html",
        f"{LIBRARY_FOLDER}/Makefile",
        f"{LIBRARY_FOLDER}/archive.tar.gz",
        f"{LIBRARY_FOLDER}/image.png.php",
    ],
)
def test_forbidden_extension(tmp_path, name):
    report = check(package(tmp_path / "ext.h5p", extra=[(name, b"x")]))
    assert_refused(report, "forbidden_extension", name)
    assert codes(report) == {"forbidden_extension"}


@pytest.mark.parametrize(
    "svg",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        b'<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>',
        b"<svg><foreignObject><iframe src=x></iframe></foreignObject></svg>",
        b"<svg>" + b" " * 70_000 + b"<SCRIPT >alert(1)</SCRIPT></svg>",  # beyond the first chunk
    ],
)
def test_svg_with_script_in_a_library(tmp_path, svg):
    name = f"{LIBRARY_FOLDER}/icon.svg"
    report = check(package(tmp_path / "svg.h5p", extra=[(name, svg)]))
    assert_refused(report, "svg_script", name)


def test_svg_across_chunk_boundary(tmp_path):
    name = f"{LIBRARY_FOLDER}/icon.svg"
    svg = b"<svg>" + b" " * (64 * 1024 - 8) + b"<script>x</script></svg>"
    assert_refused(check(package(tmp_path / "svg.h5p", extra=[(name, svg)])), "svg_script", name)


# --- h5p.json --------------------------------------------------------------------------------


def test_missing_h5p_json(tmp_path):
    report = check(package(tmp_path / "no.h5p", drop=["h5p.json"]))
    assert_refused(report, "h5p_json_missing", "h5p.json")
    assert report.title == "" and report.main_library is None


def test_h5p_json_in_a_subfolder_does_not_count(tmp_path):
    files = hostile.minimal_files()
    extra = [("content/h5p.json", files["h5p.json"])]
    report = check(package(tmp_path / "no.h5p", drop=["h5p.json"], extra=extra))
    assert_refused(report, "h5p_json_missing")


@pytest.mark.parametrize(
    "data",
    [b'{"title": "Hello",', b"", b"[1, 2]", b'"text"', b"\xff\xfe{}", b"[" * 100_000],
    ids=["broken", "empty", "list", "string", "not-utf8", "deep"],
)
def test_invalid_h5p_json(tmp_path, data):
    report = check(package(tmp_path / "bad.h5p", replace={"h5p.json": data}))
    assert_refused(report, "h5p_json_invalid", "h5p.json")


def test_broken_json_says_where(tmp_path):
    report = check(package(tmp_path / "bad.h5p", replace={"h5p.json": b'{\n  "title": }'}))
    assert_refused(report, "h5p_json_invalid", "h5p.json", "line 2, column 12")


def test_h5p_json_with_bom(tmp_path):
    data = b"\xef\xbb\xbf" + dumps(h5p_json())
    assert check(package(tmp_path / "bom.h5p", replace={"h5p.json": data})).ok


@pytest.mark.parametrize(
    "field", ["title", "language", "mainLibrary", "embedTypes", "preloadedDependencies"]
)
def test_h5p_json_missing_field(tmp_path, field):
    data = h5p_json()
    del data[field]
    report = check(package(tmp_path / "bad.h5p", replace={"h5p.json": dumps(data)}))
    assert_refused(report, "h5p_json_field", "h5p.json", f"“{field}” is missing")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", ""),
        ("title", "   "),
        ("title", "x" * 256),
        ("title", 42),
        ("language", "en_US"),
        ("language", "english-language"),
        ("mainLibrary", "1H5P.Hello"),
        ("mainLibrary", "H5P Hello"),
        ("embedTypes", "div"),
        ("embedTypes", []),
        ("embedTypes", ["div", "script"]),
        ("license", "WTFPL"),
        ("license", 1),
        ("preloadedDependencies", {"machineName": "H5P.Hello"}),
        ("preloadedDependencies", ["H5P.Hello 1.0"]),
    ],
)
def test_h5p_json_invalid_field(tmp_path, field, value):
    data = h5p_json(**{field: value})
    report = check(package(tmp_path / "bad.h5p", replace={"h5p.json": dumps(data)}))
    assert_refused(report, "h5p_json_field", "h5p.json", f"“{field}")


@pytest.mark.parametrize(
    "dependency",
    [
        {"machineName": "H5P.Hello", "majorVersion": "x", "minorVersion": 0},
        {"machineName": "H5P.Hello", "majorVersion": 1},
        {"machineName": "H5P.Hello", "majorVersion": 1, "minorVersion": "123456"},
        {"machineName": "H5P.Hello", "majorVersion": True, "minorVersion": 0},
        {"machineName": "H5P Hello!", "majorVersion": 1, "minorVersion": 0},
        {"majorVersion": 1, "minorVersion": 0},
    ],
)
def test_h5p_json_invalid_dependency(tmp_path, dependency):
    deps = [{"machineName": "H5P.Hello", "majorVersion": 1, "minorVersion": 0}, dependency]
    data = h5p_json(preloadedDependencies=deps)
    report = check(package(tmp_path / "bad.h5p", replace={"h5p.json": dumps(data)}))
    assert_refused(report, "h5p_json_field", "h5p.json", "“preloadedDependencies[1].")


def test_licence_is_case_insensitive_and_optional(tmp_path):
    for name, data in {"lower": h5p_json(license="cc by-sa"), "none": h5p_json()}.items():
        if name == "none":
            del data["license"]
        assert check(package(tmp_path / f"{name}.h5p", replace={"h5p.json": dumps(data)})).ok


def test_main_library_must_be_a_dependency(tmp_path):
    deps = [{"machineName": "H5P.Other", "majorVersion": 1, "minorVersion": 0}]
    data = h5p_json(preloadedDependencies=deps)
    available = [LibraryRef("H5P.Other", 1, 0)]
    report = check(
        package(tmp_path / "bad.h5p", replace={"h5p.json": dumps(data)}),
        available_libraries=available,
    )
    assert_refused(report, "h5p_json_field", "h5p.json", "not listed in preloadedDependencies")


# --- content/content.json --------------------------------------------------------------------


def test_missing_content_json(tmp_path):
    report = check(package(tmp_path / "no.h5p", drop=["content/content.json"]))
    assert [p.code for p in report.problems] == ["content_json_missing"]


@pytest.mark.parametrize("data", [b"{oops}", b"[]", b""])
def test_invalid_content_json(tmp_path, data):
    report = check(package(tmp_path / "bad.h5p", replace={"content/content.json": data}))
    assert_refused(report, "content_json_invalid", "content/content.json")


# --- Libraries -------------------------------------------------------------------------------


LIBRARY_JSON = f"{LIBRARY_FOLDER}/library.json"


def test_invalid_library_json(tmp_path):
    report = check(package(tmp_path / "bad.h5p", replace={LIBRARY_JSON: b"{'single': quotes}"}))
    assert_refused(report, "library_json_invalid", LIBRARY_JSON)
    # The library still counts as present, so no cascade of missing dependencies.
    assert codes(report) == {"library_json_invalid"}


@pytest.mark.parametrize(
    "field", ["title", "machineName", "majorVersion", "minorVersion", "patchVersion", "runnable"]
)
def test_library_json_missing_field(tmp_path, field):
    data = library_json()
    del data[field]
    report = check(package(tmp_path / "bad.h5p", replace={LIBRARY_JSON: dumps(data)}))
    assert_refused(report, "library_json_field", LIBRARY_JSON, f"“{field}”")


@pytest.mark.parametrize(
    ("field", "value"),
    [("runnable", 2), ("patchVersion", "1.2"), ("machineName", "H5P/Hello"), ("title", "")],
)
def test_library_json_invalid_field(tmp_path, field, value):
    data = library_json(**{field: value})
    report = check(package(tmp_path / "bad.h5p", replace={LIBRARY_JSON: dumps(data)}))
    assert_refused(report, "library_json_field", LIBRARY_JSON, f"“{field}”")


def test_library_versions_as_strings_and_runnable_as_bool(tmp_path):
    data = library_json(majorVersion="1", minorVersion="0", patchVersion="7", runnable=True)
    report = check(package(tmp_path / "ok.h5p", replace={LIBRARY_JSON: dumps(data)}))
    assert report.ok, report.problems
    assert report.libraries == [LibraryRef("H5P.Hello", 1, 0, 7)]


def test_library_folder_mismatch(tmp_path):
    data = library_json(minorVersion=1)
    report = check(package(tmp_path / "bad.h5p", replace={LIBRARY_JSON: dumps(data)}))
    assert_refused(report, "library_folder_mismatch", LIBRARY_JSON, "H5P.Hello-1.1")


def test_library_folder_without_version_is_a_mismatch(tmp_path):
    files = {
        name.replace(LIBRARY_FOLDER, "H5P.Hello"): data
        for name, data in hostile.minimal_files().items()
    }
    report = check(hostile.write_zip(tmp_path / "bad.h5p", files))
    assert_refused(report, "library_folder_mismatch", "H5P.Hello/library.json")


def test_library_folder_without_library_json(tmp_path):
    report = check(package(tmp_path / "bad.h5p", extra=[("H5P.Extra-1.0/extra.js", b"")]))
    assert_refused(report, "library_json_missing", "H5P.Extra-1.0/library.json")


def test_library_json_dependency_list_checked(tmp_path):
    data = library_json(preloadedDependencies=[{"machineName": "H5P.X"}])
    report = check(package(tmp_path / "bad.h5p", replace={LIBRARY_JSON: dumps(data)}))
    assert_refused(report, "library_json_field", LIBRARY_JSON, "preloadedDependencies[0]")


@pytest.mark.parametrize("field", ["preloadedJs", "preloadedCss"])
@pytest.mark.parametrize(
    "path",
    [
        "../../../../etc/passwd",
        "../H5P.Other-1.0/other.js",
        "/etc/passwd",
        "js/../../escape.js",
        "./hello.js",
        "js//hello.js",
        "C:/Windows/win.ini",
        "js\\hello.js",
        "hello.js\x00.png",
    ],
)
def test_library_file_paths_must_stay_in_the_library_folder(tmp_path, field, path):
    data = library_json(**{field: [{"path": "hello.js"}, {"path": path}]})
    report = check(package(tmp_path / "bad.h5p", replace={LIBRARY_JSON: dumps(data)}))
    assert_refused(report, "library_file_outside", LIBRARY_JSON, "H5P.Hello 1.0.3")
    (problem,) = [p for p in report.problems if p.code == "library_file_outside"]
    assert field in problem.message and LIBRARY_FOLDER in problem.message
    assert validation._printable(path) in problem.message  # names the path, escaped


@pytest.mark.parametrize("field", ["preloadedJs", "preloadedCss"])
def test_library_file_paths_must_exist_in_the_package(tmp_path, field):
    data = library_json(**{field: [{"path": "missing/app.js"}]})
    report = check(package(tmp_path / "bad.h5p", replace={LIBRARY_JSON: dumps(data)}))
    assert_refused(report, "library_file_missing", LIBRARY_JSON, "missing/app.js")
    # An ignored file (hidden, "_" prefix) is not unpacked, so it does not count either.
    data = library_json(preloadedJs=[{"path": "_hidden.js"}])
    report = check(
        package(
            tmp_path / "hidden.h5p",
            replace={LIBRARY_JSON: dumps(data)},
            extra=[(f"{LIBRARY_FOLDER}/_hidden.js", b"x")],
        )
    )
    assert_refused(report, "library_file_missing", LIBRARY_JSON, "_hidden.js")


@pytest.mark.parametrize("value", ["hello.js", {"path": ""}, [{"file": "hello.js"}]])
def test_library_file_lists_are_checked(tmp_path, value):
    items = [value] if isinstance(value, dict) else value
    data = library_json(preloadedJs=items)
    report = check(package(tmp_path / "bad.h5p", replace={LIBRARY_JSON: dumps(data)}))
    assert_refused(report, "library_json_field", LIBRARY_JSON, "preloadedJs")


def test_library_files_in_subfolders_are_fine(tmp_path):
    data = library_json(
        preloadedJs=[{"path": "js/app.js"}], preloadedCss=[{"path": "styles/app.css"}]
    )
    path = package(
        tmp_path / "ok.h5p",
        replace={LIBRARY_JSON: dumps(data)},
        extra=[(f"{LIBRARY_FOLDER}/js/app.js", b"x"), (f"{LIBRARY_FOLDER}/styles/app.css", b"x")],
    )
    report = check(path)
    assert report.ok, report.problems


def test_library_file_message_is_translated(tmp_path):
    data = library_json(preloadedJs=[{"path": "../../../../etc/passwd"}])
    path = package(tmp_path / "bad.h5p", replace={LIBRARY_JSON: dumps(data)})
    with translation.override("fa"):
        persian = check(path).problems[0].message
    english = check(path).problems[0].message
    assert persian != english and "../../../../etc/passwd" in persian


# --- Dependencies ----------------------------------------------------------------------------

OTHER = {"machineName": "H5P.Other", "majorVersion": "2", "minorVersion": "3"}


def with_dependency(tmp_path) -> Path:
    data = h5p_json(preloadedDependencies=[*h5p_json()["preloadedDependencies"], OTHER])
    return package(tmp_path / "dep.h5p", replace={"h5p.json": dumps(data)})


def test_missing_dependency(tmp_path):
    report = check(with_dependency(tmp_path))
    assert codes(report) == {"dependency_missing"}
    assert_refused(report, "dependency_missing", "h5p.json", "H5P.Other 2.3")


def test_dependency_satisfied_by_installed_library(tmp_path):
    report = check(with_dependency(tmp_path), available_libraries=[LibraryRef("H5P.Other", 2, 3)])
    assert report.ok, report.problems


def test_installed_library_must_match_major_and_minor(tmp_path):
    for available in (LibraryRef("H5P.Other", 2, 4, 0), LibraryRef("H5P.other", 2, 3)):
        report = check(with_dependency(tmp_path), available_libraries=[available])
        assert codes(report) == {"dependency_missing"}


def test_dependency_of_a_library_is_checked(tmp_path):
    data = library_json(preloadedDependencies=[{**OTHER, "majorVersion": 2}])
    report = check(package(tmp_path / "dep.h5p", replace={LIBRARY_JSON: dumps(data)}))
    assert_refused(report, "dependency_missing", LIBRARY_JSON, "H5P.Other 2.3")
    assert check(
        package(tmp_path / "dep2.h5p", replace={LIBRARY_JSON: dumps(data)}),
        available_libraries=[LibraryRef("H5P.Other", 2, 3)],
    ).ok


def test_main_library_missing(tmp_path):
    path = package(tmp_path / "nolib.h5p", drop=[LIBRARY_JSON, f"{LIBRARY_FOLDER}/hello.js"])
    report = check(path)
    assert codes(report) == {"main_library_missing"}
    assert_refused(report, "main_library_missing", "h5p.json", "H5P.Hello 1.0")
    installed = check(path, available_libraries=[LibraryRef("H5P.Hello", 1, 0, 9)])
    assert installed.ok
    assert installed.main_library == LibraryRef("H5P.Hello", 1, 0)


# --- Everything at once ----------------------------------------------------------------------


def test_all_problems_in_one_report(tmp_path):
    data = h5p_json(title="", preloadedDependencies=[*h5p_json()["preloadedDependencies"], OTHER])
    path = package(
        tmp_path / "everything.h5p",
        replace={"h5p.json": dumps(data), "content/content.json": b"{broken"},
        extra=[
            ("../evil.js", b"x"),
            ("/etc/passwd.txt", b"x"),
            ("content/shell.php", b"<?php"),
            ("content/content.json", b"{}"),
            hostile.symlink(f"{LIBRARY_FOLDER}/link.js"),
            (f"{LIBRARY_FOLDER}/icon.svg", b"<svg onload='x()'/>"),
            ("H5P.Extra-1.0/x.js", b""),
            ("content/secret.json", b"{}"),
        ],
        central={"content/secret.json": {"flag_bits": 0x1}},
    )
    report = check(path)
    assert codes(report) >= {
        "zip_slip",
        "absolute_path",
        "forbidden_extension",
        "duplicate_entry",
        "symlink",
        "svg_script",
        "library_json_missing",
        "encrypted_entry",
        "h5p_json_field",
        "content_json_invalid",
        "dependency_missing",
    }
    assert report.main_library == LibraryRef("H5P.Hello", 1, 0, 3)
