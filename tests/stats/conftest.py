"""A small hand-built world whose statistics are known (see the figures in each test).

Course A (3 lessons, then a quiz) and course B are edited by ``teacher_a``; course C by
``teacher_c``. Days are counted back from now; ``enrolled`` is when each learner enrolled.

    course A   enrolled   completed after   last activity   quiz result       certificate
    u1         20 d ago   2 d               1 d ago         0.8 passed         yes
    u2         15 d ago   4 d               10 d ago        0.4 failed         revoked
    u3         12 d ago   -                 40 d ago        -                  -
    u4         10 d ago   (never started)
    u5         30 d ago   10 d              3 d ago         1.0 passed         yes
    editor     (not enrolled: progress rows that must not count)
    course B:  u1 started (2 d ago), u6 enrolled only
    course C:  u7 enrolled 9 d ago, completed after 6 d (last activity 3 d ago)
"""

import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission
from django.utils import timezone

from certificates.models import Certificate
from content.models import H5PActivityPage, H5PPackage, H5PResult
from courses.models import CoursePage, Enrolment
from courses.services import enrol
from progress.models import ActivityProgress, CourseProgress, Status
from quizzes import services as quiz_services
from quizzes.models import Attempt, QuizPage
from stats.models import LearnerGroup
from stats.selectors import STATS_VIEWERS_GROUP
from tests.builders import build_course, publish
from tests.factories import UserFactory
from tests.quiz_builders import build_quiz, category, question


@dataclass
class World:
    course_a: CoursePage
    course_b: CoursePage
    course_c: CoursePage
    activities_a: list  # translation keys in syllabus order: l1, l2, l3, quiz
    users: dict  # name -> pk
    groups: dict  # name -> pk


def _enrol(user, course, days_ago, now):
    enrolment = Enrolment.objects.create(user=user, course_key=course.translation_key)
    Enrolment.objects.filter(pk=enrolment.pk).update(enrolled_at=now - timedelta(days=days_ago))
    return now - timedelta(days=days_ago)


def _summary(user, course, *, done, total, completed_at=None, last_days_ago):
    CourseProgress.objects.create(
        user=user,
        course_key=course.translation_key,
        completed_activities=done,
        total_activities=total,
        percent_complete=100 * done // total,
        completed_at=completed_at,
        last_activity_at=timezone.now() - timedelta(days=last_days_ago),
    )


def _activity(user, course, key, status, score=None):
    ActivityProgress.objects.create(
        user=user,
        course_key=course.translation_key,
        activity_key=key,
        status=status,
        score=score,
        first_seen_at=timezone.now(),
        completed_at=timezone.now() if status in (Status.COMPLETED, Status.PASSED) else None,
    )


def _attempt(user, quiz, number, score, state=Attempt.State.FINISHED):
    Attempt.objects.create(
        user=user,
        quiz_key=quiz.translation_key,
        course_key=quiz.get_parent().translation_key,
        quiz_page=quiz,
        number=number,
        state=state,
        max_marks=Decimal(1),
        score=score,
    )


def _certificate(user, course, code, revoked=False):
    Certificate.objects.create(
        code=code,
        user=user,
        course_key=course.translation_key,
        learner_name=user.display_name,
        completed_at=timezone.now(),
        revoked_at=timezone.now() if revoked else None,
    )


