"""Reads for catalogue, course and lesson pages. Each function states its query cost."""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from uuid import UUID

from django.contrib.contenttypes.models import ContentType
from django.db.models import IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from wagtail.images import get_image_model
from wagtail.models import Page, ReferenceIndex

from competences.selectors import competence_areas
from core.caching import cached_content, prefetch
from core.localized import localized_page
from progress import selectors as progress_selectors
from progress.models import DONE_STATUSES

from .models import (
    ActivityPage,
    CatalogueIndexPage,
    CoursePage,
    Enrolment,
    EnrolmentMode,
    Level,
    ModulePage,
)
from .syllabus import ACTIVITY, COURSE, Activity, Module, Syllabus, html_cache_key, syllabus_html
from .syllabus import render as render_syllabus

COVER_RENDITION = "fill-480x270|format-webp"
DURATION_BUCKETS = {
    "short": (0, 30),
    "medium": (31, 120),
    "long": (121, None),
}
SORTS = {"newest": "-first_published_at", "title": "title"}


def activity_models() -> list[type[ActivityPage]]:
    """Every concrete activity page type (lessons, and quizzes and H5P when they exist)."""
    found, stack = [], list(ActivityPage.__subclasses__())
    while stack:
        model = stack.pop()
        stack.extend(model.__subclasses__())
        if not model._meta.abstract:
            found.append(model)
    return found


def course_syllabus(course: Page) -> Syllabus:
    """Published modules and activities of a course in tree order, with its completion rule
    (cached, compact: see ``courses.syllabus``; two queries to build)."""
    return cached_content(
        syllabus_cache_key(course.pk), lambda: _build_syllabus(course), local=True
    )


def syllabus_cache_key(course_id: int) -> str:
    return f"syllabus:{course_id}"


def _build_syllabus(course: Page) -> Syllabus:
    module_type = ContentType.objects.get_for_model(ModulePage)
    activity_types = ContentType.objects.get_for_models(*activity_models()).values()
    labels = {ct.pk: f"{ct.app_label}.{ct.model}" for ct in activity_types}
    accepts = CoursePage.objects.filter(pk=course.pk).values("accept_self_reported_scores")
    rows = (
        Page.objects.live()
        .descendant_of(course)
        .filter(content_type__in=[module_type, *activity_types])
        .annotate(course_accepts_self_reported=Subquery(accepts[:1]))
        .order_by("path")
        .values_list(
            "pk",
            "translation_key",
            "title",
            "url_path",
            "path",
            "content_type_id",
            "course_accepts_self_reported",
        )
    )
    prefix = len(course.url_path)
    items: list = []
    activities: list[Activity] = []
    module: list | None = None  # [pk, title, path, activities] of the open module
    accept_self_reported = False
    for pk, key, title, url_path, path, type_id, accepts_self_reported in rows:
        accept_self_reported = bool(accepts_self_reported)
        if type_id == module_type.pk:
            module = [pk, title, path, []]
            items.append(module)
            continue
        inside = module is not None and path.startswith(module[2])
        if not inside:
            module = None
        activity = Activity(
            pk=pk,
            translation_key=key,
            title=title,
            path=url_path[prefix:],
            model=labels[type_id],
            module_id=module[0] if inside else None,
        )
        activities.append(activity)
        (module[3] if inside else items).append(activity)
    required, min_scores = _completion_rule([activity.pk for activity in activities])
    return Syllabus(
        items=tuple(
            Module(pk=item[0], title=item[1], activities=tuple(item[3]))
            if isinstance(item, list)
            else item
            for item in items
        ),
        activities=tuple(activities),
        required_keys=required,
        min_scores=min_scores,
        # the course's setting, read in the same query as its pages
        accept_self_reported=accept_self_reported and bool(activities),
    )


def _completion_rule(ids: list[int]) -> tuple[frozenset[UUID], dict[UUID, Decimal]]:
    """Which activities complete the course, and with what score (one query)."""
    if not ids:
        return frozenset(), {}
    fields = ("translation_key", "required_for_completion", "completion_min_score")
    queries = [
        model.objects.filter(pk__in=ids).order_by().values_list(*fields)
        for model in activity_models()
    ]
    rows = list(queries[0].union(*queries[1:], all=True)) if len(queries) > 1 else list(queries[0])
    required = frozenset(key for key, is_required, _min in rows if is_required)
    if not required:
        required = frozenset(key for key, _req, _min in rows)
    min_scores = {key: Decimal(minimum) / 100 for key, _req, minimum in rows if minimum is not None}
    return required, min_scores


