"""Writes of the stats app: the bulk import of learners (all or nothing)."""

import re
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.tasks import send_invitations
from core.exceptions import SavadError
from core.jobs import enqueue_on_commit
from courses.models import CoursePage, Enrolment
from courses.services import enrol

from .importing import ImportIssue, LearnerRow, Lookups, parse_learners
from .models import LearnerGroup, LearnerImport
from .selectors import statistics_scope

INVITATION_BATCH = 200  # new accounts per invitation task
USERNAME_UNSAFE = re.compile(r"[^\w.@+-]")  # what Django's username validator refuses
STAGED_AGE = timedelta(hours=1)  # how long a previewed file waits for its confirmation
Membership = LearnerGroup.members.through


@dataclass
class ImportSummary:
    new_users: int = 0
    existing_users: int = 0
    enrolments: int = 0
    already_enrolled: int = 0
    memberships: int = 0
    groups: int = 0


def learner_import_lookups(*, user) -> Lookups:
    """The courses (by slug and id), groups and languages a file from ``user`` may name."""
    courses: dict[str, set[UUID]] = {}
    for pk, slug, key in CoursePage.objects.values_list("pk", "slug", "translation_key"):
        courses.setdefault(str(pk), set()).add(key)
        courses.setdefault(slug, set()).add(key)
    groups: dict[str, list[int]] = {}
    for pk, name in LearnerGroup.objects.values_list("pk", "name"):
        groups.setdefault(name.strip().casefold(), []).append(pk)
    return Lookups(
        courses=courses,
        scope=statistics_scope(user),
        groups=groups,
        languages=frozenset(code for code, _name in settings.LANGUAGES),
    )


def _existing_users(rows: list[LearnerRow]) -> dict[str, object]:
    emails = [row.email.lower() for row in rows]
    users = get_user_model().objects.annotate(email_lower=Lower("email"))
    return {user.email_lower: user for user in users.filter(email_lower__in=emails)}


def learner_import_preview(*, rows: list[LearnerRow]) -> ImportSummary:
    """What importing ``rows`` would do (at most 3 queries whatever their number)."""
    existing = _existing_users(rows)
    pks = [user.pk for user in existing.values()]
    keys = {key for row in rows for key in row.courses}
    group_ids = {pk for row in rows for pk in row.groups}
    enrolled = set(
        Enrolment.objects.filter(user__in=pks, course_key__in=keys).values_list(
            "user_id", "course_key"
        )
    )
    members = set(
        Membership.objects.filter(user_id__in=pks, learnergroup_id__in=group_ids).values_list(
            "user_id", "learnergroup_id"
        )
    )
    summary = ImportSummary(existing_users=len(existing), groups=len(group_ids))
    summary.new_users = len(rows) - summary.existing_users
    for row in rows:
        user = existing.get(row.email.lower())
        pk = user.pk if user else None
        already = sum((pk, key) in enrolled for key in row.courses)
        summary.already_enrolled += already
        summary.enrolments += len(row.courses) - already
        summary.memberships += sum((pk, group) not in members for group in row.groups)
    return summary


def _usernames(emails: list[str]) -> dict[str, str]:
    """A free username for each new address: the address itself (characters a username may
    not hold replaced by ``_``), else it with a number."""
    users = get_user_model().objects.annotate(name_lower=Lower("username"))
    wanted = [USERNAME_UNSAFE.sub("_", email.lower())[:140] for email in emails]
    taken = set(users.filter(name_lower__in=wanted).values_list("name_lower", flat=True))
    names = {}
    for email, base in zip(emails, wanted, strict=True):
        name, number = base, 1
        while name in taken:
            number += 1
            name = f"{base}-{number}"
        taken.add(name)
        names[email] = name
    return names


class LearnerImportError(SavadError):
    """Nothing was imported; ``errors`` says why, line by line."""

    def __init__(self, errors: list[ImportIssue]):
        super().__init__("; ".join(str(issue) for issue in errors))
        self.errors = errors