def build_world() -> World:
    now = timezone.now()
    a = build_course(slug="course-a", title="الف دوره", lessons=3)
    b = build_course(slug="course-b", title="ب دوره", lessons=2)
    c = build_course(slug="course-c", title="ج دوره", lessons=1)
    quiz = build_quiz(
        a.course, [question(category(a.course), "truefalse", "؟", correct_answer=True)]
    )
    lessons = [page.translation_key for page in a.lessons]
    keys = [*lessons, quiz.translation_key]
    course_a, course_b, course_c = a.course, b.course, c.course

    names = ["u1", "u2", "u3", "u4", "u5", "u6", "u7", "editor"]
    users = {
        name: UserFactory(username=name, display_name=f"نام {name}", email=f"{name}@example.org")
        for name in names
    }
    users["u3"].email = "=cmd@example.org"  # a cell a spreadsheet would run as a formula
    users["u3"].save()
    u = users

    # course A
    day = {"u1": 20, "u2": 15, "u3": 12, "u4": 10, "u5": 30}
    enrolled = {name: _enrol(u[name], course_a, days, now) for name, days in day.items()}
    _summary(
        u["u1"],
        course_a,
        done=4,
        total=4,
        completed_at=enrolled["u1"] + timedelta(days=2),
        last_days_ago=1,
    )
    _summary(
        u["u2"],
        course_a,
        done=3,
        total=4,
        completed_at=enrolled["u2"] + timedelta(days=4),
        last_days_ago=10,
    )
    _summary(u["u3"], course_a, done=1, total=4, last_days_ago=40)
    _summary(
        u["u5"],
        course_a,
        done=4,
        total=4,
        completed_at=enrolled["u5"] + timedelta(days=10),
        last_days_ago=3,
    )
    for name in ("u1", "u2", "u5"):
        for key in lessons:
            _activity(u[name], course_a, key, Status.COMPLETED)
    _activity(u["u1"], course_a, keys[3], Status.PASSED, Decimal("0.8"))
    _activity(u["u2"], course_a, keys[3], Status.FAILED, Decimal("0.4"))
    _activity(u["u5"], course_a, keys[3], Status.PASSED, Decimal("1.0"))
    _activity(u["u3"], course_a, keys[0], Status.COMPLETED)
    _activity(u["u3"], course_a, keys[1], Status.IN_PROGRESS)
    _summary(u["editor"], course_a, done=4, total=4, completed_at=now, last_days_ago=0)
    for key in keys:
        _activity(u["editor"], course_a, key, Status.COMPLETED, Decimal("0.1"))
    _attempt(u["u1"], quiz, 1, Decimal("0.6"))
    _attempt(u["u1"], quiz, 2, Decimal("0.8"))
    _attempt(u["u2"], quiz, 1, Decimal("0.4"))
    _attempt(u["u2"], quiz, 2, None, state=Attempt.State.IN_PROGRESS)
    _certificate(u["u1"], course_a, "A-U1")
    _certificate(u["u2"], course_a, "A-U2", revoked=True)
    _certificate(u["u5"], course_a, "A-U5")

    # course B
    _enrol(u["u1"], course_b, 5, now)
    _enrol(u["u6"], course_b, 4, now)
    _summary(u["u1"], course_b, done=1, total=2, last_days_ago=2)
    _activity(u["u1"], course_b, b.lessons[0].translation_key, Status.COMPLETED)

    # course C
    enrolled_c = _enrol(u["u7"], course_c, 9, now)
    _summary(
        u["u7"],
        course_c,
        done=1,
        total=1,
        completed_at=enrolled_c + timedelta(days=6),
        last_days_ago=3,
    )

    # groups and roles
    class_1 = LearnerGroup.objects.create(name="کلاس ۱", kind=LearnerGroup.Kind.CLASS)
    class_1.members.add(u["u1"], u["u3"])
    school = LearnerGroup.objects.create(name="مدرسه", kind=LearnerGroup.Kind.SCHOOL)
    school.members.add(u["u1"], u["u2"])

    roles = {
        "superuser": UserFactory(username="stats_root", is_superuser=True, is_staff=True),
        "viewer": UserFactory(username="stats_viewer"),
        "teacher_a": UserFactory(username="teacher_a"),
        "teacher_c": UserFactory(username="teacher_c"),
        "learner": UserFactory(username="plain_learner"),
        "no_course": UserFactory(username="no_course"),
    }
    roles["viewer"].groups.add(Group.objects.get(name=STATS_VIEWERS_GROUP))
    roles["teacher_a"].groups.add(course_a.editors_group, course_b.editors_group)
    roles["teacher_c"].groups.add(course_c.editors_group)
    admin_only = Group.objects.create(name="admin access only")
    admin_only.permissions.add(Permission.objects.get(codename="access_admin"))
    roles["no_course"].groups.add(admin_only)
    users.update(roles)
    return World(
        course_a=course_a,
        course_b=course_b,
        course_c=course_c,
        activities_a=keys,
        users={name: user.pk for name, user in users.items()},
        groups={"class_1": class_1.pk, "school": school.pk},
    )


@pytest.fixture(scope="module")
def stats_world(module_db) -> World:
    return build_world()


# --- Quizzes and an H5P exercise (tests/stats/test_activity_*.py) -----------------------------


@dataclass
class ActivityWorld:
    """Course S (edited by ``teacher_s``) with ``quiz``, ``small_quiz``, ``exercise`` and a
    lesson; course O (edited by ``teacher_o``) with ``other_quiz``. The figures expected of
    them are worked out by hand in tests/stats/test_activity_analysis.py."""

    course: CoursePage
    other_course: CoursePage
    quiz: QuizPage
    small_quiz: QuizPage
    other_quiz: QuizPage
    exercise: H5PActivityPage
    lesson_key: uuid.UUID
    users: dict  # name -> pk


def _take(user, quiz, answers: dict, *, submit: bool = True) -> Attempt:
    """An attempt through the quiz services, graded as a learner's would be."""
    attempt = quiz_services.attempt_start(user=user, quiz=quiz)
    if submit:
        attempt = quiz_services.attempt_submit(user=user, attempt_id=attempt.pk, answers=answers)
    return attempt


def _h5p(user, exercise, verb, scaled, sub=""):
    H5PResult.objects.create(
        statement_id=uuid.uuid4(),
        user=user,
        package=exercise.package,
        activity_key=exercise.translation_key,
        verb=verb,
        sub_content_id=sub,
        score_scaled=scaled,
        statement={},
    )


RIGHT = {1: {"choice": 1}, 2: {"value": True}, 3: {"text": "کروم"}}  # 4 marks of 4


