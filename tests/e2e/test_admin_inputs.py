"""The admin in Chromium: text fields follow the typed script, number fields take Persian digits."""

import pytest
from wagtail.users.models import UserProfile

from courses.models import CoursePage
from tests.builders import build_course
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.e2e


@pytest.fixture
def editor_page(browser, live_server, transactional_db):
    user = UserFactory(is_superuser=True, is_staff=True)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "fa"
    profile.save()
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fa-IR")
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/admin/")
    yield page
    context.close()


def test_a_teacher_types_minutes_in_persian_digits_and_titles_follow_their_script(
    editor_page, live_server
):
    course = build_course(slug="digits", lessons=1, minutes=60).course
    page = editor_page
    page.goto(f"{live_server.url}/admin/pages/{course.pk}/edit/")
    title = page.locator("#id_title")
    title.wait_for()
    page.wait_for_function("document.getElementById('id_title').getAttribute('dir') === 'auto'")
    minutes = page.locator("#id_estimated_minutes")
    assert (
        minutes.get_attribute("type") == "text" and minutes.get_attribute("inputmode") == "numeric"
    )
    minutes.fill("۴۵")
    assert minutes.input_value() == "۴۵"  # a type=number field would have refused it
    with page.expect_navigation():
        page.locator("button.action-save").first.click()  # "Save draft"
    revision = CoursePage.objects.get(pk=course.pk).get_latest_revision_as_object()
    assert revision.estimated_minutes == 45
