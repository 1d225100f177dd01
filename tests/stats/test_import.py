"""The CSV import of learners: every bad file refused with its line and nothing written, a good
one creating accounts, enrolments, memberships and one invitation per new account, once."""

import uuid
from dataclasses import dataclass, replace

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from wagtail.users.models import UserProfile

from accounts.models import User
from courses.models import CoursePage, Enrolment
from courses.services import enrol
from stats import services
from stats.importing import LearnerRow
from stats.models import LearnerGroup, LearnerImport
from stats.selectors import STATS_VIEWERS_GROUP
from tests.builders import build_course
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

IMPORT = reverse("stats:import")
CONFIRM = reverse("stats:import_confirm")
Membership = LearnerGroup.members.through


@dataclass
class ImportWorld:
    course_a: CoursePage
    course_b: CoursePage
    users: dict  # name -> pk
    groups: dict  # name -> pk


@pytest.fixture(scope="module")
def world(module_db) -> ImportWorld:
    a = build_course(slug="import-a", title="دورهٔ الف", lessons=1).course
    b = build_course(slug="import-b", title="دورهٔ ب", lessons=1).course
    old = UserFactory(username="old", email="Old@Example.org", display_name="قدیمی")
    enrol(user=old, course=a)
    class_1 = LearnerGroup.objects.create(name="کلاس ۱", kind=LearnerGroup.Kind.CLASS)
    school = LearnerGroup.objects.create(name="School", kind=LearnerGroup.Kind.SCHOOL)
    class_1.members.add(old)
    roles = {
        "superuser": UserFactory(username="imp_root", is_superuser=True, is_staff=True),
        "viewer": UserFactory(username="imp_viewer"),
        "teacher_a": UserFactory(username="imp_teacher_a"),
        "learner": UserFactory(username="imp_learner"),
    }
    roles["viewer"].groups.add(Group.objects.get(name=STATS_VIEWERS_GROUP))
    roles["teacher_a"].groups.add(a.editors_group)
    for user in roles.values():  # the admin's language is the messages' language
        admin_language(user, "en")
    return ImportWorld(
        course_a=a,
        course_b=b,
        users={"old": old.pk, **{name: user.pk for name, user in roles.items()}},
        groups={"class_1": class_1.pk, "school": school.pk},
    )


def admin_language(user, language: str) -> None:
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save()


def login(client, world, name):
    client.force_login(User.objects.get(pk=world.users[name]))
    return client


def upload(client, content: bytes, **extra):
    file = SimpleUploadedFile("learners.csv", content, content_type="text/csv")
    return client.post(IMPORT, {"file": file}, **extra)


def counts() -> tuple[int, int, int]:
    return User.objects.count(), Enrolment.objects.count(), Membership.objects.count()


def problems(response) -> list[tuple[int, str]]:
    return [(issue.line, issue.message) for issue in response.context["errors"]]


GOOD = (
    "email,name,groups,courses,language\n"
    "new1@example.org,نفر یک,کلاس ۱;school,import-a;import-b,fa\n"
    "NEW2@example.org,Person Two,School,import-b,en\n"
    "old@example.org,قدیمی,School,import-a;import-b,\n"
)


BAD = [
    pytest.param(b"", 0, "empty", id="empty"),
    pytest.param(b"email,name\n", 0, "no learners", id="header-only"),
    pytest.param(b"email,nom\nx@example.org,X\n", 1, "Unknown columns", id="unknown-column"),
    pytest.param(b"name,groups\nX,\n", 1, "Missing columns", id="missing-email"),
    pytest.param(b"email,email\na@example.org,b@example.org\n", 1, "twice", id="double-column"),
    pytest.param(
        b"email,name\na@example.org,A\nnot-an-address,B\n", 3, "not a valid", id="bad-email"
    ),
    pytest.param(b"email,name\na@example.org,A\n,B\n", 3, "No e-mail", id="no-email"),
    pytest.param(
        b"email,name\na@example.org,A\nb@example.org,B\nA@example.org,C\n",
        4,
        "already on line 2",
        id="duplicate-row",
    ),
    pytest.param(
        b"email,courses\na@example.org,import-a\nb@example.org,nowhere\n",
        3,
        "Unknown course",
        id="unknown-course",
    ),
    pytest.param(
        b"email,groups\na@example.org,School;Ghosts\n", 2, "Unknown learner group", id="group"
    ),
    pytest.param(b"email,language\na@example.org,de\n", 2, "Unknown language", id="language"),
    pytest.param(b"email,name\na@example.org,A,extra\n", 2, "cells", id="too-many-cells"),
    pytest.param(
        "email,name\na@example.org,Ä\nb@example.org,".encode() + "Ö\n".encode("latin-1"),
        3,
        "not UTF-8",
        id="latin-1",
    ),
]


