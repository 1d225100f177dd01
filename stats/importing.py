"""Learners from a CSV file: decode, read and check every line, without touching the database.

``parse_learners`` turns uploaded bytes into ``LearnerRow``s and line-numbered ``ImportIssue``s.
The courses and groups it checks names against come from the caller (``Lookups``, built by
``stats.services.learner_import_lookups``), so the function is pure. Columns: ``email``
(required), ``name``, ``groups`` and ``courses`` (``;``-separated group names, course slugs or
ids), ``language`` (``fa`` or ``en``). Line 0 means the whole file.
"""

import csv
import io
from dataclasses import dataclass, field
from uuid import UUID

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

COLUMNS = ("email", "name", "groups", "courses", "language")
REQUIRED = ("email",)
NAME_MAX = 150


@dataclass(frozen=True)
class ImportIssue:
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.line}: {self.message}"


@dataclass(frozen=True)
class LearnerRow:
    line: int
    email: str
    name: str
    groups: tuple[int, ...]
    courses: tuple[UUID, ...]
    language: str


@dataclass
class Lookups:
    """What a file may name: courses by slug or id (the translation keys each names), the
    keys the importer may enrol into, groups by case-folded name, the site's languages."""

    courses: dict[str, set[UUID]]
    scope: frozenset[UUID]
    groups: dict[str, list[int]]
    languages: frozenset[str]


@dataclass
class ParseResult:
    rows: list[LearnerRow] = field(default_factory=list)
    errors: list[ImportIssue] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(";") if part.strip()]


def parse_learners(data: bytes, *, lookups: Lookups, max_bytes: int) -> ParseResult:
    """Every learner of the file and every problem, each with its line (see the docstring)."""
    result = ParseResult()
    if len(data) > max_bytes:
        message = _("The file is too large: the limit is %(size)s KB.")
        result.errors.append(ImportIssue(0, message % {"size": max_bytes // 1024}))
        return result
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        message = _("The file is not UTF-8 text. Save it with the UTF-8 encoding and try again.")
        result.errors.append(ImportIssue(line, message))
        return result
    if not text.strip():
        result.errors.append(ImportIssue(0, _("The file is empty.")))
        return result
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [cell.strip().lower() for cell in next(reader)]
        if not _check_header(header, result):
            return result
        seen: dict[str, int] = {}
        previous_end = reader.line_num
        for record in reader:
            line, previous_end = previous_end + 1, reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            _read_row(record, line, header, lookups, seen, result)
    except csv.Error as error:
        message = _("The line cannot be read as CSV (%(error)s).") % {"error": error}
        result.errors.append(ImportIssue(reader.line_num, message))
    if not result.rows and not result.errors:
        result.errors.append(ImportIssue(0, _("The file has no learners after its header.")))
    return result


def _check_header(header: list[str], result: ParseResult) -> bool:
    unknown = [name for name in header if name not in COLUMNS]
    missing = [name for name in REQUIRED if name not in header]
    doubled = sorted({name for name in header if name and header.count(name) > 1})
    for names, message in (
        (unknown, _("Unknown columns: %(columns)s. The columns are: %(allowed)s.")),
        (missing, _("Missing columns: %(columns)s. The columns are: %(allowed)s.")),
        (doubled, _("Columns named twice: %(columns)s. The columns are: %(allowed)s.")),
    ):
        if names:
            columns = ", ".join(f"“{name}”" for name in names)
            result.errors.append(
                ImportIssue(1, message % {"columns": columns, "allowed": ", ".join(COLUMNS)})
            )
    return not result.errors


def _read_row(record, line, header, lookups: Lookups, seen, result: ParseResult) -> None:
    errors = result.errors
    count = len(errors)
    if len(record) > len(header):
        message = _("The line has %(cells)d cells but the header has %(columns)d columns.")
        errors.append(ImportIssue(line, message % {"cells": len(record), "columns": len(header)}))
        return
    cells = dict(zip(header, [cell.strip() for cell in record], strict=False))
    email = cells.get("email", "")
    try:
        validate_email(email)
    except ValidationError:
        message = _("“%(email)s” is not a valid e-mail address.") if email else _("No e-mail.")
        errors.append(ImportIssue(line, message % {"email": email}))
    else:
        first = seen.setdefault(email.lower(), line)
        if first != line:
            message = _("The e-mail address %(email)s is already on line %(line)d.")
            errors.append(ImportIssue(line, message % {"email": email, "line": first}))
    name = cells.get("name", "")
    if len(name) > NAME_MAX:
        message = _("The name is longer than %(max)d characters.") % {"max": NAME_MAX}
        errors.append(ImportIssue(line, message))
    language = cells.get("language", "").lower()
    if language and language not in lookups.languages:
        message = _("Unknown language “%(language)s”: use one of %(languages)s.")
        languages = ", ".join(sorted(lookups.languages))
        errors.append(ImportIssue(line, message % {"language": language, "languages": languages}))
    groups = [_group(ref, line, lookups, errors) for ref in _split(cells.get("groups", ""))]
    courses = [_course(ref, line, lookups, errors) for ref in _split(cells.get("courses", ""))]
    if len(errors) == count:
        result.rows.append(
            LearnerRow(
                line=line,
                email=email,
                name=name,
                groups=tuple(dict.fromkeys(groups)),
                courses=tuple(dict.fromkeys(courses)),
                language=language,
            )
        )


def _group(ref: str, line: int, lookups: Lookups, errors: list) -> int | None:
    found = lookups.groups.get(ref.casefold(), [])
    if len(found) == 1:
        return found[0]
    if found:
        message = _("Several learner groups are called “%(group)s”: rename one of them.")
    else:
        message = _("Unknown learner group “%(group)s”.")
    errors.append(ImportIssue(line, message % {"group": ref}))
    return None


def _course(ref: str, line: int, lookups: Lookups, errors: list) -> UUID | None:
    found = lookups.courses.get(ref) or lookups.courses.get(ref.lower(), set())
    if len(found) == 1:
        (key,) = found
        if key in lookups.scope:
            return key
        message = _("You may not enrol learners in the course “%(course)s”.")
    elif found:
        message = _("Several courses match “%(course)s”: use the course's id.")
    else:
        message = _("Unknown course “%(course)s”.")
    errors.append(ImportIssue(line, message % {"course": ref}))
    return None
