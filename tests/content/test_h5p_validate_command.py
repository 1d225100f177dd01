"""``manage.py h5p_validate FILE [--json]``: exit 0 for a good package, 1 otherwise."""

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation

from content.h5p.validation import validate_package
from content.management.commands import h5p_validate
from tests.conftest import clean_env
from tests.content.hostile import dumps, h5p_json, package

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "h5p"
MULTICHOICE = FIXTURES / "multichoice.h5p"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def run(*args) -> tuple[int, str, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("h5p_validate", *args, stdout=out, stderr=err)
    except SystemExit as exit_:
        code = exit_.code
    else:
        code = 0
    return code, out.getvalue(), err.getvalue()


def test_good_package():
    code, out, err = run(str(FIXTURES / "truefalse-hello-world.h5p"))
    assert code == 0
    assert err == ""
    lines = out.splitlines()
    assert lines[:3] == ["Title: Hello World", "Main library: H5P.TrueFalse 1.6", "Libraries: 10"]
    assert "[" not in out


def test_bad_package_lists_every_problem(tmp_path):
    path = package(
        tmp_path / "bad.h5p", extra=[("../evil.js", b"x"), ("content/shell.php", b"<?php")]
    )
    code, out, _err = run(str(path))
    assert code == 1
    assert "Title: Hello" in out
    assert "Main library: H5P.Hello 1.0" in out
    assert "Problems: 2" in out
    assert "[zip_slip] The entry ../evil.js points outside the package (“..”). (../evil.js)" in out
    assert "[forbidden_extension] " in out and "(content/shell.php)" in out


def test_not_a_zip(tmp_path):
    path = tmp_path / "notes.h5p"
    path.write_text("hello")
    code, out, _err = run(str(path))
    assert code == 1
    assert "Title: -" in out
    assert "[not_zip] The file is not a zip archive." in out
    assert "(None)" not in out


def test_json_good():
    code, out, err = run(str(MULTICHOICE), "--json")
    assert code == 0
    assert err == ""
    assert out == json.dumps(validate_package(MULTICHOICE).as_json(), ensure_ascii=False) + "\n"
    data = json.loads(out)
    assert data["ok"] is True
    assert data["title"] == "Multiple Choice"
    assert data["main_library"] == "H5P.MultiChoice 1.14"
    assert "H5P.MultiChoice 1.14.6" in data["libraries"]
    assert data["errors"] == []


def test_json_bad(tmp_path):
    path = package(tmp_path / "bad.h5p", replace={"h5p.json": b"{"})
    code, out, err = run(str(path), "--json")
    assert code == 1
    assert err == ""
    data = json.loads(out)
    assert data["ok"] is False
    assert data["title"] == "" and data["main_library"] is None
    assert [e["code"] for e in data["errors"]] == ["h5p_json_invalid"]
    assert data["errors"][0]["path"] == "h5p.json"


def test_json_keeps_non_ascii(tmp_path):
    path = package(tmp_path / "fa.h5p", replace={"h5p.json": dumps(h5p_json(title="سواد"))})
    code, out, _err = run(str(path), "--json")
    assert code == 0
    assert '"title": "سواد"' in out


@pytest.mark.parametrize("extra", [[], ["--json"]])
def test_missing_file(tmp_path, extra):
    code, out, err = run(str(tmp_path / "nope.h5p"), *extra)
    assert code == 1
    assert out == ""
    assert "No such file" in err and "nope.h5p" in err


def test_no_installed_libraries_yet():
    assert h5p_validate.available_libraries() == ()


def test_real_process_prints_pure_json():
    result = subprocess.run(
        [sys.executable, "manage.py", "h5p_validate", str(MULTICHOICE), "--json"],
        cwd=ROOT,
        env=clean_env(DJANGO_SETTINGS_MODULE="lms.settings.test"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["ok"] is True
    assert data["main_library"] == "H5P.MultiChoice 1.14"
    assert len(data["libraries"]) == 13


def test_real_process_exits_1_for_a_bad_package(tmp_path):
    path = package(tmp_path / "bad.h5p", extra=[("../evil.js", b"x")])
    result = subprocess.run(
        [sys.executable, "manage.py", "h5p_validate", str(path), "--json"],
        cwd=ROOT,
        env=clean_env(DJANGO_SETTINGS_MODULE="lms.settings.test"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    assert [e["code"] for e in json.loads(result.stdout)["errors"]] == ["zip_slip"]
