"""The dashboard in real Chromium: the chart draws under the CSP, and the page works without JS."""

from importlib import import_module

import pytest
from django.apps import apps as django_apps

from competences.models import Competence
from courses.selectors import course_syllabus
from courses.services import enrol
from progress.services import record_completion
from quizzes import services as quiz_services
from tests.builders import build_course
from tests.e2e.conftest import axe_violations
from tests.factories import PASSWORD, UserFactory
from tests.quiz_builders import build_quiz, category, standard_questions

pytestmark = pytest.mark.e2e


def ensure_digcomp():
    """The DigComp data again (a transactional test empties the tables its migration filled)."""
    if not Competence.objects.exists():
        migration = import_module("competences.migrations.0002_load_digcomp_2_2")
        migration.load_digcomp(django_apps, None)


@pytest.fixture
def learner(transactional_db):
    ensure_digcomp()
    user = UserFactory()
    built = build_course(slug="chart", lessons=1)
    built.course.competences.set(Competence.objects.filter(code__in=["1.1", "4.2"]))
    built.course.save()
    enrol(user=user, course=built.course)
    lesson = built.lessons[0]
    record_completion(user=user, activity=lesson.activity_ref(course_syllabus(lesson.course)))
    return user


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/fa/accounts/login/?next=/fa/dashboard/")
    page.locator("#id_username").fill(user.username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form.stacked button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/fa/dashboard/")


def test_competence_chart_draws_without_csp_errors_and_the_page_is_accessible(
    page,
    live_server,
    learner,
):
    problems = []

    def console(message):
        if message.type == "error" and not message.location["url"].endswith("/favicon.ico"):
            problems.append(message.text)  # a CSP refusal shows up here

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    log_in(page, live_server, learner)

    chart = page.locator(".competence-chart")
    chart.wait_for(state="visible")
    page.wait_for_function(
        "() => { const c = document.getElementById('competence-chart');"
        " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        " return d.some((value, i) => i % 4 === 3 && value > 0); }"
    )
    assert problems == []
    assert page.locator(".competence-table tbody tr").count() == 5
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(page) == []


def test_without_javascript_the_table_carries_the_profile(browser, live_server, learner):
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, locale="fa-IR", java_script_enabled=False
    )
    try:
        no_js = context.new_page()
        log_in(no_js, live_server, learner)
        assert not no_js.locator(".competence-chart").is_visible()
        cells = no_js.locator(".competence-table tbody tr").first.locator("td").all_inner_texts()
        assert cells == ["۱", "۳"]  # Persian digits, like the chart's axis
        assert no_js.locator("progress").first.get_attribute("value") == "100"
    finally:
        context.close()


@pytest.mark.parametrize("language", ["en", "fa"])
def test_the_dashboard_with_quiz_results_fits_a_360px_phone(page, live_server, language):
    """The quiz results table (with its "Review" links) stays inside a 360 px screen."""
    ensure_digcomp()
    user = UserFactory(display_name="Maryam Hosseini-Tabatabaei")
    built = build_course(slug="narrow", lessons=1, translate=True)
    quiz = build_quiz(built.course, standard_questions(category(built.course)), title="آزمون")
    enrol(user=user, course=built.course)
    attempt = quiz_services.attempt_start(user=user, quiz=quiz)
    quiz_services.attempt_submit(user=user, attempt_id=attempt.pk, answers={})
    log_in(page, live_server, user)
    page.goto(f"{live_server.url}/{language}/dashboard/")
    assert page.locator("#quiz-results").count() == 1
    overflowing = page.evaluate(
        "() => [...document.querySelectorAll('body *')].filter(e => "
        "e.getBoundingClientRect().right > 360.5).map(e => e.tagName + '.' + e.className)"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, overflowing
    box = page.locator("table.attempts a[href$='/review/']").first.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
