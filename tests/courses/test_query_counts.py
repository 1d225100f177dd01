"""Query budgets of the pages a learner uses: small, and flat in the number of lessons and courses.

Published structure (site, language roots, syllabus, translations, catalogue link) is cached
and keyed by a content version (see ``core.caching``), so the first request after a publish
fills the cache and every later one is served from it. The budgets below are for that later,
warm request; each test makes one request per page first to warm the cache (the autouse
``_fresh_cache`` fixture starts every test with an empty cache).
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from courses.services import enrol
from progress.models import ActivityProgress, CourseProgress, Status
from tests.builders import build_course, publish
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

WARM_BUDGET = 10
COLD_BUDGET = 24  # 8 warm + 10 cache fills + 6 first-visit statements, as measured
FIRST_VISIT_BUDGET = 11  # a warm page + the progress rows + the xAPI "launched" statement
CATALOGUE_URL = "/fa/courses/"
HOME_URL = "/fa/"

COURSE_SIZES = [
    pytest.param(10, 0, id="10-lessons"),
    pytest.param(300, 3, id="300-lessons-in-3-modules", marks=pytest.mark.slow),
]


def syllabus_entries(response) -> int:
    return response.content.decode().count('class="syllabus-entry')


def middle_lesson(built):
    return built.lessons[len(built.lessons) // 2]


def get_ok(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def count_queries(client, url: str) -> tuple[int, object]:
    with CaptureQueriesContext(connection) as queries:
        response = get_ok(client, url)
    return len(queries), response


@pytest.fixture
def learner(client, user):
    client.force_login(user)
    return user


@pytest.mark.parametrize(("lessons", "modules"), COURSE_SIZES)
def test_catalogue_course_and_lesson_pages_stay_within_ten_queries_when_warm(
    client, learner, django_assert_max_num_queries, lessons, modules
):
    built = build_course(slug="budget", lessons=lessons, modules=modules)
    enrol(user=learner, course=built.course)
    lesson = middle_lesson(built)
    urls = {"catalogue": CATALOGUE_URL, "course": built.course.url, "lesson": lesson.url}
    for url in urls.values():
        get_ok(client, url)  # fills the caches (and records the first visit of the lesson)

    with django_assert_max_num_queries(WARM_BUDGET):
        catalogue = client.get(urls["catalogue"])
    with django_assert_max_num_queries(WARM_BUDGET):
        course = client.get(urls["course"])
    with django_assert_max_num_queries(WARM_BUDGET):
        lesson_page = client.get(urls["lesson"])

    assert catalogue.status_code == 200
    assert built.course.title in catalogue.content.decode()

    assert course.status_code == 200
    course_html = course.content.decode()
    assert f"<h1>{built.course.title}</h1>" in course_html
    assert syllabus_entries(course) == lessons
    for module in built.modules:
        assert f'id="module-{module.pk}"' in course_html

    assert lesson_page.status_code == 200
    lesson_html = lesson_page.content.decode()
    assert f"<h1>{lesson.title}</h1>" in lesson_html
    assert f'<span aria-current="page">{lesson.title}</span>' in lesson_html
    assert syllabus_entries(lesson_page) == lessons


@pytest.mark.slow
def test_course_and_lesson_query_counts_do_not_grow_with_the_number_of_lessons(
    client, learner, django_assert_num_queries
):
    small = build_course(slug="small", lessons=10)
    # 120 lessons: a query per lesson or module would show as dozens more; the 300-lesson case
    # of the test above checks the budget itself.
    large = build_course(slug="large", lessons=120, modules=3)
    for built in (small, large):
        enrol(user=learner, course=built.course)
        get_ok(client, built.course.url)
        get_ok(client, middle_lesson(built).url)

    small_course, _response = count_queries(client, small.course.url)
    with django_assert_num_queries(small_course):
        response = get_ok(client, large.course.url)
    assert syllabus_entries(response) == 120

    small_lesson, _response = count_queries(client, middle_lesson(small).url)
    with django_assert_num_queries(small_lesson):
        response = get_ok(client, middle_lesson(large).url)
    assert syllabus_entries(response) == 120

    assert small_course <= WARM_BUDGET
    assert small_lesson <= WARM_BUDGET


def _add_courses(learner, first: int, last: int, cover):
    """Courses ``first``..``last`` (one lesson each, with a cover), enrolled and started."""
    for number in range(first, last + 1):
        built = build_course(slug=f"course-{number}", lessons=1)
        built.course.cover_image = cover
        built.course.cover_image_alt = "تصویر دوره"
        publish(built.course)
        enrol(user=learner, course=built.course)
        yield built


def test_catalogue_query_count_does_not_grow_with_the_number_of_courses(
    client, learner, django_assert_num_queries
):
    image_model = get_image_model()
    cover = image_model.objects.create(title="cover", file=get_test_image_file())
    for built in _add_courses(learner, 1, 3, cover):
        get_ok(client, built.lessons[0].url)  # a progress summary for every course
    get_ok(client, CATALOGUE_URL)  # fills the caches and the cover renditions
    few, response = count_queries(client, CATALOGUE_URL)
    assert response.content.decode().count('class="course-card"') == 3

    for built in _add_courses(learner, 4, 30, cover):
        get_ok(client, built.lessons[0].url)
    get_ok(client, CATALOGUE_URL)
    with django_assert_num_queries(few):
        response = get_ok(client, CATALOGUE_URL)
    html = response.content.decode()
    assert html.count('class="course-card"') == 30
    assert html.count("<progress ") == 30
    assert few <= WARM_BUDGET


def test_home_page_for_a_logged_in_learner_stays_within_ten_queries(
    client, learner, django_assert_max_num_queries
):
    built = build_course(slug="home-budget", lessons=10)
    enrol(user=learner, course=built.course)
    lesson = middle_lesson(built)
    get_ok(client, lesson.url)  # gives the home page a lesson to continue with
    get_ok(client, HOME_URL)

    with django_assert_max_num_queries(WARM_BUDGET):
        response = client.get(HOME_URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="continue"' in html
    assert lesson.title in html


def test_first_visit_of_a_lesson_stays_within_budget(
    client, learner, django_assert_max_num_queries
):
    """Every learner's first visit of every lesson creates a progress row and an xAPI
    "launched" statement in one transaction (a SAVEPOINT pair inside the test's own
    transaction, counted here; BEGIN/COMMIT in production are not)."""
    built = build_course(slug="first-visit", lessons=10)
    enrol(user=learner, course=built.course)
    visited, first_time = built.lessons[0], built.lessons[1]
    get_ok(client, visited.url)  # the course summary exists, the caches are warm
    client.force_login(UserFactory())  # another learner warms this lesson's page caches
    assert client.get(first_time.url).status_code == 403  # the page is resolved and cached
    client.force_login(learner)

    with django_assert_max_num_queries(FIRST_VISIT_BUDGET):
        response = client.get(first_time.url)

    assert response.status_code == 200
    row = ActivityProgress.objects.get(user=learner, activity_key=first_time.translation_key)
    assert row.status == Status.IN_PROGRESS
    summary = CourseProgress.objects.get(user=learner, course_key=built.course.translation_key)
    assert summary.last_activity_key == first_time.translation_key


# A cold request costs more than a warm one because it fills the cache: the site for the host,
# the locale and root page of the language, whether any view restriction exists, the course
# syllabus, the page's translations (language switcher), the catalogue link and Wagtail's own
# site lookup for URLs (8 queries), the course's completion rule (1, with the syllabus) and
# the activity titles xAPI statements carry (1).
# This first request is also the learner's first visit of the lesson and of the course, so
# ``record_visit`` creates both progress rows with upserts and the xAPI "launched" statement
# in one transaction (6 statements with the test's SAVEPOINT pair).
def test_cold_first_request_to_a_lesson_is_bounded(client, learner, django_assert_max_num_queries):
    built = build_course(slug="cold", lessons=10)
    enrol(user=learner, course=built.course)
    lesson = middle_lesson(built)

    with django_assert_max_num_queries(COLD_BUDGET):
        response = client.get(lesson.url)

    assert response.status_code == 200
    assert f"<h1>{lesson.title}</h1>" in response.content.decode()
