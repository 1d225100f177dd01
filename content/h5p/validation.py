"""Check an uploaded ``.h5p`` package before anything is extracted from it.

``validate_package`` walks the zip's central directory, reads only the JSON files into memory and
stream-reads every other entry in chunks (with hard caps) to learn its real size. It reports every
problem it finds in one go; only a file that is not a zip at all (or is far too large, empty or has
far too many entries) stops it early.

What H5P core itself checks (see ``H5PValidator::isValidPackage``): ``h5p.json`` and
``content/content.json`` exist and parse, ``h5p.json`` has its required fields, the file extension
whitelists, each library folder's ``library.json``. What it leaves to us and we check too: path
traversal ("zip slip"), absolute paths, symlinks and other special entries, duplicate names,
encrypted entries, nesting depth, entry count, real (not declared) sizes, zip bombs (compression
ratio, overlapping entries), scripts inside SVG files, and that every dependency is available.
"""

import copy
import json
import lzma
import os
import re
import stat
import struct
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import BinaryIO

from django.utils.translation import gettext as _

from .limits import Limits

__all__ = [
    "CONTENT_EXTENSIONS",
    "LIBRARY_EXTENSIONS",
    "Limits",
    "LibraryRef",
    "PackageReport",
    "Problem",
    "is_ignored",
    "validate_package",
]

# H5P core's default whitelists (``H5PCore::$defaultContentWhitelist`` and
# ``$defaultLibraryWhitelistExtras``): files under ``content/`` may use the first list, files in
# library folders either list. ``svg`` is library-only.
CONTENT_WHITELIST = (
    "json png jpg jpeg gif bmp tif tiff eot ttf woff woff2 otf webm mp4 ogg mp3 m4a wav txt pdf "
    "rtf doc docx xls xlsx ppt pptx odt ods odp csv diff patch swf md textile vtt webvtt gltf glb"
)
LIBRARY_WHITELIST_EXTRAS = "js css svg xml"
CONTENT_EXTENSIONS = frozenset(CONTENT_WHITELIST.split())
LIBRARY_EXTENSIONS = CONTENT_EXTENSIONS | frozenset(LIBRARY_WHITELIST_EXTRAS.split())

LICENSES = frozenset(
    code.casefold()
    for code in (
        "CC BY",
        "CC BY-SA",
        "CC BY-ND",
        "CC BY-NC",
        "CC BY-NC-SA",
        "CC BY-NC-ND",
        "CC0 1.0",
        "GNU GPL",
        "PD",
        "ODC PDDL",
        "CC PDM",
        "U",
        "C",
    )
)
EMBED_TYPES = frozenset({"iframe", "div"})

# The regexes of ``H5PValidator::$h5pRequired`` (always matched with ``fullmatch``).
LANGUAGE_RE = re.compile(r"[-a-zA-Z]{1,10}")
MAIN_LIBRARY_RE = re.compile(r"[$a-z_][0-9a-z_.$]{1,254}", re.IGNORECASE | re.ASCII)
MACHINE_NAME_RE = re.compile(r"[\w\-.]{1,255}", re.ASCII)
VERSION_RE = re.compile(r"[0-9]{1,5}")
FOLDER_RE = re.compile(r"(?P<name>.+)-(?P<major>[0-9]{1,5})\.(?P<minor>[0-9]{1,5})")
DRIVE_RE = re.compile(r"[A-Za-z]:")

# Things that make an SVG run code when it is opened as a document (not as an <img>).
SVG_DANGER_RE = re.compile(
    rb"<\s*(?:script|foreignobject|handler|iframe|embed|object)\b"
    rb"|[\s\"'/]on[a-z]+\s*="
    rb"|j\s*a\s*v\s*a\s*s\s*c\s*r\s*i\s*p\s*t\s*:"
    rb"|data\s*:\s*text/html",
    re.IGNORECASE,
)
SVG_OVERLAP = 256  # bytes kept from the previous chunk so a match across chunks is not missed

SUPPORTED_METHODS = frozenset(
    {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
)
CHUNK = 64 * 1024
LOCAL_HEADER_SIZE = 30
LOCAL_HEADER_SIGNATURE = b"PK\x03\x04"
ZIP_START_SIGNATURES = (LOCAL_HEADER_SIGNATURE, b"PK\x05\x06")  # an entry, or an empty archive
READ_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    OSError,
    ValueError,
    NotImplementedError,
    RuntimeError,
)

