"""A teacher builds a course in the Wagtail admin and an administrator approves and reports it.

The teacher (the demo account, admin in English) creates a course, a lesson with a heading,
text and a callout, imports GIFT questions, uploads an H5P package and submits the course for
review; the administrator approves it, opens the statistics and exports the overview as CSV.
axe-core finds no serious violation on the pages the learner-facing side would show.
"""

import csv
import io
import re
from pathlib import Path

import pytest
from wagtail.models import Page

from content.models import H5PPackage
from courses.models import CatalogueIndexPage, CoursePage, LessonPage
from demo.site import DEMO_ACCOUNTS
from quizzes.models import Question
from tests.e2e.conftest import axe_violations

pytestmark = pytest.mark.e2e

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TEACHER = next(a for a in DEMO_ACCOUNTS if a.role == "teacher")
ADMIN = next(a for a in DEMO_ACCOUNTS if a.role == "admin")
GIFT = """\
::Two-step::Two-step verification asks for {=a second proof such as a code ~only a password}

::Phishing::A message asks for your password "to keep your account open". Is it genuine? {F}
"""


@pytest.fixture
def demo_site(transactional_db):
    from demo import site as demo

    demo.seed(curriculum=False)


@pytest.fixture
def desk(browser, live_server, demo_site):
    """Admin pages logged in as a demo account (1280 × 800)."""
    contexts = []

    def open_as(account):
        context = browser.new_context(
            viewport={"width": 1280, "height": 800}, locale="en-GB", accept_downloads=True
        )
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live_server.url}/admin/login/")
        page.locator("#id_username").fill(account.username)
        page.locator("#id_password").fill(account.password)
        page.locator("form button[type=submit]").click()
        page.wait_for_url(f"{live_server.url}/admin/")
        return page

    yield open_as
    for context in contexts:
        context.close()


def save_draft(page):
    with page.expect_navigation():
        page.locator("button.action-save").first.click()
    assert "/edit/" in page.url, page.url


def set_title(page, title: str) -> None:
    """Type a page title; the slug follows it when the field is left."""
    page.locator("#id_title").fill(title)
    page.locator("#id_title").blur()
    page.wait_for_function("document.getElementById('id_slug').value !== ''")


def submit_for_review(page, base, page_id) -> None:
    page.goto(f"{base}/admin/pages/{page_id}/edit/")
    page.locator("button[data-w-dropdown-target='toggle'], .dropdown-toggle").last.click()
    with page.expect_navigation():
        page.locator("button[name='action-submit']").click()


def approve(page, base, page_id) -> None:
    """ "Approve and Publish" from the page's action menu (a click as the menu item gets it)."""
    page.goto(f"{base}/admin/pages/{page_id}/edit/")
    approve = "button[data-workflow-action-name='approve']:not([data-workflow-action-modal-url])"
    if not page.locator(approve).count():
        state = Page.objects.get(pk=page_id).current_workflow_state
        raise AssertionError(f"no approve button for page {page_id}: {state!r} {page.url}")
    with page.expect_navigation():
        page.locator(approve).dispatch_event("click")


def add_block(page, name: str) -> None:
    """Add a block at the end of the body, and wait until the form counts it (a save before
    that would leave it out)."""
    count = page.locator("[name='body-count']")
    before = int(count.input_value() or 0)
    page.locator("button.c-sf-add-button").last.click()
    page.get_by_role("option", name=name, exact=True).click()
    page.wait_for_function(
        "n => Number(document.querySelector(\"[name='body-count']\").value) > n", arg=before
    )


def test_a_teacher_builds_a_course_and_an_administrator_approves_and_reports_it(desk, live_server):
    base = live_server.url
    catalogue = CatalogueIndexPage.objects.get(locale__language_code="en")
    teacher = desk(TEACHER)

    # A course in the English catalogue.
    teacher.goto(f"{base}/admin/pages/{catalogue.pk}/add_subpage/")
    set_title(teacher, "Using e-mail safely")
    teacher.locator("#id_summary").fill("Write, send and check e-mail without falling for scams.")
    teacher.locator("#id_estimated_minutes").fill("45")
    save_draft(teacher)
    course = CoursePage.objects.get(title="Using e-mail safely")

    # A lesson with a heading, rich text and a callout.
    teacher.goto(f"{base}/admin/pages/add/courses/lessonpage/{course.pk}/")
    set_title(teacher, "Writing a clear e-mail")
    add_block(teacher, "Heading")
    teacher.locator("[name='body-0-value-text']").fill("Start with the subject")
    add_block(teacher, "Text")
    teacher.locator("[contenteditable=true]").first.click()
    teacher.keyboard.type("Say in the subject line what the message is about.")
    add_block(teacher, "Callout")
    teacher.locator("[name='body-2-value-title']").fill("Never send your password")
    save_draft(teacher)
    lesson = LessonPage.objects.get(title="Writing a clear e-mail")
    body = lesson.get_latest_revision_as_object().body
    assert [block.block_type for block in body] == ["heading", "text", "callout"]

    # GIFT questions into the course's question bank: preview, then import.
    teacher.goto(f"{base}/admin/quizzes/import/")
    teacher.locator("[name=file]").set_input_files(
        files=[{"name": "safety.gift", "mimeType": "text/plain", "buffer": GIFT.encode()}]
    )
    teacher.locator("[name=format]").select_option("gift")
    teacher.locator("[name=course]").select_option(str(course.pk))
    with teacher.expect_navigation():
        teacher.locator("main form button[type=submit]").first.click()
    assert "Two-step" in teacher.content() and "Phishing" in teacher.content()
    with teacher.expect_navigation():
        teacher.locator("main form button[type=submit]").last.click()
    assert set(Question.objects.filter(category__course=course).values_list("name", flat=True)) >= {
        "Two-step",
        "Phishing",
    }

    # An H5P package, imported in the background (eagerly here).
    teacher.goto(f"{base}/admin/snippets/content/h5ppackage/add/")
    teacher.locator("[name=title]").fill("Spot the scam")
    teacher.locator("[name=upload]").set_input_files(str(FIXTURES / "h5p" / "multichoice.h5p"))
    teacher.locator("[name=course]").select_option(str(course.pk))
    with teacher.expect_navigation():
        teacher.locator("button.action-save").click()
    package = H5PPackage.objects.get(title="Spot the scam")
    for _second in range(20):  # imported after the request's commit
        package.refresh_from_db()
        if package.status in (H5PPackage.Status.READY, H5PPackage.Status.FAILED):
            break
        teacher.wait_for_timeout(500)
    assert package.status == H5PPackage.Status.READY, package.status

    # The course submitted for review.
    submit_for_review(teacher, base, course.pk)
    course.refresh_from_db()
    assert course.current_workflow_state is not None
    assert course.current_workflow_state.status == "in_progress"

    # The administrator approves it: the course is live.
    admin = desk(ADMIN)
    approve(admin, base, course.pk)
    course = Page.objects.get(pk=course.pk)
    assert course.live
    admin.goto(base + course.url)  # what learners now see
    assert axe_violations(admin) == []
    assert "Using e-mail safely" in admin.content()

    # The statistics overview lists it; its CSV export holds its row.
    admin.goto(f"{base}/admin/statistics/")
    assert "Using e-mail safely" in admin.content()
    admin.locator("#w-slim-header-buttons button.w-dropdown__toggle").click()
    with admin.expect_download() as download:
        admin.get_by_role("link", name="Download CSV").click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text("utf-8-sig"))))
    assert any(re.search("Using e-mail safely", row[0]) for row in rows[1:]), rows
