"""H5P packages: upload, import (check, unpack, place), replace, retry and delete.

An upload is stored as it is (``h5p/uploads/``) and imported in the background
(``tasks.import_package``): the package is checked with ``validate_package`` (nothing is
unpacked from a package with problems), then unpacked into a work folder named after the
package's uuid, entry by entry in chunks with the sizes checked again while writing. Finished
folders are placed in one step each (``content.storage.put_tree``): first the libraries the
store lacks (``h5p/libraries/<machineName>-<major>.<minor>/``, stored once and shared by every
package, recorded as ``H5PLibrary`` rows; on object storage a folder per version of the code
under ``h5p/library-code/``, which the row points to: ``_place_library``), then the package's
``h5p.json`` and ``content/`` at ``package.content_dir``. Then the row is marked ready. On
object storage, where a folder cannot be placed in one step, the content is uploaded to a new
folder (``<content_root>/<version>``) and the row switched to it (``content_version``) in the
transaction that marks it ready; the old folder is deleted after that commit, and a failed
import deletes the new one. Whatever goes wrong, the package's content folder is not left
half-written and the work folder is removed; a crashed worker leaves only a work folder, which
the next attempt (the task delivered again, or ``package_retry``) removes before it starts over.

Replacing the file of a ready package keeps the package ready with its old content while the
new file is imported (``progress`` below 100 says a replacement is under way); the new content
then takes the old one's place in one step. If the new file is refused, the old content stays
and ``errors`` says why.
"""

import json
import logging
import os
import time
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core import jobs
from core.exceptions import SavadError
from courses.services import TEACHERS_GROUP

from . import storage
from .h5p.limits import Limits
from .h5p.validation import LibraryRef, PackageReport, is_ignored, validate_package
from .models import H5PLibrary, H5PLibraryUpgrade, H5PPackage
from .roles import foreign_courses_using

logger = logging.getLogger(__name__)

Status = H5PPackage.Status
LIBRARIES_DIR = "h5p/libraries"
LIBRARY_CODE_DIR = "h5p/library-code"  # object storage: a folder per stored version of a library
UPGRADES_DIR = "h5p/library-upgrades"
CHUNK = 256 * 1024
# Progress (%) at each step; unpacking moves it from EXTRACT_FROM to EXTRACT_TO by bytes written.
PROGRESS_VALIDATING = 5
PROGRESS_EXTRACT_FROM = 10
PROGRESS_EXTRACT_TO = 90
PROGRESS_PLACING = 95
PROGRESS_STEP = 2  # write the row when the progress moved this much
BUSY_STATES = (Status.PENDING, Status.VALIDATING, Status.EXTRACTING)


class ImportFailure(Exception):
    """The import stops for a reason the uploader should read (stored in ``errors``)."""

    def __init__(self, code: str, message: str, path: str | None = None, *, refusal: bool = True):
        super().__init__(message)
        self.code, self.message, self.path = code, message, path
        self.refusal = refusal  # the package is bad (its file goes), not the attempt

    def as_json(self) -> dict:
        return {"code": self.code, "message": self.message, "path": self.path}


class PackageBusy(SavadError):
    """The package is being imported right now; it cannot be replaced meanwhile."""

    status = 409


class PackageInUse(SavadError):
    """The package is used by a course whose content the user may not change."""

    status = 403


# --- Queries ---------------------------------------------------------------------------------


def store_libraries() -> list[LibraryRef]:
    """Every library version in the shared store."""
    rows = H5PLibrary.objects.order_by("machine_name", "major_version", "minor_version")
    return [
        LibraryRef(row.machine_name, row.major_version, row.minor_version, row.patch_version)
        for row in rows
    ]


def is_replacing(package: H5PPackage) -> bool:
    """True while a new file for a ready package is being imported."""
    return package.status == Status.READY and package.progress < 100


def stale_after() -> float:
    """Seconds without a sign of life after which an import is taken for dead."""
    return float(settings.H5P_STALE_AFTER)


def is_busy(package: H5PPackage) -> bool:
    """True while an import (or replacement) of the package is queued or running.

    An import that has shown no progress for ``stale_after()`` seconds (its worker died, its
    message was lost) no longer counts: the package may then be retried or replaced.
    """
    if package.status not in BUSY_STATES and not is_replacing(package):
        return False
    age = (timezone.now() - package.updated_at).total_seconds() if package.updated_at else 0
    return age < stale_after()


# --- Upload, replace, retry, delete ----------------------------------------------------------