# End of central directory records (the zip's table of contents), read before Python parses it.
EOCD_SIGNATURE = b"PK\x05\x06"
EOCD_SIZE = 22
ZIP64_LOCATOR_SIGNATURE = b"PK\x06\x07"
ZIP64_LOCATOR_SIZE = 20
ZIP64_EOCD_SIGNATURE = b"PK\x06\x06"
# Central directory bytes allowed per permitted entry (46 fixed bytes + name + extra fields).
CENTRAL_BYTES_PER_ENTRY = 1024

H5P_JSON = "h5p.json"
# library.json fields that name files of the library's own folder (H5P core reads these).
LIBRARY_FILE_FIELDS = ("preloadedJs", "preloadedCss")
CONTENT_JSON = "content/content.json"


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    path: str | None = None

    def as_json(self) -> dict:
        return {"code": self.code, "message": self.message, "path": self.path}


@dataclass(frozen=True)
class LibraryRef:
    machine_name: str
    major: int
    minor: int
    patch: int | None = None

    @property
    def folder(self) -> str:
        """The library's folder in a package and in the library store."""
        return f"{self.machine_name}-{self.major}.{self.minor}"

    @property
    def key(self) -> tuple[str, int, int]:
        """What a dependency matches on: machine name, major and minor version."""
        return (self.machine_name, self.major, self.minor)

    @property
    def full_name(self) -> str:
        """``H5P.MultiChoice 1.16.4`` (``H5P.MultiChoice 1.16`` when the patch is unknown)."""
        return str(self) if self.patch is None else f"{self}.{self.patch}"

    def __str__(self) -> str:
        return f"{self.machine_name} {self.major}.{self.minor}"


@dataclass
class PackageReport:
    ok: bool
    title: str
    main_library: LibraryRef | None
    libraries: list[LibraryRef]
    dependencies: list[LibraryRef]
    problems: list[Problem]
    h5p_json: dict | None

    @property
    def codes(self) -> set[str]:
        return {problem.code for problem in self.problems}

    def as_json(self) -> dict:
        return {
            "ok": self.ok,
            "title": self.title,
            "main_library": str(self.main_library) if self.main_library else None,
            "libraries": sorted(library.full_name for library in self.libraries),
            "errors": [problem.as_json() for problem in self.problems],
        }


def is_ignored(name: str) -> bool:
    """True for entries H5P core skips: any path segment starting with ``.`` or ``_``.

    ``__MACOSX/…``, ``.DS_Store``, ``content/.git/…`` are neither whitelist-checked nor extracted.
    """
    return any(part.startswith((".", "_")) for part in re.split(r"[/\\]", name) if part)


def validate_package(
    source: str | os.PathLike | BinaryIO,
    *,
    available_libraries: Iterable[LibraryRef] = (),
    limits: Limits | None = None,
) -> PackageReport:
    """Check the package at ``source`` (a path, or a seekable binary file object).

    ``available_libraries`` are libraries already installed: dependencies may be satisfied by them
    instead of by a folder in the package. A missing file raises ``FileNotFoundError``.
    """
    limits = limits or Limits()
    if isinstance(source, str | os.PathLike):
        with open(source, "rb") as fileobj:
            return _Validator(fileobj, available_libraries, limits).run()
    return _Validator(source, available_libraries, limits).run()


class _Stop(Exception):
    """Raised inside the validator when nothing more can be checked."""


def _printable(name: str) -> str:
    """The entry name with control characters escaped, fit for a message."""
    return "".join(
        char if char.isprintable() or char == " " else f"\\x{ord(char):02x}" for char in name
    )


