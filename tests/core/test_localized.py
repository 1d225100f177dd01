"""One rule picks the language version of a page: the active language's, else the default
language's (Persian), else the page at hand."""

import pytest
from django.utils import translation

from core.localized import localized, localized_page, localized_pages, page_titles
from courses.models import CoursePage
from courses.selectors import course_syllabus
from courses.services import enrol
from progress.services import record_visit
from tests.builders import build_course, catalogue, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def bilingual(site_tree):
    return build_course(slug="both", lessons=1, translate=True)


@pytest.fixture
def english_only(site_tree):
    parent = catalogue("en")
    course = CoursePage(
        title="Only in English", slug="only-en", summary="A summary", locale=parent.locale
    )
    parent.add_child(instance=course)
    return publish(course)


def test_the_active_language_wins(bilingual):
    key = bilingual.course.translation_key
    with translation.override("en"):
        assert localized_page(key).pk == bilingual.english.pk
        assert page_titles([key]) == {key: bilingual.english.title}
        assert localized(bilingual.course).pk == bilingual.english.pk
    with translation.override("fa"):
        assert localized_pages([key])[key].pk == bilingual.course.pk
        assert page_titles([key]) == {key: bilingual.course.title}
        assert localized(bilingual.english).pk == bilingual.course.pk


def test_an_unpublished_translation_falls_back_to_the_default_language(bilingual):
    bilingual.english.unpublish()
    key = bilingual.course.translation_key
    with translation.override("en"):
        assert localized_page(key).pk == bilingual.course.pk
        assert page_titles([key]) == {key: bilingual.course.title}
        assert localized(bilingual.course).pk == bilingual.course.pk
        # asked for drafts too, the English page is found again
        drafts = localized_page(key, pages=CoursePage.objects.all())
        assert drafts.pk == bilingual.english.pk


def test_without_either_language_the_page_itself_is_shown(english_only):
    key = english_only.translation_key
    with translation.override("fa"):
        assert localized_page(key).pk == english_only.pk
        assert page_titles([key]) == {key: "Only in English"}
        assert localized(english_only) is english_only


def test_a_page_already_in_the_active_language_costs_no_query(bilingual, django_assert_num_queries):
    with translation.override("fa"):
        localized(bilingual.course)  # caches the locale
        with django_assert_num_queries(0):
            assert localized(bilingual.course) is bilingual.course


def test_no_keys_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert localized_pages([None]) == {}
        assert page_titles([]) == {}
        assert localized_page(None) is None


def test_home_page_continues_with_the_persian_lesson_when_it_has_no_english_one(client, user):
    built = build_course(slug="fa-only", lessons=1)
    lesson = built.lessons[0]
    enrol(user=user, course=built.course)
    record_visit(user=user, activity=lesson.activity_ref(course_syllabus(built.course)))
    client.force_login(user)
    html = client.get("/en/").content.decode()
    continue_link = html[html.index('class="continue"') :]
    assert continue_link.index(f'href="{lesson.url}"') < continue_link.index("</p>")