@pytest.mark.parametrize(("content", "line", "fragment"), BAD)
def test_a_bad_file_is_refused_with_its_line_and_nothing_written(
    client, world, content, line, fragment
):
    login(client, world, "superuser")
    before = counts()
    response = upload(client, content)
    assert response.status_code == 200
    found = problems(response)
    assert any(n == line and fragment in message for n, message in found), found
    assert not response.context["token"]
    assert counts() == before


def test_the_upload_keeps_its_csrf_check(world):
    client = login(Client(enforce_csrf_checks=True), world, "superuser")
    assert upload(client, b"email\na@example.org\n").status_code == 403


def test_errors_are_in_the_importers_admin_language(client, world):
    admin_language(User.objects.get(pk=world.users["superuser"]), "fa")
    login(client, world, "superuser")
    response = upload(client, b"email,groups\na@example.org,Ghosts\n")
    with translation.override("fa"):
        expected = gettext("Unknown learner group “%(group)s”.") % {"group": "Ghosts"}
    assert problems(response) == [(2, expected)]


def test_utf8_with_bom_and_crlf_is_accepted(client, world):
    login(client, world, "superuser")
    content = "\ufeffemail,name\r\nbom@example.org,با BOM\r\n".encode()
    response = upload(client, content)
    assert response.context["errors"] == []
    assert response.context["summary"]["new_users"] == 1


def test_a_file_over_the_limit_is_refused(client, world, settings):
    settings.STATS_IMPORT_MAX_BYTES = 100
    login(client, world, "superuser")
    response = upload(client, b"email\n" + b"a@example.org\n" * 20)
    assert problems(response) == [(0, "The file is too large: the limit is 0 KB.")]