def enqueue_import(package_id: int, **kwargs) -> None:
    """Send the import to the task queue (run at once when Celery is eager)."""
    from . import tasks  # import cycle: content.tasks imports this module

    tasks.import_package.delay(package_id, **kwargs)


def _enqueue_on_commit(package_id: int, **kwargs) -> None:
    from . import tasks  # import cycle: content.tasks imports this module

    kwargs.setdefault("language", translation.get_language() or settings.LANGUAGE_CODE)
    if jobs.eager():  # runs in this process at commit, as before
        transaction.on_commit(lambda: enqueue_import(package_id, **kwargs))
        return
    # With a broker: stored with the package, published after commit or later (never lost).
    jobs.enqueue_on_commit(tasks.import_package, package_id, **kwargs)


def _upload_name(package: H5PPackage) -> str:
    """Where a new upload of ``package`` goes (``h5p/uploads/<uuid>.h5p``, then ``…_abc1234``)."""
    return package.upload.field.generate_filename(package, f"{package.uuid}.h5p")


def package_create(
    *, upload, title: str = "", user=None, course=None, enqueue: bool = True
) -> H5PPackage:
    """Store an uploaded ``.h5p`` file as a new pending package of ``course`` and queue its import.

    ``upload`` is an ``UploadedFile`` or ``File``; the storage copies it in chunks (or moves
    Django's temporary upload file). ``course`` None makes a shared package (the admin only
    offers that to administrators). The import is queued once the transaction commits;
    ``enqueue=False`` leaves it to the caller (``package_import``).
    """
    package = H5PPackage(
        title=(title or "").strip()[:255],
        uploaded_by=user if getattr(user, "is_authenticated", False) else None,
        course=course,
    )
    package.upload.name = default_storage.save(_upload_name(package), upload)
    try:
        package.save()
    except BaseException:
        default_storage.delete(package.upload.name)
        raise
    if enqueue:
        _enqueue_on_commit(package.pk)
    return package


def replace_refusal(package: H5PPackage, *, user) -> str | None:
    """Why ``user`` may not replace ``package``'s file, or None: it is used by pages of courses
    they do not edit, whose learners would silently get other content."""
    foreign = foreign_courses_using(user, package)
    if not foreign:
        return None
    return _(
        "“%(package)s” is also used by courses you do not edit (%(courses)s); replacing it "
        "would change their lessons. Upload the new file as a new package for your course "
        "instead."
    ) % {"package": package, "courses": ", ".join(sorted({course.title for course in foreign}))}


def package_replace(
    package: H5PPackage, upload, *, title: str | None = None, user=None
) -> H5PPackage:
    """Import a new file for ``package``; raises ``PackageBusy`` while an import is running.

    A ready package stays ready, with its old content, until the new file is imported; a
    package that never became ready simply starts over with the new file. ``user`` (the one
    replacing) must be able to edit every course whose pages use the package: a replacement
    never changes what learners of another course see (``PackageInUse`` says which courses).
    """
    package.refresh_from_db()
    if is_busy(package):
        raise PackageBusy(_("This package is being imported; wait until that has finished."))
    if user is not None:
        refusal = replace_refusal(package, user=user)
        if refusal:
            raise PackageInUse(refusal)
    if title is not None:
        package.title = title.strip()[:255]
    name = default_storage.save(_upload_name(package), upload)
    by = {"user_id": user.pk} if getattr(user, "is_authenticated", False) else {}
    if package.status == Status.READY:
        package.progress, package.errors = 0, []
        package.save(update_fields=["title", "progress", "errors", "updated_at"])
        _enqueue_on_commit(package.pk, upload_name=name, **by)
        return package
    old_upload = package.upload.name
    package.upload.name = name
    package.status, package.progress, package.errors = Status.PENDING, 0, []
    package.notices = []
    package.save()
    if old_upload and old_upload != name:
        transaction.on_commit(lambda: default_storage.delete(old_upload))
    _enqueue_on_commit(package.pk, **by)
    return package


def package_retry(package: H5PPackage) -> H5PPackage:
    """Import the package's file again from the start (after a failure or a dead worker).

    A ready package is left alone, except that a replacement that died is given up (the
    package keeps its content).
    """
    package.refresh_from_db()
    if package.status == Status.READY:
        if is_replacing(package):
            _update(package, progress=100)
        return package
    if not package.upload.name:
        raise SavadError(
            _("The refused file was deleted; upload a new file on the package's edit page.")
        )
    _update(package, status=Status.PENDING, progress=0, errors=[])
    _enqueue_on_commit(package.pk)
    return package


