"""Synthetic statistics at scale: learners, courses, progress and quiz attempts, made in bulk.

For ``manage.py seed_scale`` and ``bench/stats.py``. The course pages are made once through
Wagtail (slow, a few queries a page); everything else goes in by batches: the progress rows
with ``COPY`` on PostgreSQL, the rest with ``bulk_create``. The data is deterministic for a
given seed (its dates counted back from now): each learner enrols in about a tenth of the
courses, goes through a prefix of each course's activities (some never start, about a third
finish), and the last activity of every course is a quiz whose finished attempts carry graded
responses (the stronger the learner, the likelier a right answer, so item analysis has
something to say).
"""

import random
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import connection, transaction
from django.utils import timezone

from courses.models import CatalogueIndexPage, CoursePage, Enrolment, LessonPage
from progress.models import ActivityProgress, CourseProgress, Status
from quizzes.models import Attempt, Choice, Question, QuestionCategory, QuizPage, QuizSlot, Response
from quizzes.specs import snapshot

PREFIX = "scale"
QUESTIONS = 4  # multiple-choice questions of each course's quiz
PASS_MARK = Decimal("0.5")


class SeedError(Exception):
    """The database cannot be seeded as asked (no catalogue, already seeded)."""


@dataclass
class SeedCounts:
    learners: int = 0
    courses: int = 0
    activities: int = 0  # activity pages in all
    enrolments: int = 0
    activity_progress: int = 0
    course_progress: int = 0
    attempts: int = 0
    responses: int = 0
    seconds: float = 0.0


@dataclass
class _Course:
    key: object
    activity_keys: list  # syllabus order; the last one is the quiz's
    quiz: QuizPage
    slots: list[tuple[Question, dict, list[int]]]  # question, snapshot, its choices' ids


@contextmanager
def _dates_as_given() -> Iterator[None]:
    """Let bulk_create keep the dates it is given for the ``auto_now_add`` fields."""
    fields = [
        Enrolment._meta.get_field("enrolled_at"),
        CourseProgress._meta.get_field("started_at"),
        Attempt._meta.get_field("started_at"),
    ]
    for field in fields:
        field.auto_now_add = False
    try:
        yield
    finally:
        for field in fields:
            field.auto_now_add = True


def seed_scale(
    *, learners: int, courses: int, activities: int, seed: int = 1, batch: int = 5000, log=None
) -> SeedCounts:
    """Add ``learners`` learners and ``courses`` published courses of ``activities`` activity
    pages (the last a quiz) with their enrolments, progress rows, summaries and attempts."""
    if learners < 1 or courses < 1 or activities < 2:
        raise SeedError("need at least 1 learner, 1 course and 2 activities")
    catalogue = CatalogueIndexPage.objects.filter(locale__language_code="fa").first()
    if catalogue is None:
        raise SeedError("no Persian catalogue: run `manage.py seed_demo` first")
    if CoursePage.objects.filter(slug__startswith=f"{PREFIX}-").exists():
        raise SeedError("the scale data is already there: use a fresh database")
    log = log or (lambda message: None)
    started = time.perf_counter()
    rng = random.Random(seed)
    counts = SeedCounts(courses=courses, activities=courses * activities)
    built = [_build_course(catalogue, number, activities, rng) for number in range(courses)]
    log(f"{courses} courses of {activities} activities: {time.perf_counter() - started:.1f} s")
    users = _create_learners(learners, batch)
    counts.learners = len(users)
    log(f"{learners} learners: {time.perf_counter() - started:.1f} s")
    per_learner = max(1, round(courses / 10))
    now = timezone.now()
    rows: dict[str, list] = {"enrol": [], "activity": [], "course": [], "attempt": []}
    with _dates_as_given():
        for index, user_id in enumerate(users):
            ability = rng.random()
            for course in rng.sample(built, per_learner):
                _learner_in_course(rows, user_id, course, ability, now, rng)
            if index % 1000 == 999 or index == len(users) - 1:
                _flush(rows, counts, batch, final=index == len(users) - 1)
    counts.seconds = round(time.perf_counter() - started, 2)
    return counts


