"""Who may open what: every role against every course URL, public and admin.

Two courses, "this" (one module holding two lessons) and "other" (two lessons), each with
its own teacher. Each cell of the matrix states the status and where a redirect goes, and
checks the content that status promises (the lesson text, the enrol message, the edit form).
"""

from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from courses import services
from courses.models import Enrolment
from tests.builders import BuiltCourse, build_course
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

LESSON_TEXT = "متن درس 1"
# courses/templates/courses/activity_locked.html, translated in locale/fa/LC_MESSAGES/django.po
ENROL_TO_OPEN = "این درس بخشی از دورهٔ «{course}» است. برای باز کردن آن در دوره ثبت‌نام کنید."
EDIT_FORM_MARKER = 'id="page-edit-form"'
# Wagtail's own messages (wagtail/admin/auth.py), in the admin's default language, Persian.
NO_ADMIN_ACCESS_MESSAGE = "You do not have permission to access the admin."
NO_PERMISSION_MESSAGE = "Sorry, you do not have permission to access this area."

ROLES = [
    "anonymous",
    "learner_not_enrolled",
    "enrolled_learner",
    "teacher_of_this_course",
    "teacher_of_other_course",
    "admin",
]
URLS = [
    "course_page",
    "lesson_page",
    "module_page",
    "enrol_post",
    "admin_page_edit",
    "admin_enrolments",
    "admin_enrolments_other_course",
]

# Outcomes (see OUTCOME_CHECKS below for what each one asserts).
OK = "200"
LOCKED = "403 enrol to open"
LOGIN = "302 to the site login"
ADMIN_LOGIN = "302 to the admin login"
NO_ADMIN_ACCESS = "302 to the admin login, with 'no admin access'"
DASHBOARD = "302 to the admin dashboard, with 'no permission'"
TO_COURSE = "302 to the course"
TO_MODULE = "302 to the module's place in the syllabus"
TO_LOGIN_FOR_ENROL = "302 to the site login (enrol)"
ENROLLED = "302 to the course, enrolled"

EXPECTED = {
    "anonymous": {
        "course_page": OK,
        "lesson_page": LOGIN,
        "module_page": TO_MODULE,
        "enrol_post": TO_LOGIN_FOR_ENROL,
        "admin_page_edit": ADMIN_LOGIN,
        "admin_enrolments": ADMIN_LOGIN,
        "admin_enrolments_other_course": ADMIN_LOGIN,
    },
    "learner_not_enrolled": {
        "course_page": OK,
        "lesson_page": LOCKED,
        "module_page": TO_MODULE,
        "enrol_post": ENROLLED,
        "admin_page_edit": NO_ADMIN_ACCESS,
        "admin_enrolments": NO_ADMIN_ACCESS,
        "admin_enrolments_other_course": NO_ADMIN_ACCESS,
    },
    "enrolled_learner": {
        "course_page": OK,
        "lesson_page": OK,
        "module_page": TO_MODULE,
        "enrol_post": ENROLLED,
        "admin_page_edit": NO_ADMIN_ACCESS,
        "admin_enrolments": NO_ADMIN_ACCESS,
        "admin_enrolments_other_course": NO_ADMIN_ACCESS,
    },
    "teacher_of_this_course": {
        "course_page": OK,
        "lesson_page": OK,
        "module_page": TO_MODULE,
        "enrol_post": ENROLLED,
        "admin_page_edit": OK,
        "admin_enrolments": OK,
        "admin_enrolments_other_course": DASHBOARD,
    },
    "teacher_of_other_course": {
        "course_page": OK,
        "lesson_page": LOCKED,
        "module_page": TO_MODULE,
        "enrol_post": ENROLLED,
        "admin_page_edit": DASHBOARD,
        "admin_enrolments": DASHBOARD,
        "admin_enrolments_other_course": OK,
    },
    "admin": {
        "course_page": OK,
        "lesson_page": OK,
        "module_page": TO_MODULE,
        "enrol_post": ENROLLED,
        "admin_page_edit": OK,
        "admin_enrolments": OK,
        "admin_enrolments_other_course": OK,
    },
}