def package_delete(package: H5PPackage) -> None:
    """Delete the package, its content folder and its upload. Libraries stay (shared)."""
    content_root, upload, key = package.content_root, package.upload.name, str(package.uuid)
    package.delete()

    def remove_files():
        storage.delete_tree(content_root)
        if upload:
            default_storage.delete(upload)
        storage.clear_work_dirs(key)

    transaction.on_commit(remove_files)


def ensure_h5p_permissions() -> None:
    """Give the Teachers group add/change/view on H5P packages (idempotent).

    Meant for ``post_migrate`` of the content app; creates the permissions first in case auth's
    own ``post_migrate`` has not run yet.
    """
    create_permissions(apps.get_app_config("content"), verbosity=0)
    teachers, _created = Group.objects.get_or_create(name=TEACHERS_GROUP)
    codenames = [f"{action}_h5ppackage" for action in ("add", "change", "view")]
    teachers.permissions.add(
        *Permission.objects.filter(content_type__app_label="content", codename__in=codenames)
    )


# --- Import ----------------------------------------------------------------------------------


def _update(package: H5PPackage, **fields) -> bool:
    """Write ``fields`` (and ``updated_at``) to the row at once, and to ``package``.

    False if the row is gone (the package was deleted).
    """
    fields["updated_at"] = timezone.now()
    found = H5PPackage.objects.filter(pk=package.pk).update(**fields)
    for name, value in fields.items():
        setattr(package, name, value)
    return bool(found)


def package_import(
    package_id: int,
    *,
    upload_name: str | None = None,
    language: str | None = None,
    user_id: int | None = None,
) -> H5PPackage:
    """Check, unpack and place the package's file (or, with ``upload_name``, its replacement).

    Never raises for a bad package or a failed import: the package ends ready or failed, with
    the reasons in ``errors`` (messages in ``language``, the uploader's; by default the active
    one). What the import decided about shared libraries is in ``notices`` (see
    ``_settle_library``); ``user_id`` is who uploaded the file (by default the package's
    uploader): only an administrator's upload upgrades a shared library. A refused file is
    deleted. Raises ``H5PPackage.DoesNotExist`` if the package was deleted.
    """
    with translation.override(language or translation.get_language() or settings.LANGUAGE_CODE):
        try:
            package = H5PPackage.objects.get(pk=package_id)
        except H5PPackage.DoesNotExist:
            if upload_name:
                default_storage.delete(upload_name)
            raise
        if upload_name is not None:
            if package.upload.name == upload_name or not default_storage.exists(upload_name):
                return package  # delivered again after it was done (or given up)
        elif package.status == Status.READY:
            return package  # delivered again after it was done
        elif not package.upload.name:
            return package  # refused before: its file is gone
        user = None
        user_id = user_id if user_id is not None else package.uploaded_by_id
        if user_id is not None:
            user = get_user_model().objects.filter(pk=user_id).first()
        return _Import(package, upload_name, user=user).run()


