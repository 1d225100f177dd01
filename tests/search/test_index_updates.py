"""Index updates from Celery (search/receivers.py) for backends marked ``UPDATE_ON_CELERY``.

The production shape is Elasticsearch; here the database backend is marked the same way
(Wagtail's own in-request handlers skip it as ``AUTO_UPDATE`` is off), so what reaches the
index is exactly what the queued task wrote, after the commit.
"""

import pytest
from wagtail.models import Locale
from wagtail.search.models import IndexEntry

from courses.models import LessonPage
from search.selectors import search_pages
from tests.builders import build_course, publish
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.sqlite]


@pytest.fixture
def on_celery(settings):
    settings.WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "wagtail.search.backends.database",
            "SEARCH_CONFIG": "simple",
            "AUTO_UPDATE": False,
            "UPDATE_ON_CELERY": True,
        }
    }


def _found(word: str, admin) -> list[int]:
    fa = Locale.objects.get(language_code="fa")
    return [page.pk for page in search_pages(word, locale=fa, user=admin)]


def test_publishing_and_deleting_reach_the_index_after_the_commit(
    site_tree, on_celery, django_capture_on_commit_callbacks
):
    admin = UserFactory(is_superuser=True, is_staff=True)
    with django_capture_on_commit_callbacks(execute=True):
        built = build_course(slug="celery", lessons=1)
    lesson = built.lessons[0]
    lesson.body = [("text", "<p>echidna</p>")]
    with django_capture_on_commit_callbacks(execute=False) as queued:
        publish(lesson)
    assert _found("echidna", admin) == []  # nothing written inside the request
    queued_tasks = {getattr(callback, "task_name", "") for callback in queued}
    assert "search.tasks.refresh_index_entry" in queued_tasks  # ... a job waits for the commit
    for callback in queued:
        callback()  # the commit: eager Celery runs the task here
    assert _found("echidna", admin) == [lesson.pk]
    assert IndexEntry.objects.filter(object_id=str(lesson.pk)).exists()

    with django_capture_on_commit_callbacks(execute=True):
        LessonPage.objects.get(pk=lesson.pk).delete()
    assert not IndexEntry.objects.filter(object_id=str(lesson.pk)).exists()


def test_without_a_celery_backend_nothing_is_queued(site_tree, django_capture_on_commit_callbacks):
    built = build_course(slug="direct", lessons=1)
    lesson = built.lessons[0]
    lesson.body = [("text", "<p>numbat</p>")]
    with django_capture_on_commit_callbacks(execute=False) as queued:
        publish(lesson)
    names = {getattr(callback, "task_name", "") for callback in queued}
    assert "search.tasks.refresh_index_entry" not in names
    admin = UserFactory(is_superuser=True, is_staff=True)
    assert _found("numbat", admin) == [lesson.pk]  # indexed in the request, as before
