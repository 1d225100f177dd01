"""Build good and hostile ``.h5p`` packages in code, for the validator's tests.

Everything starts from ``minimal_files()``: a valid package of our own making (h5p.json,
content/content.json and one library folder ``H5P.Hello-1.0`` with library.json and a .js file).
``write_zip`` writes any list of entries, duplicates included, and can falsify central-directory
fields (sizes, flags, offsets) through ``central``: Python writes the central directory from its
``ZipInfo`` objects at close, so changing them after the data is written makes the directory lie.
"""

import json
import stat
import struct
import warnings
import zipfile
import zlib
from collections.abc import Iterable
from pathlib import Path

MAIN = "H5P.Hello"
LIBRARY_FOLDER = "H5P.Hello-1.0"
MB = 1024 * 1024

Entry = tuple["str | zipfile.ZipInfo", bytes]


def h5p_json(**overrides) -> dict:
    data = {
        "title": "Hello",
        "language": "en",
        "mainLibrary": MAIN,
        "embedTypes": ["div"],
        "license": "CC BY",
        "preloadedDependencies": [{"machineName": MAIN, "majorVersion": 1, "minorVersion": "0"}],
    }
    data.update(overrides)
    return data


def library_json(**overrides) -> dict:
    data = {
        "title": "Hello",
        "machineName": MAIN,
        "majorVersion": 1,
        "minorVersion": 0,
        "patchVersion": 3,
        "runnable": 1,
        "preloadedJs": [{"path": "hello.js"}],
    }
    data.update(overrides)
    return data


def dumps(data) -> bytes:
    return json.dumps(data).encode()


def minimal_files() -> dict[str, bytes]:
    return {
        "h5p.json": dumps(h5p_json()),
        "content/content.json": dumps({"text": "Hello, world"}),
        f"{LIBRARY_FOLDER}/library.json": dumps(library_json()),
        f"{LIBRARY_FOLDER}/hello.js": b"H5P.Hello = function () {};\n",
    }


def write_zip(
    path: Path,
    entries: Iterable[Entry] | dict[str, bytes],
    *,
    central: dict[str, dict] | None = None,
    compression: int = zipfile.ZIP_DEFLATED,
) -> Path:
    """Write ``entries`` (name or ZipInfo, data); ``central`` sets ZipInfo fields before close."""
    if isinstance(entries, dict):
        entries = entries.items()
    with zipfile.ZipFile(path, "w", compression) as zf, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "Duplicate name": wanted here
        for name, data in entries:
            zf.writestr(name, data)
        for info in zf.infolist():
            for attribute, value in (central or {}).get(info.filename, {}).items():
                setattr(info, attribute, value)
    return path


def package(
    path: Path,
    *,
    extra: Iterable[Entry] = (),
    replace: dict[str, bytes] | None = None,
    drop: Iterable[str] = (),
    central: dict[str, dict] | None = None,
) -> Path:
    """The minimal package with files replaced or dropped and ``extra`` entries appended."""
    files = minimal_files()
    files.update(replace or {})
    for name in drop:
        files.pop(name)
    return write_zip(path, [*files.items(), *extra], central=central)


def unix_entry(name: str, mode: int) -> zipfile.ZipInfo:
    """An entry carrying a Unix file type and mode, as ``zip --symlinks`` or tar-to-zip would."""
    info = zipfile.ZipInfo(name)
    info.create_system = 3
    info.external_attr = mode << 16
    return info


def symlink(name: str, target: str = "/etc/passwd") -> Entry:
    return unix_entry(name, stat.S_IFLNK | 0o777), target.encode()


def fifo(name: str) -> Entry:
    return unix_entry(name, stat.S_IFIFO | 0o644), b""


def char_device(name: str) -> Entry:
    return unix_entry(name, stat.S_IFCHR | 0o644), b""


def zip_bomb(
    path: Path,
    *,
    size: int = 200 * MB,
    name: str = "content/zeros.txt",
    declared: int | None = None,
) -> Path:
    """The minimal package plus ``size`` bytes of zeros, written in 1 MB chunks (little memory).

    With ``declared``, the central directory claims that size instead of the real one.
    """
    package(path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as zf:
        with zf.open(name, "w") as entry:
            chunk = bytes(MB)
            for _ in range(size // MB):
                entry.write(chunk)
        if declared is not None:
            zf.getinfo(name).file_size = declared
    return path


def patch_bytes(path: Path, old: bytes, new: bytes) -> Path:
    """Replace ``old`` by ``new`` (same length) everywhere in the file: names, data, headers."""
    assert len(old) == len(new)
    data = path.read_bytes()
    assert old in data
    path.write_bytes(data.replace(old, new))
    return path


def png_bytes() -> bytes:
    """A real 1×1 PNG image."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )
