"""Enrolment and lesson completion: bad input, forged ids, the lifecycle, and bulk enrolment."""

import re

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.models import Page

from courses import services
from courses.models import Enrolment, EnrolmentMode, LessonPage
from courses.selectors import course_syllabus
from progress.models import ActivityProgress, CourseProgress, Status
from progress.services import record_completion
from tests.builders import BuiltCourse, build_course, publish, refetched
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Persian texts from locale/fa/LC_MESSAGES/django.po
FA_ENROLLED = "در دورهٔ «{course}» ثبت‌نام شدید."
FA_INVITATION_ONLY = "این دوره فقط با دعوت است. از مربی خود بخواهید شما را ثبت‌نام کند."
EN_INVITATION_ONLY = "This course is by invitation only. Ask your teacher to enrol you."
FA_PREREQUISITES_FIRST = "ابتدا این دوره‌ها را به پایان برسانید: {courses}."
FA_PREREQUISITES_ON_PAGE = "پیش از ثبت‌نام، این دوره‌ها را به پایان برسانید:"
FA_NO_LESSONS = "این دوره هنوز درسی ندارد."
FA_ENROL_TO_RECORD = "برای ثبت پیشرفت خود، در این دوره ثبت‌نام کنید."
FA_LEFT = "از دورهٔ «{course}» بیرون آمدید. اگر برگردید، پیشرفت شما سر جایش است."
FA_BULK_ENROLLED = "ثبت‌نام شدند: {emails}"
FA_BULK_ALREADY = "از پیش ثبت‌نام کرده بودند: {emails}"
FA_BULK_UNKNOWN = "هیچ حسابی با این نشانی‌ها وجود ندارد: {emails}"
FA_BULK_INVALID = "این‌ها نشانی ایمیل نیستند: {emails}"
FA_CSV_NOT_UTF8 = "پروندهٔ CSV باید متنی با رمزگذاری UTF-8 باشد."
FA_COURSE_NOT_AVAILABLE = "این دوره در دسترس نیست."

SYLLABUS_ENTRY = re.compile(
    r'<li class="syllabus-entry status-(?P<status>[a-z_]+)">\s*'
    r'(?:<a href="(?P<href>[^"]+)">|<span aria-current="page">)(?P<title>[^<]*)<'
)


# --- helpers ---------------------------------------------------------------------------


def enrol_url(page_id: int, language: str = "fa") -> str:
    with translation.override(language):
        return reverse("courses:enrol", args=[page_id])


def unenrol_url(page_id: int, language: str = "fa") -> str:
    with translation.override(language):
        return reverse("courses:unenrol", args=[page_id])


def complete_url(page_id: int, language: str = "fa") -> str:
    with translation.override(language):
        return reverse("courses:complete", args=[page_id])


def enrolments_admin_url(course) -> str:
    return reverse("courses_admin:enrolments", args=[course.pk])


def enrolment_count(course, user=None) -> int:
    rows = Enrolment.objects.filter(course_key=course.translation_key)
    if user is not None:
        rows = rows.filter(user=user)
    return rows.count()


def syllabus_statuses(html: str) -> dict[str, str]:
    """The syllabus entries of a rendered page: {lesson title: status}."""
    return {m["title"].strip(): m["status"] for m in SYLLABUS_ENTRY.finditer(html)}


def complete_course_directly(user, built: BuiltCourse) -> None:
    """Record a completion of every lesson of ``built`` through the progress services."""
    syllabus = course_syllabus(built.course)
    for lesson in built.lessons:
        record_completion(user=user, activity=lesson.activity_ref(syllabus))


def messages_of(response) -> list[str]:
    return [str(message).strip() for message in get_messages(response.wsgi_request)]