def _build_course(catalogue, number: int, activities: int, rng) -> _Course:
    with transaction.atomic():
        course = CoursePage(
            title=f"دورهٔ آزمایشی {number + 1}",
            slug=f"{PREFIX}-{number + 1}",
            summary="دورهٔ ساختگی برای آزمودن گزارش‌ها در مقیاس بزرگ",
            locale=catalogue.locale,
        )
        catalogue.add_child(instance=course)
        keys = []
        for lesson_number in range(activities - 1):
            lesson = LessonPage(
                title=f"درس {lesson_number + 1}",
                slug=f"lesson-{lesson_number + 1}",
                locale=catalogue.locale,
            )
            course.add_child(instance=lesson)
            keys.append(lesson.translation_key)
        quiz = QuizPage(title="آزمون پایانی", slug="quiz", locale=catalogue.locale)
        course.add_child(instance=quiz)
        keys.append(quiz.translation_key)
        category = QuestionCategory.objects.create(course=course, name=f"{PREFIX}-{number + 1}")
        slots = []
        for position in range(QUESTIONS):
            question = Question.objects.create(
                category=category,
                type="multichoice",
                name=f"پرسش {position + 1}",
                text=f"<p>پرسش {position + 1}</p>",
            )
            Choice.objects.bulk_create(
                Choice(question=question, sort_order=n, text=f"گزینهٔ {n + 1}", fraction=fraction)
                for n, fraction in enumerate((Decimal(1), Decimal(0), Decimal(0)))
            )
            QuizSlot.objects.create(quiz=quiz, question=question, sort_order=position)
            spec = snapshot(question, rng=rng, shuffle=False)
            # answers name the snapshot's choices, the right one first
            ids = sorted(spec["spec"]["choices"], key=lambda c: -c["fraction"])
            slots.append((question, spec, [c["id"] for c in ids]))
    return _Course(key=course.translation_key, activity_keys=keys, quiz=quiz, slots=slots)


def _create_learners(learners: int, batch: int) -> list[int]:
    model = get_user_model()
    made = model.objects.bulk_create(
        (
            model(
                username=f"{PREFIX}-{n}",
                email=f"{PREFIX}-{n}@example.org",
                display_name=f"نوآموز {n}",
                password=UNUSABLE_PASSWORD_PREFIX,  # these accounts never sign in
            )
            for n in range(learners)
        ),
        batch_size=batch,
    )
    if made and made[0].pk is not None:
        return [user.pk for user in made]
    return list(  # a backend that returns no ids
        model.objects.filter(username__startswith=f"{PREFIX}-").order_by("pk").values_list("pk")
    )


def _learner_in_course(rows, user_id, course: _Course, ability: float, now, rng) -> None:
    """One learner's enrolment and progress in one course: a prefix of its activities."""
    enrolled_at = now - timedelta(days=rng.uniform(1, 180))
    rows["enrol"].append(Enrolment(user_id=user_id, course_key=course.key, enrolled_at=enrolled_at))
    total = len(course.activity_keys)
    draw = rng.random()
    depth = 0 if draw < 0.15 else total if draw < 0.5 else rng.randint(1, total)
    if depth == 0:
        return
    at = enrolled_at
    done = 0
    quiz_passed = False
    for position, key in enumerate(course.activity_keys[:depth]):
        spent = rng.randint(60, 1200)
        first_seen = at
        at = at + timedelta(seconds=spent + rng.randint(0, 7200))
        score, source = None, ""
        if position == total - 1:  # the quiz
            score = _attempt(rows, user_id, course, ability, first_seen, at, rng)
            quiz_passed = score >= PASS_MARK
            status = Status.PASSED if quiz_passed else Status.FAILED
            source = "server"
            completed_at = at if quiz_passed else None
        elif position == depth - 1 and depth < total and rng.random() < 0.3:
            status, completed_at = Status.IN_PROGRESS, None
        else:
            status, completed_at = Status.COMPLETED, at
        done += completed_at is not None
        rows["activity"].append(
            (user_id, course.key, key, status.value, score, source, 1, spent, first_seen, at)
            + (completed_at,)
        )
    rows["course"].append(
        CourseProgress(
            user_id=user_id,
            course_key=course.key,
            completed_activities=done,
            total_activities=total,
            percent_complete=100 * done // total,
            last_activity_key=course.activity_keys[depth - 1],
            last_activity_at=at,
            started_at=enrolled_at,
            completed_at=at if done == total else None,
        )
    )


