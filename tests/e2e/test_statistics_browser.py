"""The statistics reports in real Chromium, in Persian: an administrator filters the learner
table by a group and downloads it; a teacher sees only their own course.

The world is tests/stats/conftest.py's (courses A, B and C; group «کلاس ۱» holds u1 and u3,
both enrolled in A, u1 also in B).
"""

import csv
import io
import re
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.utils import translation
from openpyxl import load_workbook
from wagtail.users.models import UserProfile

from accounts.models import User
from core.privacy import formula_safe
from core.templatetags.savad import digits as in_page_digits
from courses.models import Enrolment
from stats.selectors import STATS_VIEWERS_GROUP
from tests.e2e.conftest import axe_violations
from tests.factories import PASSWORD
from tests.stats.conftest import build_world

pytestmark = pytest.mark.e2e


def fa(message: str) -> str:
    with translation.override("fa"):
        return translation.gettext(message)


def fa_digits(value) -> str:
    with translation.override("fa"):
        return in_page_digits(value)


@pytest.fixture
def world(transactional_db):
    # a transactional test empties the tables the migrations filled: the group again
    Group.objects.get_or_create(name=STATS_VIEWERS_GROUP)
    return build_world()


@pytest.fixture
def admin_page(browser, live_server, world):
    """Log ``name`` in to the admin in a browser that asks for English, their Wagtail profile
    preferring ``language``: the admin's language is the profile's."""
    contexts = []

    def open_as(name: str, *, language: str):
        user = User.objects.get(pk=world.users[name])
        profile = UserProfile.get_for_user(user)
        profile.preferred_language = language
        profile.save()
        context = browser.new_context(
            viewport={"width": 1280, "height": 900}, locale="en-GB", accept_downloads=True
        )
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{live_server.url}/admin/login/")
        page.locator("#id_username").fill(user.username)
        page.locator("#id_password").fill(PASSWORD)
        page.locator("form button[type=submit]").click()
        page.wait_for_url(f"{live_server.url}/admin/")
        return page

    yield open_as
    for context in contexts:
        context.close()


def download(page, label: str) -> bytes:
    """Open the header's Actions menu and download the file its ``label`` link gives."""
    page.locator("#w-slim-header-buttons button.w-dropdown__toggle").click()
    with page.expect_download() as info:
        page.get_by_role("link", name=label).click()
    page.keyboard.press("Escape")  # the menu closes again
    page.get_by_role("link", name=label).wait_for(state="hidden")
    return Path(info.value.path()).read_bytes()


def listing_rows(page) -> list[list[str]]:
    rows = page.locator("#listing-results table.listing tbody tr")
    return [
        [cell.strip() for cell in row.locator("td, th").all_inner_texts()] for row in rows.all()
    ]


def group_rows(world) -> list[tuple[str, str, str]]:
    """(name, e-mail, course) of every enrolment of the members of «کلاس ۱», from the database."""
    titles = {
        world.course_a.translation_key: world.course_a.title,
        world.course_b.translation_key: world.course_b.title,
        world.course_c.translation_key: world.course_c.title,
    }
    enrolments = Enrolment.objects.filter(
        user__learner_groups=world.groups["class_1"]
    ).select_related("user")
    return sorted((e.user.get_full_name(), e.user.email, titles[e.course_key]) for e in enrolments)


