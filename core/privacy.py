"""A learner's own data: a downloadable export and account erasure.

Apps take part through two Wagtail hooks, each registered in the app's ``wagtail_hooks.py``:

``savad_user_data``  ``fn(user) -> dict[str, object]``: files for the export zip, by name.
                     ``*.csv`` values are lists of flat dicts (one row each); ``*.json`` values
                     are anything ``DjangoJSONEncoder`` can write.
``savad_erase_user`` ``fn(user) -> None``: called inside the deletion's transaction, before the
                     account row is deleted; the app deletes or anonymises its personal data
                     (progress and attempts stay for statistics, without the person).
"""

import csv
import io
import json
import zipfile
from datetime import UTC, date, datetime
from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail import hooks

from .exceptions import SavadError

DATA_HOOK = "savad_user_data"
ERASE_HOOK = "savad_erase_user"
PROFILE_FIELDS = (
    "username",
    "display_name",
    "first_name",
    "last_name",
    "email",
    "preferred_language",
    "date_joined",
    "last_login",
    "is_active",
)
DB_SESSION_ENGINES = (
    "django.contrib.sessions.backends.db",
    "django.contrib.sessions.backends.cached_db",
)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def user_profile(user) -> dict:
    """What the account itself holds about the person (never the password hash)."""
    profile = {name: getattr(user, name, None) for name in PROFILE_FIELDS}
    profile["groups"] = sorted(user.groups.values_list("name", flat=True))
    return profile


def collect_user_data(user) -> dict[str, object]:
    """Every file of the export, by name: ``profile.json`` and each app's contribution."""
    files: dict[str, object] = {"profile.json": user_profile(user)}
    for hook in hooks.get_hooks(DATA_HOOK):
        for name, content in (hook(user) or {}).items():
            files[_free_name(files, name)] = content
    return files


def _free_name(files: dict, name: str) -> str:
    if name not in files:
        return name
    stem, dot, extension = name.rpartition(".")
    number = 2
    while f"{stem}-{number}{dot}{extension}" in files:
        number += 1
    return f"{stem}-{number}{dot}{extension}"


def export_user_data(user) -> bytes:
    """A zip of the user's data: one CSV or JSON file per kind of record, and a README."""
    files = collect_user_data(user)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", _readme(user, files))
        for name, content in files.items():
            if name.endswith(".csv"):
                archive.writestr(name, to_csv(content))
            else:
                archive.writestr(name, to_json(content))
    return buffer.getvalue()


def to_json(content) -> str:
    return json.dumps(content, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def to_csv(rows: list[dict]) -> str:
    """Rows as CSV with a header (columns in order of first appearance), UTF-8 with a BOM.

    The BOM lets spreadsheet programs read Persian text; cells that a spreadsheet would take
    for a formula are prefixed with an apostrophe.
    """
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\r\n")
    if columns:
        writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(column)) for column in columns])
    return out.getvalue()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, bool | int | float):
        return str(value)
    if isinstance(value, dict | list):
        value = json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False)
    return formula_safe(str(value))


def formula_safe(text: str) -> str:
    """A spreadsheet cell that cannot run as a formula: one starting ``= + - @`` (or a tab or
    carriage return) gets a leading apostrophe."""
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def _readme(user, files: dict) -> str:
    lines = [
        _("Your data from %(site)s") % {"site": settings.WAGTAIL_SITE_NAME},
        _("Account: %(username)s") % {"username": user.username},
        _("Exported: %(time)s (UTC)")
        % {"time": timezone.now().astimezone(UTC).isoformat(timespec="seconds")},
        "",
        _(
            "CSV files have one row per record and open in any spreadsheet program; "
            "JSON files hold structured records. Times are in ISO 8601 format. Courses and "
            "activities are identified by keys shared by all their language versions."
        ),
        "",
        _("Files:"),
    ]
    for name, content in files.items():
        if name.endswith(".csv"):
            count = len(content)
            rows = ngettext("%(count)d row", "%(count)d rows", count) % {"count": count}
            lines.append(f"- {name}: {rows}")
        else:
            lines.append(f"- {name}")
    lines.append("")
    return "\r\n".join(lines)


def is_last_superuser(user) -> bool:
    if not user.is_superuser:
        return False
    others = get_user_model().objects.filter(is_superuser=True, is_active=True).exclude(pk=user.pk)
    return not others.exists()


def erase_user(user) -> None:
    """Delete the account: apps erase or anonymise their data first, all in one transaction.

    Progress rows and submitted quiz attempts keep their numbers with the user set to NULL.
    Every session of the user is ended. The last active superuser cannot be erased.
    """
    if is_last_superuser(user):
        raise SavadError(
            _(
                "You are the only administrator. Make someone else an administrator before "
                "you delete your account."
            ),
            status=409,
        )
    with transaction.atomic():
        for hook in hooks.get_hooks(ERASE_HOOK):
            hook(user)
        end_sessions(user)
        user.delete()


def end_sessions(user) -> int:
    """Delete the user's stored sessions (database-backed session engines; others expire)."""
    if settings.SESSION_ENGINE not in DB_SESSION_ENGINES:
        return 0
    store = import_module(settings.SESSION_ENGINE).SessionStore
    ended = 0
    user_id = str(user.pk)
    live = Session.objects.filter(expire_date__gt=timezone.now())
    for session in live.iterator(chunk_size=500):
        if str(session.get_decoded().get("_auth_user_id")) == user_id:
            store(session_key=session.session_key).delete()
            ended += 1
    return ended