class _Import:
    def __init__(self, package: H5PPackage, upload_name: str | None, *, user=None):
        self.package = package
        self.user = user
        self.key = str(package.uuid)
        self.replacing = upload_name is not None
        self.source = upload_name or package.upload.name
        self.limits = Limits()
        self.content_placed = False
        # Where this import puts the content, and the version naming it ("": in place).
        self.version = "" if storage.is_local() else f"v-{uuid.uuid4().hex[:12]}"
        self.target = f"{package.content_root}/{self.version}".rstrip("/")

    # The steps ---------------------------------------------------------------------------

    def run(self) -> H5PPackage:
        storage.clear_work_dirs(self.key)  # left by a worker that died in the middle
        self.clear_unused_versions()
        if self.replacing:
            self.set(progress=PROGRESS_VALIDATING, errors=[])
        else:
            self.set(status=Status.VALIDATING, progress=PROGRESS_VALIDATING, errors=[])
        try:
            with storage.local_copy(self.source, self.key) as archive:
                report = validate_package(
                    archive, available_libraries=store_libraries(), limits=self.limits
                )
                if not report.ok:
                    return self.fail(
                        [problem.as_json() for problem in report.problems], refused=True
                    )
                self.unpack_and_place(archive, report)
        except ImportFailure as failure:
            return self.fail([failure.as_json()], refused=failure.refusal)
        except H5PPackage.DoesNotExist:
            self.discard()
            raise
        except Exception as error:
            if isinstance(error, FileNotFoundError) and not default_storage.exists(self.source):
                logger.warning("H5P package %s: its file %s is missing", self.key, self.source)
                message = _("The uploaded file is missing; upload it again.")
                return self.fail([{"code": "upload_missing", "message": message, "path": None}])
            logger.exception("H5P package %s could not be imported", self.key)
            message = _(
                "The package could not be unpacked (%(error)s). Try again; if it fails again, "
                "tell the site's administrators."
            ) % {"error": type(error).__name__}
            return self.fail([{"code": "import_error", "message": message, "path": None}])
        finally:
            storage.clear_work_dirs(self.key)
        return self.package

    def unpack_and_place(self, archive: Path, report: PackageReport) -> None:
        contained = {ref.folder: ref for ref in report.libraries}
        if not self.replacing:
            self.set(status=Status.EXTRACTING, progress=PROGRESS_EXTRACT_FROM)
        work = storage.make_work_dir(self.key)
        extract(
            archive,
            work,
            library_folders=set(contained),
            limits=self.limits,
            on_progress=self.extract_progress,
            throttle=float(settings.H5P_EXTRACT_THROTTLE),
        )
        self.set(progress=PROGRESS_PLACING)
        notices = []
        for folder, ref in sorted(contained.items()):
            notices += _settle_library(
                ref, work / "libraries" / folder, user=self.user, package=self.package
            )
        content = work / "content"
        content.mkdir(exist_ok=True)
        storage.put_tree(content, self.target, replace=True)
        self.content_placed = True
        self.finish(report, notices)

    def finish(self, report: PackageReport, notices: list[dict]) -> None:
        libraries = _libraries_for(report)
        old_upload = None
        with transaction.atomic():
            package = H5PPackage.objects.select_for_update().get(pk=self.package.pk)
            old_dir = package.content_dir
            package.content_version = self.version
            if self.replacing:
                old_upload = package.upload.name
                package.upload.name = self.source
            package.status = Status.READY
            package.progress = 100
            package.errors = []
            package.notices = notices
            package.main_library = str(report.main_library) if report.main_library else ""
            package.h5p_json = report.h5p_json or {}
            if not package.title.strip():
                package.title = report.title[:255]
            package.save()
            package.libraries.set(libraries)
        if old_upload and old_upload != self.source:
            default_storage.delete(old_upload)
        if old_dir != package.content_dir:
            transaction.on_commit(lambda: _delete_content(old_dir, package))
        self.package = package

    # Failure -----------------------------------------------------------------------------

    def fail(self, errors: list[dict], *, refused: bool = False) -> H5PPackage:
        """End the import with ``errors``. A ``refused`` file (the package itself is bad, not
        the import) is deleted: nothing an attacker sent stays in storage. Other failures keep
        the file so that the import may be retried."""
        if not self.replacing:
            # A package that is not ready has no content worth keeping: remove anything this
            # or an earlier, crashed attempt may have left at its content folder.
            storage.delete_tree(self.package.content_root)
        elif self.content_placed and self.version:
            storage.delete_tree(self.target)  # uploaded, but never the package's content
        if self.replacing:
            # The package keeps its content and stays ready; ``errors`` says why the new file
            # was refused. The refused file goes.
            default_storage.delete(self.source)
            self.set(progress=100, errors=errors)
        elif refused:
            self.set(status=Status.FAILED, progress=0, errors=errors, upload="")
            self.package.upload.name = ""
            default_storage.delete(self.source)
        else:
            self.set(status=Status.FAILED, progress=0, errors=errors)
        logger.info("H5P package %s refused: %s", self.key, ", ".join(e["code"] for e in errors))
        return self.package

    def discard(self) -> None:
        """The package was deleted while it was imported: remove what this import placed."""
        if self.content_placed:
            storage.delete_tree(self.target)
        if self.replacing:
            default_storage.delete(self.source)

    def clear_unused_versions(self) -> None:
        """Object storage: delete content folders a crashed import uploaded but never used."""
        if not self.version:
            return
        try:
            folders, _files = default_storage.listdir(self.package.content_root)
        except FileNotFoundError:
            return
        current = self.package.content_version
        for folder in folders:
            if folder.startswith("v-") and folder != current:
                storage.delete_tree(f"{self.package.content_root}/{folder}")

    # Progress ----------------------------------------------------------------------------

    def set(self, **fields) -> None:
        if not _update(self.package, **fields):
            raise H5PPackage.DoesNotExist

    def extract_progress(self, done: int, total: int) -> None:
        span = PROGRESS_EXTRACT_TO - PROGRESS_EXTRACT_FROM
        percent = PROGRESS_EXTRACT_FROM + int(span * min(done, total) / max(total, 1))
        if percent >= self.package.progress + PROGRESS_STEP:
            self.set(progress=percent)