def test_a_50_mb_upload_is_refused_without_reading_the_body(world):
    """The body claims 50 MB but holds a few bytes: reading it would fail (the test client's
    payload refuses reads past its end), so the refusal comes from the length alone, before
    even the CSRF check reads the form."""
    client = login(Client(enforce_csrf_checks=True), world, "superuser")
    response = client.generic(
        "POST",
        IMPORT,
        b"--x--",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(50 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert problems(response)[0][0] == 0
    assert "too large" in problems(response)[0][1]


def test_preview_counts_then_import_creates_everything_and_invites_new_accounts(
    client, world, django_capture_on_commit_callbacks
):
    login(client, world, "superuser")
    response = upload(client, GOOD.encode())
    assert response.context["errors"] == []
    assert response.context["summary"] == {
        "new_users": 2,
        "existing_users": 1,
        "enrolments": 4,  # new1: a, b; new2: b; old: b (already in a)
        "already_enrolled": 1,
        "memberships": 4,  # new1: 2, new2: school, old: school (already in class 1)
        "groups": 2,
    }
    users, enrolments, memberships = counts()
    assert users == User.objects.count()  # the preview wrote nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CONFIRM, {"token": response.context["token"]})
    assert response.status_code == 302
    assert counts() == (users + 2, enrolments + 4, memberships + 4)
    new1 = User.objects.get(email="new1@example.org")
    new2 = User.objects.get(email="NEW2@example.org")
    assert (new1.display_name, new1.preferred_language) == ("نفر یک", "fa")
    assert (new2.display_name, new2.preferred_language, new2.username) == (
        "Person Two",
        "en",
        "new2@example.org",
    )
    assert not new1.has_usable_password()
    a, b = world.course_a.translation_key, world.course_b.translation_key
    assert set(new1.enrolments.values_list("course_key", flat=True)) == {a, b}
    assert new1.enrolments.get(course_key=a).source == Enrolment.Source.CSV
    old = User.objects.get(pk=world.users["old"])
    assert set(old.enrolments.values_list("course_key", flat=True)) == {a, b}
    assert set(old.learner_groups.values_list("pk", flat=True)) == set(world.groups.values())
    assert set(new2.learner_groups.values_list("pk", flat=True)) == {world.groups["school"]}
    assert sorted(message.to[0] for message in mail.outbox) == [
        "NEW2@example.org",
        "new1@example.org",
    ]
    invitation = next(m for m in mail.outbox if m.to == ["NEW2@example.org"])
    assert "/password/reset/" in invitation.body
    assert "new2@example.org" in invitation.body  # the username
    assert invitation.subject == "Your Savad account is ready"  # in the learner's language
    with translation.override("fa"):
        subject = gettext("Your Savad account is ready")
    assert next(m for m in mail.outbox if m.to == ["new1@example.org"]).subject == subject


def test_confirming_twice_imports_once(client, world, django_capture_on_commit_callbacks):
    login(client, world, "superuser")
    token = upload(client, GOOD.encode()).context["token"]
    with django_capture_on_commit_callbacks(execute=True):
        client.post(CONFIRM, {"token": token})
    after_first = counts()
    assert len(mail.outbox) == 2
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CONFIRM, {"token": token})
    assert response.status_code == 409
    assert problems(response) == [(0, "This file was already imported.")]
    assert counts() == after_first
    assert len(mail.outbox) == 2  # nobody invited twice


def test_a_line_that_went_bad_before_the_confirmation_imports_nothing(client, world):
    login(client, world, "superuser")
    token = upload(client, GOOD.encode()).context["token"]
    LearnerGroup.objects.filter(pk=world.groups["school"]).update(name="Renamed")
    before = counts()
    response = client.post(CONFIRM, {"token": token})
    assert (2, "Unknown learner group “school”.") in problems(response)
    assert counts() == before
    assert not User.objects.filter(email="new1@example.org").exists()


def test_a_teachers_course_outside_their_scope_is_a_line_error(client, world):
    login(client, world, "teacher_a")
    content = b"email,courses\nt1@example.org,import-a\nt2@example.org,import-b\n"
    response = upload(client, content)
    assert problems(response) == [(3, "You may not enrol learners in the course “import-b”.")]
    ok = upload(client, b"email,courses\nt1@example.org,import-a\n")
    assert ok.context["summary"]["enrolments"] == 1


def test_the_viewers_group_may_use_any_course_by_id(client, world):
    login(client, world, "viewer")
    content = f"email,courses\nv@example.org,{world.course_b.pk}\n".encode()
    assert upload(client, content).context["summary"]["enrolments"] == 1


def test_a_learner_may_not_import(client, world):
    login(client, world, "learner")
    assert client.get(IMPORT).status_code in (302, 403)
    assert upload(client, GOOD.encode()).status_code in (302, 403)


def test_a_bad_or_someone_elses_token_is_refused(client, world):
    login(client, world, "superuser")
    theirs = upload(client, GOOD.encode()).context["token"]
    login(client, world, "teacher_a")
    before = counts()
    for token in ("garbage", str(uuid.uuid4()), str(theirs)):
        response = client.post(CONFIRM, {"token": token})
        assert response.status_code == 400
        assert "could not be confirmed" in problems(response)[0][1]
    assert counts() == before


def test_an_import_is_kept_until_confirmed_then_emptied(client, world):
    login(client, world, "superuser")
    token = upload(client, GOOD.encode()).context["token"]
    assert LearnerImport.objects.get(token=token).text == GOOD
    client.post(CONFIRM, {"token": token})
    staged = LearnerImport.objects.get(token=token)
    assert staged.imported_at is not None
    assert staged.text == ""


def test_usernames_are_the_addresses_made_safe_and_free(client, world):
    UserFactory(username="taken@example.org")
    login(client, world, "superuser")
    content = b"email\ntaken@example.org\no'neil+x@example.org\n"
    client.post(CONFIRM, {"token": upload(client, content).context["token"]})
    assert User.objects.get(email="taken@example.org").username == "taken@example.org-2"
    assert User.objects.get(email="o'neil+x@example.org").username == "o_neil+x@example.org"


def test_the_preview_costs_three_queries_whatever_the_number_of_rows(
    world, django_assert_num_queries
):
    rows = [
        LearnerRow(
            line=n,
            email=f"q{n}@example.org",
            name="",
            groups=(world.groups["school"],),
            courses=(world.course_a.translation_key,),
            language="",
        )
        for n in range(2, 502)
    ]
    rows[0] = replace(rows[0], email="OLD@example.org")  # enrolled in A already
    with django_assert_num_queries(3):
        summary = services.learner_import_preview(rows=rows)
    assert (summary.new_users, summary.existing_users) == (499, 1)
    assert (summary.enrolments, summary.already_enrolled, summary.memberships) == (499, 1, 500)


def test_the_import_page_is_in_the_statistics_menu(client, world):
    login(client, world, "teacher_a")
    response = client.get(IMPORT)
    assert response.status_code == 200
    assert IMPORT in client.get(reverse("wagtailadmin_home")).content.decode()
