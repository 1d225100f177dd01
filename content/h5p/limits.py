"""Resource limits for H5P packages, overridable in Django settings (``H5P_MAX_…``)."""

from dataclasses import dataclass, field

from django.conf import settings

MB = 1024 * 1024


def _setting(name: str, default: int) -> int:
    """The Django setting ``name`` (declared in ``lms/settings/base.py``).

    ``default`` is used only where Django settings are not configured (the validator run as a
    plain library); in the project, a setting missing from the settings is an error.
    """
    if not settings.configured:
        return default
    return getattr(settings, name)  # no default: every limit is declared in the settings


def _from_settings(name: str, default: int):
    return field(default_factory=lambda: _setting(name, default))


@dataclass(frozen=True)
class Limits:
    """What a package may hold. Defaults are read from settings when a ``Limits`` is made."""

    #: Entries in the zip's central directory (files and directories).
    max_entries: int = _from_settings("H5P_MAX_ENTRIES", 10_000)
    #: Path segments of one entry (``a/b/c.js`` has 3).
    max_depth: int = _from_settings("H5P_MAX_DEPTH", 20)
    #: Uncompressed bytes of all entries together.
    max_total_bytes: int = _from_settings("H5P_MAX_TOTAL_BYTES", 500 * MB)
    #: Uncompressed bytes of one entry.
    max_file_bytes: int = _from_settings("H5P_MAX_FILE_BYTES", 100 * MB)
    #: Largest uncompressed:compressed ratio, per entry and for the whole archive.
    max_ratio: int = _from_settings("H5P_MAX_RATIO", 200)
    #: The ratio is only judged above this many uncompressed bytes (small files compress well).
    ratio_min_bytes: int = _from_settings("H5P_RATIO_MIN_BYTES", MB)
    #: Size of the uploaded archive itself (compressed).
    max_upload_bytes: int = _from_settings("H5P_MAX_UPLOAD_BYTES", 200 * MB)
    #: ``h5p.json``, ``content/content.json`` and ``library.json`` are read into memory up to this.
    max_json_bytes: int = _from_settings("H5P_MAX_JSON_BYTES", 20 * MB)