def _delete_content(content_dir: str, package: H5PPackage) -> None:
    """Delete a package's former content folder (its files only, when it was the package's
    root folder, which now also holds the new version)."""
    if content_dir != package.content_root:
        storage.delete_tree(content_dir)
        return
    storage.delete_tree(f"{content_dir}/content")
    default_storage.delete(f"{content_dir}/h5p.json")


def _read_json(path: Path) -> dict:
    with path.open(encoding="utf-8-sig") as handle:
        value = json.load(handle)
    return value if isinstance(value, dict) else {}


# --- The shared library store ----------------------------------------------------------------
#
# One folder per ``machineName-major.minor`` is served to every package that uses the library,
# so one patch version of its code is stored at a time. The rule, applied under a lock on the
# library's row (imports run in parallel workers):
#
# * not stored yet: the package's copy is placed and recorded (with the SHA-256 of each file);
# * same patch, same files: shared, nothing to say;
# * same patch, other files: the stored code stays, and a notice lists the differing files;
# * lower patch: the stored, newer code is used, and a notice says so;
# * higher patch uploaded by an administrator: the shared library is upgraded for every package
#   (its folder swapped in one step), recorded as an applied ``H5PLibraryUpgrade`` whose changed
#   files the notice lists;
# * higher patch uploaded by anyone else: the stored code stays; the new files are staged under
#   ``h5p/library-upgrades/`` as a pending upgrade that an administrator reviews (file diff)
#   and approves or rejects in the admin (``library_upgrade_approve``/``_reject``).


def _library_prefix(library: H5PLibrary | LibraryRef) -> str:
    """Where a library's code is stored: the folder its row points to, or its own folder
    under ``h5p/libraries/``."""
    return getattr(library, "code_dir", "") or f"{LIBRARIES_DIR}/{library.folder}"


# Object storage: the code folders placed by the current ``_placing()`` block.
_placed: ContextVar[list[str] | None] = ContextVar("savad_h5p_placed", default=None)


@contextmanager
def _placing() -> Iterator[None]:
    """A transaction in which library code may be placed (``_place_library``): code placed
    in it is deleted at once if it rolls back (the library's row never pointed to it)."""
    placed: list[str] = []
    token = _placed.set(placed)
    try:
        with transaction.atomic():
            yield
    except BaseException:
        for prefix in placed:
            storage.delete_tree(prefix)
        raise
    finally:
        _placed.reset(token)


def _place_library(row: H5PLibrary, local: Path) -> None:
    """Store the code unpacked at ``local`` as ``row``'s, so that players see the old code or
    the new, never a mix: on local storage the folders are swapped in one step; elsewhere the
    files go to a new folder, ``row`` points to it (in the caller's transaction) and the old
    folder is deleted after the commit.

    The caller holds ``row``'s lock (in ``_placing()``): no other import or upgrade places this
    library meanwhile, so any other folder of its code is a leftover (of a process that died
    between upload and commit) and goes first.
    """
    if storage.is_local():
        storage.put_tree(local, f"{LIBRARIES_DIR}/{row.folder}", replace=True)
        return
    old = _library_prefix(row)
    _sweep_code_folders(row)
    new = f"{LIBRARY_CODE_DIR}/{row.folder}/{uuid.uuid4().hex}"
    placed = _placed.get()
    if placed is not None:
        placed.append(new)
    storage.put_tree(local, new)
    row.code_dir = new
    row.save(update_fields=["code_dir"])
    transaction.on_commit(lambda: storage.delete_tree(old))


def _sweep_code_folders(row: H5PLibrary) -> None:
    """Delete the folders of ``row``'s code versions that its row does not point to."""
    parent = f"{LIBRARY_CODE_DIR}/{row.folder}"
    for name in storage.subfolders(parent):
        if f"{parent}/{name}" != row.code_dir:
            logger.info("H5P library %s: deleting the unused code folder %s", row, name)
            storage.delete_tree(f"{parent}/{name}")


def _version(machine_name: str, major: int, minor: int, patch: int) -> str:
    return f"{machine_name} {major}.{minor}.{patch}"


def library_changes(old: dict, new: dict) -> dict[str, list[str]]:
    """The files ``added``, ``removed`` and ``changed`` from manifest ``old`` to ``new``."""
    return {
        "added": sorted(set(new) - set(old)),
        "removed": sorted(set(old) - set(new)),
        "changed": sorted(name for name in set(old) & set(new) if old[name] != new[name]),
    }