def learner_import_parse(*, user, data: bytes):
    """``importing.parse_learners`` with the courses, groups and limit ``user`` has."""
    lookups = learner_import_lookups(user=user)
    return parse_learners(data, lookups=lookups, max_bytes=settings.STATS_IMPORT_MAX_BYTES)


def learner_import_stage(*, user, file_name: str, text: str) -> LearnerImport:
    """Keep a previewed file until its confirmation (forgetting those never confirmed)."""
    LearnerImport.objects.filter(created_at__lt=timezone.now() - STAGED_AGE).delete()
    return LearnerImport.objects.create(created_by=user, file_name=file_name[:255], text=text)


def learner_import_confirm(*, user, token: UUID) -> ImportSummary:
    """Import a staged file once: checked again, all or nothing (``LearnerImportError`` with
    its lines when it went bad meanwhile); a second confirmation raises ``SavadError``."""
    with transaction.atomic():
        staged = (
            LearnerImport.objects.select_for_update()
            .filter(token=token, created_by=user, created_at__gte=timezone.now() - STAGED_AGE)
            .first()
        )
        if staged is None:
            raise SavadError(
                _("The import could not be confirmed: it was changed or is too old. Upload again."),
                status=400,
            )
        if staged.imported_at is not None:
            raise SavadError(_("This file was already imported."), status=409)
        result = learner_import_parse(user=user, data=staged.text.encode("utf-8"))
        if not result.ok:
            raise LearnerImportError(result.errors)
        summary = learner_import(user=user, rows=result.rows)
        staged.imported_at, staged.text = timezone.now(), ""
        staged.save(update_fields=["imported_at", "text"])
    return summary


def learner_import(*, user, rows: list[LearnerRow]) -> ImportSummary:
    """Create the new accounts, enrol every learner and add them to their groups, all or
    nothing; each new account is e-mailed an invitation to choose a password once this
    commits. ``rows`` come from ``importing.parse_learners`` with ``user``'s look-ups. A
    second import of the same rows changes nothing and invites nobody."""
    try:
        with transaction.atomic():
            return _import(user=user, rows=rows)
    except IntegrityError:  # the same file imported at the same moment by another request
        raise SavadError(
            _(
                "Some of these learners were added meanwhile, perhaps by the same import sent "
                "twice. Nothing was imported: upload the file again to see what is left."
            ),
            status=409,
        ) from None


def _import(*, user, rows: list[LearnerRow]) -> ImportSummary:
    summary = learner_import_preview(rows=rows)
    User = get_user_model()
    existing = _existing_users(rows)
    fresh = [row for row in rows if row.email.lower() not in existing]
    names = _usernames([row.email for row in fresh])
    created = User.objects.bulk_create(
        [
            User(
                username=names[row.email],
                email=row.email,
                display_name=row.name,
                preferred_language=row.language or settings.LANGUAGE_CODE,
                password=make_password(None),
            )
            for row in fresh
        ],
        batch_size=500,
    )
    learners = {**existing, **{account.email.lower(): account for account in created}}
    courses = _course_pages({key for row in rows for key in row.courses})
    for row in rows:
        learner = learners[row.email.lower()]
        for key in row.courses:
            enrol(user=learner, course=courses[key], source=Enrolment.Source.CSV, by=user)
    Membership.objects.bulk_create(
        [
            Membership(user_id=learners[row.email.lower()].pk, learnergroup_id=group)
            for row in rows
            for group in row.groups
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    ids = [account.pk for account in created]
    for start in range(0, len(ids), INVITATION_BATCH):
        enqueue_on_commit(send_invitations, ids[start : start + INVITATION_BATCH])
    return summary


def _course_pages(keys: set[UUID]) -> dict[UUID, CoursePage]:
    """One page per course, in the site's language where it exists (enrolment is per course)."""
    pages: dict[UUID, CoursePage] = {}
    for page in CoursePage.objects.filter(translation_key__in=keys).select_related("locale"):
        if page.translation_key not in pages or page.locale.language_code == settings.LANGUAGE_CODE:
            pages[page.translation_key] = page
    return pages