def _learner_statuses(*, user, course: Page) -> dict:
    return progress_selectors.activity_statuses(user=user, course_key=course.translation_key)


def _status_pairs(statuses: dict) -> list[tuple[UUID, str]]:
    return [(key, row.status) for key, row in statuses.items()]


def prefetch_page_entries(*, page: Page, course: Page, request, kind: str) -> str:
    """Read every cached entry a course or activity page needs in one round trip; returns the
    course's URL (no query: the site's root paths come with the route)."""
    course_url = course.get_url(request)
    keys = [
        syllabus_cache_key(course.pk),
        html_cache_key(course.pk, course_url, kind),
        f"translations:{page.pk}",
        catalogue_cache_key(),
    ]
    if kind == COURSE:
        keys.append(f"course-extras:{course.pk}")
    prefetch(keys)
    return course_url


@dataclass
class Access:
    """Whether a user may open a course's activities, and why."""

    allowed: bool
    reason: str  # preview, enrolled, editor, anonymous, not_enrolled
    status: int = 200
    enrolled: bool = False

    @property
    def is_learner(self) -> bool:
        return self.enrolled


def is_enrolled(*, user, course: CoursePage) -> bool:
    if not user.is_authenticated:
        return False
    return Enrolment.objects.filter(user=user, course_key=course.translation_key).exists()


def can_edit_course(*, user, course: CoursePage) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return course.permissions_for_user(user).can_edit()


def activity_access(*, user, course: CoursePage, request=None) -> Access:
    """One query for an enrolled learner; editors' page permissions only when not enrolled."""
    if request is not None and getattr(request, "is_preview", False):
        return Access(allowed=True, reason="preview")
    if not user.is_authenticated:
        return Access(allowed=False, reason="anonymous", status=302)
    if is_enrolled(user=user, course=course):
        return Access(allowed=True, reason="enrolled", enrolled=True)
    if can_edit_course(user=user, course=course):
        return Access(allowed=True, reason="editor")
    return Access(allowed=False, reason="not_enrolled", status=403)


def lesson_context(*, activity: ActivityPage, course: CoursePage, request, access: Access) -> dict:
    course_url = prefetch_page_entries(page=activity, course=course, request=request, kind=ACTIVITY)
    syllabus = course_syllabus(course)
    statuses = _learner_statuses(user=request.user, course=course) if access.enrolled else {}
    current = statuses.get(activity.translation_key)
    previous, following = syllabus.neighbours(activity)
    fragment = syllabus_html(
        syllabus=syllabus, course_id=course.pk, course_url=course_url, kind=ACTIVITY
    )
    return {
        "course": course,
        "course_url": course_url,
        "syllabus": syllabus,
        "syllabus_html": mark_safe(  # noqa: S308 - rendered by our template, escaped there
            render_syllabus(
                fragment,
                course_url=course_url,
                statuses=_status_pairs(statuses),
                current=syllabus.find(activity.pk),
            )
        ),
        "previous_activity": previous,
        "next_activity": following,
        "access": access,
        "activity_progress": current,
        "is_done": bool(current and current.status in DONE_STATUSES),
        "activity_ref": activity.activity_ref(syllabus),
    }


@dataclass
class CourseExtras:
    prerequisites: list[CoursePage]
    competences: list


def course_extras(course: CoursePage) -> CourseExtras:
    """A course's prerequisites and DigComp competences (cached; two queries to build)."""

    def build():
        return CourseExtras(
            prerequisites=list(course.prerequisites.live().select_related("locale")),
            competences=list(course.competences.select_related("area")),
        )

    return cached_content(f"course-extras:{course.pk}", build)


def missing_prerequisites(*, user, course: CoursePage) -> list[CoursePage]:
    """Prerequisite courses the user has not completed (in any language of them)."""
    prerequisites = course_extras(course).prerequisites
    if not prerequisites:
        return []
    completed = set()
    if user.is_authenticated:
        summaries = progress_selectors.course_summaries(
            user=user, course_keys=[c.translation_key for c in prerequisites]
        )
        completed = {key for key, s in summaries.items() if s.completed_at is not None}
    return [c for c in prerequisites if c.translation_key not in completed]