def _notice(code: str, message: str, library: str, changes: dict | None = None) -> dict:
    return {"code": code, "message": message, "library": library, "changes": changes or {}}


def _stored_files(row: H5PLibrary) -> dict[str, str]:
    """The row's manifest; computed from storage (and saved) for rows older than manifests."""
    if not row.files:
        row.files = storage.stored_manifest(_library_prefix(row))
        H5PLibrary.objects.filter(pk=row.pk).update(files=row.files)
    return row.files


def _is_administrator(user) -> bool:
    return bool(user is not None and user.is_active and user.is_superuser)


def _settle_library(ref: LibraryRef, local: Path, *, user, package: H5PPackage) -> list[dict]:
    """Store the package's copy of library ``ref`` (unpacked at ``local``) or use the stored
    one, by the rule above; return the notices for the package's import result."""
    metadata = _read_json(local / "library.json")
    files = storage.local_manifest(local)
    lookup = {
        "machine_name": ref.machine_name,
        "major_version": ref.major,
        "minor_version": ref.minor,
    }
    title = metadata.get("title")
    title = title[:255] if isinstance(title, str) else ""
    for _attempt in range(3):
        try:
            with _placing():
                row = H5PLibrary.objects.select_for_update().filter(**lookup).first()
                if row is None:
                    # Claim the version first: a parallel import of the same library waits on
                    # the unique index, then finds this row and its files in place.
                    row = H5PLibrary.objects.create(
                        **lookup,
                        patch_version=ref.patch or 0,
                        title=title,
                        metadata=metadata,
                        files=files,
                    )
                    # Replace: a folder without a row is a leftover of an import that died.
                    _place_library(row, local)
                    return []
                return _settle_stored(row, ref, local, metadata, files, title, user, package)
        except IntegrityError:  # created by a parallel import between the lookup and the insert
            continue
    raise ImportFailure(
        "library_busy",
        _("The library %(library)s is being stored by another import; try again.")
        % {"library": ref.full_name},
        refusal=False,
    )


def _settle_stored(row, ref, local, metadata, files, title, user, package) -> list[dict]:
    """``_settle_library`` for a stored library; ``row`` is locked."""
    name = str(row)
    incoming = ref.patch or 0
    stored_version = _version(
        row.machine_name, row.major_version, row.minor_version, row.patch_version
    )
    new_version = _version(row.machine_name, row.major_version, row.minor_version, incoming)
    if not storage.exists(f"{_library_prefix(row)}/library.json"):
        # The row lost its files (an import died between the two): the package's copy, checked
        # just now, takes their place.
        _place_library(row, local)
        _set_library_code(row, incoming, metadata, files, title)
        return []
    stored = _stored_files(row)
    changes = library_changes(stored, files)
    if incoming == row.patch_version:
        if stored == files:
            return []
        return [
            _notice(
                "library_differs",
                _(
                    "The package brings %(version)s with files that differ from the stored copy "
                    "of the same version; the stored code is used. Only a higher patch version "
                    "can change a shared library."
                )
                % {"version": new_version},
                name,
                changes,
            )
        ]
    if incoming < row.patch_version:
        return [
            _notice(
                "library_newer_stored",
                _("The package brings %(version)s; the newer stored %(stored)s is used.")
                % {"version": new_version, "stored": stored_version},
                name,
            )
        ]
    if _is_administrator(user):
        _place_library(row, local)
        H5PLibraryUpgrade.objects.create(
            library=row,
            from_patch=row.patch_version,
            patch_version=incoming,
            metadata=metadata,
            files=files,
            changes=changes,
            status=H5PLibraryUpgrade.Status.APPLIED,
            package=package,
            requested_by=user,
            decided_by=user,
            decided_at=timezone.now(),
        )
        _set_library_code(row, incoming, metadata, files, title)
        return [
            _notice(
                "library_upgraded",
                _("The shared library %(stored)s was upgraded to %(version)s for every package.")
                % {"stored": stored_version, "version": new_version},
                name,
                changes,
            )
        ]
    pending = H5PLibraryUpgrade.objects.filter(
        library=row, patch_version=incoming, status=H5PLibraryUpgrade.Status.PENDING
    )
    if not any(upgrade.files == files for upgrade in pending):
        staged = f"{UPGRADES_DIR}/{uuid.uuid4()}"
        storage.put_tree(local, staged)
        try:
            H5PLibraryUpgrade.objects.create(
                library=row,
                from_patch=row.patch_version,
                patch_version=incoming,
                metadata=metadata,
                files=files,
                changes=changes,
                staged_dir=staged,
                package=package,
                requested_by=user,
            )
        except BaseException:
            storage.delete_tree(staged)
            raise
    return [
        _notice(
            "library_upgrade_pending",
            _(
                "The package brings %(version)s, newer than the stored %(stored)s. Only "
                "administrators may upgrade a shared library: the stored code is used until an "
                "administrator approves the upgrade."
            )
            % {"version": new_version, "stored": stored_version},
            name,
            changes,
        )
    ]