def build_activity_world() -> ActivityWorld:
    s = build_course(slug="stats-s", title="دورهٔ آمار", lessons=1)
    o = build_course(slug="stats-o", title="دورهٔ دیگر", lessons=1)
    bank = category(s.course)
    q1 = question(bank, "multichoice", "کدام؟", [("الف", 1), ("ب", 0), ("ج", 0)], name="Q1")
    q2 = question(bank, "truefalse", "درست است؟", correct_answer=True, name="Q2")
    q3 = question(
        bank,
        "shortanswer",
        "نام مرورگر؟",
        [("کروم", 1), ("Chrome", 0.5)],
        name="Q3",
        default_mark=Decimal(2),
    )
    quiz = build_quiz(s.course, [q1, q2, q3], slug="stats-quiz", title="آزمون آمار")
    small_quiz = build_quiz(s.course, [q2], slug="small-quiz", title="آزمون کوتاه")
    other_q = question(category(o.course), "truefalse", "؟", correct_answer=True, name="O1")
    other_quiz = build_quiz(o.course, [other_q], slug="other-quiz", title="آزمون دیگر")
    package = H5PPackage.objects.create(title="تمرین آمار")
    exercise = H5PActivityPage(title="تمرین آمار", slug="stats-exercise", package=package)
    s.course.add_child(instance=exercise)
    publish(exercise)

    names = ["l1", "l2", "l3", "l4", "l5", "editor"]
    users = {
        name: UserFactory(username=f"act_{name}", display_name=f"یادگیرنده {name}")
        for name in names
    }
    for name in names[:5]:
        enrol(user=users[name], course=s.course)
    u = users

    # the quiz: first attempts (analysed), then later ones (only counted and binned)
    _take(u["l1"], quiz, RIGHT)
    _take(u["l2"], quiz, {1: {"choice": 1}, 2: {"value": True}, 3: {"text": "Chrome"}})
    _take(u["l3"], quiz, {1: {"choice": 2}, 2: {"value": True}, 3: {"text": "Chrome"}})
    _take(u["l4"], quiz, {1: {"choice": 1}, 2: {"value": False}, 3: {"text": "فایرفاکس"}})
    _take(u["l5"], quiz, {1: {"choice": 3}, 2: {"value": False}})
    _take(u["l2"], quiz, RIGHT)
    _take(u["l3"], quiz, {1: {"choice": 1}, 2: {"value": True}, 3: {"text": "Chrome"}})
    _take(u["l4"], quiz, RIGHT)
    _take(u["l5"], quiz, {}, submit=False)  # still open: not counted
    _take(u["editor"], quiz, RIGHT)  # not enrolled: not counted
    _take(u["l1"], small_quiz, {1: {"value": True}})
    _take(u["l2"], small_quiz, {1: {"value": False}})

    # the exercise: scored results of the whole exercise are its attempts
    _h5p(u["l1"], exercise, "completed", 1.0)
    _h5p(u["l1"], exercise, "answered", 0.6)
    _h5p(u["l1"], exercise, "answered", 0.2, sub="q-1")  # a sub-question: not an attempt
    _h5p(u["l2"], exercise, "completed", 0.45)
    _h5p(u["l3"], exercise, "answered", 0.0)
    _h5p(u["l4"], exercise, "attempted", None)  # no score
    _h5p(u["l5"], exercise, "completed", 0.95)
    _h5p(u["editor"], exercise, "completed", 0.1)  # not enrolled
    for name, status, score in (
        ("l1", Status.PASSED, Decimal("1.0")),
        ("l2", Status.FAILED, Decimal("0.45")),
        ("l3", Status.IN_PROGRESS, None),
        ("l5", Status.COMPLETED, Decimal("0.95")),
        ("editor", Status.COMPLETED, Decimal("0.1")),
    ):
        _activity(u[name], s.course, exercise.translation_key, status, score)

    roles = {
        "superuser": UserFactory(username="act_root", is_superuser=True, is_staff=True),
        "viewer": UserFactory(username="act_viewer"),
        "teacher_s": UserFactory(username="act_teacher_s"),
        "teacher_o": UserFactory(username="act_teacher_o"),
        "no_course": UserFactory(username="act_no_course"),
    }
    roles["viewer"].groups.add(Group.objects.get(name=STATS_VIEWERS_GROUP))
    roles["teacher_s"].groups.add(s.course.editors_group)
    roles["teacher_o"].groups.add(o.course.editors_group)
    admin_only = Group.objects.create(name="act admin access only")
    admin_only.permissions.add(Permission.objects.get(codename="access_admin"))
    roles["no_course"].groups.add(admin_only)
    users.update(roles)
    return ActivityWorld(
        course=s.course,
        other_course=o.course,
        quiz=quiz,
        small_quiz=small_quiz,
        other_quiz=other_quiz,
        exercise=exercise,
        lesson_key=s.lessons[0].translation_key,
        users={name: user.pk for name, user in users.items()},
    )


@pytest.fixture(scope="module")
def activity_world(module_db) -> ActivityWorld:
    return build_activity_world()
