"""Everything the learner dashboard shows, read in a fixed number of queries.

The cost does not grow with the number of courses, activities or attempts: enrolments, recent
completions, quiz attempts, course summaries, course pages, activity pages, the competence
profile and certificates are each one query (plus the content types of activities, cached
by Django after the first request). Each is asked of the app that owns the data (its
``selectors``); this module only puts the answers together.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from django.urls import reverse

from certificates.selectors import certificates_for
from competences.selectors import AreaCoverage, competence_profile
from core.localized import pick_translations
from courses import selectors as course_selectors
from progress import selectors as progress_selectors
from quizzes.selectors import recent_attempts

from .templatetags.dashboard import digits

RECENT_LIMIT = 10


@dataclass
class CourseEntry:
    """An enrolled course with the learner's progress and where to go on."""

    title: str
    url: str | None
    enrolled_at: datetime
    percent: int = 0
    completed_at: datetime | None = None
    continue_url: str | None = None
    started: bool = False

    @property
    def is_completed(self) -> bool:
        return self.completed_at is not None


@dataclass
class ActivityEntry:
    title: str
    url: str | None
    course_title: str
    completed_at: datetime
    status: str
    score: Decimal | None


@dataclass
class QuizResult:
    attempt_id: int
    number: int
    title: str
    course_title: str
    submitted_at: datetime | None
    score: Decimal | None
    passed: bool | None
    finished: bool
    review_url: str


@dataclass
class Dashboard:
    courses: list[CourseEntry] = field(default_factory=list)
    recent_activities: list[ActivityEntry] = field(default_factory=list)
    quiz_results: list[QuizResult] = field(default_factory=list)
    certificates: list = field(default_factory=list)
    competences: list[AreaCoverage] = field(default_factory=list)
    completed_courses: int = 0

    @property
    def competence_chart(self) -> dict:
        """The competence profile as data for the chart script (``json_script``)."""
        return {
            "labels": [f"{digits(area.number)}. {area.name}" for area in self.competences],
            "covered": [area.covered for area in self.competences],
            "total": [area.total for area in self.competences],
        }


def learner_dashboard(*, user, request=None) -> Dashboard:
    """The dashboard of ``user``; titles and links in the active language where one exists."""
    enrolments = course_selectors.enrolments_of(user=user)
    recent = progress_selectors.recent_completions(user=user, limit=RECENT_LIMIT)
    attempts = recent_attempts(user=user, limit=RECENT_LIMIT)
    summaries = progress_selectors.all_summaries(user=user)

    course_keys = {e.course_key for e in enrolments}
    course_keys |= {row.course_key for row in recent} | {a.course_key for a in attempts}
    courses = pick_translations(course_selectors.courses_with_first_activity(course_keys))

    activity_keys = {row.activity_key for row in recent} | {a.quiz_key for a in attempts}
    activity_keys |= {s.last_activity_key for s in summaries.values() if s.last_activity_key}
    first_ids = {c.first_activity_id for c in courses.values() if c.first_activity_id}
    activity_rows = course_selectors.live_pages(keys=activity_keys, ids=first_ids)
    activities = pick_translations(activity_rows)
    by_pk = {page.pk: page for page in activity_rows}

    def url(page) -> str | None:
        return page.get_url(request) if page is not None else None

    def course_title(key: UUID) -> str:
        page = courses.get(key)
        return page.title if page is not None else ""

    completed_keys = [key for key, s in summaries.items() if s.completed_at is not None]
    dashboard = Dashboard(
        competences=competence_profile(completed_keys),
        completed_courses=len(completed_keys),
    )
    for enrolment in enrolments:
        page = courses.get(enrolment.course_key)
        if page is None:  # the course was unpublished or deleted
            continue
        summary = summaries.get(enrolment.course_key)
        last = activities.get(summary.last_activity_key) if summary else None
        target = last or by_pk.get(page.first_activity_id)
        dashboard.courses.append(
            CourseEntry(
                title=page.title,
                url=url(page),
                enrolled_at=enrolment.enrolled_at,
                percent=summary.percent_complete if summary else 0,
                completed_at=summary.completed_at if summary else None,
                continue_url=url(target),
                started=last is not None,
            )
        )
    for row in recent:
        page = activities.get(row.activity_key)
        if page is None:
            continue
        dashboard.recent_activities.append(
            ActivityEntry(
                title=page.title,
                url=url(page),
                course_title=course_title(row.course_key),
                completed_at=row.completed_at,
                status=row.status,
                score=row.score,
            )
        )
    for attempt in attempts:
        page = activities.get(attempt.quiz_key)
        finished = attempt.is_finished
        dashboard.quiz_results.append(
            QuizResult(
                attempt_id=attempt.pk,
                number=attempt.number,
                title=page.title if page is not None else "",
                course_title=course_title(attempt.course_key),
                submitted_at=attempt.submitted_at,
                score=attempt.score if finished else None,
                passed=attempt.passed if finished else None,
                finished=finished,
                review_url=reverse("quizzes:review", args=[attempt.pk]),
            )
        )
    dashboard.certificates = list(certificates_for(user))
    return dashboard