def test_an_administrator_reads_filters_and_downloads_the_statistics_in_persian(
    admin_page, live_server, world
):
    base = live_server.url
    page = admin_page("superuser", language="fa")

    # The overview, in Persian although the browser asks for English (the profile decides).
    page.goto(f"{base}/admin/statistics/")
    assert page.locator("html").get_attribute("lang") == "fa"
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("h1").first.inner_text().strip() == fa("Course statistics")
    titles = [row[0] for row in listing_rows(page)]
    assert titles == ["الف دوره", "ب دوره", "ج دوره", fa("All courses")]
    assert axe_violations(page) == []

    # One course's funnel, from its link in the overview.
    page.get_by_role("link", name="الف دوره").click()
    page.wait_for_url(re.compile(r"/admin/statistics/funnel/"))
    heading = fa("Funnel: %(course)s") % {"course": "الف دوره"}
    assert page.locator("h1").first.inner_text().strip() == heading
    funnel = listing_rows(page)
    assert [row[0] for row in funnel] == ["درس 1", "درس 2", "درس 3", "آزمون"]
    assert [row[1:3] for row in funnel] == [
        [fa_digits(reached), fa_digits(completed)]
        for reached, completed in ((4, 4), (4, 3), (3, 3), (3, 2))
    ]

    # The learner table, filtered by a group through the filter menu.
    page.goto(f"{base}/admin/statistics/learners/")
    assert len(listing_rows(page)) == 8
    page.locator("#filters-drilldown button.w-dropdown__toggle").click()
    page.locator("button[aria-controls=drilldown-id_group]").click()
    page.locator("#id_group").select_option(label="کلاس ۱ (کلاس)")
    page.wait_for_url(re.compile(rf"group={world.groups['class_1']}"))
    expected = group_rows(world)
    assert [name for name, _email, _course in expected] == ["نام u1", "نام u1", "نام u3"]
    page.wait_for_function(
        "n => document.querySelectorAll('#listing-results table.listing tbody tr').length === n",
        arg=len(expected),
    )
    shown = sorted((row[0], row[1], row[3]) for row in listing_rows(page))
    assert shown == expected

    # Both downloads hold exactly the filtered rows, headed in Persian.
    text = download(page, fa("Download CSV")).decode("utf-8-sig")
    heading, *rows = list(csv.reader(io.StringIO(text)))
    assert heading[:4] == [fa("Name"), fa("E-mail"), fa("Groups"), fa("Course")]
    assert sorted((row[0], row[1], row[3]) for row in rows) == [
        (name, formula_safe(email), course) for name, email, course in expected
    ]
    sheet = load_workbook(io.BytesIO(download(page, fa("Download XLSX"))), read_only=True).active
    heading, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert heading[:4] == [fa("Name"), fa("E-mail"), fa("Groups"), fa("Course")]
    assert sorted((row[0], row[1], row[3]) for row in rows) == expected

    # A learner's own page, from their name in the table.
    page.get_by_role("link", name="نام u3").click()
    page.wait_for_url(re.compile(rf"/admin/statistics/learner/{world.users['u3']}/$"))
    heading = fa("Learner: %(learner)s") % {"learner": "نام u3"}
    assert page.locator("h1").first.inner_text().strip() == heading
    activities = page.locator("table.stats-activities tbody tr")
    assert activities.count() == 4  # course A's three lessons and its quiz
    statuses = [activities.nth(i).locator("td").nth(1).inner_text() for i in range(4)]
    assert statuses == [fa("Completed"), fa("In progress"), fa("Not started"), fa("Not started")]
    assert axe_violations(page) == []


def test_a_teacher_sees_only_their_own_course(admin_page, live_server, world):
    """teacher_c is in the editors group of course C only."""
    base = live_server.url
    page = admin_page("teacher_c", language="fa")
    page.goto(f"{base}/admin/statistics/")
    assert [row[0] for row in listing_rows(page)] == ["ج دوره", fa("All courses")]

    page.goto(f"{base}/admin/statistics/funnel/{world.course_a.translation_key}/")
    page.wait_for_url(f"{base}/admin/")  # refused: sent back to the admin's home page
    no_access = fa("Sorry, you do not have permission to access this area.")
    assert no_access in page.locator(".messages").inner_text()
    assert "درس 1" not in page.locator("main").inner_text()

    page.goto(f"{base}/admin/statistics/learners/")
    assert [(row[0], row[3]) for row in listing_rows(page)] == [("نام u7", "ج دوره")]
