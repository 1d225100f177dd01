"""The home page sells the mission and lists the courses; finishing a course is a moment."""

import pytest
from django.contrib.messages import get_messages

from competences.models import CompetenceArea
from courses.services import enrol
from tests.builders import build_course
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]

HOME = "/fa/"


@pytest.fixture
def courses():
    return (
        build_course(slug="home-basics", title="مبانی گوشی", lessons=2, level="beginner"),
        build_course(slug="home-safety", title="ایمنی برخط", lessons=2, level="intermediate"),
    )


def complete(client, lesson):
    return client.post(f"/fa/learn/lessons/{lesson.pk}/complete/")


def test_visitors_see_the_mission_the_courses_where_to_start_and_the_areas(client, courses):
    html = client.get(HOME).content.decode()
    assert "اینجا چه می‌آموزید" in html  # what Savad teaches
    assert "مبانی گوشی" in html and "ایمنی برخط" in html
    start = html[html.index('id="start-here"') :]
    assert "مبانی گوشی" in start[: start.index("</section>")]  # the beginner course
    for area in CompetenceArea.objects.all():
        assert area.name_fa in html
    assert "خوش برگشتید" not in html
    assert "۱۲۰ دقیقه" not in html and "60 دقیقه" not in html and "۶۰ دقیقه" in html


def test_a_new_learner_is_welcomed_once_and_not_back(client, courses):
    client.force_login(UserFactory(display_name="مینا"))
    html = client.get(HOME).content.decode()
    assert "مینا، خوش آمدید" in html and "خوش برگشتید" not in html
    dashboard = client.get("/fa/dashboard/").content.decode()
    assert "خوش برگشتید" not in dashboard


def test_a_returning_learner_continues_and_sees_progress_in_persian_digits(client, courses):
    basics, _safety = courses
    learner = UserFactory(display_name="مینا")
    enrol(user=learner, course=basics.course)
    client.force_login(learner)
    complete(client, basics.lessons[0])
    html = client.get(HOME).content.decode()
    assert "خوش برگشتید" in html
    assert "۵۰٪" in html and "50%" not in html
    assert basics.lessons[0].title in html or basics.lessons[1].title in html  # continue
    assert 'id="start-here"' not in html


def test_finishing_a_course_says_so_and_points_to_the_certificate(client, courses):
    basics, _safety = courses
    learner = UserFactory()
    enrol(user=learner, course=basics.course)
    client.force_login(learner)
    complete(client, basics.lessons[0])
    response = complete(client, basics.lessons[1])
    assert response["Location"] == basics.course.url  # back to the course, not a lesson
    (message,) = [str(m) for m in get_messages(response.wsgi_request)][-1:]
    assert "تبریک" in message and "گواهی‌نامه" in message
    page = client.get(basics.course.url).content.decode()
    assert "این دوره را در" in page and "/fa/certificates/" in page
    assert "از همان جایی که ماندید ادامه دهید" not in page
    home = client.get(HOME).content.decode()
    assert "از همان جایی که ماندید ادامه دهید" not in home  # nothing left to continue
