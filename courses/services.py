"""Writes for courses: enrolment, and the groups and workflow that let teachers author."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from core.exceptions import SavadError
from progress import signals
from progress.selectors import incomplete_summaries
from progress.services import refresh_course_totals

from .models import CatalogueIndexPage, CoursePage, Enrolment, EnrolmentMode
from .selectors import course_syllabus, missing_prerequisites

TEACHERS_GROUP = "Teachers"
REVIEWERS_GROUP = "Course reviewers"
REVIEW_WORKFLOW = "Course review"
EDITOR_PAGE_PERMISSIONS = ("add_page", "change_page")


def enrol(*, user, course: CoursePage, source=Enrolment.Source.SELF, by=None) -> Enrolment:
    """Enrol ``user`` in ``course``; enrolling twice returns the existing enrolment."""
    if source == Enrolment.Source.SELF and not course.live:
        raise SavadError(_("This course is not available."), status=404)
    if source == Enrolment.Source.SELF:
        if course.enrolment_mode != EnrolmentMode.OPEN:
            raise SavadError(
                _("This course is by invitation only. Ask your teacher to enrol you."), status=403
            )
        missing = missing_prerequisites(user=user, course=course)
        if missing:
            raise SavadError(
                _("Complete these courses first: %(courses)s.")
                % {"courses": "، ".join(c.title for c in missing)},
                status=403,
            )
    try:
        with transaction.atomic():
            enrolment, created = Enrolment.objects.get_or_create(
                user=user,
                course_key=course.translation_key,
                defaults={"source": source, "enrolled_by": by},
            )
            if created:
                signals.enrolled.send(__name__, user=user, course=course, enrolment=enrolment)
    except IntegrityError:  # a parallel request enrolled the same user first
        enrolment = Enrolment.objects.get(user=user, course_key=course.translation_key)
    return enrolment


def unenrol(*, user, course: CoursePage) -> bool:
    """Remove the enrolment; progress is kept in case the learner comes back."""
    deleted, _rows = Enrolment.objects.filter(user=user, course_key=course.translation_key).delete()
    return bool(deleted)


@dataclass
class BulkEnrolmentResult:
    enrolled: list[str] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    invalid: list[str] = field(default_factory=list)


def enrol_by_email(
    *, emails: Iterable[str], course: CoursePage, by, source=Enrolment.Source.TEACHER
) -> BulkEnrolmentResult:
    """Enrol the accounts with these e-mail addresses; report the ones that are not accounts."""
    result = BulkEnrolmentResult()
    cleaned: dict[str, str] = {}
    for raw in emails:
        email = raw.strip().strip('"').strip()
        if not email:
            continue
        try:
            validate_email(email)
        except ValidationError:
            result.invalid.append(email)
            continue
        cleaned.setdefault(email.lower(), email)
    users = {
        user.email_lower: user
        for user in get_user_model()
        .objects.annotate(email_lower=Lower("email"))
        .filter(email_lower__in=list(cleaned))
    }
    existing = {
        email.lower()
        for email in Enrolment.objects.filter(
            course_key=course.translation_key, user__in=list(users.values())
        ).values_list("user__email", flat=True)
    }
    with transaction.atomic():
        for key, email in cleaned.items():
            user = users.get(key)
            if user is None:
                result.unknown.append(email)
            elif key in existing:
                result.already.append(email)
            else:
                enrol(user=user, course=course, source=source, by=by)
                result.enrolled.append(email)
    return result


def ensure_roles() -> None:
    """The Teachers and Course reviewers groups and the Course review workflow (idempotent)."""
    teachers, _created = Group.objects.get_or_create(name=TEACHERS_GROUP)
    reviewers, _created = Group.objects.get_or_create(name=REVIEWERS_GROUP)
    admin_access = Permission.objects.filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    for group in (teachers, reviewers):
        group.permissions.add(*admin_access)
    root_collection = Collection.get_first_root_node()
    if root_collection is not None:
        for codename in ("add_image", "choose_image", "add_document", "choose_document"):
            permission = Permission.objects.filter(codename=codename).first()
            if permission is not None:
                GroupCollectionPermission.objects.get_or_create(
                    group=teachers, collection=root_collection, permission=permission
                )
    workflow, _created = Workflow.objects.get_or_create(name=REVIEW_WORKFLOW)
    if not workflow.workflow_tasks.exists():
        task = GroupApprovalTask.objects.create(name=_("Reviewer approval"))
        task.groups.set([reviewers])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)


def catalogue_use_review_workflow(catalogue: CatalogueIndexPage) -> None:
    """Courses under this catalogue are submitted for review before publication."""
    ensure_roles()
    workflow = Workflow.objects.get(name=REVIEW_WORKFLOW)
    WorkflowPage.objects.update_or_create(page=catalogue, defaults={"workflow": workflow})
    teachers = Group.objects.get(name=TEACHERS_GROUP)
    # Teachers may create courses here and edit the ones they own, not others' courses.
    GroupPagePermission.objects.get_or_create(
        group=teachers,
        page=catalogue,
        permission=Permission.objects.get(
            content_type__app_label="wagtailcore", codename="add_page"
        ),
    )


def course_ensure_editors_group(*, course: CoursePage, owners: Iterable = ()) -> Group:
    """The course's own editors group, with add/change permission on this course only.

    One group serves every translation of the course: each language version's page gets the
    same permissions. ``owners`` are added to the group (and to Teachers).
    """
    group = None
    if course.editors_group_id:
        group = course.editors_group
    else:
        sibling = (
            CoursePage.objects.filter(
                translation_key=course.translation_key, editors_group__isnull=False
            )
            .exclude(pk=course.pk)
            .select_related("editors_group")
            .first()
        )
        group = sibling.editors_group if sibling else None
    if group is None:
        group, _created = Group.objects.get_or_create(name=f"Course editors: {course.title}"[:150])
    if course.editors_group_id != group.pk:
        CoursePage.objects.filter(pk=course.pk).update(editors_group=group)
        course.editors_group = group
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    for codename in EDITOR_PAGE_PERMISSIONS:
        GroupPagePermission.objects.get_or_create(
            group=group,
            page=Page.objects.get(pk=course.pk),
            permission=Permission.objects.get(
                content_type__app_label="wagtailcore", codename=codename
            ),
        )
    teachers = Group.objects.filter(name=TEACHERS_GROUP).first()
    for owner in owners:
        owner.groups.add(group)
        if teachers is not None:
            owner.groups.add(teachers)
    return group


def reevaluate_completion(*, course: CoursePage) -> int:
    """Recount every learner's summary of ``course`` by its current completion rule.

    Run after a teacher publishes a change to the course's activities. Completions already
    earned stay (a certificate is never taken back by an edit); learners who now meet the
    rule complete the course. Returns how many summaries were recounted.
    """
    syllabus = course_syllabus(course)
    if not syllabus.activities:
        return 0
    first = Page.objects.get(pk=syllabus.activities[0].pk).specific
    activity = first.activity_ref(syllabus)
    pending = incomplete_summaries(course_key=course.translation_key)
    count = 0
    for summary in pending.iterator(chunk_size=500):
        refresh_course_totals(user=summary.user, activity=activity)
        count += 1
    return count