def unused_page_id() -> int:
    return (Page.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000


@pytest.fixture(scope="module")
def basics(module_site_tree) -> BuiltCourse:
    return build_course(slug="basics", lessons=3, title="دورهٔ پایه")


@pytest.fixture
def built(basics, db) -> BuiltCourse:
    return refetched(basics)


@pytest.fixture
def learner(user, client):
    client.force_login(user)
    return user


# --- enrolling ---------------------------------------------------------------------------


def test_enrol_post_creates_one_self_enrolment_and_redirects_to_the_course(client, built, learner):
    response = client.post(enrol_url(built.course.pk))
    assert response.status_code == 302
    assert response["Location"] == built.course.url
    enrolment = Enrolment.objects.get(user=learner)
    assert enrolment.course_key == built.course.translation_key
    assert enrolment.source == Enrolment.Source.SELF
    assert enrolment.enrolled_by is None
    page = client.get(response["Location"])
    html = page.content.decode()
    assert FA_ENROLLED.format(course=built.course.title) in html
    assert unenrol_url(built.course.pk) in html  # the "leave this course" form
    assert f'action="{enrol_url(built.course.pk)}"' not in html


def test_enrolling_twice_leaves_exactly_one_enrolment(client, built, learner):
    first = client.post(enrol_url(built.course.pk))
    second = client.post(enrol_url(built.course.pk))
    assert (first.status_code, second.status_code) == (302, 302)
    assert enrolment_count(built.course, learner) == 1
    assert Enrolment.objects.count() == 1


def test_get_on_the_enrol_url_is_refused_and_enrols_nobody(client, built, learner):
    response = client.get(enrol_url(built.course.pk))
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert not Enrolment.objects.exists()


def test_enrol_without_csrf_token_is_refused_and_enrols_nobody(built, user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    response = browser.post(enrol_url(built.course.pk))
    assert response.status_code == 403
    assert not Enrolment.objects.exists()
    # The same browser with the token from the course page's form is let through.
    page = browser.get(built.course.url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    response = browser.post(enrol_url(built.course.pk), {"csrfmiddlewaretoken": token[1]})
    assert response.status_code == 302
    assert enrolment_count(built.course, user) == 1


def test_anonymous_enrol_post_goes_to_login_and_enrols_nobody(client, built):
    response = client.post(enrol_url(built.course.pk))
    assert response.status_code == 302
    with translation.override("fa"):
        login_url = reverse("accounts:login")
    assert response["Location"] == f"{login_url}?next={enrol_url(built.course.pk)}"
    assert not Enrolment.objects.exists()


def test_invitation_only_course_refuses_self_enrolment_in_persian_and_english(
    client, site_tree, learner
):
    built = build_course(slug="invited", lessons=1, mode=EnrolmentMode.INVITATION, translate=True)
    page = client.get(built.course.url).content.decode()
    assert FA_INVITATION_ONLY in page
    assert f'action="{enrol_url(built.course.pk)}"' not in page

    response = client.post(enrol_url(built.course.pk))
    assert response.status_code == 403
    assert FA_INVITATION_ONLY in response.content.decode()

    response = client.post(enrol_url(built.english.pk, "en"))
    assert response.status_code == 403
    assert EN_INVITATION_ONLY in response.content.decode()
    assert not Enrolment.objects.exists()


def test_teacher_may_enrol_a_learner_in_an_invitation_only_course(client, site_tree, learner):
    built = build_course(slug="invited", lessons=1, mode=EnrolmentMode.INVITATION)
    teacher = UserFactory()
    services.course_ensure_editors_group(course=built.course, owners=[teacher])
    services.enrol(user=learner, course=built.course, source=Enrolment.Source.TEACHER, by=teacher)
    assert client.get(built.lessons[0].url).status_code == 200


def test_prerequisite_must_be_completed_before_enrolling(client, site_tree, learner):
    first = build_course(slug="first", lessons=2, title="دورهٔ نخست")
    second = build_course(slug="second", lessons=1, title="دورهٔ دوم")
    second.course.prerequisites.set([first.course])
    publish(second.course)
    assert list(second.course.prerequisites.all()) == [first.course]

    page = client.get(second.course.url).content.decode()
    assert FA_PREREQUISITES_ON_PAGE in page
    assert f'href="{first.course.url}"' in page

    refused = client.post(enrol_url(second.course.pk))
    assert refused.status_code == 403
    assert FA_PREREQUISITES_FIRST.format(courses=first.course.title) in refused.content.decode()
    assert not Enrolment.objects.exists()

    # Half of the prerequisite is not enough.
    syllabus = course_syllabus(first.course)
    record_completion(user=learner, activity=first.lessons[0].activity_ref(syllabus))
    assert CourseProgress.objects.get(user=learner).completed_at is None
    assert client.post(enrol_url(second.course.pk)).status_code == 403
    assert not Enrolment.objects.exists()

    record_completion(user=learner, activity=first.lessons[1].activity_ref(syllabus))
    assert CourseProgress.objects.get(user=learner).completed_at is not None
    accepted = client.post(enrol_url(second.course.pk))
    assert accepted.status_code == 302
    assert enrolment_count(second.course, learner) == 1
    assert enrolment_count(first.course, learner) == 0


def test_unpublished_course_is_not_found_and_cannot_be_enrolled_in(client, built, learner):
    course_url = built.course.url
    built.course.unpublish()
    assert client.get(course_url).status_code == 404
    assert client.post(enrol_url(built.course.pk)).status_code == 404
    assert not Enrolment.objects.exists()


def test_lessons_of_an_unpublished_course_are_not_served_or_completed(client, built, learner):
    """Unpublishing a course must withdraw it: its lessons may not stay reachable.

    Wagtail's ``unpublish()`` (and the admin's default) leaves descendants live, and the
    lesson view does not check that its course is live.
    """
    services.enrol(user=learner, course=built.course)
    lesson_url = built.lessons[0].url
    built.course.unpublish()
    assert client.get(lesson_url).status_code == 404
    assert client.post(complete_url(built.lessons[0].pk)).status_code == 404
    assert not ActivityProgress.objects.filter(status=Status.COMPLETED).exists()


def test_draft_and_unpublished_lessons_are_hidden_from_enrolled_learners(client, built, learner):
    services.enrol(user=learner, course=built.course)
    draft = LessonPage(
        title="درس پیش‌نویس",
        slug="draft-lesson",
        live=False,
        locale=built.course.locale,
        body=[("text", "<p>متن پیش‌نویس</p>")],
    )
    built.course.add_child(instance=draft)
    draft.save_revision()
    withdrawn = built.lessons[1]
    withdrawn_url = withdrawn.url
    withdrawn.unpublish()

    draft_response = client.get("/fa/courses/basics/draft-lesson/")
    assert draft_response.status_code == 404
    assert "متن پیش‌نویس" not in draft_response.content.decode()
    assert client.get(withdrawn_url).status_code == 404
    assert client.post(complete_url(draft.pk)).status_code == 404

    page = client.get(built.course.url)
    assert page.status_code == 200
    statuses = syllabus_statuses(page.content.decode())
    assert list(statuses) == ["درس 1", "درس 3"]
    assert "draft-lesson" not in page.content.decode()
    # Lesson 1 now leads straight to lesson 3.
    lesson_page = client.get(built.lessons[0].url).content.decode()
    assert f'rel="next" href="{built.lessons[2].url}"' in lesson_page


@pytest.mark.parametrize("enrolled", [False, True], ids=["anonymous", "enrolled"])
def test_course_without_lessons_says_it_has_none_yet(client, site_tree, enrolled):
    built = build_course(slug="empty", lessons=0)
    if enrolled:
        learner = UserFactory()
        services.enrol(user=learner, course=built.course)
        client.force_login(learner)
    response = client.get(built.course.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert FA_NO_LESSONS in html
    assert syllabus_statuses(html) == {}
    assert (unenrol_url(built.course.pk) in html) is enrolled


# --- forged ids ------------------------------------------------------------------------


def test_enrol_with_a_lesson_id_is_not_found(client, built, learner):
    assert client.post(enrol_url(built.lessons[0].pk)).status_code == 404
    assert not Enrolment.objects.exists()


def test_enrol_with_a_non_existent_id_is_not_found(client, built, learner):
    assert client.post(enrol_url(unused_page_id())).status_code == 404
    assert client.post(unenrol_url(unused_page_id())).status_code == 404
    assert not Enrolment.objects.exists()


def test_complete_with_a_course_id_or_non_existent_id_is_not_found(client, built, learner):
    services.enrol(user=learner, course=built.course)
    assert client.post(complete_url(built.course.pk)).status_code == 404
    assert client.post(complete_url(unused_page_id())).status_code == 404
    assert not ActivityProgress.objects.exists()
    assert not CourseProgress.objects.exists()


def test_complete_get_is_refused(client, built, learner):
    services.enrol(user=learner, course=built.course)
    assert client.get(complete_url(built.lessons[0].pk)).status_code == 405
    assert not ActivityProgress.objects.exists()


def test_complete_in_a_course_the_learner_is_not_enrolled_in_is_forbidden(client, built, learner):
    other = build_course(slug="elsewhere", lessons=1)
    services.enrol(user=learner, course=other.course)
    response = client.post(complete_url(built.lessons[0].pk))
    assert response.status_code == 403
    assert FA_ENROL_TO_RECORD in response.content.decode()
    assert not ActivityProgress.objects.exists()
    assert not CourseProgress.objects.exists()


# --- the learner's lifecycle -------------------------------------------------------------


def test_mark_complete_goes_to_the_next_lesson_and_shows_in_the_syllabus(client, built, learner):
    services.enrol(user=learner, course=built.course)
    response = client.post(complete_url(built.lessons[0].pk))
    assert response.status_code == 302
    assert response["Location"] == built.lessons[1].url

    row = ActivityProgress.objects.get(user=learner)
    assert row.activity_key == built.lessons[0].translation_key
    assert row.status == Status.COMPLETED and row.completed_at is not None

    html = client.get(built.course.url).content.decode()
    assert syllabus_statuses(html) == {
        "درس 1": "completed",
        "درس 2": "not_started",
        "درس 3": "not_started",
    }
    lesson = client.get(built.lessons[0].url).content.decode()
    assert complete_url(built.lessons[0].pk) not in lesson  # no second "mark as complete"


def test_completing_every_lesson_completes_the_course(client, built, learner):
    services.enrol(user=learner, course=built.course)
    locations = [client.post(complete_url(lesson.pk))["Location"] for lesson in built.lessons]
    assert locations == [built.lessons[1].url, built.lessons[2].url, built.course.url]
    summary = CourseProgress.objects.get(user=learner, course_key=built.course.translation_key)
    assert (summary.completed_activities, summary.total_activities) == (3, 3)
    assert summary.percent_complete == 100
    assert summary.completed_at is not None
    html = client.get(built.course.url).content.decode()
    with translation.override("fa"):
        assert translation.gettext("See your certificate") in html  # not "continue"
        assert translation.gettext("Continue where you left off") not in html
    assert set(syllabus_statuses(html).values()) == {"completed"}


def test_unenrol_removes_the_enrolment_but_keeps_progress(client, built, learner):
    client.post(enrol_url(built.course.pk))
    assert client.get(built.lessons[1].url).status_code == 200  # a visit: in progress
    client.post(complete_url(built.lessons[0].pk))
    assert ActivityProgress.objects.filter(user=learner).count() == 2

    response = client.post(unenrol_url(built.course.pk), follow=True)
    assert response.redirect_chain == [(built.course.url, 302)]
    assert FA_LEFT.format(course=built.course.title) in response.content.decode()
    assert enrolment_count(built.course, learner) == 0
    assert ActivityProgress.objects.filter(user=learner).count() == 2
    assert CourseProgress.objects.filter(user=learner).count() == 1
    assert client.get(built.lessons[0].url).status_code == 403

    client.post(enrol_url(built.course.pk))
    html = client.get(built.course.url).content.decode()
    assert syllabus_statuses(html) == {
        "درس 1": "completed",
        "درس 2": "in_progress",
        "درس 3": "not_started",
    }


def test_enrolment_and_progress_are_shared_across_translations(client, site_tree, learner):
    built = build_course(slug="shared", lessons=2, translate=True)
    english_lesson = built.english_lessons[0]
    assert english_lesson.url.startswith("/en/")
    assert client.get(english_lesson.url).status_code == 403

    client.post(enrol_url(built.course.pk))
    assert client.get(english_lesson.url).status_code == 200

    response = client.post(complete_url(english_lesson.pk, "en"))
    assert response.status_code == 302
    assert response["Location"] == built.english_lessons[1].url
    row = ActivityProgress.objects.get(user=learner, status=Status.COMPLETED)
    assert row.activity_key == built.lessons[0].translation_key
    assert row.course_key == built.course.translation_key

    html = client.get(built.course.url).content.decode()
    assert syllabus_statuses(html) == {"درس 1": "completed", "درس 2": "not_started"}


# --- bulk enrolment in the admin ---------------------------------------------------------


@pytest.fixture
def teacher(built, client):
    teacher = UserFactory()
    services.course_ensure_editors_group(course=built.course, owners=[teacher])
    client.force_login(teacher)
    return teacher


@pytest.fixture
def learners(db):
    return {
        "a": UserFactory(email="a@example.org"),
        "b": UserFactory(email="b@example.org"),
    }


TYPED = "a@example.org\nB@Example.org, nobody@example.org, not-an-email"


def test_bulk_enrolment_by_typed_addresses(client, built, teacher, learners):
    response = client.post(enrolments_admin_url(built.course), {"emails": TYPED}, follow=True)
    assert response.redirect_chain == [(enrolments_admin_url(built.course), 302)]
    assert response.status_code == 200
    for learner in learners.values():
        enrolment = Enrolment.objects.get(user=learner)
        assert enrolment.course_key == built.course.translation_key
        assert enrolment.source == Enrolment.Source.TEACHER
        assert enrolment.enrolled_by == teacher
    assert Enrolment.objects.count() == 2
    html = response.content.decode()
    assert FA_BULK_ENROLLED.format(emails="a@example.org, B@Example.org") in html
    assert FA_BULK_UNKNOWN.format(emails="nobody@example.org") in html
    assert FA_BULK_INVALID.format(emails="not-an-email") in html
    assert "b@example.org" in html  # the listing of enrolled learners


def test_bulk_enrolment_twice_leaves_one_enrolment_each(client, built, teacher, learners):
    first = client.post(enrolments_admin_url(built.course), {"emails": TYPED}, follow=True)
    assert FA_BULK_ENROLLED.format(emails="a@example.org, B@Example.org") in first.content.decode()
    response = client.post(enrolments_admin_url(built.course), {"emails": TYPED}, follow=True)
    assert enrolment_count(built.course, learners["a"]) == 1
    assert enrolment_count(built.course, learners["b"]) == 1
    assert Enrolment.objects.count() == 2
    html = response.content.decode()
    assert FA_BULK_ALREADY.format(emails="a@example.org, B@Example.org") in html
    assert "ثبت‌نام شدند:" not in html


def test_bulk_enrolment_from_a_csv_file(client, built, teacher, learners):
    upload = SimpleUploadedFile(
        "learners.csv",
        "name,email\nA,a@example.org\nB,nobody@example.org\n".encode("utf-8-sig"),
        content_type="text/csv",
    )
    response = client.post(
        enrolments_admin_url(built.course), {"emails": "", "csv_file": upload}, follow=True
    )
    assert response.status_code == 200
    assert enrolment_count(built.course, learners["a"]) == 1
    assert enrolment_count(built.course, learners["b"]) == 0
    assert Enrolment.objects.count() == 1
    html = response.content.decode()
    assert FA_BULK_ENROLLED.format(emails="a@example.org") in html
    assert FA_BULK_UNKNOWN.format(emails="nobody@example.org") in html


def test_bulk_enrolment_rejects_a_csv_file_that_is_not_utf8(client, built, teacher, learners):
    upload = SimpleUploadedFile(
        "learners.csv", b"\xff\xfea\x00@\x00e\x00\xe9\xff", content_type="text/csv"
    )
    response = client.post(
        enrolments_admin_url(built.course),
        {"emails": "b@example.org", "csv_file": upload},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["csv_file"] == [FA_CSV_NOT_UTF8]
    assert FA_CSV_NOT_UTF8 in response.content.decode()
    assert not Enrolment.objects.exists()


def test_bulk_enrolment_without_addresses_is_a_form_error(client, built, teacher, learners):
    response = client.post(enrolments_admin_url(built.course), {"emails": " , \n"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Enrolment.objects.exists()


def test_bulk_enrolment_is_refused_to_a_teacher_of_another_course(
    client, built, learners, site_tree
):
    other = build_course(slug="other-course", lessons=1)
    outsider = UserFactory()
    services.course_ensure_editors_group(course=other.course, owners=[outsider])
    client.force_login(outsider)
    response = client.post(enrolments_admin_url(built.course), {"emails": "a@example.org"})
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    assert not Enrolment.objects.exists()


def test_bulk_enrolment_in_an_unpublished_course_does_not_crash(client, built, teacher, learners):
    """Teachers' new courses wait for review unpublished; enrolling learners must not fail
    with a server error (services.enrol raises SavadError for a course that is not live)."""
    built.course.unpublish()
    response = client.post(
        enrolments_admin_url(built.course), {"emails": "a@example.org"}, follow=True
    )
    assert response.status_code == 200
    enrolled = enrolment_count(built.course, learners["a"]) == 1
    explained = any(FA_COURSE_NOT_AVAILABLE in text for text in messages_of(response))
    assert enrolled or FA_COURSE_NOT_AVAILABLE in response.content.decode() or explained


def test_bulk_enrolment_escapes_what_it_reports_back(client, built, teacher, learners):
    response = client.post(
        enrolments_admin_url(built.course),
        {"emails": "<script>alert(1)</script>, a@example.org"},
        follow=True,
    )
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    assert FA_BULK_INVALID.format(emails="&lt;script&gt;alert(1)&lt;/script&gt;") in html
    assert Enrolment.objects.count() == 1
