"""H5P exercises embedded in lessons: listed with the quizzes and exercises, each with its report.

The world: course E (edited by ``teacher_e``) whose first lesson embeds packages P1 and P2;
course F (edited by ``teacher_f``). Learners e1–e3 are enrolled in E, the editor is not.

    P1 in lesson 1   results (whole exercise)                       success
    e1               completed 0.8, then answered 0.4               True, then False
    e2               answered 0.5                                   False
    e3               attempted (no score)                           -
    editor           completed 1.0 (not enrolled: not counted)      True
    P2 in lesson 1   e3 completed 1.0                               True

So P1: 3 attempts by 2 learners, average (0.8 + 0.4 + 0.5) / 3; 3 enrolled; lesson opened by
e1–e3 (3); completed by e1 and e2 (a score); passed by e1; failed by e2 (never a success).
"""

import uuid
from dataclasses import dataclass

import pytest
from django.urls import reverse

from accounts.models import User
from content.models import H5PPackage, H5PResult
from courses.models import CoursePage, LessonPage
from courses.services import enrol
from progress.models import ActivityProgress, Status
from stats import reports, selectors
from tests.builders import build_course, publish
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ACTIVITIES = reverse("stats:activities")


@dataclass
class EmbedWorld:
    course: CoursePage
    lesson_key: uuid.UUID
    p1: int
    p2: int
    users: dict


def _result(user, lesson_key, package_id, verb, scaled=None, success=None):
    H5PResult.objects.create(
        statement_id=uuid.uuid4(),
        user=user,
        package_id=package_id,
        activity_key=lesson_key,
        verb=verb,
        score_scaled=scaled,
        success=success,
        statement={},
    )


@pytest.fixture(scope="module")
def embed_world(module_db) -> EmbedWorld:
    e = build_course(slug="course-e", title="دورهٔ تمرین‌ها", lessons=2)
    f = build_course(slug="course-f", title="دورهٔ دیگر", lessons=1)
    p1 = H5PPackage.objects.create(title="تمرین یک")
    p2 = H5PPackage.objects.create(title="تمرین دو")
    lesson = LessonPage.objects.get(pk=e.lessons[0].pk)
    lesson.body = [
        ("h5p", {"package": p1, "title": "تمرین یک"}),
        ("h5p", {"package": p2, "title": "تمرین دو"}),
    ]
    publish(lesson)
    key = lesson.translation_key
    users = {name: UserFactory(username=f"embed_{name}") for name in ("e1", "e2", "e3", "editor")}
    for name in ("e1", "e2", "e3"):
        enrol(user=users[name], course=e.course)
    for user in users.values():
        ActivityProgress.objects.create(
            user=user,
            course_key=e.course.translation_key,
            activity_key=key,
            status=Status.IN_PROGRESS,
        )
    _result(users["e1"], key, p1.pk, "completed", 0.8, True)
    _result(users["e1"], key, p1.pk, "answered", 0.4, False)
    _result(users["e2"], key, p1.pk, "answered", 0.5, False)
    _result(users["e3"], key, p1.pk, "attempted")
    _result(users["editor"], key, p1.pk, "completed", 1.0, True)
    _result(users["e3"], key, p2.pk, "completed", 1.0, True)
    teacher_e = UserFactory(username="teacher_e")
    teacher_e.groups.add(e.course.editors_group)
    teacher_f = UserFactory(username="teacher_f")
    teacher_f.groups.add(f.course.editors_group)
    root = UserFactory(username="embed_root", is_superuser=True, is_staff=True)
    users.update(teacher_e=teacher_e, teacher_f=teacher_f, root=root)
    return EmbedWorld(
        course=e.course,
        lesson_key=key,
        p1=p1.pk,
        p2=p2.pk,
        users={name: user.pk for name, user in users.items()},
    )


def url(world, package_id):
    return reverse("stats:embedded_exercise", args=[world.lesson_key, package_id])


def test_embedded_exercises_are_found_through_the_reference_index(embed_world):
    rows = selectors.embedded_exercises(keys=[embed_world.course.translation_key])
    assert [(row.activity_key, row.package_id, row.title) for row in rows] == [
        (embed_world.lesson_key, embed_world.p1, "تمرین یک"),
        (embed_world.lesson_key, embed_world.p2, "تمرین دو"),
    ]


def test_an_embedded_exercise_has_the_figures_worked_out_by_hand(embed_world):
    analysis = reports.embedded_exercise(
        lesson_key=embed_world.lesson_key,
        package_id=embed_world.p1,
        course_key=embed_world.course.translation_key,
    ).result
    assert (analysis.attempts, analysis.learners) == (3, 2)
    assert analysis.average == pytest.approx((0.8 + 0.4 + 0.5) / 3)
    assert (analysis.enrolled, analysis.reached, analysis.completed) == (3, 3, 2)
    assert (analysis.passed, analysis.failed) == (1, 1)
    assert sum(bin.count for bin in analysis.bins) == 3
    other = reports.embedded_exercise(
        lesson_key=embed_world.lesson_key,
        package_id=embed_world.p2,
        course_key=embed_world.course.translation_key,
    ).result
    assert (other.attempts, other.completed, other.passed, other.average) == (1, 1, 1, 1.0)


def test_the_list_links_each_embedded_exercise_to_its_report(client, embed_world):
    client.force_login(User.objects.get(pk=embed_world.users["teacher_e"]))
    listed = client.get(ACTIVITIES).context["object_list"]
    assert {row.report_url for row in listed} >= {url(embed_world, embed_world.p1)}
    response = client.get(url(embed_world, embed_world.p1))
    assert response.status_code == 200
    attempts, learners = (value for _label, value in response.context["summary"][:2])
    assert (attempts, learners) == (3, 2)


@pytest.mark.parametrize(
    ("who", "package", "status"),
    [
        ("root", "p1", 200),
        ("teacher_e", "p1", 200),
        ("teacher_f", "p1", 302),  # another teacher's course: refused
        ("root", "unknown", 404),  # a package the lesson does not embed
    ],
)
def test_who_may_open_an_embedded_exercise_report(client, embed_world, who, package, status):
    client.force_login(User.objects.get(pk=embed_world.users[who]))
    package_id = getattr(embed_world, package, None) or 999_999
    # LocaleMiddleware first redirects a 404's path to its /fa/ form, also a 404
    response = client.get(url(embed_world, package_id), follow=status == 404)
    assert response.status_code == status


def test_a_teacher_of_another_course_does_not_see_it_listed(client, embed_world):
    client.force_login(User.objects.get(pk=embed_world.users["teacher_f"]))
    listed = client.get(ACTIVITIES).context["object_list"]
    assert url(embed_world, embed_world.p1) not in {row.report_url for row in listed}


def test_an_unused_package_in_results_does_not_make_a_row(embed_world):
    keys = [embed_world.course.translation_key]
    before = len(selectors.embedded_exercises(keys=keys))
    stray = H5PPackage.objects.create(title="بی‌ربط")
    _result(
        User.objects.get(pk=embed_world.users["e1"]),
        embed_world.lesson_key,
        stray.pk,
        "completed",
        1,
    )
    # the lesson's body, not its results, says what it embeds
    assert len(selectors.embedded_exercises(keys=keys)) == before
