"""The Persian and English catalogues are complete for every string in the code."""

import shutil
import subprocess
import sys

import pytest

from lms.settings.base import LOCAL_APPS
from tests.conftest import ROOT, clean_env

# Both tests read one module-scoped makemessages run: keep them in one xdist worker.
pytestmark = pytest.mark.xdist_group("messages")

SOURCE_DIRS = [*LOCAL_APPS, "lms", "templates", "locale"]


@pytest.fixture(scope="module")
def fresh_catalogues(tmp_path_factory):
    """Run makemessages on a copy of the source, so strings added without translation show up."""
    copy = tmp_path_factory.mktemp("i18n")
    for name in SOURCE_DIRS:
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "manage.py", copy / "manage.py")
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "-l",
            "fa",
            "-l",
            "en",
            "-v0",
            "--no-obsolete",
        ],
        cwd=copy,
        env=clean_env(DJANGO_SETTINGS_MODULE="lms.settings.test"),
        check=True,
        capture_output=True,
        text=True,
    )
    return copy / "locale"


@pytest.mark.parametrize("language", ["fa", "en"])
def test_catalogue_has_no_untranslated_or_fuzzy_messages(fresh_catalogues, language):
    po = fresh_catalogues / language / "LC_MESSAGES" / "django.po"
    stats = (
        subprocess.run(
            ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(po)],
            capture_output=True,
            text=True,
            check=True,
        )
        .stderr.strip()
        .splitlines()[-1]
    )  # the statistics line, after any header warnings
    assert "untranslated" not in stats and "fuzzy" not in stats, (
        f"{language}: {stats.strip()}\n"
        + subprocess.run(
            ["msgattrib", "--untranslated", "--only-fuzzy", str(po)], capture_output=True, text=True
        ).stdout
    )
    translated = int(stats.split()[0])
    assert translated > 50
