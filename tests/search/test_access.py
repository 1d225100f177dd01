"""Search lists only what the searching user may open, and never shows a gated body.

An invitation-only course whose lessons carry a word ("quokka") and an open course whose
lesson carries another ("wombat"); a lesson of each may only be opened by learners enrolled in
its course, its teachers and admins (see tests/courses/test_access.py), so search shows them to
those and to no one else. Course pages themselves are public.
"""

import json
from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Locale, PageViewRestriction

from courses import services
from courses.models import EnrolmentMode, LessonPage
from courses.selectors import activity_models
from search.selectors import searchable_pages
from tests.builders import BuiltCourse, build_course, publish
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

GATED_WORD = "quokka"
GATED_SNIPPET = "quokka description for the gated lesson"


@dataclass
class World:
    invitation: BuiltCourse
    open: BuiltCourse
    users: dict


def _with_body(lesson: LessonPage, text: str, description: str = "") -> LessonPage:
    lesson.body = [("text", f"<p>{text}</p>")]
    lesson.search_description = description
    return publish(lesson)


@pytest.fixture
def world(site_tree) -> World:
    invitation = build_course(slug="invited", lessons=2, mode=EnrolmentMode.INVITATION)
    invitation.lessons[0] = _with_body(
        invitation.lessons[0], f"{GATED_WORD} lives here", GATED_SNIPPET
    )
    opened = build_course(slug="opened", lessons=1)
    opened.lessons[0] = _with_body(opened.lessons[0], "wombat lives here")
    teacher, other_teacher = UserFactory(), UserFactory()
    services.course_ensure_editors_group(course=invitation.course, owners=[teacher])
    services.course_ensure_editors_group(course=opened.course, owners=[other_teacher])
    enrolled = UserFactory()
    services.enrol(user=enrolled, course=invitation.course, source="teacher")
    users = {
        "anonymous": None,
        "learner_not_enrolled": UserFactory(),
        "enrolled_learner": enrolled,
        "teacher_of_this_course": teacher,
        "teacher_of_other_course": other_teacher,
        "admin": UserFactory(is_superuser=True, is_staff=True),
    }
    return World(invitation=invitation, open=opened, users=users)


def _search(client, user, query: str):
    if user is not None:
        client.force_login(user)
    response = client.get("/fa/search/", {"q": query})
    assert response.status_code == 200
    return response


SEES_GATED_LESSON = {
    "anonymous": False,
    "learner_not_enrolled": False,
    "enrolled_learner": True,
    "teacher_of_this_course": True,
    "teacher_of_other_course": False,
    "admin": True,
}


@pytest.mark.parametrize("role", list(SEES_GATED_LESSON))
def test_lessons_of_an_invitation_only_course_are_found_only_by_who_may_open_them(
    client, world, role
):
    lesson = world.invitation.lessons[0]
    response = _search(client, world.users[role], GATED_WORD)
    found = [page.pk for page in response.context["results"]]
    html = response.content.decode()
    if SEES_GATED_LESSON[role]:
        assert found == [lesson.pk]
        assert lesson.url in html
        assert GATED_SNIPPET in html
        # ... and the result opens for them
        assert client.get(lesson.url).status_code == 200
    else:
        assert found == []
        assert lesson.url not in html
        assert GATED_SNIPPET not in html


@pytest.mark.parametrize("role", list(SEES_GATED_LESSON))
def test_lesson_titles_are_listed_by_the_same_rule(client, world, role):
    """A title search finds the course page for everyone, its lessons only for who may open."""
    course, lessons = world.invitation.course, world.invitation.lessons
    response = _search(client, world.users[role], "درس")
    found = {page.pk for page in response.context["results"]}
    gated = {lesson.pk for lesson in lessons}
    open_lesson = world.open.lessons[0].pk
    if SEES_GATED_LESSON[role]:
        assert gated <= found
    else:
        assert not gated & found
    # The open course's lesson follows its own course's rule: only its teacher and admins.
    assert (open_lesson in found) == (role in {"teacher_of_other_course", "admin"})
    assert course.pk in {page.pk for page in _search(client, None, "دورهٔ").context["results"]}