def _set_library_code(row: H5PLibrary, patch: int, metadata: dict, files: dict, title: str):
    row.patch_version, row.metadata, row.files = patch, metadata, files
    row.title = title or row.title
    row.save(update_fields=["patch_version", "metadata", "files", "title"])
    # Pending upgrades that are no longer newer than the stored code are done with.
    stale = H5PLibraryUpgrade.objects.filter(
        library=row, status=H5PLibraryUpgrade.Status.PENDING, patch_version__lte=patch
    )
    doomed = list(stale.exclude(staged_dir="").values_list("staged_dir", flat=True))
    stale.update(status=H5PLibraryUpgrade.Status.SUPERSEDED, decided_at=timezone.now())
    transaction.on_commit(lambda: [storage.delete_tree(prefix) for prefix in doomed])


def library_upgrade_approve(*, upgrade: H5PLibraryUpgrade, user) -> H5PLibraryUpgrade:
    """Apply a pending upgrade: the staged files replace the shared library's folder."""
    if not _is_administrator(user):
        raise SavadError(_("Only administrators may upgrade a shared library."), status=403)
    with _placing():
        upgrade = H5PLibraryUpgrade.objects.select_for_update().get(pk=upgrade.pk)
        row = H5PLibrary.objects.select_for_update().get(pk=upgrade.library_id)
        if upgrade.status != H5PLibraryUpgrade.Status.PENDING:
            raise SavadError(_("This upgrade was already decided."), status=409)
        if upgrade.patch_version <= row.patch_version:
            raise SavadError(
                _("The stored library is already at version %(version)s.")
                % {"version": row.full_version},
                status=409,
            )
        damaged = SavadError(
            _("The staged files of this upgrade changed or are missing; reject it."), status=409
        )
        try:
            with storage.fetch_tree(upgrade.staged_dir, f"upgrade-{upgrade.pk}") as local:
                if not upgrade.staged_dir or storage.local_manifest(local) != upgrade.files:
                    raise damaged
                _place_library(row, local)
        except FileNotFoundError:
            raise damaged from None
        title = upgrade.metadata.get("title") if isinstance(upgrade.metadata, dict) else ""
        staged = upgrade.staged_dir
        upgrade.status = H5PLibraryUpgrade.Status.APPLIED
        upgrade.decided_by, upgrade.decided_at = user, timezone.now()
        upgrade.changes = library_changes(_stored_files(row), upgrade.files)
        upgrade.from_patch = row.patch_version
        upgrade.staged_dir = ""
        upgrade.save()
        _set_library_code(
            row,
            upgrade.patch_version,
            upgrade.metadata,
            upgrade.files,
            title[:255] if isinstance(title, str) else "",
        )
        transaction.on_commit(lambda: storage.delete_tree(staged))
    return upgrade


def library_upgrade_reject(*, upgrade: H5PLibraryUpgrade, user) -> H5PLibraryUpgrade:
    """Refuse a pending upgrade; its staged files are deleted."""
    if not _is_administrator(user):
        raise SavadError(_("Only administrators may upgrade a shared library."), status=403)
    with transaction.atomic():
        upgrade = H5PLibraryUpgrade.objects.select_for_update().get(pk=upgrade.pk)
        if upgrade.status != H5PLibraryUpgrade.Status.PENDING:
            raise SavadError(_("This upgrade was already decided."), status=409)
        staged = upgrade.staged_dir
        upgrade.status = H5PLibraryUpgrade.Status.REJECTED
        upgrade.decided_by, upgrade.decided_at = user, timezone.now()
        upgrade.staged_dir = ""
        upgrade.save()
        transaction.on_commit(lambda: storage.delete_tree(staged))
    return upgrade


def _dependency_keys(metadata: dict) -> Iterable[tuple[str, int, int]]:
    for field in ("preloadedDependencies", "dynamicDependencies"):
        for item in metadata.get(field) or []:
            if not isinstance(item, dict):
                continue
            try:
                key = (
                    str(item["machineName"]),
                    int(item["majorVersion"]),
                    int(item["minorVersion"]),
                )
            except (KeyError, TypeError, ValueError):
                continue
            yield key


