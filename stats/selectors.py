"""Completion statistics: who may see which courses, the overview, the funnel, the learner table.

The tables are read through the selectors of the apps that own them (courses, progress,
quizzes, certificates). Query budgets (asserted by tests/stats): ``statistics_scope`` 1–2
queries, ``course_titles`` 1, ``course_overview`` 6 whatever the number of courses and
learners, ``course_funnel`` 1 (plus the cached syllabus), ``learner_rows`` 1 per page (and the
view's 1 for the groups of that page). Only enrolled learners count: an editor who opens a
course's pages without enrolling leaves progress rows that are not statistics.
"""

import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from uuid import UUID

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import (
    Aggregate,
    Avg,
    Case,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, ReferenceIndex

from certificates import selectors as certificate_selectors
from content.models import H5PPackage
from courses import selectors as course_selectors
from courses.models import CoursePage, Enrolment, LessonPage
from progress import selectors as progress_selectors
from progress.models import DONE_STATUSES, Status
from quizzes import selectors as quiz_selectors

STATS_VIEWERS_GROUP = "Statistics viewers"


class LearnerStatus:
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CHOICES = [
        (NOT_STARTED, _("Not started")),
        (IN_PROGRESS, _("In progress")),
        (COMPLETED, _("Completed")),
    ]


# --- Who sees what ----------------------------------------------------------------------------


def sees_all_courses(user) -> bool:
    """Superusers and the Statistics viewers group see every course (one query at most)."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or user.groups.filter(name=STATS_VIEWERS_GROUP).exists()


def statistics_scope(user) -> frozenset[UUID]:
    """Translation keys of the courses whose statistics ``user`` may see: every course for
    those who see all, else the courses whose editors group the user is in (a teacher)."""
    if not (user.is_authenticated and user.is_active):
        return frozenset()
    courses = CoursePage.objects.all()
    if not sees_all_courses(user):
        courses = courses.filter(editors_group__in=user.groups.all())
    return frozenset(courses.values_list("translation_key", flat=True))


def can_view_statistics(user) -> bool:
    return sees_all_courses(user) or bool(statistics_scope(user))


def course_titles(keys) -> dict[UUID, str]:
    """Course titles by translation key, in the active language where a translation exists,
    else the site's default language, else any (one query), sorted by title."""
    preference = {get_language(): 0, settings.LANGUAGE_CODE: 1}
    rows = CoursePage.objects.filter(translation_key__in=keys).values_list(
        "translation_key", "title", "locale__language_code"
    )
    best: dict[UUID, tuple[int, str]] = {}
    for key, title, language in rows:
        rank = preference.get(language, 2)
        if key not in best or rank < best[key][0]:
            best[key] = (rank, title)
    return dict(sorted(((key, title) for key, (_r, title) in best.items()), key=lambda i: i[1]))


# --- Overview ---------------------------------------------------------------------------------


class Median(Aggregate):
    """PostgreSQL's ``percentile_cont(0.5)`` of an interval."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


@dataclass
class CourseFigures:
    """The overview figures of one course, or of all (``course_key`` None)."""

    course_key: UUID | None
    title: str
    enrolled: int = 0
    started: int = 0
    completed: int = 0
    active_7_days: int = 0
    active_30_days: int = 0
    median_time_to_complete: timedelta | None = None
    quiz_average: Decimal | None = None  # 0–1, over learners' graded quiz results
    quiz_passed: int = 0
    quiz_failed: int = 0
    certificates: int = 0
    quiz_scored: int = 0  # how many results the average is over

    @property
    def completion_rate(self) -> float | None:
        return self.completed / self.enrolled if self.enrolled else None

    @property
    def quiz_pass_rate(self) -> float | None:
        graded = self.quiz_passed + self.quiz_failed
        return self.quiz_passed / graded if graded else None


def _enrolled_summaries(keys) -> QuerySet:
    enrolled_at = course_selectors.outer_enrolment().values("enrolled_at")[:1]
    return progress_selectors.course_summary_rows(
        course_keys=keys, learners=Exists(course_selectors.outer_enrolment())
    ).annotate(
        time_to_complete=ExpressionWrapper(
            F("completed_at") - Subquery(enrolled_at), output_field=DurationField()
        )
    )


def _summary_figures(summaries: QuerySet, now) -> dict:
    figures = {
        "started": Count("pk"),
        "completed": Count("pk", filter=Q(completed_at__isnull=False)),
        "active_7_days": Count("user", filter=Q(last_activity_at__gte=now - timedelta(days=7))),
        "active_30_days": Count("user", filter=Q(last_activity_at__gte=now - timedelta(days=30))),
    }
    if connection.vendor == "postgresql":
        figures["median_time_to_complete"] = Median(
            "time_to_complete", filter=Q(completed_at__isnull=False)
        )
    return figures


def _python_median(summaries: QuerySet) -> timedelta | None:
    """The median on databases without ``percentile_cont`` (SQLite): one more query."""
    times = list(
        summaries.filter(completed_at__isnull=False).values_list("time_to_complete", flat=True)
    )
    return statistics.median(sorted(times)) if times else None


def course_overview(*, keys, now=None) -> tuple[list[CourseFigures], CourseFigures]:
    """Figures per course (in ``course_titles`` order) and in total, for the courses ``keys``.

    Six queries: the titles, enrolments, course summaries by course, the same in total
    (a learner active in several courses counts once), graded quiz results, certificates in
    force. Without PostgreSQL's ``percentile_cont`` (SQLite) the medians take one more query
    per course and one in total.
    """
    now = now or timezone.now()
    keys = list(keys)
    titles = course_titles(keys)
    rows = {key: CourseFigures(course_key=key, title=title) for key, title in titles.items()}
    total = CourseFigures(course_key=None, title=str(_("All courses")))
    if not rows:
        return [], total
    keys = list(rows)

    enrolments = course_selectors.enrolment_rows(course_keys=keys).values("course_key")
    for item in enrolments.annotate(n=Count("pk")).order_by():
        rows[item["course_key"]].enrolled = item["n"]

    summaries = _enrolled_summaries(keys)
    figures = _summary_figures(summaries, now)
    for item in summaries.values("course_key").annotate(**figures).order_by():
        row = rows[item["course_key"]]
        for name in figures:
            setattr(row, name, item[name])
    distinct = {
        name: Count("user", distinct=True, filter=figures[name].filter)
        for name in ("active_7_days", "active_30_days")
    }
    totals = summaries.aggregate(**{**figures, **distinct})
    for name in figures:
        setattr(total, name, totals[name])
    if connection.vendor != "postgresql":
        for row in rows.values():
            row.median_time_to_complete = _python_median(
                summaries.filter(course_key=row.course_key)
            )
        total.median_time_to_complete = _python_median(summaries)

    learners = Exists(course_selectors.outer_enrolment())
    results = (
        progress_selectors.activity_rows(course_keys=keys, learners=learners)
        .filter(activity_key__in=quiz_selectors.quiz_keys(), score__isnull=False)
        .values("course_key")
        .annotate(
            quiz_scored=Count("pk"),
            quiz_average=Avg("score"),
            quiz_passed=Count("pk", filter=Q(status=Status.PASSED)),
            quiz_failed=Count("pk", filter=Q(status=Status.FAILED)),
        )
        .order_by()
    )
    score_sum = Decimal(0)
    for item in results:
        row = rows[item["course_key"]]
        for name in ("quiz_scored", "quiz_average", "quiz_passed", "quiz_failed"):
            setattr(row, name, item[name])
        score_sum += Decimal(item["quiz_average"]) * item["quiz_scored"]

    for key, issued in certificate_selectors.issued_counts(course_keys=keys).items():
        rows[key].certificates = issued

    for row in rows.values():
        total.enrolled += row.enrolled
        total.certificates += row.certificates
        total.quiz_scored += row.quiz_scored
        total.quiz_passed += row.quiz_passed
        total.quiz_failed += row.quiz_failed
    total.quiz_average = score_sum / total.quiz_scored if total.quiz_scored else None
    return list(rows.values()), total


# --- Funnel -----------------------------------------------------------------------------------


@dataclass
class FunnelStep:
    title: str
    activity_key: UUID
    reached: int
    completed: int
    model: type | None = None  # the activity's page type (lesson, quiz, H5P exercise …)
    average_seconds: float | None = None  # mean time spent by those who reached it


def course_funnel(*, course: CoursePage) -> list[FunnelStep]:
    """Per published activity in syllabus order: enrolled learners who opened it (any progress
    row), who completed it, and the mean time they spent on it (one query, plus the cached
    syllabus)."""
    syllabus = course_selectors.course_syllabus(course)
    learners = Exists(course_selectors.outer_enrolment())
    rows = (
        progress_selectors.activity_rows(course_keys=[course.translation_key], learners=learners)
        .values("activity_key")
        .annotate(
            reached=Count("pk"),
            completed=Count("pk", filter=Q(status__in=DONE_STATUSES)),
            average_seconds=Avg("time_spent"),
        )
        .order_by()
    )
    counts = {row["activity_key"]: row for row in rows}
    steps = []
    for page in syllabus.activities:
        row = counts.get(page.translation_key, {})
        steps.append(
            FunnelStep(
                title=page.title,
                activity_key=page.translation_key,
                reached=row.get("reached", 0),
                completed=row.get("completed", 0),
                model=page.specific_class,
                average_seconds=row.get("average_seconds"),
            )
        )
    return steps


# --- Quizzes and exercises --------------------------------------------------------------------


@dataclass
class ActivityRow:
    title: str
    activity_key: UUID
    course_key: UUID
    model: type
    position: str  # the page's tree path: syllabus order within its course


def scored_activities(*, keys, models) -> list[ActivityRow]:
    """The pages of ``models`` (quizzes, H5P exercises) in the courses ``keys``, one per
    translation key (in the active language where it exists); one query for the courses and
    one per model."""
    courses = list(
        CoursePage.objects.filter(translation_key__in=keys).values_list("path", "translation_key")
    )
    if not courses:
        return []
    inside = Q()
    for path, _key in courses:
        inside |= Q(path__startswith=path)
    language = get_language()
    best: dict[UUID, tuple[bool, ActivityRow]] = {}
    for model in models:
        pages = model.objects.filter(inside).values_list(
            "title", "translation_key", "path", "locale__language_code"
        )
        for title, key, path, page_language in pages:
            course_key = next(k for p, k in courses if path.startswith(p))
            row = ActivityRow(title, key, course_key, model, path)
            preferred = page_language == language
            if key not in best or (preferred and not best[key][0]):
                best[key] = (preferred, row)
    return [row for _preferred, row in best.values()]


@dataclass
class EmbeddedExercise:
    """An H5P package embedded in a lesson's body."""

    title: str  # the package's
    lesson_title: str
    activity_key: UUID  # the lesson's
    package_id: int
    course_key: UUID
    position: str


def embedded_exercises(*, keys) -> list[EmbeddedExercise]:
    """The H5P packages embedded in the lessons (any language version) of the courses
    ``keys``, found through Wagtail's reference index, with the lesson's title in the active
    language where it exists. Five queries."""
    lessons = {row.activity_key: row for row in scored_activities(keys=keys, models=[LessonPage])}
    if not lessons:
        return []
    pages = dict(  # every language version: each may embed its own package
        LessonPage.objects.filter(translation_key__in=list(lessons)).values_list(
            "pk", "translation_key"
        )
    )
    references = ReferenceIndex.objects.filter(
        base_content_type=ContentType.objects.get_for_model(Page),
        object_id__in=[str(pk) for pk in pages],
        to_content_type=ContentType.objects.get_for_model(H5PPackage),
    ).values_list("object_id", "to_object_id")
    found = {(pages[int(page_id)], int(package_id)) for page_id, package_id in references}
    titles = dict(
        H5PPackage.objects.filter(pk__in={package for _key, package in found}).values_list(
            "pk", "title"
        )
    )
    exercises = []
    for lesson_key, package_id in found:
        lesson = lessons[lesson_key]
        exercises.append(
            EmbeddedExercise(
                title=titles.get(package_id, ""),
                lesson_title=lesson.title,
                activity_key=lesson_key,
                package_id=package_id,
                course_key=lesson.course_key,
                position=lesson.position,
            )
        )
    exercises.sort(key=lambda row: (row.position, row.package_id))
    return exercises


# --- Learner table ----------------------------------------------------------------------------


def learner_rows(*, keys) -> QuerySet[Enrolment]:
    """Enrolments of the courses ``keys`` with each learner's figures as annotations:
    ``progress_percent``, ``completed_at``, ``last_activity_at``, ``status`` (a
    ``LearnerStatus``), ``best_quiz_score`` (0–1, their best finished attempt) and
    ``time_spent`` (seconds in the course's activities, None before any)."""
    progress = progress_selectors.outer_summary()
    return (
        course_selectors.enrolment_rows(course_keys=keys)
        .annotate(
            progress_percent=Coalesce(
                Subquery(progress.values("percent_complete")[:1]),
                Value(0),
                output_field=IntegerField(),
            ),
            completed_at=Subquery(progress.values("completed_at")[:1]),
            last_activity_at=Subquery(progress.values("last_activity_at")[:1]),
            summary_id=Subquery(progress.values("pk")[:1]),  # an index lookup, unlike Exists
            best_quiz_score=Subquery(quiz_selectors.best_finished_score()),
            time_spent=Subquery(progress_selectors.outer_time_spent()),
        )
        .annotate(
            status=Case(
                When(completed_at__isnull=False, then=Value(LearnerStatus.COMPLETED)),
                When(summary_id__isnull=False, then=Value(LearnerStatus.IN_PROGRESS)),
                default=Value(LearnerStatus.NOT_STARTED),
            )
        )
    )


RECENT_ATTEMPTS = 20


def recent_attempts(*, quiz_key: UUID, limit: int = RECENT_ATTEMPTS) -> list:
    """The latest finished attempts of enrolled learners at a quiz, with their learner (one
    query), for links to their reviews."""
    attempts = quiz_selectors.finished_attempt_rows(
        quiz_key=quiz_key, learners=Exists(course_selectors.outer_enrolment())
    )
    return list(attempts.select_related("user").order_by("-submitted_at", "-pk")[:limit])


# --- Trend ------------------------------------------------------------------------------------

TREND_WEEKS = 26


@dataclass
class TrendWeek:
    start: date  # the week's first day (Saturday in Persian, Monday otherwise)
    enrolled: int = 0
    completed: int = 0


def first_weekday() -> int:
    """The first day of the week in the active language (``date.weekday()``: Saturday is 5)."""
    return 5 if get_language() == "fa" else 0


def weekly_trend(*, keys, weeks: int = TREND_WEEKS, today=None) -> list[TrendWeek]:
    """Enrolments and course completions (of enrolled learners) per week over the last
    ``weeks`` weeks, oldest first, empty weeks included (two queries, grouped by day)."""
    today = today or timezone.localdate()
    start_of_this_week = today - timedelta(days=(today.weekday() - first_weekday()) % 7)
    first = start_of_this_week - timedelta(weeks=weeks - 1)
    trend = [TrendWeek(start=first + timedelta(weeks=n)) for n in range(weeks)]
    since = timezone.make_aware(datetime.combine(first, time.min))
    keys = list(keys)
    enrolled = (
        course_selectors.enrolment_rows(course_keys=keys)
        .filter(enrolled_at__gte=since)
        .annotate(day=TruncDate("enrolled_at"))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    completed = (
        _enrolled_summaries(keys)
        .filter(completed_at__gte=since)
        .annotate(day=TruncDate("completed_at"))
        .values("day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for rows, name in ((enrolled, "enrolled"), (completed, "completed")):
        for row in rows:
            index = (row["day"] - first).days // 7
            if 0 <= index < weeks:
                setattr(trend[index], name, getattr(trend[index], name) + row["n"])
    return trend
