"""Uploaded media are served through Django with an access check (``core.media``)."""

import pytest
from django.utils import translation
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from courses import services
from courses.models import CoursePage, EnrolmentMode, LessonPage
from tests.builders import build_course, publish
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _lesson_with_image(mode, slug):
    built = build_course(slug=slug, lessons=1, mode=mode)
    image = get_image_model().objects.create(title="نمای صفحه", file=get_test_image_file())
    lesson = LessonPage.objects.get(pk=built.lessons[0].pk)
    lesson.body = [("image", {"image": image, "alt": "نمای صفحه", "caption": ""})]
    publish(lesson)
    return built, image


def _rendition_url(image):
    return image.get_rendition("max-800x600|format-webp").url


def test_images_of_invitation_only_lessons_reach_only_those_let_in(client, site_tree):
    built, image = _lesson_with_image(EnrolmentMode.INVITATION, "closed-images")
    urls = [image.file.url, _rendition_url(image)]
    for url in urls:
        assert client.get(url).status_code == 403, url
    learner = UserFactory()
    client.force_login(learner)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 403, url
        with translation.override("fa"):
            message = translation.gettext("This file belongs to a course you are not enrolled in.")
        assert message != "This file belongs to a course you are not enrolled in."
        assert message in response.content.decode()

    services.enrol(user=learner, course=built.course, source="teacher")
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"].startswith("private")
        assert response["X-Content-Type-Options"] == "nosniff"
    assert client.get(urls[1])["Content-Type"] == "image/webp"


def test_the_lesson_page_shows_the_protected_image_to_an_enrolled_learner(client, site_tree):
    built, image = _lesson_with_image(EnrolmentMode.INVITATION, "closed-lesson")
    learner = UserFactory()
    services.enrol(user=learner, course=built.course, source="teacher")
    client.force_login(learner)
    html = client.get(built.lessons[0].url).content.decode()
    url = _rendition_url(image)
    assert url in html
    assert client.get(url).status_code == 200


def test_images_of_open_courses_are_public_and_cacheable(client, site_tree):
    _built, image = _lesson_with_image(EnrolmentMode.OPEN, "open-images")
    response = client.get(_rendition_url(image))
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("public")


def test_an_image_also_used_as_a_public_course_cover_stays_public(client, site_tree):
    built, image = _lesson_with_image(EnrolmentMode.INVITATION, "closed-cover")
    course = CoursePage.objects.get(pk=built.course.pk)
    course.cover_image, course.cover_image_alt = image, "جلد"
    publish(course)
    assert client.get(image.file.url).status_code == 200


def test_media_urls_do_not_bypass_document_protection_or_leave_media_root(client, site_tree):
    assert client.get("/media/documents/guide.pdf").status_code == 404
    assert client.get("/media/../lms/settings/base.py").status_code == 404
    assert client.get("/media/%2e%2e/manage.py").status_code == 404
    assert client.get("/media/images/missing.png").status_code == 404
    assert client.post("/media/images/missing.png").status_code == 405