def _libraries_for(report: PackageReport) -> list[H5PLibrary]:
    """The package's libraries: those it contains, and everything its content needs, from the
    store (the dependencies of those, recursively)."""
    rows = {
        (row.machine_name, row.major_version, row.minor_version): row
        for row in H5PLibrary.objects.all()
    }
    pending = [ref.key for ref in report.libraries] + [ref.key for ref in report.dependencies]
    pending += list(_dependency_keys(report.h5p_json or {}))
    found: dict[tuple, H5PLibrary] = {}
    while pending:
        key = pending.pop()
        if key in found or key not in rows:
            continue
        found[key] = rows[key]
        pending.extend(_dependency_keys(rows[key].metadata or {}))
    return list(found.values())


# --- Unpacking -------------------------------------------------------------------------------

READ_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError)


def _destination(name: str, library_folders: set[str]) -> str | None:
    """Where an entry goes in the work folder; None for entries that are not used."""
    if name == "h5p.json":
        return "content/h5p.json"
    parts = name.split("/")
    if len(parts) < 2:
        return None  # H5P ignores other top-level files
    if parts[0] == "content":
        return f"content/{name}"
    if parts[0] in library_folders:
        return f"libraries/{name}"
    return None


def _safe_path(root: Path, relative: str) -> Path:
    """``root`` joined with ``relative``, refusing anything that could leave ``root``."""
    parts = relative.split("/")
    if (
        relative.startswith("/")
        or "\\" in relative
        or "\x00" in relative
        or any(part in ("", ".", "..") for part in parts)
    ):
        raise ImportFailure(
            "unsafe_path",
            _("The entry %(path)s has an unsafe name.") % {"path": relative},
            relative,
        )
    return root.joinpath(*parts)


def extract(
    archive: Path,
    work: Path,
    *,
    library_folders: set[str],
    limits: Limits,
    on_progress: Callable[[int, int], None] | None = None,
    throttle: float = 0,
) -> int:
    """Unpack the used entries of a checked package into ``work``; return the bytes written.

    ``h5p.json`` and ``content/…`` go to ``work/content/``, the files of ``library_folders`` to
    ``work/libraries/<folder>/``. Each entry is copied in chunks and its size checked against
    the declared size and the limits while it is written (the check before is not trusted on
    its own); a damaged entry (bad CRC) stops the import. ``throttle`` sleeps that many seconds
    after each file (only for tests that need a slow import).
    """
    written_total = 0
    with zipfile.ZipFile(archive) as zf:
        plan = []
        for info in zf.infolist():
            if info.is_dir() or is_ignored(info.filename):
                continue
            relative = _destination(info.filename, library_folders)
            if relative is not None:
                plan.append((info, _safe_path(work, relative)))
        declared_total = sum(info.file_size for info, _target in plan)
        if declared_total > limits.max_total_bytes:
            raise _too_large(None, limits.max_total_bytes)
        folders: set[Path] = set()
        for info, target in plan:
            if target.parent not in folders:
                target.parent.mkdir(parents=True, exist_ok=True)
                folders.add(target.parent)
            written = 0
            try:
                with zf.open(info) as entry, _create(target) as output:
                    while chunk := entry.read(CHUNK):
                        written += len(chunk)
                        written_total += len(chunk)
                        if written > info.file_size:
                            raise ImportFailure(
                                "too_large_actual",
                                _("The entry %(path)s is larger than it claims.")
                                % {"path": info.filename},
                                info.filename,
                            )
                        if written > limits.max_file_bytes:
                            raise _too_large(info.filename, limits.max_file_bytes)
                        if written_total > limits.max_total_bytes:
                            raise _too_large(None, limits.max_total_bytes)
                        output.write(chunk)
                        if on_progress is not None:
                            on_progress(written_total, declared_total)
            except READ_ERRORS as error:
                raise ImportFailure(
                    "corrupt_entry",
                    _("The entry %(path)s is damaged and cannot be read.")
                    % {"path": info.filename},
                    info.filename,
                ) from error
            if throttle:
                time.sleep(throttle)
    return written_total


def _create(path: Path):
    """Open a new file for writing; never follow a link or reuse an existing file."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    return os.fdopen(os.open(path, flags, 0o644), "wb")


def _too_large(path: str | None, limit: int) -> ImportFailure:
    if path is None:
        message = _("The package unpacks to more than %(limit)s.")
    else:
        message = _("The entry %(path)s unpacks to more than %(limit)s.")
    return ImportFailure(
        "too_large_actual",
        message % {"path": path, "limit": filesizeformat(limit)},
        path,
    )
