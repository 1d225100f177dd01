"""Chromium shows an enrolled learner a gated lesson image kept in an S3 bucket (moto's server):
the image URL passes Savad's access check, redirects to a signed link, and the page's CSP lets
the browser follow it."""

import pytest
from django.test import Client
from wagtail.models import Collection

from courses import services
from courses.models import EnrolmentMode
from tests.core.test_media import _lesson_with_image
from tests.factories import UserFactory

pytestmark = pytest.mark.e2e


def test_a_learner_sees_a_gated_image_from_the_bucket(
    browser, live_server, transactional_db, site_tree, object_storage, s3_server
):
    # A flush by an earlier transaction=True test takes the root collection with it.
    Collection.get_first_root_node() or Collection.add_root(name="Root")
    built, image = _lesson_with_image(EnrolmentMode.INVITATION, "s3-browser")
    learner = UserFactory()
    services.enrol(user=learner, course=built.course, source="teacher")
    login = Client()
    login.force_login(learner)

    context = browser.new_context(viewport={"width": 360, "height": 740}, locale="fa-IR")
    context.add_cookies(
        [{"name": "sessionid", "value": login.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    answers, violations = [], []
    page.on("response", lambda response: answers.append((response.status, response.url)))
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    try:
        page.goto(live_server.url + built.lessons[0].url)
        page.wait_for_function(
            "() => [...document.querySelectorAll('main img')]"
            ".some(img => img.complete && img.naturalWidth > 0)",
            timeout=20_000,
        )
    finally:
        context.close()
    assert violations == []
    redirected = [url for status, url in answers if status == 302 and "/media/" in url]
    from_bucket = [
        url for status, url in answers if status == 200 and url.startswith(s3_server.endpoint)
    ]
    assert redirected, answers
    assert from_bucket and all("X-Amz-Signature=" in url for url in from_bucket), answers