def _attempt(rows, user_id, course: _Course, ability, started, submitted, rng) -> Decimal:
    """A finished attempt at the course's quiz; returns its score."""
    answers = []
    for question, spec, choice_ids in course.slots:
        right = rng.random() < 0.2 + 0.7 * ability
        choice = choice_ids[0] if right else rng.choice(choice_ids[1:])
        answers.append((question, spec, choice, right))
    marks = Decimal(sum(right for *_rest, right in answers))
    score = (marks / len(answers)).quantize(Decimal("0.0001"))
    attempt = Attempt(
        user_id=user_id,
        quiz_key=course.quiz.translation_key,
        course_key=course.key,
        quiz_page_id=course.quiz.pk,
        number=1,
        state=Attempt.State.FINISHED,
        started_at=started,
        submitted_at=submitted,
        max_marks=Decimal(len(answers)),
        marks=marks,
        score=score,
        passed=score >= PASS_MARK,
    )
    rows["attempt"].append((attempt, answers, submitted))
    return score


ACTIVITY_COLUMNS = (
    "user_id",
    "course_key",
    "activity_key",
    "status",
    "score",
    "score_source",
    "attempts",
    "time_spent",
    "first_seen_at",
    "last_seen_at",
    "completed_at",
)


def _insert_activity_rows(rows: list[tuple], batch: int) -> None:
    """The progress rows (most of the data): ``COPY`` on PostgreSQL, ``bulk_create`` elsewhere."""
    if connection.vendor != "postgresql":
        ActivityProgress.objects.bulk_create(
            (ActivityProgress(**dict(zip(ACTIVITY_COLUMNS, row, strict=True))) for row in rows),
            batch_size=batch,
        )
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(name) for name in ACTIVITY_COLUMNS)
    table = quote(ActivityProgress._meta.db_table)
    with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _flush(rows, counts: SeedCounts, batch: int, *, final: bool) -> None:
    """Write what has piled up once it reaches ``batch`` activity rows (or at the end)."""
    if not final and len(rows["activity"]) < batch:
        return
    with transaction.atomic():
        Enrolment.objects.bulk_create(rows["enrol"], batch_size=batch)
        _insert_activity_rows(rows["activity"], batch)
        CourseProgress.objects.bulk_create(rows["course"], batch_size=batch)
        attempts = Attempt.objects.bulk_create([a for a, _r, _t in rows["attempt"]], batch)
        if attempts and attempts[0].pk is None:  # a backend that returns no ids
            raise SeedError("the database returned no ids from bulk_create")
        responses = [
            Response(
                attempt_id=attempt.pk,
                position=position,
                question=question,
                spec=spec,
                mark=Decimal(1),
                answer={"choice": choice},
                fraction=Decimal(right),
                state=Response.State.CORRECT if right else Response.State.INCORRECT,
                answered_at=answered,
            )
            for attempt, (_a, answers, answered) in zip(attempts, rows["attempt"], strict=True)
            for position, (question, spec, choice, right) in enumerate(answers, start=1)
        ]
        Response.objects.bulk_create(responses, batch_size=batch)
    counts.enrolments += len(rows["enrol"])
    counts.activity_progress += len(rows["activity"])
    counts.course_progress += len(rows["course"])
    counts.attempts += len(attempts)
    counts.responses += len(responses)
    for rows_of_a_kind in rows.values():
        rows_of_a_kind.clear()
