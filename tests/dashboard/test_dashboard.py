"""The learner dashboard: courses, recent completions, quiz results, competences; own data only."""

import re

import pytest
from django.utils import timezone, translation

from certificates.models import Certificate
from competences.models import Competence
from core.templatetags.savad import jdate
from courses.selectors import course_syllabus
from courses.services import enrol
from progress.services import record_completion, record_visit
from quizzes import services as quiz_services
from tests.builders import BuiltCourse, build_course, refetched
from tests.factories import UserFactory
from tests.quiz_builders import build_quiz, category, standard_questions

# The SQLite pass of `make test` runs the tests marked `sqlite` (the browser journeys cover
# the rest of these pages on SQLite).
pytestmark = pytest.mark.django_db

URL = "/fa/dashboard/"
QUERY_BUDGET = 11  # session, user, 8 reads of the dashboard, the request's site


def ref(lesson):
    return lesson.activity_ref(course_syllabus(lesson.course))


def with_competences(built, *codes):
    built.course.competences.set(Competence.objects.filter(code__in=codes))
    built.course.save()
    return built


def submit_quiz(user, quiz):
    attempt = quiz_services.attempt_start(user=user, quiz=quiz)
    return quiz_services.attempt_submit(user=user, attempt_id=attempt.pk, answers={})


@pytest.fixture(scope="module")
def module_learning(module_site_tree):
    """A learner with a course in progress (and a quiz attempt), a completed course, and one
    course not started; another learner in a course of their own. Built once for the module."""
    learner = UserFactory()
    going = with_competences(build_course(slug="going", lessons=2, title="دورهٔ در جریان"), "2.1")
    done = with_competences(
        build_course(slug="done", lessons=2, title="دورهٔ تمام‌شده"), "1.1", "4.1", "4.2"
    )
    fresh = build_course(slug="fresh", lessons=2, title="دورهٔ تازه")
    quiz = build_quiz(going.course, standard_questions(category(going.course)), title="آزمون یک")
    for built in (going, done, fresh):
        enrol(user=learner, course=built.course)
    for lesson in done.lessons:
        record_completion(user=learner, activity=ref(lesson))
    attempt = submit_quiz(learner, quiz)
    record_visit(user=learner, activity=ref(going.lessons[1]))

    other = UserFactory()
    theirs = build_course(slug="theirs", lessons=1, title="دورهٔ دیگری")
    enrol(user=other, course=theirs.course)
    record_completion(user=other, activity=ref(theirs.lessons[0]))
    enrol(user=other, course=going.course)
    other_attempt = submit_quiz(other, quiz)

    return {
        "learner": learner,
        "other": other,
        "going": going,
        "done": done,
        "fresh": fresh,
        "theirs": theirs,
        "attempt": attempt,
        "other_attempt": other_attempt,
    }


@pytest.fixture
def learning(module_learning, client, db):
    """``module_learning`` read anew for this test, its learner logged in."""
    fresh = {
        key: refetched(value)
        if isinstance(value, BuiltCourse)
        else type(value).objects.get(pk=value.pk)
        for key, value in module_learning.items()
    }
    client.force_login(fresh["learner"])
    return fresh


def card(html: str, title: str) -> str:
    """The course card whose heading links to ``title``."""
    start = html.index(f">{title}</a></h3>")
    return html[start : html.index("</li>", start)]


def test_anonymous_visitors_are_sent_to_log_in(client, site_tree):
    response = client.get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith("/fa/accounts/login/?next=/fa/dashboard/")


@pytest.mark.sqlite
def test_courses_show_progress_and_where_to_continue(client, learning):
    html = client.get(URL).content.decode()
    going, done, fresh = learning["going"], learning["done"], learning["fresh"]

    in_progress = card(html, going.course.title)
    assert '<progress max="100" value="0"' in in_progress  # a visit alone completes nothing
    assert f'href="{going.lessons[1].url}"' in in_progress  # the last activity visited
    with translation.override("fa"):
        assert translation.gettext("Continue") in in_progress

    completed = card(html, done.course.title)
    assert '<progress max="100" value="100"' in completed
    summary = learning["learner"].course_progress.get(course_key=done.course.translation_key)
    with translation.override("fa"):
        assert jdate(summary.completed_at) in completed
        assert translation.gettext("Revisit the course") in completed

    not_started = card(html, fresh.course.title)
    assert f'href="{fresh.lessons[0].url}"' in not_started  # the syllabus's first activity
    with translation.override("fa"):
        assert translation.gettext("Start") in not_started


def test_recent_completions_and_quiz_results_link_to_their_pages(client, learning):
    html = client.get(URL).content.decode()
    recent = html[html.index('id="recent-activities"') : html.index('id="quiz-results"')]
    for lesson in learning["done"].lessons:
        assert f'<a href="{lesson.url}">{lesson.title}</a>' in recent
    assert learning["going"].lessons[1].url not in recent  # visited, not completed

    results = html[html.index('id="quiz-results"') : html.index('id="certificates"')]
    attempt = learning["attempt"]
    assert f'href="/fa/quizzes/attempts/{attempt.pk}/review/"' in results
    assert "آزمون یک" in results
    assert "۰٪" in results  # submitted without answers (in Persian digits)
    with translation.override("fa"):
        assert translation.gettext("Not passed") in results