@dataclass
class World:
    this: BuiltCourse
    other: BuiltCourse
    users: dict

    def url(self, name: str) -> tuple[str, str]:
        """(method, URL) of one column of the matrix."""
        course = self.this.course
        if name == "course_page":
            return "get", course.url
        if name == "lesson_page":
            return "get", self.this.lessons[0].url
        if name == "module_page":
            return "get", self.this.modules[0].url
        if name == "enrol_post":
            with translation.override("fa"):
                return "post", reverse("courses:enrol", args=[course.pk])
        if name == "admin_page_edit":
            return "get", reverse("wagtailadmin_pages:edit", args=[course.pk])
        if name == "admin_enrolments":
            return "get", reverse("courses_admin:enrolments", args=[course.pk])
        if name == "admin_enrolments_other_course":
            return "get", reverse("courses_admin:enrolments", args=[self.other.course.pk])
        raise AssertionError(name)


@pytest.fixture(scope="module")
def world(module_site_tree) -> World:
    """Built once: the tests only read it (each test's own changes are rolled back)."""
    this = build_course(slug="this", lessons=2, modules=1, title="دورهٔ این")
    other = build_course(slug="other", lessons=2, title="دورهٔ دیگر")
    teacher_a, teacher_b = UserFactory(), UserFactory()
    services.course_ensure_editors_group(course=this.course, owners=[teacher_a])
    services.course_ensure_editors_group(course=other.course, owners=[teacher_b])
    enrolled = UserFactory()
    services.enrol(user=enrolled, course=this.course)
    users = {
        "anonymous": None,
        "learner_not_enrolled": UserFactory(),
        "enrolled_learner": enrolled,
        "teacher_of_this_course": teacher_a,
        "teacher_of_other_course": teacher_b,
        "admin": UserFactory(is_superuser=True, is_staff=True),
    }
    return World(this=this, other=other, users=users)


def _location(response) -> str:
    return response["Location"]


def _path(response) -> str:
    return urlsplit(_location(response)).path


def _messages(response) -> list[str]:
    return [str(m).strip() for m in get_messages(response.wsgi_request)]


def _wagtail_message(msgid: str) -> str:
    with translation.override("fa"):
        text = gettext(msgid)
    assert text != msgid  # Wagtail ships a Persian translation
    return text


def check_ok(world, role, url_name, response):
    assert response.status_code == 200, response.get("Location")
    html = response.content.decode()
    if url_name == "lesson_page":
        assert LESSON_TEXT in html
        assert "درس 2" in html  # the syllabus beside the lesson
    elif url_name == "course_page":
        assert world.this.course.title in html
        assert 'class="syllabus"' in html
    elif url_name == "admin_page_edit":
        assert EDIT_FORM_MARKER in html
        assert world.this.course.title in html
    elif url_name == "admin_enrolments":
        assert world.this.course.title in html
        assert 'name="emails"' in html
    elif url_name == "admin_enrolments_other_course":
        assert world.other.course.title in html
        assert 'name="emails"' in html


def check_locked(world, role, url_name, response):
    assert response.status_code == 403
    html = response.content.decode()
    assert LESSON_TEXT not in html
    assert ENROL_TO_OPEN.format(course=world.this.course.title) in html
    assert f'href="{world.this.course.url}"' in html


def check_login(world, role, url_name, response):
    assert response.status_code == 302
    with translation.override("fa"):
        login = reverse("accounts:login")
    assert _path(response) == login
    assert f"next={world.url(url_name)[1]}" in _location(response).replace("%2F", "/")


def check_admin_login(world, role, url_name, response):
    assert response.status_code == 302
    assert _path(response) == reverse("wagtailadmin_login")
    assert "next=" in _location(response)


def check_no_admin_access(world, role, url_name, response):
    check_admin_login(world, role, url_name, response)
    assert _messages(response) == [_wagtail_message(NO_ADMIN_ACCESS_MESSAGE)]


