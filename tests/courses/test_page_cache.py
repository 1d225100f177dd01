"""Course and lesson pages read the cache in at most three round trips, and the shared syllabus
HTML carries nobody's progress: each learner sees their own ticks, in their own language."""

import gzip
import re

import pytest
from django.http import FileResponse, HttpResponse
from django.test import RequestFactory

from core.middleware import TextGZipMiddleware
from courses.selectors import course_syllabus
from courses.services import enrol
from progress.services import record_completion
from tests.builders import build_course, publish
from tests.cache_calls import counting_cache_calls
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

MAX_ROUND_TRIPS = 3
MODULE = re.compile(r'<li class="syllabus-module" id="module-(\d+)"><details( open)?>')
ENTRY = re.compile(
    r'<li class="syllabus-entry status-([a-z_]+)">'
    r'(?:<a href="[^"]+">|<span aria-current="page">)([^<]*)<'
)


def get_ok(client, url: str, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.status_code)
    return response


def statuses(response) -> dict[str, str]:
    return {title: status for status, title in ENTRY.findall(response.content.decode())}


def open_modules(response) -> dict[int, bool]:
    return {int(pk): bool(opened) for pk, opened in MODULE.findall(response.content.decode())}


def complete(user, built, *lessons) -> None:
    syllabus = course_syllabus(built.course)
    for lesson in lessons:
        record_completion(user=user, activity=lesson.activity_ref(syllabus))


@pytest.fixture
def learner(client, user):
    client.force_login(user)
    return user


@pytest.mark.parametrize("lessons", [3, 40])
def test_warm_course_and_lesson_pages_take_at_most_three_cache_round_trips(
    client, learner, lessons
):
    built = build_course(slug="trips", lessons=lessons, modules=2)
    enrol(user=learner, course=built.course)
    for url in (built.course.url, built.lessons[1].url):
        get_ok(client, url)  # fills the caches
        with counting_cache_calls() as calls:
            get_ok(client, url)
        assert len(calls) <= MAX_ROUND_TRIPS, (url, calls)
        # the content version once, then everything else in batches
        assert [name for name, _key in calls].count("get") == 1, calls


def test_the_lesson_page_opens_its_own_module_and_closes_the_others(client, learner):
    built = build_course(slug="modules", lessons=6, modules=3)
    enrol(user=learner, course=built.course)
    lesson = built.lessons[4]  # lessons go round the modules: the fifth is in the second
    current = lesson.get_parent().pk
    assert current == built.modules[1].pk

    shown = open_modules(get_ok(client, lesson.url))
    assert shown == {module.pk: module.pk == current for module in built.modules}
    html = get_ok(client, lesson.url).content.decode()
    assert f'<span aria-current="page">{lesson.title}</span>' in html
    assert html.count('aria-current="page"') == 1
    assert len(statuses(get_ok(client, lesson.url))) == 6  # the closed modules list theirs too

    # The course page opens every module.
    assert set(open_modules(get_ok(client, built.course.url)).values()) == {True}
    other = built.lessons[0]
    assert open_modules(get_ok(client, other.url))[other.get_parent().pk] is True
    assert open_modules(get_ok(client, other.url))[current] is False


def test_each_learner_sees_their_own_ticks_from_the_shared_syllabus(client):
    built = build_course(slug="ticks", lessons=4, modules=2)
    first, second = UserFactory(), UserFactory()
    for learner in (first, second):
        enrol(user=learner, course=built.course)
    complete(first, built, built.lessons[0])
    complete(second, built, built.lessons[1], built.lessons[2])
    titles = [lesson.title for lesson in built.lessons]

    def seen(learner, url):
        client.force_login(learner)
        return statuses(get_ok(client, url))

    for url in (built.course.url, built.lessons[3].url):
        for _round in range(2):  # the second round is served from the warm cache
            mine = seen(first, url)
            theirs = seen(second, url)
            assert {t for t in titles if mine[t] == "completed"} == {titles[0]}
            assert {t for t in titles if theirs[t] == "completed"} == {titles[1], titles[2]}
    # The lesson being read is in progress for both (the visit recorded it): no tick leaks.
    client.force_login(first)
    html = get_ok(client, built.course.url).content.decode()
    assert html.count('class="tick"') == 1

    # An anonymous visitor of the course page sees no ticks at all.
    client.logout()
    html = get_ok(client, built.course.url).content.decode()
    assert 'class="tick"' not in html
    assert set(statuses(get_ok(client, built.course.url)).values()) == {"not_started"}