def course_context(*, course: CoursePage, request) -> dict:
    user = request.user
    course_url = prefetch_page_entries(page=course, course=course, request=request, kind=COURSE)
    syllabus = course_syllabus(course)
    enrolled = is_enrolled(user=user, course=course)
    summary = None
    resume = None
    statuses = {}
    if enrolled:
        statuses = _learner_statuses(user=user, course=course)
        summary = progress_selectors.course_summary(user=user, course_key=course.translation_key)
        resume = _resume_target(syllabus, summary, statuses)
    fragment = syllabus_html(
        syllabus=syllabus, course_id=course.pk, course_url=course_url, kind=COURSE
    )
    extras = course_extras(course)
    return {
        "course_url": course_url,
        "syllabus": syllabus,
        "syllabus_html": mark_safe(  # noqa: S308 - rendered by our template, escaped there
            render_syllabus(fragment, course_url=course_url, statuses=_status_pairs(statuses))
        ),
        "enrolled": enrolled,
        "summary": summary,
        "resume": resume,
        "missing_prerequisites": missing_prerequisites(user=user, course=course),
        "can_self_enrol": course.enrolment_mode == EnrolmentMode.OPEN,
        "competences": extras.competences,
    }


def _resume_target(syllabus: Syllabus, summary, statuses: dict) -> Activity | None:
    """The last activity visited, else the first not finished, else the first."""
    if not syllabus.activities:
        return None
    if summary is not None and summary.last_activity_key is not None:
        for activity in syllabus.activities:
            if activity.translation_key == summary.last_activity_key:
                return activity
    for activity in syllabus.activities:
        row = statuses.get(activity.translation_key)
        if row is None or row.status not in DONE_STATUSES:
            return activity
    return syllabus.activities[0]


def catalogue_context(*, catalogue, request) -> dict:
    """Published courses of this catalogue, filtered and sorted as the query string asks."""
    params = request.GET
    courses = CoursePage.objects.live().child_of(catalogue).select_related("locale")
    level = params.get("level", "")
    if level in Level.values:
        courses = courses.filter(level=level)
    else:
        level = ""
    duration = params.get("duration", "")
    if duration in DURATION_BUCKETS:
        low, high = DURATION_BUCKETS[duration]
        courses = courses.filter(estimated_minutes__gte=low)
        if high is not None:
            courses = courses.filter(estimated_minutes__lte=high)
    else:
        duration = ""
    area = params.get("area", "")
    if area.isdigit():
        courses = courses.filter(competences__area__number=int(area)).distinct()
    else:
        area = ""
    sort = params.get("sort", "newest")
    if sort not in SORTS:
        sort = "newest"
    images = get_image_model().objects.prefetch_renditions(COVER_RENDITION)
    courses = list(
        courses.order_by(SORTS[sort], "pk").prefetch_related(Prefetch("cover_image", images))
    )
    summaries = progress_selectors.course_summaries(
        user=request.user, course_keys=[c.translation_key for c in courses]
    )
    for course in courses:
        course.learner_summary = summaries.get(course.translation_key)
    return {
        "courses": courses,
        "levels": Level.choices,
        "areas": cached_content("competence-areas", competence_areas),
        "durations": DURATION_BUCKETS,
        "filters": {"level": level, "duration": duration, "area": area, "sort": sort},
    }


def continue_target(*, user) -> Page | None:
    """The activity the learner should continue with, in the reader's language (two queries)."""
    summary = progress_selectors.latest_summary(user=user)
    if summary is None or summary.last_activity_key is None:
        return None
    return localized_page(summary.last_activity_key)


HOME_COURSES = 12


def home_context(*, request) -> dict:
    """The home page's courses (the active language's catalogue, in its order, with the
    learner's progress), where a newcomer should start, the DigComp areas, and whether the
    learner has started (or enrolled in) anything yet (five queries, the areas cached)."""
    user = request.user
    courses = list(
        CoursePage.objects.live()
        .filter(locale__language_code=get_language())
        .select_related("locale")
        .order_by("path")[:HOME_COURSES]
    )
    summaries = progress_selectors.all_summaries(user=user) if user.is_authenticated else {}
    for course in courses:
        course.learner_summary = summaries.get(course.translation_key)
    unfinished = [
        course
        for course in courses
        if course.enrolment_mode == EnrolmentMode.OPEN
        and not (course.learner_summary and course.learner_summary.completed_at)
    ]
    beginner = [course for course in unfinished if course.level == Level.BEGINNER]
    return {
        "home_courses": courses,
        "start_here": (beginner or unfinished or [None])[0],
        "areas": cached_content("competence-areas", competence_areas),
        "has_started": bool(summaries)
        or (user.is_authenticated and Enrolment.objects.filter(user=user).exists()),
        "continue_activity": continue_target(user=user) if summaries else None,
    }