def test_an_open_course_lesson_is_found_once_the_learner_enrols(client, world):
    learner = world.users["learner_not_enrolled"]
    lesson = world.open.lessons[0]
    assert list(_search(client, learner, "wombat").context["results"]) == []
    services.enrol(user=learner, course=world.open.course)
    assert [p.pk for p in _search(client, learner, "wombat").context["results"]] == [lesson.pk]


def test_lessons_of_an_unpublished_course_are_found_by_no_one(client, world):
    """Its lessons answer 404 while the course is unpublished, even to admins."""
    world.invitation.course.unpublish(set_expired=False, commit=True)
    LessonPage.objects.filter(pk=world.invitation.lessons[0].pk).update(live=True)
    for role in ("enrolled_learner", "teacher_of_this_course", "admin"):
        client.logout()
        assert list(_search(client, world.users[role], GATED_WORD).context["results"]) == []


def test_unpublished_and_restricted_pages_are_not_found(client, world):
    lesson = world.invitation.lessons[0]
    lesson.unpublish()
    assert list(_search(client, world.users["admin"], GATED_WORD).context["results"]) == []
    client.logout()
    course = world.open.course
    PageViewRestriction.objects.create(page=course, restriction_type="password", password="x")
    found = {page.pk for page in _search(client, None, "دورهٔ").context["results"]}
    assert course.pk not in found
    assert world.invitation.course.pk in found


def _extra_lessons(built: BuiltCourse, count: int) -> None:
    for number in range(count):
        lesson = LessonPage(
            title=f"Extra {number}",
            slug=f"extra-{number}",
            locale=built.course.locale,
            body=[("text", f"<p>{GATED_WORD} again {number}</p>")],
        )
        built.course.add_child(instance=lesson)
        publish(lesson)


def _queries_for(client, query: str) -> tuple[int, int]:
    client.get("/fa/search/", {"q": query})  # fills the caches publishing emptied
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/fa/search/", {"q": query})
    assert response.status_code == 200
    return len(captured), len(response.context["results"])


@pytest.mark.parametrize("role", ["enrolled_learner", "teacher_of_this_course", "admin"])
def test_search_costs_the_same_queries_for_one_result_and_a_full_page(
    client, world, role, django_assert_max_num_queries
):
    client.force_login(world.users[role])
    one_queries, one = _queries_for(client, GATED_WORD)
    assert one == 1
    _extra_lessons(world.invitation, 14)
    many_queries, many = _queries_for(client, GATED_WORD)
    assert many == 10  # a full page of results
    # On PostgreSQL the results carry their total; elsewhere a full page asks for the count
    # once more (a page that is not full tells it by itself).
    counted = 0 if connection.vendor == "postgresql" else 1
    assert many_queries == one_queries + counted
    with django_assert_max_num_queries(many_queries):
        client.get("/fa/search/", {"q": GATED_WORD, "page": "2"})


def _elasticsearch_filter(user) -> str:
    """The filter part of the Elasticsearch 8 query for a search by ``user`` (no server needed:
    the query is compiled, not sent)."""
    from wagtail.search.backends import elasticsearch8 as es8  # elasticsearch is a dev dependency

    pages = searchable_pages(locale=Locale.objects.get(language_code="fa"), user=user)
    compiler = es8.Elasticsearch8SearchQueryCompiler(pages, GATED_WORD)
    compiler.check()  # every filtered field is an indexed FilterField
    return json.dumps(compiler.get_query()["bool"]["filter"])


def test_elasticsearch_applies_the_same_filter(world):
    invitation_path = world.invitation.course.path
    lesson_types = [ContentType.objects.get_for_model(model).pk for model in activity_models()]
    anonymous = _elasticsearch_filter(AnonymousUser())
    assert invitation_path not in anonymous
    assert all(str(pk) in anonymous for pk in lesson_types)
    enrolled = _elasticsearch_filter(world.users["enrolled_learner"])
    assert f'{{"prefix": {{"path_filter": "{invitation_path}"}}}}' in enrolled
    assert world.open.course.path not in enrolled
    teacher = _elasticsearch_filter(world.users["teacher_of_other_course"])
    assert world.open.course.path in teacher and invitation_path not in teacher
    world.invitation.course.unpublish(set_expired=False, commit=True)
    admin = _elasticsearch_filter(world.users["admin"])
    assert invitation_path in admin and '"must_not"' in admin