def _version(value) -> int | None:
    """A version number of h5p.json/library.json: an int or a string of digits (1–5 of them)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value <= 99_999 else None
    if isinstance(value, str) and VERSION_RE.fullmatch(value):
        return int(value)
    return None


def _central_directory(fp: BinaryIO, archive_size: int) -> tuple[int, int] | None:
    """(entries, bytes) of the central directory as the end record declares them, or None.

    Read from the file's tail so that a huge table of contents can be refused before
    ``zipfile`` builds an object for each of its entries.
    """
    tail_size = min(archive_size, EOCD_SIZE + 0xFFFF)  # the record, then a comment of <= 64 KB
    fp.seek(archive_size - tail_size)
    tail = fp.read(tail_size)
    at = tail.rfind(EOCD_SIGNATURE)
    if at < 0 or len(tail) - at < EOCD_SIZE:
        return None
    count, size = struct.unpack("<HI", tail[at + 10 : at + 16])
    if count == 0xFFFF or size == 0xFFFFFFFF:  # Zip64: the real numbers are in another record
        locator_at = archive_size - tail_size + at - ZIP64_LOCATOR_SIZE
        if locator_at < 0:
            return None
        fp.seek(locator_at)
        locator = fp.read(ZIP64_LOCATOR_SIZE)
        if len(locator) < ZIP64_LOCATOR_SIZE or not locator.startswith(ZIP64_LOCATOR_SIGNATURE):
            return None
        (offset,) = struct.unpack("<Q", locator[8:16])
        fp.seek(offset)
        record = fp.read(56)
        if len(record) < 56 or not record.startswith(ZIP64_EOCD_SIGNATURE):
            return None
        count, size = struct.unpack("<QQ", record[32:48])
    return count, size


def _size(number: int) -> str:
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if number >= scale:
            return f"{number / scale:.1f} {unit}"
    return f"{number} B"


class _Validator:
    def __init__(self, fileobj: BinaryIO, available: Iterable[LibraryRef], limits: Limits):
        self.fp = fileobj
        self.available = {library.key for library in available}
        self.limits = limits
        self.problems: list[Problem] = []
        self.zf: zipfile.ZipFile | None = None
        self.archive_size = 0
        # Entries never to be opened (encrypted, unsupported, bad name, declared too big),
        # entries found damaged, entries already reported as bombs.
        self.unreadable: set[int] = set()
        self.corrupt: set[str] = set()
        self.ratio_flagged: set[str] = set()
        self.declared_total_flagged = False
        self.h5p_info: zipfile.ZipInfo | None = None
        self.content_info: zipfile.ZipInfo | None = None
        self.library_folders: dict[str, zipfile.ZipInfo | None] = {}
        self.file_names: set[str] = set()  # files that will be unpacked (not ignored, not dirs)
        self.svg_entries: set[int] = set()
        self.data_end: dict[int, int] = {}  # id(info) -> offset where the entry's data ends
        self.content_json: dict | None = None
        self.library_json: dict[str, dict | None] = {}
        self.folder_keys: set[tuple[str, int, int]] = set()
        # Results.
        self.h5p_json: dict | None = None
        self.title = ""
        self.main_library: LibraryRef | None = None
        self.libraries: list[LibraryRef] = []
        self.dependencies: list[LibraryRef] = []

    # --- Helpers -----------------------------------------------------------------------------

    def problem(self, code: str, message: str, path: str | None = None) -> None:
        self.problems.append(Problem(code, message, path))

    def report(self) -> PackageReport:
        return PackageReport(
            ok=not self.problems,
            title=self.title,
            main_library=self.main_library,
            libraries=self.libraries,
            dependencies=self.dependencies,
            problems=self.problems,
            h5p_json=self.h5p_json,
        )

    def run(self) -> PackageReport:
        try:
            self.open_archive()
            infos = self.zf.infolist()
            self.check_counts(infos)
            self.walk(infos)
            self.check_overlaps(infos)
            self.read_json_files()
            self.stream_entries(infos)
            self.check_structure()
        except _Stop:
            pass
        finally:
            if self.zf is not None:
                self.zf.close()
        return self.report()

    # --- The archive as a whole --------------------------------------------------------------

    def open_archive(self) -> None:
        self.fp.seek(0, os.SEEK_END)
        self.archive_size = self.fp.tell()
        self.fp.seek(0)
        if self.archive_size > self.limits.max_upload_bytes:
            self.problem(
                "upload_too_large",
                _("The file is %(size)s; packages may be at most %(limit)s.")
                % {
                    "size": _size(self.archive_size),
                    "limit": _size(self.limits.max_upload_bytes),
                },
            )
            raise _Stop
        start = self.fp.read(4)
        central = _central_directory(self.fp, self.archive_size)
        if central is None:
            self.problem("not_zip", _("The file is not a zip archive."))
            raise _Stop
        if start not in ZIP_START_SIGNATURES:
            # A zip glued to the end of another file (an image, an executable): refuse it.
            self.problem("not_zip", _("The file does not start with a zip archive."))
            raise _Stop
        count, size = central
        self.check_count(count)
        if size > self.limits.max_entries * CENTRAL_BYTES_PER_ENTRY:
            # The count can lie; Python reads entries until the directory's size is used up.
            self.problem(
                "too_many_entries",
                _("The package's table of contents is too large (%(size)s).")
                % {"size": _size(size)},
            )
            raise _Stop
        self.fp.seek(0)
        try:
            self.zf = zipfile.ZipFile(self.fp)
        except (zipfile.BadZipFile, EOFError, ValueError, OSError):
            self.problem("not_zip", _("The file is not a zip archive."))
            raise _Stop from None

    def check_count(self, count: int) -> None:
        if count > self.limits.max_entries:
            self.problem(
                "too_many_entries",
                _("The package has %(count)d entries; at most %(limit)d are allowed.")
                % {"count": count, "limit": self.limits.max_entries},
            )
            raise _Stop

    def check_counts(self, infos: list[zipfile.ZipInfo]) -> None:
        if not infos:
            self.problem("empty_package", _("The zip archive is empty."))
            raise _Stop
        self.check_count(len(infos))

    # --- Each entry of the central directory --------------------------------------------------

    def walk(self, infos: list[zipfile.ZipInfo]) -> None:
        seen: dict[str, str] = {}
        declared_total = 0
        for info in infos:
            name = info.filename
            path = _printable(name)
            safe = self.check_name(info, path)
            self.check_mode(info, path)
            self.check_duplicate(name, path, seen)
            if info.flag_bits & 0x1:
                self.problem(
                    "encrypted_entry", _("The entry %(path)s is encrypted.") % {"path": path}, path
                )
                self.unreadable.add(id(info))
            elif info.compress_type not in SUPPORTED_METHODS:
                self.problem(
                    "unsupported_compression",
                    _("The entry %(path)s uses an unsupported compression method.")
                    % {"path": path},
                    path,
                )
                self.unreadable.add(id(info))
            declared_total += info.file_size
            self.check_declared_size(info, path)
            if safe:
                self.classify(info, path)

        if declared_total > self.limits.max_total_bytes:
            self.declared_total_flagged = True
            self.problem(
                "too_large_declared",
                _("The package unpacks to %(size)s; at most %(limit)s is allowed.")
                % {"size": _size(declared_total), "limit": _size(self.limits.max_total_bytes)},
            )

    def check_name(self, info: zipfile.ZipInfo, path: str) -> bool:
        """Report unsafe names; True if the name is safe to place inside the package folder."""
        name = info.filename
        safe = True
        raw = self.local_header_name(info)
        has_nul = raw is not None and b"\x00" in raw
        if has_nul:
            # Python's zipfile cuts the name at NUL (and then cannot open the entry): show it all.
            path = _printable(raw.decode("utf-8", "replace"))
            self.unreadable.add(id(info))
        if has_nul or any(ord(char) < 32 or ord(char) == 127 for char in name):
            self.problem(
                "control_character",
                _("The entry name %(path)s contains control characters.") % {"path": path},
                path,
            )
            safe = False
        if "\\" in name:
            self.problem(
                "backslash_path",
                _("The entry name %(path)s contains a backslash.") % {"path": path},
                path,
            )
            safe = False
        absolute = name.startswith(("/", "\\")) or bool(DRIVE_RE.match(name))
        if absolute:
            self.problem(
                "absolute_path",
                _("The entry %(path)s has an absolute path.") % {"path": path},
                path,
            )
            safe = False
        parts = re.split(r"[/\\]", name.rstrip("/"))  # a directory entry ends with "/"
        if ".." in parts:
            self.problem(
                "zip_slip",
                _("The entry %(path)s points outside the package (“..”).") % {"path": path},
                path,
            )
            safe = False
        elif not absolute and any(part in ("", ".") for part in parts):
            self.problem(
                "bad_name",
                _("The entry name %(path)s is empty or has empty or “.” segments.")
                % {"path": path},
                path,
            )
            safe = False
        if len(parts) > self.limits.max_depth:
            self.problem(
                "too_deep",
                _("The entry %(path)s is nested %(depth)d levels deep; at most %(limit)d.")
                % {"path": path, "depth": len(parts), "limit": self.limits.max_depth},
                path,
            )
            safe = False
        return safe

    def local_header_name(self, info: zipfile.ZipInfo) -> bytes | None:
        """The raw name in the entry's local header (NUL and all); None if there is no header.

        Also records where the entry's data ends, for ``check_overlaps``.
        """
        self.fp.seek(info.header_offset)
        header = self.fp.read(LOCAL_HEADER_SIZE)
        if len(header) < LOCAL_HEADER_SIZE or not header.startswith(LOCAL_HEADER_SIGNATURE):
            return None
        name_length = int.from_bytes(header[26:28], "little")
        extra_length = int.from_bytes(header[28:30], "little")
        self.data_end[id(info)] = (
            info.header_offset + LOCAL_HEADER_SIZE + name_length + extra_length + info.compress_size
        )
        return self.fp.read(name_length)

    def check_mode(self, info: zipfile.ZipInfo, path: str) -> None:
        mode = info.external_attr >> 16  # Unix mode, set by zip tools on Unix
        kind = stat.S_IFMT(mode)
        if stat.S_ISLNK(mode):
            self.problem(
                "symlink", _("The entry %(path)s is a symbolic link.") % {"path": path}, path
            )
            self.unreadable.add(id(info))
        elif kind and kind not in (stat.S_IFREG, stat.S_IFDIR):
            self.problem(
                "special_entry",
                _("The entry %(path)s is a special file (device, pipe or socket).")
                % {"path": path},
                path,
            )
            self.unreadable.add(id(info))

    def check_duplicate(self, name: str, path: str, seen: dict[str, str]) -> None:
        key = unicodedata.normalize("NFC", name.rstrip("/")).casefold()
        other = seen.get(key)
        if other is None:
            seen[key] = name
        elif other == name:
            self.problem(
                "duplicate_entry",
                _("The entry %(path)s appears more than once.") % {"path": path},
                path,
            )
        else:
            self.problem(
                "duplicate_entry",
                _("The entries %(path)s and %(other)s differ only in letter case or form.")
                % {"path": path, "other": _printable(other)},
                path,
            )

    def check_declared_size(self, info: zipfile.ZipInfo, path: str) -> None:
        limits = self.limits
        if info.file_size > limits.max_file_bytes:
            self.problem(
                "file_too_large",
                _("The entry %(path)s is %(size)s; files may be at most %(limit)s.")
                % {
                    "path": path,
                    "size": _size(info.file_size),
                    "limit": _size(limits.max_file_bytes),
                },
                path,
            )
            self.unreadable.add(id(info))  # no need to read it to know it is too big
        if info.file_size > max(limits.ratio_min_bytes, limits.max_ratio * info.compress_size):
            self.flag_ratio(path)

    def flag_ratio(self, path: str) -> None:
        if path not in self.ratio_flagged:
            self.ratio_flagged.add(path)
            self.problem(
                "compression_ratio",
                _("The entry %(path)s is compressed suspiciously well (a zip bomb?).")
                % {"path": path},
                path,
            )

    def classify(self, info: zipfile.ZipInfo, path: str) -> None:
        """Find h5p.json, content.json and library folders; apply the extension whitelists."""
        name = info.filename
        parts = name.rstrip("/").split("/")
        if is_ignored(name):
            return
        if len(parts) == 1:
            if name == H5P_JSON and self.h5p_info is None:
                self.h5p_info = info
            elif info.is_dir() and name != "content/":
                self.library_folders.setdefault(parts[0], None)
            return  # H5P ignores other top-level files
        folder = parts[0]
        if folder != "content":
            self.library_folders.setdefault(folder, None)
            if name == f"{folder}/library.json" and self.library_folders[folder] is None:
                self.library_folders[folder] = info
        elif name == CONTENT_JSON and self.content_info is None:
            self.content_info = info
        if info.is_dir():
            return
        self.file_names.add(name)
        allowed = CONTENT_EXTENSIONS if folder == "content" else LIBRARY_EXTENSIONS
        base = parts[-1]
        extension = base.rsplit(".", 1)[1].lower() if "." in base else ""
        if not extension:
            self.problem(
                "forbidden_extension",
                _("The file %(path)s has no file extension.") % {"path": path},
                path,
            )
        elif extension not in allowed:
            where = _("content") if folder == "content" else _("libraries")
            self.problem(
                "forbidden_extension",
                _("Files of type .%(extension)s are not allowed in %(where)s: %(path)s.")
                % {"extension": extension, "where": where, "path": path},
                path,
            )
        elif extension == "svg":
            self.svg_entries.add(id(info))

    def check_overlaps(self, infos: list[zipfile.ZipInfo]) -> None:
        """Entries whose data overlap (the trick of "non-recursive" zip bombs) or lack a header."""
        placed = []
        for info in infos:
            if id(info) not in self.data_end:
                if id(info) not in self.unreadable:
                    self.flag_corrupt(info)
                continue
            placed.append(info)
        placed.sort(key=lambda info: info.header_offset)
        for before, after in zip(placed, placed[1:], strict=False):
            if after.header_offset < self.data_end[id(before)]:
                path = _printable(after.filename)
                self.problem(
                    "overlapping_entries",
                    _("The entry %(path)s overlaps another entry's data.") % {"path": path},
                    path,
                )
                self.unreadable.add(id(after))

    def flag_corrupt(self, info: zipfile.ZipInfo) -> None:
        path = _printable(info.filename)
        if path not in self.corrupt:
            self.corrupt.add(path)
            self.problem(
                "corrupt_entry",
                _("The entry %(path)s is damaged and cannot be read.") % {"path": path},
                path,
            )
        self.unreadable.add(id(info))

    # --- Reading entries ---------------------------------------------------------------------

    def open_entry(self, info: zipfile.ZipInfo, cap: int):
        """Open an entry to read its real data: the declared size is not trusted to stop it."""
        probe = copy.copy(info)
        probe.file_size = max(info.file_size, cap + 1)
        return self.zf.open(probe)

    def read_json(self, info: zipfile.ZipInfo | None, invalid_code: str) -> dict | None:
        """Read and parse one JSON file (an object); report why not and return None if not."""
        if info is None or id(info) in self.unreadable:
            return None
        path = _printable(info.filename)
        cap = self.limits.max_json_bytes
        if info.file_size > cap:
            self.problem(
                "file_too_large",
                _("The JSON file %(path)s is %(size)s; at most %(limit)s can be read.")
                % {"path": path, "size": _size(info.file_size), "limit": _size(cap)},
                path,
            )
            return None
        chunks, count = [], 0
        try:
            with self.open_entry(info, cap) as entry:
                while chunk := entry.read(CHUNK):
                    count += len(chunk)
                    if count > cap:
                        self.problem(
                            "too_large_actual",
                            _("The JSON file %(path)s is larger than it claims.") % {"path": path},
                            path,
                        )
                        return None
                    chunks.append(chunk)
        except READ_ERRORS:
            self.flag_corrupt(info)
            return None
        try:
            text = b"".join(chunks).decode("utf-8-sig")
        except UnicodeDecodeError:
            self.problem(
                invalid_code, _("%(path)s is not valid UTF-8 text.") % {"path": path}, path
            )
            return None
        try:
            value = json.loads(text)
        except json.JSONDecodeError as error:
            self.problem(
                invalid_code,
                _("%(path)s is not valid JSON (line %(line)d, column %(column)d).")
                % {"path": path, "line": error.lineno, "column": error.colno},
                path,
            )
            return None
        except (ValueError, RecursionError):
            self.problem(invalid_code, _("%(path)s is not valid JSON.") % {"path": path}, path)
            return None
        if not isinstance(value, dict):
            self.problem(
                invalid_code, _("%(path)s must hold a JSON object.") % {"path": path}, path
            )
            return None
        return value

    def read_json_files(self) -> None:
        self.h5p_json = self.read_json(self.h5p_info, "h5p_json_invalid")
        self.content_json = self.read_json(self.content_info, "content_json_invalid")
        self.library_json = {
            folder: self.read_json(info, "library_json_invalid")
            for folder, info in self.library_folders.items()
        }

    def stream_entries(self, infos: list[zipfile.ZipInfo]) -> None:
        """Read every entry in chunks: real sizes, compression ratios, CRCs, scripts in SVGs."""
        limits = self.limits
        total = 0
        for info in infos:
            if info.is_dir() or id(info) in self.unreadable:
                continue
            path = _printable(info.filename)
            ratio_cap = max(limits.ratio_min_bytes, limits.max_ratio * info.compress_size)
            scan_svg = id(info) in self.svg_entries
            tail, svg_flagged, count = b"", False, 0
            try:
                with self.open_entry(info, max(limits.max_file_bytes, ratio_cap)) as entry:
                    while chunk := entry.read(CHUNK):
                        count += len(chunk)
                        total += len(chunk)
                        if scan_svg and not svg_flagged:
                            if SVG_DANGER_RE.search(tail + chunk):
                                svg_flagged = True
                                self.problem(
                                    "svg_script",
                                    _("The SVG file %(path)s contains scripts or event handlers.")
                                    % {"path": path},
                                    path,
                                )
                            tail = chunk[-SVG_OVERLAP:]
                        if count > limits.max_file_bytes:
                            self.problem(
                                "too_large_actual",
                                _("The entry %(path)s unpacks to more than %(limit)s.")
                                % {"path": path, "limit": _size(limits.max_file_bytes)},
                                path,
                            )
                            break
                        if count > ratio_cap:
                            self.flag_ratio(path)
                            break
                        if self.whole_archive_exceeded(total):
                            return
            except READ_ERRORS:
                self.flag_corrupt(info)

    def whole_archive_exceeded(self, total: int) -> bool:
        """After ``total`` real bytes: report and stop if the whole package is too big or a bomb."""
        limits = self.limits
        if total > limits.max_total_bytes:
            if not self.declared_total_flagged:
                self.problem(
                    "too_large_actual",
                    _("The package unpacks to more than %(limit)s.")
                    % {"limit": _size(limits.max_total_bytes)},
                )
            return True
        if total > max(limits.ratio_min_bytes, limits.max_ratio * self.archive_size):
            self.problem(
                "compression_ratio",
                _("The package is compressed suspiciously well (a zip bomb?)."),
            )
            return True
        return False

    # --- The H5P structure -------------------------------------------------------------------

    def check_structure(self) -> None:
        if self.h5p_info is None:
            self.problem("h5p_json_missing", _("The package has no h5p.json."), H5P_JSON)
        if self.content_info is None:
            self.problem(
                "content_json_missing", _("The package has no content/content.json."), CONTENT_JSON
            )
        main = self.check_h5p_json(self.h5p_json) if self.h5p_json is not None else None
        required = self.check_libraries()
        self.check_dependencies(main, required)

    def field_problem(self, code: str, path: str, name: str, reason: str) -> None:
        self.problem(
            code,
            _("%(path)s: the field “%(field)s” %(reason)s")
            % {"path": path, "field": name, "reason": reason},
            path,
        )

    def check_h5p_json(self, data: dict) -> LibraryRef | None:
        """Check h5p.json's fields; return the main library as listed in its dependencies."""

        def bad(name: str, reason: str) -> None:
            self.field_problem("h5p_json_field", H5P_JSON, name, reason)

        missing = _("is missing.")
        title = data.get("title")
        if title is None:
            bad("title", missing)
        elif not isinstance(title, str) or not title.strip() or len(title) > 255:
            bad("title", _("must be text of 1 to 255 characters."))
        else:
            self.title = title

        language = data.get("language")
        if language is None:
            bad("language", missing)
        elif not isinstance(language, str) or not LANGUAGE_RE.fullmatch(language):
            bad("language", _("must be a language code such as “en” or “und”."))

        main_name = data.get("mainLibrary")
        if main_name is None:
            bad("mainLibrary", missing)
        elif not isinstance(main_name, str) or not MAIN_LIBRARY_RE.fullmatch(main_name):
            bad("mainLibrary", _("is not a valid library name."))
            main_name = None

        embed_types = data.get("embedTypes")
        if embed_types is None:
            bad("embedTypes", missing)
        elif (
            not isinstance(embed_types, list)
            or not embed_types
            or not all(isinstance(kind, str) and kind in EMBED_TYPES for kind in embed_types)
        ):
            bad("embedTypes", _("must be a list of “iframe” and/or “div”."))

        if "license" in data:
            license_ = data["license"]
            if not isinstance(license_, str) or license_.casefold() not in LICENSES:
                bad("license", _("is not one of the licences H5P knows."))

        dependencies = data.get("preloadedDependencies")
        if dependencies is None:
            bad("preloadedDependencies", missing)
            return None
        self.dependencies = self.parse_dependencies(
            dependencies, H5P_JSON, "preloadedDependencies", "h5p_json_field"
        )
        if main_name is None:
            return None
        main = next((ref for ref in self.dependencies if ref.machine_name == main_name), None)
        if main is None:
            bad(
                "mainLibrary",
                _("names %(library)s, which is not listed in preloadedDependencies.")
                % {"library": main_name},
            )
        self.main_library = main
        return main

    def parse_dependencies(self, value, path: str, name: str, code: str) -> list[LibraryRef]:
        if not isinstance(value, list):
            self.field_problem(code, path, name, _("must be a list."))
            return []
        refs = []
        for index, item in enumerate(value):
            where = f"{name}[{index}]"
            if not isinstance(item, dict):
                self.field_problem(code, path, where, _("must be an object."))
                continue
            machine_name = item.get("machineName")
            major, minor = _version(item.get("majorVersion")), _version(item.get("minorVersion"))
            if not isinstance(machine_name, str) or not MACHINE_NAME_RE.fullmatch(machine_name):
                self.field_problem(
                    code, path, f"{where}.machineName", _("is missing or not a library name.")
                )
            elif major is None:
                self.field_problem(
                    code, path, f"{where}.majorVersion", _("is missing or not a version number.")
                )
            elif minor is None:
                self.field_problem(
                    code, path, f"{where}.minorVersion", _("is missing or not a version number.")
                )
            else:
                refs.append(LibraryRef(machine_name, major, minor))
        return refs

    def check_libraries(self) -> list[tuple[LibraryRef, str]]:
        """Check each library folder; return the dependencies the libraries declare."""
        required: list[tuple[LibraryRef, str]] = []
        for folder, info in self.library_folders.items():
            path = f"{folder}/library.json"
            guess = FOLDER_RE.fullmatch(folder)
            if info is None:
                self.problem(
                    "library_json_missing",
                    _("The folder %(folder)s has no library.json.") % {"folder": folder},
                    path,
                )
            data = self.library_json.get(folder)
            ref = self.check_library_json(data, path) if data is not None else None
            if ref is None:
                # Reported already; count the library as present (by its folder name) so that
                # one broken library.json does not also show up as missing dependencies.
                if guess:
                    self.folder_keys.add((guess["name"], int(guess["major"]), int(guess["minor"])))
                continue
            if folder != ref.folder:
                self.problem(
                    "library_folder_mismatch",
                    _("The folder %(folder)s holds %(library)s; it must be named %(expected)s.")
                    % {"folder": folder, "library": ref.full_name, "expected": ref.folder},
                    path,
                )
            self.libraries.append(ref)
            self.check_library_files(folder, ref, data, path)
            if "preloadedDependencies" in data:
                for dependency in self.parse_dependencies(
                    data["preloadedDependencies"],
                    path,
                    "preloadedDependencies",
                    "library_json_field",
                ):
                    required.append((dependency, path))
        return required

    def check_library_files(self, folder: str, ref: LibraryRef, data: dict, path: str) -> None:
        """The files ``library.json`` names (``preloadedJs``, ``preloadedCss``) must be files of
        the package inside the library's own folder."""
        for name in LIBRARY_FILE_FIELDS:
            items = data.get(name)
            if items is None:
                continue
            if not isinstance(items, list):
                self.field_problem("library_json_field", path, name, _("must be a list."))
                continue
            for index, item in enumerate(items):
                where = f"{name}[{index}].path"
                value = item.get("path") if isinstance(item, dict) else None
                if not isinstance(value, str) or not value.strip():
                    self.field_problem("library_json_field", path, where, _("is missing."))
                    continue
                shown = _printable(value)
                parts = value.split("/")
                if (
                    value.startswith("/")
                    or "\\" in value
                    or ":" in parts[0]
                    or any(ord(char) < 32 for char in value)
                    or any(part in ("", ".", "..") for part in parts)
                ):
                    self.problem(
                        "library_file_outside",
                        _(
                            "The library %(library)s lists the file %(path)s (in %(field)s), "
                            "which is outside its folder %(folder)s."
                        )
                        % {
                            "library": ref.full_name,
                            "path": shown,
                            "field": name,
                            "folder": folder,
                        },
                        path,
                    )
                elif f"{folder}/{value}" not in self.file_names:
                    self.problem(
                        "library_file_missing",
                        _(
                            "The library %(library)s lists the file %(path)s (in %(field)s), "
                            "which is not in the package."
                        )
                        % {"library": ref.full_name, "path": shown, "field": name},
                        path,
                    )

    def check_library_json(self, data: dict, path: str) -> LibraryRef | None:
        ok = True

        def bad(name: str, reason: str) -> None:
            nonlocal ok
            ok = False
            self.field_problem("library_json_field", path, name, reason)

        title = data.get("title")
        if not isinstance(title, str) or not title.strip():
            bad("title", _("is missing or empty."))
        machine_name = data.get("machineName")
        if not isinstance(machine_name, str) or not MACHINE_NAME_RE.fullmatch(machine_name):
            bad("machineName", _("is missing or not a library name."))
        versions = {}
        for name in ("majorVersion", "minorVersion", "patchVersion"):
            versions[name] = _version(data.get(name))
            if versions[name] is None:
                bad(name, _("is missing or not a version number."))
        if data.get("runnable") not in (0, 1, "0", "1"):  # True/False compare equal to 1/0
            bad("runnable", _("must be 0 or 1."))
        if not ok:
            return None
        return LibraryRef(
            machine_name,
            versions["majorVersion"],
            versions["minorVersion"],
            versions["patchVersion"],
        )

    def check_dependencies(
        self, main: LibraryRef | None, required: list[tuple[LibraryRef, str]]
    ) -> None:
        present = {ref.key for ref in self.libraries} | self.folder_keys | self.available
        if main is not None:
            contained = next((ref for ref in self.libraries if ref.key == main.key), None)
            if contained is not None:
                self.main_library = contained
            elif main.key not in present:
                self.problem(
                    "main_library_missing",
                    _("The main library %(library)s is neither in the package nor installed.")
                    % {"library": main},
                    H5P_JSON,
                )
        reported = {main.key} if main is not None else set()
        for ref, path in [(ref, H5P_JSON) for ref in self.dependencies] + required:
            if ref.key in present or ref.key in reported:
                continue
            reported.add(ref.key)
            self.problem(
                "dependency_missing",
                _(
                    "The library %(library)s (required by %(path)s) is neither in the package nor "
                    "installed."
                )
                % {"library": ref, "path": path},
                path,
            )