def test_each_language_gets_its_own_syllabus(client, learner):
    built = build_course(slug="bilingual", lessons=3, modules=1, translate=True)
    enrol(user=learner, course=built.course)
    complete(learner, built, built.lessons[0])

    persian = statuses(get_ok(client, built.course.url))
    english = statuses(get_ok(client, built.english.url))
    persian_again = statuses(get_ok(client, built.course.url))

    assert persian == persian_again
    assert set(persian) == {lesson.title for lesson in built.lessons}
    assert set(english) == {lesson.title for lesson in built.english_lessons}
    # progress is keyed by translation key: the tick shows in both languages
    assert persian[built.lessons[0].title] == "completed"
    assert english[built.english_lessons[0].title] == "completed"
    english_html = get_ok(client, built.english.url).content.decode()
    assert "(3 activities)" in english_html
    assert built.english.url in english_html


def test_publishing_a_change_replaces_the_cached_syllabus(client, learner):
    built = build_course(slug="publish", lessons=3, modules=1)
    enrol(user=learner, course=built.course)
    lesson = built.lessons[2]
    get_ok(client, built.course.url)
    get_ok(client, built.lessons[0].url)

    lesson.title = "درس تازه"
    publish(lesson)

    assert "درس تازه" in statuses(get_ok(client, built.course.url))
    assert "درس تازه" in statuses(get_ok(client, built.lessons[0].url))

    lesson.unpublish()
    assert "درس تازه" not in statuses(get_ok(client, built.course.url))


def test_html_pages_are_sent_gzipped_to_browsers_that_accept_it(client, learner):
    built = build_course(slug="gzip", lessons=30, modules=3)
    enrol(user=learner, course=built.course)
    plain = get_ok(client, built.course.url)
    assert not plain.has_header("Content-Encoding")
    assert "Accept-Encoding" in plain["Vary"]

    packed = get_ok(client, built.course.url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert packed["Content-Encoding"] == "gzip"
    html = gzip.decompress(packed.content).decode()
    assert f"<h1>{built.course.title}</h1>" in html
    assert len(packed.content) < len(plain.content) / 3
    # the CSRF token is masked anew for every response (BREACH cannot guess it byte by byte)
    tokens = {
        re.search(
            r'name="csrfmiddlewaretoken" value="([^"]+)"', gzip.decompress(r.content).decode()
        )[1]
        for r in (packed, get_ok(client, built.course.url, HTTP_ACCEPT_ENCODING="gzip"))
    }
    assert len(tokens) == 2


def test_only_text_responses_are_compressed(tmp_path):
    request = RequestFactory().get("/", HTTP_ACCEPT_ENCODING="gzip")
    text = HttpResponse("<p>" + "سواد " * 200 + "</p>", content_type="text/html; charset=utf-8")
    image_file = tmp_path / "picture.webp"
    image_file.write_bytes(b"RIFF" + b"\0" * 4000)
    image = FileResponse(open(image_file, "rb"), content_type="image/webp")  # noqa: SIM115

    middleware = TextGZipMiddleware(lambda request: None)
    assert middleware.process_response(request, text)["Content-Encoding"] == "gzip"
    assert not middleware.process_response(request, image).has_header("Content-Encoding")
    image.close()