def catalogue_cache_key() -> str:
    return f"catalogue-url:{get_language()}"


def catalogue_url(request) -> str | None:
    """URL of the active language's course catalogue (cached per content version)."""
    language = get_language()

    def build() -> str:
        catalogue = (
            CatalogueIndexPage.objects.live()
            .filter(locale__language_code=language)
            .select_related("locale")
            .first()
        )
        return catalogue.get_url(request) if catalogue else ""

    return cached_content(catalogue_cache_key(), build) or None


def media_restricted_to(obj) -> list[CoursePage]:
    """Invitation-only courses whose lessons alone use ``obj`` (an image or a document).

    Empty when ``obj`` is free to serve: unused, or used by any page outside the lessons of
    invitation-only courses (a course cover, a lesson of an open course, the home page).
    Cached until content changes; built from Wagtail's reference index.
    """

    def build() -> list[CoursePage]:
        courses = {}
        references = ReferenceIndex.get_references_to(obj).group_by_source_object()
        for source, _refs in references:
            if not isinstance(source, Page):
                continue
            page = source.specific
            if not isinstance(page, ActivityPage):
                return []
            course = page.course
            if course is None or course.enrolment_mode != EnrolmentMode.INVITATION:
                return []
            courses[course.pk] = course
        return list(courses.values())

    key = f"media-courses:{obj._meta.label_lower}:{obj.pk}"
    return cached_content(key, build)


# --------------------------------------------------------------------------- a learner's courses


def enrolments_of(*, user) -> list[Enrolment]:
    """The learner's enrolments, newest first (one query)."""
    return list(Enrolment.objects.filter(user=user).order_by("-enrolled_at", "-pk"))


def courses_with_first_activity(keys: Iterable[UUID]) -> list[CoursePage]:
    """Live course pages of every language for these translation keys, each annotated with
    ``first_activity_id``, its first published activity in tree order (one query)."""
    keys = set(keys)
    if not keys:
        return []
    activity_types = ContentType.objects.get_for_models(*activity_models()).values()
    first_activity = (
        Page.objects.live()
        .filter(
            content_type__in=[ct.pk for ct in activity_types],
            path__startswith=OuterRef("path"),
            depth__gt=OuterRef("depth"),
        )
        .order_by("path")
        .values("pk")[:1]
    )
    return list(
        CoursePage.objects.live()
        .filter(translation_key__in=keys)
        .select_related("locale")
        .annotate(first_activity_id=Subquery(first_activity, output_field=IntegerField()))
        .order_by("pk")
    )


def live_pages(*, keys: Iterable[UUID] = (), ids: Iterable[int] = ()) -> list[Page]:
    """Live pages (activities, usually) of every language with these translation keys or
    these ids, with their locales (one query)."""
    return list(
        Page.objects.live()
        .filter(Q(translation_key__in=set(keys)) | Q(pk__in=set(ids)))
        .select_related("locale")
        .order_by("pk")
    )


def outer_enrolment() -> QuerySet[Enrolment]:
    """A subquery for statistics: the enrolment of the outer row's ``user`` in its
    ``course_key`` (wrap in ``Exists`` for "enrolled learners only")."""
    return Enrolment.objects.filter(user=OuterRef("user"), course_key=OuterRef("course_key"))


def enrolment_in(course_key: UUID) -> QuerySet[Enrolment]:
    """A subquery for statistics: the enrolment of the outer row's ``user`` in the course
    ``course_key`` (for rows that do not carry their course's key)."""
    return Enrolment.objects.filter(user=OuterRef("user"), course_key=course_key)


def enrolment_rows(*, course_keys) -> QuerySet[Enrolment]:
    """Enrolments of ``course_keys`` with their learners (one query when read)."""
    return Enrolment.objects.filter(course_key__in=list(course_keys)).select_related("user")
