"""Reads of H5P content: where shared library code is stored (for the players), and results
for statistics (querysets the stats app aggregates)."""

import hashlib
import json
import re
from uuid import UUID

from django.db.models import QuerySet

from core.caching import cached_content

from .models import H5PLibrary, H5PResult
from .results import SCORED_VERBS

LIBRARIES_DIR = "h5p/libraries"
# The first segment of a library URL that names the set of library versions (``library_code``).
LIBRARY_TOKEN = re.compile(r"v[0-9a-f]{12}")


def library_code() -> dict:
    """``{"dirs": {folder: stored folder}, "token": …}``: the libraries whose code lives in a
    folder of its own (on object storage, see ``services._place_library``), and a token that
    changes whenever any library's code does; cached until a library changes."""
    return cached_content("h5p-library-code", _library_code, local=True)


def _library_code() -> dict:
    rows = list(
        H5PLibrary.objects.order_by("machine_name", "major_version", "minor_version").values_list(
            "machine_name", "major_version", "minor_version", "patch_version", "code_dir"
        )
    )
    dirs = {f"{name}-{major}.{minor}": stored for name, major, minor, _p, stored in rows if stored}
    digest = hashlib.sha256(json.dumps(rows).encode()).hexdigest()[:12]
    return {"dirs": dirs, "token": f"v{digest}"}


def library_file_name(path: str) -> str:
    """The stored name of the library file at URL path ``path``: ``<folder>/<file>``, after
    the version token players put first (any token: an older page gets the current code)."""
    head, _sep, rest = path.partition("/")
    if LIBRARY_TOKEN.fullmatch(head) and rest:
        path = rest
        head, _sep, rest = path.partition("/")
    stored = library_code()["dirs"].get(head) if rest else None
    return f"{stored}/{rest}" if stored else f"{LIBRARIES_DIR}/{path}"


def exercise_scores(
    *, activity_key: UUID, learners=None, package_id: int | None = None
) -> QuerySet[H5PResult]:
    """The scored results of a whole exercise (not of its sub-questions) on the activity
    ``activity_key``, one per attempt, by existing accounts; narrowed by ``learners`` (a filter
    expression on ``user``, e.g. enrolled ones) and, for a lesson that embeds several
    exercises, by the package."""
    rows = H5PResult.objects.filter(
        activity_key=activity_key,
        sub_content_id="",
        verb__in=SCORED_VERBS,
        score_scaled__isnull=False,
        user__isnull=False,
    )
    if package_id is not None:
        rows = rows.filter(package_id=package_id)
    return rows if learners is None else rows.filter(learners)


def embedded_results(*, activity_key: UUID, package_id: int, learners=None) -> QuerySet:
    """Every result of one package embedded in the activity ``activity_key`` (a lesson), by
    existing accounts, narrowed by ``learners``."""
    rows = H5PResult.objects.filter(
        activity_key=activity_key, package_id=package_id, sub_content_id="", user__isnull=False
    )
    return rows if learners is None else rows.filter(learners)
