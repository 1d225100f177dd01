"""Put whole folders of H5P files into Django's default storage, all at once or not at all.

An import unpacks a package into a local work folder first, then places each finished folder
(a package's content, a library) at its final storage prefix with ``put_tree``. Readers see the
old folder or the new one, never a half-written one:

* On local storage (``FileSystemStorage``) the work folder lives on the same file system as
  ``MEDIA_ROOT`` (``<MEDIA_ROOT>/h5p/tmp/`` unless ``H5P_WORK_DIR`` says otherwise), so placing a
  folder is one ``rename``; replacing one swaps the two folders with ``renameat2(…,
  RENAME_EXCHANGE)`` where Linux offers it (else two renames, a moment apart). A work folder on
  another file system is first copied next to the target, then renamed.
* Any other storage (object storage, say) gets the files one by one through the storage API;
  on an error the files written so far are deleted again. That is all-or-nothing for the final
  state but not for a reader looking in the middle of an upload, so a package's content goes to
  a new prefix that its row points to once the upload is complete (``services._Import``).

Work folders are named after a key (the package's uuid) so that a crashed import's leftovers
can be found and removed: ``clear_work_dirs(key)``.
"""

import contextlib
import ctypes
import errno
import hashlib
import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import FileSystemStorage, Storage, default_storage

__all__ = [
    "clear_work_dirs",
    "delete_tree",
    "exists",
    "fetch_tree",
    "is_local",
    "local_copy",
    "local_manifest",
    "make_work_dir",
    "put_tree",
    "stored_manifest",
    "work_root",
]

COPY_CHUNK = 1024 * 1024
DIR_MODE = 0o755


def _storage(storage: Storage | None) -> Storage:
    return default_storage if storage is None else storage


def is_local(storage: Storage | None = None) -> bool:
    """True if the storage keeps files in folders of this machine (``FileSystemStorage``)."""
    return isinstance(_storage(storage), FileSystemStorage)


def _local_path(name: str, storage: Storage | None = None) -> Path:
    return Path(_storage(storage).path(name))


# --- Work folders ----------------------------------------------------------------------------


def work_root(storage: Storage | None = None) -> Path:
    """Where imports unpack: ``H5P_WORK_DIR``, else ``h5p/tmp/`` in local storage, else /tmp.

    Not created here (``make_work_dir`` does): a refused package leaves no trace at all.
    """
    configured = settings.H5P_WORK_DIR
    if configured:
        return Path(configured)
    if is_local(storage):
        return _local_path("h5p/tmp", storage)
    return Path(tempfile.gettempdir()) / "savad-h5p"


def make_work_dir(key: str, storage: Storage | None = None) -> Path:
    """A new, empty work folder named ``<key>-<random>``."""
    root = work_root(storage)
    root.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{key}-", dir=root))


def clear_work_dirs(key: str, storage: Storage | None = None) -> int:
    """Remove every work folder (and file) of ``key``; return how many there were."""
    root = work_root(storage)
    if not root.is_dir():
        return 0
    removed = 0
    for path in root.glob(f"{key}-*"):
        removed += 1
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    return removed


@contextlib.contextmanager
def local_copy(name: str, key: str, storage: Storage | None = None) -> Iterator[Path]:
    """A local, seekable file with the content of the stored file ``name``.

    Local storage: the stored file itself. Otherwise a copy in a work folder of ``key``, made in
    chunks and removed afterwards. A missing file raises ``FileNotFoundError``.
    """
    storage = _storage(storage)
    if is_local(storage):
        path = _local_path(name, storage)
        if not path.is_file():
            raise FileNotFoundError(name)
        yield path
        return
    folder = make_work_dir(key, storage)
    try:
        target = folder / "upload.h5p"
        with storage.open(name, "rb") as source, target.open("wb") as copy:
            while chunk := source.read(COPY_CHUNK):
                copy.write(chunk)
        yield target
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- Atomic folder exchange (Linux) ----------------------------------------------------------

AT_FDCWD = -100
RENAME_EXCHANGE = 2


