"""One learner's statistics: their groups, and for each course of the viewer's scope they are
enrolled in, their progress and every published activity in syllabus order.

Query budget (asserted by tests/stats/test_learner_detail.py): 6 queries whatever the number
of activities (enrolments with the learner, course summaries, course pages, activity progress,
submitted quiz attempts, groups), plus the syllabus of each course, which is cached.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from uuid import UUID

from django.conf import settings
from django.db.models import Q
from django.utils.translation import get_language

from courses import selectors as course_selectors
from courses.models import CoursePage
from progress import selectors as progress_selectors
from progress.models import ScoreSource, Status
from quizzes import selectors as quiz_selectors

from .models import LearnerGroup
from .selectors import LearnerStatus


@dataclass
class ActivityLine:
    """The learner in one activity (a row of ``ActivityProgress``, or none yet)."""

    title: str
    activity_key: UUID
    model: type
    status: str = Status.NOT_STARTED
    score: Decimal | None = None  # 0–1
    score_source: str = ""  # a ``ScoreSource`` when there is a score
    attempts: int = 0
    time_spent: int = 0  # seconds
    first_seen_at: datetime | None = None
    last_seen_at: datetime | None = None
    completed_at: datetime | None = None
    quiz_attempts: list = field(default_factory=list)  # submitted attempts, by number


@dataclass
class CourseLines:
    """The learner in one course: the enrolment, its summary and the activities."""

    course_key: UUID
    title: str
    enrolled_at: datetime
    percent_complete: int = 0
    status: str = LearnerStatus.NOT_STARTED
    completed_at: datetime | None = None
    last_activity_at: datetime | None = None
    activities: list[ActivityLine] = field(default_factory=list)


@dataclass
class LearnerDetail:
    user: object
    groups: list[LearnerGroup]
    courses: list[CourseLines]


def _course_pages(keys) -> dict[UUID, CoursePage]:
    """One page per course key: live before not, then the active language, then the site's
    default language (one query)."""
    preference = {get_language(): 0, settings.LANGUAGE_CODE: 1}
    best: dict[UUID, tuple[tuple, CoursePage]] = {}
    for page in CoursePage.objects.filter(translation_key__in=list(keys)).select_related("locale"):
        rank = (not page.live, preference.get(page.locale.language_code, 2), page.pk)
        if page.translation_key not in best or rank < best[page.translation_key][0]:
            best[page.translation_key] = (rank, page)
    return {key: page for key, (_rank, page) in best.items()}


def _activity_line(page, progress, attempts) -> ActivityLine:
    line = ActivityLine(
        title=page.title,
        activity_key=page.translation_key,
        model=page.specific_class,
        quiz_attempts=attempts.get(page.translation_key, []),
    )
    if progress is not None:
        line.status = progress.status
        line.score = progress.score
        if progress.score is not None:  # as ``progress_selectors.score_sources`` counts them
            self_reported = progress.score_source == ScoreSource.SELF_REPORTED
            line.score_source = ScoreSource.SELF_REPORTED if self_reported else ScoreSource.SERVER
        line.attempts = progress.attempts
        line.time_spent = progress.time_spent
        line.first_seen_at = progress.first_seen_at
        line.last_seen_at = progress.last_seen_at
        line.completed_at = progress.completed_at
    return line


def learner_detail(*, user_id: int, keys) -> LearnerDetail | None:
    """The learner ``user_id`` in the courses ``keys`` (the viewer's scope) they are enrolled
    in, in course title order; None when they are enrolled in none of them."""
    enrolments = list(
        course_selectors.enrolment_rows(course_keys=keys).filter(user_id=user_id).order_by()
    )
    if not enrolments:
        return None
    user = enrolments[0].user
    course_keys = [enrolment.course_key for enrolment in enrolments]
    mine = Q(user_id=user_id)
    summaries = {
        row.course_key: row
        for row in progress_selectors.course_summary_rows(course_keys=course_keys, learners=mine)
    }
    progress = {
        row.activity_key: row
        for row in progress_selectors.activity_rows(course_keys=course_keys, learners=mine)
    }
    attempts: dict[UUID, list] = {}
    for attempt in quiz_selectors.submitted_attempts_of(user_id=user_id, course_keys=course_keys):
        attempts.setdefault(attempt.quiz_key, []).append(attempt)
    pages = _course_pages(course_keys)

    courses = []
    for enrolment in enrolments:
        page = pages.get(enrolment.course_key)
        if page is None:  # the course was deleted; its enrolments stay
            continue
        lines = CourseLines(
            course_key=enrolment.course_key, title=page.title, enrolled_at=enrolment.enrolled_at
        )
        summary = summaries.get(enrolment.course_key)
        if summary is not None:
            lines.percent_complete = summary.percent_complete
            lines.completed_at = summary.completed_at
            lines.last_activity_at = summary.last_activity_at
            lines.status = (
                LearnerStatus.COMPLETED if summary.completed_at else LearnerStatus.IN_PROGRESS
            )
        syllabus = course_selectors.course_syllabus(page)
        lines.activities = [
            _activity_line(activity, progress.get(activity.translation_key), attempts)
            for activity in syllabus.activities
        ]
        courses.append(lines)
    groups = list(LearnerGroup.objects.filter(members=user_id))
    return LearnerDetail(
        user=user,
        groups=groups,
        courses=sorted(courses, key=lambda c: (c.title, str(c.course_key))),
    )
