"""``bench/load.py --target wagtail-lms``: the site, its servers and the write check.

Imported by ``bench/load.py`` after ``django.setup()`` with ``bench.wagtail_lms_site.settings``.
The course has as many lessons as Savad's run (``LESSONS``), each an ``H5PLessonPage`` with a
paragraph and one ``H5PActivity`` of its own made from ``tests/fixtures/h5p/multichoice.h5p``
(wagtail-lms unpacks it into ``MEDIA_ROOT`` on save). A lesson is complete for a learner when
wagtail-lms has received an xAPI "completed" statement for its activity: it then stores one
``H5PLessonCompletion`` row (unique per learner and lesson).
"""

import os
import secrets
import subprocess
from collections import Counter
from pathlib import Path

from bench.load import (
    LESSONS,
    ROOT,
    USERNAME_PREFIX,
    clear_redis,
    completion_counts,
    make_learners,
    start_gunicorns,
    stop,
)

SETTINGS = "bench.wagtail_lms_site.settings"
PACKAGE = ROOT / "tests" / "fixtures" / "h5p" / "multichoice.h5p"
LOCUSTFILE = ROOT / "bench" / "load_users_wagtail_lms.py"


def build_site(users: int) -> dict:
    """The published course, its lessons and activities, the accounts; the paths to follow."""
    import json

    from django.core.files import File
    from wagtail.models import Site
    from wagtail_lms.models import CoursePage, H5PActivity, H5PLessonPage

    home = Site.objects.get(is_default_site=True).root_page
    course = CoursePage(title="Load course", slug="load-course", description="<p>A course.</p>")
    home.add_child(instance=course)
    lessons = []
    for number in range(1, LESSONS + 1):
        with PACKAGE.open("rb") as package:
            activity = H5PActivity(title=f"Activity {number}")
            activity.package_file.save(f"load-{number}.h5p", File(package), save=False)
            activity.save()
        body = [
            {"type": "paragraph", "value": f"<p>Text of lesson {number}</p>"},
            {"type": "h5p_activity", "value": {"activity": activity.pk}},
        ]
        lesson = H5PLessonPage(
            title=f"Lesson {number}", slug=f"lesson-{number}", body=json.dumps(body)
        )
        course.add_child(instance=lesson)
        lessons.append((lesson, activity))
    return {
        "password": make_learners(users),
        "username_prefix": USERNAME_PREFIX,
        "login": "/accounts/login/",
        "course": course.url,
        "enrol": f"/lms/course/{course.pk}/enroll/",
        "lessons": [
            {
                "id": lesson.pk,
                "url": lesson.url,
                "xapi": f"/lms/h5p-xapi/{activity.pk}/",
                "activity_iri": f"http://127.0.0.1/lms/h5p-xapi/{activity.pk}/",
            }
            for lesson, activity in lessons
        ],
    }


def server_environment(workdir: Path, database_url: str, prefix: str, redis: str) -> dict:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "CACHE_URL": redis,
        "LOAD_CACHE_PREFIX": prefix,
        "STATIC_ROOT": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / "media"),
        "LOG_LEVEL": "WARNING",
    }


class Servers:
    """Two gunicorn instances of the wagtail-lms site; ``close()`` stops them and deletes the
    run's Redis keys."""

    def __init__(self, workdir: Path, database_url: str, args, prefix: str, redis: str):
        self.env = server_environment(workdir, database_url, prefix, redis)
        self.args = args
        self.prefix = prefix
        self.processes: list[subprocess.Popen] = []

    def start(self) -> list[str]:
        hosts, self.processes = start_gunicorns(
            "bench.wagtail_lms_site.wsgi:application", self.env, self.args, "/accounts/login/"
        )
        return hosts

    def close(self) -> None:
        for process in reversed(self.processes):
            stop(process)
        clear_redis(self.prefix)


def check_writes(plan: dict, result: dict) -> dict:
    """Each confirmed completion is one ``H5PLessonCompletion`` row; none lost, none extra."""
    from wagtail_lms.models import H5PLessonCompletion, H5PXAPIStatement

    lessons = [lesson["id"] for lesson in plan["lessons"]]
    confirmed = Counter((user, lesson) for user, lesson in result["confirmed"]["completions"])
    rows = Counter(
        H5PLessonCompletion.objects.filter(lesson_id__in=lessons).values_list(
            "user__username", "lesson_id"
        )
    )
    statements = H5PXAPIStatement.objects.filter(
        verb="http://adlnet.gov/expapi/verbs/completed"
    ).count()
    return {
        **completion_counts(confirmed, rows),
        "statements": statements,
        "unconfirmed": result["attempted"]["completions"] - len(result["confirmed"]["completions"]),
    }
