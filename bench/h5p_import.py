"""Benchmark of the H5P import: check and unpack a large package, time and memory.

    python bench/h5p_import.py [--files 3000] [--file-kb 16] [--quick]

A valid package of about 50 MB is generated in a temporary folder: a small library of our own,
``h5p.json``, ``content/content.json``, ``--files`` content images of random bytes (stored, as
zip tools store files that do not compress), a 1 MB video and, deflated, a JSON file per 100
images. It is then imported the way a worker imports it (``services.package_import``: check
with ``validate_package``, unpack entry by entry into a work folder, place the folders, record
the libraries), into a temporary MEDIA_ROOT and a throwaway database (in-memory SQLite, or a
``test_<name>_bench_<pid>`` database when DATABASE_URL points to PostgreSQL), both removed at
the end. For comparison, ``unzip -t`` reads (and CRC-checks) the same file, and ``unzip -d``
extracts it to a folder.

Reported: the whole import and its parts (check, unpacking, placing and the database), the
peak memory of the process (max RSS, before and after the import) and, from a second import of
the same file run under ``tracemalloc``, the peak of Python's own allocations during an import.
Human-readable lines first, then, as the last line, one JSON object with the results.
"""

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
import zipfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
# Run as ``python bench/h5p_import.py``, Python puts bench/ first on the path, where
# bench/quizzes.py would shadow the ``quizzes`` app. Drop it and put the project root first.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != BENCH]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lms.settings.test")

import django  # noqa: E402

django.setup()

from django.core.files import File  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

from bench.database import create_database  # noqa: E402
from content import services  # noqa: E402
from content.models import H5PPackage  # noqa: E402

MB = 1024 * 1024
LIBRARY = "Bench.Gallery"
LIBRARY_FOLDER = f"{LIBRARY}-1.0"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=3000, help="content images (3000)")
    parser.add_argument("--file-kb", type=int, default=16, help="size of each image, KB (16)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 200 images of 4 KB")
    args = parser.parse_args(argv)
    if args.quick:
        args.files, args.file_kb = 200, 4
    if args.files < 1 or args.file_kb < 1:
        parser.error("--files and --file-kb must be at least 1")
    return args


def generate(path: Path, *, files: int, file_kb: int) -> tuple[int, int]:
    """Write the package; return (entries, uncompressed bytes). Streams: little memory."""
    h5p_json = {
        "title": "Bench gallery",
        "language": "en",
        "mainLibrary": LIBRARY,
        "embedTypes": ["div"],
        "license": "U",
        "preloadedDependencies": [{"machineName": LIBRARY, "majorVersion": 1, "minorVersion": 0}],
    }
    library_json = {
        "title": "Bench gallery",
        "machineName": LIBRARY,
        "majorVersion": 1,
        "minorVersion": 0,
        "patchVersion": 0,
        "runnable": 1,
        "preloadedJs": [{"path": "gallery.js"}],
        "preloadedCss": [{"path": "gallery.css"}],
    }
    images = [f"content/images/photo{i:05d}.png" for i in range(files)]
    content = {"images": [{"path": name.removeprefix("content/")} for name in images]}
    deflated = {
        "h5p.json": json.dumps(h5p_json).encode(),
        "content/content.json": json.dumps(content).encode(),
        f"{LIBRARY_FOLDER}/library.json": json.dumps(library_json).encode(),
        f"{LIBRARY_FOLDER}/gallery.js": b"H5P.BenchGallery = function () {};\n" * 200,
        f"{LIBRARY_FOLDER}/gallery.css": b".gallery { display: grid; }\n" * 200,
    }
    for start in range(0, files, 100):
        captions = {name: f"Photo {i}" for i, name in enumerate(images[start : start + 100])}
        deflated[f"content/captions/{start:05d}.json"] = json.dumps(captions).encode()
    total = 0
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in deflated.items():
            zf.writestr(name, data)
            total += len(data)
        size = file_kb * 1024
        for name in images:
            zf.writestr(name, os.urandom(size), compress_type=zipfile.ZIP_STORED)
            total += size
        with zf.open("content/videos/clip.mp4", "w") as entry:  # force_zip64 not needed
            for _ in range(16):
                entry.write(os.urandom(64 * 1024))
        total += MB
        entries = len(zf.infolist())
    return entries, total


def max_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux and in bytes on macOS.
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(rss / (MB if sys.platform == "darwin" else 1024), 1)