def check_dashboard(world, role, url_name, response):
    assert response.status_code == 302
    assert _location(response) == reverse("wagtailadmin_home")
    assert _messages(response) == [_wagtail_message(NO_PERMISSION_MESSAGE)]


def check_to_module(world, role, url_name, response):
    assert response.status_code == 302
    module = world.this.modules[0]
    assert _location(response) == f"{world.this.course.url}#module-{module.pk}"


def check_enrolled(world, role, url_name, response):
    assert response.status_code == 302
    assert _location(response) == world.this.course.url
    user = world.users[role]
    assert (
        Enrolment.objects.filter(user=user, course_key=world.this.course.translation_key).count()
        == 1
    )


def check_login_for_enrol(world, role, url_name, response):
    check_login(world, role, url_name, response)
    assert (
        not Enrolment.objects.filter(course_key=world.this.course.translation_key)
        .exclude(user=world.users["enrolled_learner"])
        .exists()
    )


OUTCOME_CHECKS = {
    OK: check_ok,
    LOCKED: check_locked,
    LOGIN: check_login,
    ADMIN_LOGIN: check_admin_login,
    NO_ADMIN_ACCESS: check_no_admin_access,
    DASHBOARD: check_dashboard,
    TO_MODULE: check_to_module,
    ENROLLED: check_enrolled,
    TO_LOGIN_FOR_ENROL: check_login_for_enrol,
}


@pytest.mark.parametrize("url_name", URLS)
@pytest.mark.parametrize("role", ROLES)
def test_access_matrix(client, world, role, url_name):
    user = world.users[role]
    if user is not None:
        client.force_login(user)
    method, url = world.url(url_name)
    response = getattr(client, method)(url)
    OUTCOME_CHECKS[EXPECTED[role][url_name]](world, role, url_name, response)


def test_teacher_of_another_course_cannot_load_or_submit_the_edit_form(client, world):
    """Wagtail answers with a redirect to the dashboard: no form there, and no change saved."""
    course = world.this.course
    client.force_login(world.users["teacher_of_other_course"])
    edit_url = reverse("wagtailadmin_pages:edit", args=[course.pk])

    response = client.get(edit_url, follow=True)
    assert response.redirect_chain == [(reverse("wagtailadmin_home"), 302)]
    html = response.content.decode()
    assert EDIT_FORM_MARKER not in html
    assert f'action="{edit_url}"' not in html
    assert _wagtail_message(NO_PERMISSION_MESSAGE) in html

    response = client.post(edit_url, {"title": "ربوده", "slug": course.slug, "summary": "x"})
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    course.refresh_from_db()
    assert course.title == "دورهٔ این"
    assert course.revisions.count() == 1  # only the builder's publication


def test_teacher_of_this_course_sees_the_edit_form_of_its_lessons_but_not_the_others(client, world):
    client.force_login(world.users["teacher_of_this_course"])
    own = client.get(reverse("wagtailadmin_pages:edit", args=[world.this.lessons[0].pk]))
    assert own.status_code == 200
    assert EDIT_FORM_MARKER in own.content.decode()
    foreign = client.get(reverse("wagtailadmin_pages:edit", args=[world.other.lessons[0].pk]))
    assert foreign.status_code == 302
    assert foreign["Location"] == reverse("wagtailadmin_home")


@pytest.mark.parametrize(
    ("role", "shows"),
    [
        ("anonymous", "login"),
        ("learner_not_enrolled", "enrol"),
        ("enrolled_learner", "leave"),
        ("teacher_of_other_course", "enrol"),
    ],
)
def test_course_page_offers_the_right_enrolment_action(client, world, role, shows):
    course = world.this.course
    if world.users[role] is not None:
        client.force_login(world.users[role])
    html = client.get(course.url).content.decode()
    with translation.override("fa"):
        actions = {
            "login": f'href="{reverse("accounts:login")}?next=',
            "enrol": f'action="{reverse("courses:enrol", args=[course.pk])}"',
            "leave": f'action="{reverse("courses:unenrol", args=[course.pk])}"',
        }
    for action, marker in actions.items():
        assert (marker in html) is (action == shows), action
