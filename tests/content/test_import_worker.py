"""A real Celery worker (a subprocess, against the machine's Redis) imports H5P packages, and an
import whose worker is killed mid-way leaves nothing half-done and finishes once the task is
delivered again.

The worker shares this test's database: on PostgreSQL the test database itself (the test commits,
``transaction=True``); on SQLite, whose test database lives in memory, a file copy of it that this
process also switches to for the test. It gets MEDIA_ROOT (and, for the kill test, a per-file
delay that makes unpacking slow) through a tiny bootstrap that sets them before Celery starts.
Redis must be running (``scripts/services.sh``, which ``make test`` and ``.ci/run`` call): if it
is not, these tests fail, they are not skipped.
"""

import os
import signal
import time
import zipfile
from pathlib import Path

import pytest
from django.core.files import File

from content import services
from content.h5p.validation import is_ignored
from content.models import H5PLibrary, H5PPackage
from tests.celery_worker import CeleryWorkers, require_redis
from tests.content import hostile

# Redis database 9 belongs to these tests (the others: tests/celery_worker.py).
REDIS = "redis://127.0.0.1:6379/9"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "h5p"
MULTICHOICE = FIXTURES / "multichoice.h5p"
Status = H5PPackage.Status

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.xdist_group("celery-worker"),
    pytest.mark.sqlite,
]

# Runs ``celery`` after setting what the test settings cannot take from the environment.
WORKER_BOOTSTRAP = """
import os
import sys

from django.conf import settings

settings.MEDIA_ROOT = os.environ["SAVAD_TEST_MEDIA_ROOT"]
settings.H5P_EXTRACT_THROTTLE = float(os.environ.get("SAVAD_TEST_H5P_THROTTLE") or 0)
if os.environ.get("SAVAD_TEST_VISIBILITY_TIMEOUT"):
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": int(os.environ["SAVAD_TEST_VISIBILITY_TIMEOUT"]),
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }

from celery.__main__ import main

sys.exit(main())
"""


@pytest.fixture
def media(settings, tmp_path) -> Path:
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = str(root)
    return root


@pytest.fixture
def workers(shared_database, media, tmp_path, monkeypatch):
    require_redis(REDIS)
    running = CeleryWorkers(
        redis_url=REDIS,
        name="savad-h5p-test",
        logs=tmp_path / "logs",
        env={"DATABASE_URL": shared_database, "SAVAD_TEST_MEDIA_ROOT": str(media)},
        bootstrap=WORKER_BOOTSTRAP,
    )
    # Stands in for ``services.enqueue_import``: the real queue, not eager Celery.
    monkeypatch.setattr(
        services,
        "enqueue_import",
        lambda package_id, **kwargs: running.send(
            "content.tasks.import_package", package_id, **kwargs
        ),
    )
    try:
        yield running
    finally:
        running.stop()


def wait_for(check, *, seconds: float, what: str, workers: CeleryWorkers):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    pytest.fail(f"Waited {seconds} s for {what}, in vain.\n{workers.log_tail()}", pytrace=False)


def state(package_id: int) -> H5PPackage:
    return H5PPackage.objects.get(pk=package_id)


def expected_files(path: Path, content_dir: str) -> set[str]:
    placed = set()
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            name = info.filename
            if info.is_dir() or is_ignored(name):
                continue
            if name == "h5p.json" or name.startswith("content/"):
                placed.add(f"{content_dir}/{name}")
            elif "/" in name:
                placed.add(f"h5p/libraries/{name}")
    return placed


def stored_files(root: Path, under: str = "") -> set[str]:
    return {
        path.relative_to(root).as_posix()
        for path in (root / under).rglob("*")
        if path.is_file() and not path.relative_to(root).as_posix().startswith("h5p/uploads/")
    }


def upload(path: Path, title: str = "") -> H5PPackage:
    with path.open("rb") as handle:
        # Not in a transaction here: the import is queued at once.
        return services.package_create(upload=File(handle, name=path.name), title=title)


def test_a_worker_imports_a_package_end_to_end(workers, media):
    workers.start()
    package = upload(MULTICHOICE)
    assert state(package.pk).status == Status.PENDING  # the upload only queues the import
    assert len(workers.sent) == 1

    done = wait_for(
        lambda: state(package.pk).status in (Status.READY, Status.FAILED) and state(package.pk),
        seconds=120,
        what="the worker to import the package",
        workers=workers,
    )
    assert done.status == Status.READY, (done.errors, workers.log_tail())
    assert (done.title, done.main_library, done.progress) == (
        "Multiple Choice",
        "H5P.MultiChoice 1.14",
        100,
    )
    assert stored_files(media) == expected_files(MULTICHOICE, done.content_dir)
    assert H5PLibrary.objects.count() == 13
    assert done.libraries.count() == 13
    reply = workers.sent[0].get(timeout=30)
    assert reply == {"package": package.pk, "status": "ready", "errors": []}


def big_package(path: Path, *, files: int = 300, size: int = 20_000) -> Path:
    """A valid package with ``files`` content images of random bytes (stored, not compressed)."""
    extra = [(f"content/images/photo{i:04d}.png", os.urandom(size)) for i in range(files)]
    return hostile.write_zip(
        path, [*hostile.minimal_files().items(), *extra], compression=zipfile.ZIP_STORED
    )


def test_a_worker_killed_mid_extraction_leaves_nothing_half_done(workers, media, tmp_path):
    path = big_package(tmp_path / "big.h5p")
    # 300 files at 30 ms each: unpacking takes about 9 s.
    first = workers.start(SAVAD_TEST_H5P_THROTTLE="0.03")
    package = upload(path, title="Big")
    content_dir = media / package.content_dir
    work = media / "h5p" / "tmp"

    wait_for(
        lambda: (row := state(package.pk)).status == Status.EXTRACTING and row.progress >= 30,
        seconds=120,
        what="the import to be well into unpacking",
        workers=workers,
    )
    partial = [p for p in work.rglob("*") if p.is_file()]
    assert partial, "the work folder should hold the files unpacked so far"
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=30)

    # Killed: the package is stuck "extracting", nothing reached the final folders.
    row = state(package.pk)
    assert row.status == Status.EXTRACTING
    assert 30 <= row.progress < 100
    assert not content_dir.exists()
    assert not (media / "h5p" / "libraries").exists()
    assert not H5PLibrary.objects.exists()
    assert stored_files(media, "h5p/content") == set()

    # The message was never acknowledged: a new worker gets it again (after the visibility
    # timeout, 1 s here), cleans up the dead worker's work folder and imports from the start.
    time.sleep(1.5)
    workers.start(SAVAD_TEST_VISIBILITY_TIMEOUT="1")
    done = wait_for(
        lambda: (row := state(package.pk)).status in (Status.READY, Status.FAILED) and row,
        seconds=120,
        what="the import to be delivered again and finish",
        workers=workers,
    )
    assert done.status == Status.READY, (done.errors, workers.log_tail())
    assert done.title == "Big"
    expected = expected_files(path, done.content_dir)
    assert len(expected) == 300 + 4
    assert stored_files(media) == expected
    with zipfile.ZipFile(path) as zf:
        name = "content/images/photo0299.png"
        assert (content_dir / name).read_bytes() == zf.read(name)
    assert not work.exists() or not any(work.iterdir())
    assert H5PLibrary.objects.count() == 1
    assert workers.sent[0].get(timeout=30)["status"] == "ready"