class Timed:
    """Wraps a function of ``content.services`` and adds up the time spent in it."""

    def __init__(self, name: str):
        self.name, self.seconds = name, 0.0
        self.original = getattr(services, name)
        setattr(services, name, self)

    def __call__(self, *args, **kwargs):
        started = time.perf_counter()
        try:
            return self.original(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - started

    def restore(self):
        setattr(services, self.name, self.original)


def import_file(path: Path) -> H5PPackage:
    with path.open("rb") as handle:
        package = services.package_create(upload=File(handle, name=path.name), enqueue=False)
    return services.package_import(package.pk)


def unzip(*args: str) -> float | None:
    """Seconds ``unzip`` takes with these arguments (None when unzip is not installed)."""
    if shutil.which("unzip") is None:
        return None
    started = time.perf_counter()
    result = subprocess.run(["unzip", *args], capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"unzip {' '.join(args)} failed: {result.stdout}{result.stderr}")
    return round(elapsed, 3)


def main(argv=None) -> int:
    args = parse_args(argv)
    vendor = connection.vendor
    scratch = Path(tempfile.mkdtemp(prefix="savad-bench-h5p-"))
    media = scratch / "media"
    media.mkdir()
    package_path = scratch / "bench.h5p"
    old_name = create_database()
    try:
        started = time.perf_counter()
        entries, unpacked = generate(package_path, files=args.files, file_kb=args.file_kb)
        generate_s = time.perf_counter() - started
        archive_mb = round(package_path.stat().st_size / MB, 1)
        unzip_t_s = unzip("-tqq", str(package_path))
        unzip_x_s = unzip("-qq", str(package_path), "-d", str(scratch / "unzipped"))
        shutil.rmtree(scratch / "unzipped", ignore_errors=True)

        with override_settings(MEDIA_ROOT=str(media)):
            rss_before = max_rss_mb()
            timers = [Timed("validate_package"), Timed("extract")]
            started = time.perf_counter()
            package = import_file(package_path)
            import_s = time.perf_counter() - started
            for timer in timers:
                timer.restore()
            rss_after = max_rss_mb()
            if package.status != H5PPackage.Status.READY:
                raise SystemExit(f"The import failed: {package.errors}")
            placed = sum(1 for p in (media / "h5p").rglob("*") if p.is_file()) - 1  # - upload

            tracemalloc.start()
            again = import_file(package_path)
            _current, traced_peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            if again.status != H5PPackage.Status.READY:
                raise SystemExit(f"The second import failed: {again.errors}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0, keepdb=False)
        shutil.rmtree(scratch, ignore_errors=True)

    validate_s, extract_s = (timer.seconds for timer in timers)
    summary = {
        "database": vendor,
        "files": entries,  # every entry is a file here
        "bytes": unpacked,
        "archive_mb": archive_mb,
        "import_s": round(import_s, 3),
        "validate_s": round(validate_s, 3),
        "extract_s": round(extract_s, 3),
        "place_and_db_s": round(import_s - validate_s - extract_s, 3),
        "unpacked_mb_per_s": round(unpacked / MB / import_s, 1),
        "unzip_t_s": unzip_t_s,
        "unzip_x_s": unzip_x_s,
        "peak_rss_mb": rss_after,
        "rss_before_import_mb": rss_before,
        "tracemalloc_peak_mb": round(traced_peak / MB, 2),
        "files_placed": placed,
    }
    if placed != entries:
        raise SystemExit(f"{placed} files placed, {entries} expected")
    print(
        f"Savad H5P import benchmark: {vendor}, a generated package of {entries} entries, "
        f"{unpacked / MB:.1f} MB unpacked, {archive_mb} MB as a file (made in {generate_s:.1f} s)"
    )
    print(
        f"  import {summary['import_s']} s = check {summary['validate_s']} s "
        f"+ unpack {summary['extract_s']} s + place and record {summary['place_and_db_s']} s "
        f"({summary['unpacked_mb_per_s']} MB/s)"
    )
    if unzip_t_s is not None:
        print(
            f"  unzip of the same file: -t (read and check) {unzip_t_s} s, "
            f"extract to a folder {unzip_x_s} s"
        )
    print(
        f"  memory: max RSS {rss_before} MB before the import, {rss_after} MB after; "
        f"Python allocations peaked at {summary['tracemalloc_peak_mb']} MB during an import"
    )
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