def _load_renameat2():
    try:
        libc = ctypes.CDLL(None, use_errno=True)  # the C library this process already uses
        function = libc.renameat2
    except (OSError, AttributeError):
        return None
    path, directory = ctypes.c_char_p, ctypes.c_int
    function.argtypes = [directory, path, directory, path, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


_renameat2 = _load_renameat2()


def _exchange(first: Path, second: Path) -> bool:
    """Swap two existing folders in one step; False if this system or file system cannot."""
    if _renameat2 is None:
        return False
    result = _renameat2(
        AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE
    )
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(second))


def _sibling(target: Path, label: str) -> Path:
    """A hidden, unused name next to ``target`` (same folder, so the same file system)."""
    return target.with_name(f".{target.name}.{label}-{uuid.uuid4().hex[:12]}")


def _remove_local(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    elif os.path.lexists(path):
        path.unlink(missing_ok=True)


def _same_device(first: Path, second: Path) -> bool:
    return os.stat(first).st_dev == os.stat(second).st_dev


# --- Placing and deleting folders ------------------------------------------------------------


def exists(prefix: str, storage: Storage | None = None) -> bool:
    """True if something is stored at ``prefix`` (a file, or a folder with files)."""
    storage = _storage(storage)
    if is_local(storage):
        return os.path.lexists(_local_path(prefix, storage))
    try:
        storage.listdir(prefix)
    except (NotImplementedError, OSError):  # not a folder (or not listable): a file, or nothing
        return storage.exists(prefix)
    # A folder counts only with files in it (object storage has no empty folders anyway).
    return bool(_stored_files(prefix, storage))


def subfolders(prefix: str, storage: Storage | None = None) -> list[str]:
    """Names of the folders directly under ``prefix`` (none if it is not a folder)."""
    storage = _storage(storage)
    try:
        folders, _files = storage.listdir(prefix)
    except (FileNotFoundError, NotImplementedError, OSError):
        return []
    return sorted(folders)


def put_tree(
    local_dir: Path, prefix: str, *, replace: bool = False, storage: Storage | None = None
) -> bool:
    """Place the files of ``local_dir`` at ``prefix`` in one step; ``local_dir`` is used up.

    If something is already at ``prefix``: with ``replace`` it is swapped for the new folder
    and deleted; without, nothing is written and False is returned (another import placed the
    same library first). True when the new files are in place.
    """
    storage = _storage(storage)
    local_dir = Path(local_dir)
    if is_local(storage):
        return _put_local(local_dir, _local_path(prefix, storage), replace=replace)
    placed = _put_remote(local_dir, prefix, replace=replace, storage=storage)
    shutil.rmtree(local_dir, ignore_errors=True)
    return placed


def _put_local(local_dir: Path, target: Path, *, replace: bool) -> bool:
    target.parent.mkdir(parents=True, exist_ok=True)
    if os.path.lexists(target) and not replace:
        return False
    source, staged = local_dir, None
    if not _same_device(local_dir, target.parent):
        staged = _sibling(target, "staged")
        shutil.copytree(local_dir, staged)
        source = staged
    os.chmod(source, DIR_MODE)
    try:
        if os.path.lexists(target):
            if _exchange(source, target):
                _remove_local(source)  # the old folder, now at the work path
            else:
                old = _sibling(target, "old")
                os.rename(target, old)
                os.rename(source, target)
                _remove_local(old)
            return True
        try:
            os.rename(source, target)
        except OSError as error:
            if error.errno not in (errno.EEXIST, errno.ENOTEMPTY):
                raise
            if not replace:
                return False  # placed by someone else a moment ago
            return _put_local(source, target, replace=True)
        return True
    finally:
        if staged is not None:
            _remove_local(staged)
            _remove_local(local_dir)


def _files_under(local_dir: Path) -> list[str]:
    """Relative POSIX paths of the files in ``local_dir``; ``library.json`` files last.

    A library folder in object storage counts as complete once its ``library.json`` exists.
    """
    names = [
        path.relative_to(local_dir).as_posix() for path in local_dir.rglob("*") if path.is_file()
    ]
    return sorted(names, key=lambda name: (name.rsplit("/", 1)[-1] == "library.json", name))


def _stored_files(prefix: str, storage: Storage) -> list[str]:
    """Every stored file name under ``prefix`` (walking the storage's folders)."""
    found, pending = [], [prefix]
    while pending:
        folder = pending.pop()
        try:
            folders, files = storage.listdir(folder)
        except (FileNotFoundError, NotImplementedError, OSError):
            continue
        found.extend(f"{folder}/{name}" for name in files)
        pending.extend(f"{folder}/{name}" for name in folders)
    return found


def _put_remote(local_dir: Path, prefix: str, *, replace: bool, storage: Storage) -> bool:
    if exists(prefix, storage) and not replace:
        return False
    previous = set(_stored_files(prefix, storage)) if replace else set()
    written: list[str] = []
    try:
        for relative in _files_under(local_dir):
            name = f"{prefix}/{relative}"
            if name in previous:
                storage.delete(name)
            with (local_dir / relative).open("rb") as handle:
                saved = storage.save(name, File(handle, name=relative))
            written.append(saved)
            if saved != name:
                raise OSError(errno.EEXIST, "The storage renamed the file", name)
    except BaseException:
        if not previous:
            for name in written:
                storage.delete(name)
        raise
    for name in previous - set(written):
        storage.delete(name)
    return True


def delete_tree(prefix: str, storage: Storage | None = None) -> None:
    """Remove everything at ``prefix``; on local storage it disappears in one step first."""
    storage = _storage(storage)
    if is_local(storage):
        target = _local_path(prefix, storage)
        if not os.path.lexists(target):
            return
        doomed = _sibling(target, "deleting")
        os.rename(target, doomed)
        _remove_local(doomed)
        return
    for name in _stored_files(prefix, storage):
        storage.delete(name)
    if storage.exists(prefix):
        storage.delete(prefix)


# --- Manifests (what a folder holds) ---------------------------------------------------------


def _sha256(handle) -> str:
    digest = hashlib.sha256()
    while chunk := handle.read(COPY_CHUNK):
        digest.update(chunk)
    return digest.hexdigest()


def local_manifest(local_dir: Path) -> dict[str, str]:
    """``{relative POSIX path: SHA-256}`` of every file in ``local_dir``."""
    local_dir = Path(local_dir)
    manifest = {}
    for path in sorted(local_dir.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as handle:
                manifest[path.relative_to(local_dir).as_posix()] = _sha256(handle)
    return manifest


def stored_manifest(prefix: str, storage: Storage | None = None) -> dict[str, str]:
    """``local_manifest`` of the stored folder ``prefix``."""
    storage = _storage(storage)
    if is_local(storage):
        target = _local_path(prefix, storage)
        return local_manifest(target) if target.is_dir() else {}
    manifest = {}
    for name in sorted(_stored_files(prefix, storage)):
        with storage.open(name, "rb") as handle:
            manifest[name[len(prefix) + 1 :]] = _sha256(handle)
    return manifest


@contextlib.contextmanager
def fetch_tree(prefix: str, key: str, storage: Storage | None = None) -> Iterator[Path]:
    """A local work copy of the stored folder ``prefix`` (removed afterwards; ``put_tree``
    may use it up)."""
    storage = _storage(storage)
    folder = make_work_dir(key, storage)
    try:
        copy = folder / "tree"
        if is_local(storage):
            source = _local_path(prefix, storage)
            if not source.is_dir():
                raise FileNotFoundError(prefix)
            shutil.copytree(source, copy, symlinks=True)
        else:
            copy.mkdir()
            for name in _stored_files(prefix, storage):
                target = copy / name[len(prefix) + 1 :]
                target.parent.mkdir(parents=True, exist_ok=True)
                with storage.open(name, "rb") as source_file, target.open("wb") as output:
                    shutil.copyfileobj(source_file, output, COPY_CHUNK)
        yield copy
    finally:
        shutil.rmtree(folder, ignore_errors=True)