def test_certificates_of_completed_courses_are_listed_with_their_links(client, learning):
    certificate = Certificate.objects.get(user=learning["learner"])
    assert certificate.course_key == learning["done"].course.translation_key
    html = client.get(URL).content.decode()
    section = html[html.index('id="certificates"') : html.index('id="competence-profile"')]
    assert learning["done"].course.title in section
    assert certificate.code in section
    assert f'href="{certificate.get_pdf_url()}"' in section
    assert f'href="{certificate.verify_url}"' in section
    with translation.override("fa"):
        assert jdate(certificate.issued_at) in section

    Certificate.objects.filter(pk=certificate.pk).update(revoked_at=timezone.now())
    section = client.get(URL).content.decode()
    section = section[section.index('id="certificates"') : section.index('id="competence-profile"')]
    assert certificate.get_pdf_url() not in section
    with translation.override("fa"):
        assert translation.gettext("Revoked") in section


def test_only_the_learners_own_data_is_shown(client, learning):
    html = client.get(URL).content.decode()
    assert learning["theirs"].course.title not in html
    assert learning["theirs"].lessons[0].url not in html
    assert f"/attempts/{learning['other_attempt'].pk}/" not in html
    assert Certificate.objects.get(user=learning["other"]).code not in html
    assert html.count('class="course-card"') == 3


def competence_rows(html: str) -> dict[int, tuple[int, int]]:
    table = html[html.index('class="attempts competence-table"') :]
    table = table[: table.index("</table>")]
    rows = re.findall(r'<th scope="row">(\d)\. [^<]+</th><td>(\d+)</td><td>(\d+)</td>', table)
    return {int(area): (int(covered), int(total)) for area, covered, total in rows}


def test_competence_profile_counts_competences_of_completed_courses_only(client, learning):
    html = client.get(URL).content.decode()
    # DigComp 2.2: areas of 3, 6, 4, 4 and 4 competences; only the completed course counts.
    assert competence_rows(html) == {1: (1, 3), 2: (0, 6), 3: (0, 4), 4: (2, 4), 5: (0, 4)}
    with translation.override("fa"):
        caption = translation.gettext("Competences covered in each DigComp area")
    assert f'<caption id="competence-caption">{caption}</caption>' in html
    data = re.search(r'<script id="competence-data" type="application/json">(.*?)</script>', html)
    assert data and '"covered": [1, 0, 0, 2, 0]' in data.group(1)
    assert '"total": [3, 6, 4, 4, 4]' in data.group(1)


def test_chart_is_an_enhancement_loaded_only_here_without_inline_script(client, learning):
    response = client.get(URL)
    html = response.content.decode()
    assert '<script src="/static/vendor/chart.js/chart.umd.min.js" defer></script>' in html
    assert '<script src="/static/dashboard/competences.js" defer></script>' in html
    assert '<div class="competence-chart" hidden>' in html  # shown by the script only
    assert re.search(r'<canvas id="competence-chart" role="img" aria-label="[^"]+"', html)
    scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert scripts == [' id="competence-data" type="application/json"']  # data, not code
    assert "script-src 'self'" in response["Content-Security-Policy"]
    home = client.get(learning["going"].course.url).content.decode()
    assert "chart.umd.min.js" not in home


@pytest.mark.sqlite
def test_persian_page_is_rtl_with_jalali_dates(client, learning):
    html = client.get(URL).content.decode()
    assert '<html lang="fa" dir="rtl">' in html
    enrolment = learning["learner"].enrolments.get(
        course_key=learning["fresh"].course.translation_key
    )
    with translation.override("fa"):
        date = jdate(enrolment.enrolled_at)
    assert re.fullmatch(r"[۰-۹]+ \S+ [۰-۹]{4}", date)
    assert date in card(html, learning["fresh"].course.title)


def test_english_page_uses_english_titles_and_links(client, site_tree):
    learner = UserFactory()
    built = build_course(slug="bilingual", lessons=2, translate=True)
    enrol(user=learner, course=built.course)
    record_visit(user=learner, activity=ref(built.lessons[0]))
    client.force_login(learner)
    html = client.get("/en/dashboard/").content.decode()
    assert '<html lang="en" dir="ltr">' in html
    entry = card(html, built.english.title)
    assert f'href="{built.english_lessons[0].url}"' in entry
    assert f">{built.course.title}<" not in html


def test_empty_dashboard_points_to_the_catalogue(client, site_tree, user):
    client.force_login(user)
    html = client.get(URL).content.decode()
    with translation.override("fa"):
        assert translation.gettext("You are not enrolled in any course yet.") in html
    assert '<a href="/fa/courses/">' in html
    assert competence_rows(html)[1] == (0, 3)


def test_nav_links_to_the_dashboard_for_logged_in_users(client, site_tree, user):
    assert 'href="/fa/dashboard/"' not in client.get("/fa/").content.decode()
    client.force_login(user)
    assert 'href="/fa/dashboard/"' in client.get("/fa/").content.decode()
    page = client.get(URL).content.decode()
    assert '<a href="/fa/dashboard/" aria-current="page">' in page


def _learner_with_courses(count: int):
    learner = UserFactory()
    for number in range(count):
        built = build_course(slug=f"c{count}-{number}", lessons=2)
        with_competences(built, "1.1")
        quiz = build_quiz(built.course, standard_questions(category(built.course)), slug="q")
        enrol(user=learner, course=built.course)
        record_completion(user=learner, activity=ref(built.lessons[0]))
        if number % 2:
            record_completion(user=learner, activity=ref(built.lessons[1]))
        submit_quiz(learner, quiz)
    return learner


@pytest.mark.sqlite
@pytest.mark.parametrize("courses", [1, 10])
def test_query_count_does_not_grow_with_courses(
    client, site_tree, django_assert_max_num_queries, courses
):
    learner = _learner_with_courses(courses)
    client.force_login(learner)
    assert client.get(URL).status_code == 200  # fills the caches
    with django_assert_max_num_queries(QUERY_BUDGET):
        response = client.get(URL)
    html = response.content.decode()
    assert html.count('class="course-card"') == courses
    assert html.count("/review/") == courses
