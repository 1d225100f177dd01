"""Parallel requests against a SQLite FILE database, run in its own interpreter.

``tests/core/test_sqlite_server.py`` copies its (in-memory) test database, with the data it
built, to a file and runs ``main()`` here with ``DATABASE_URL`` naming that file, so the
settings of ``lms.settings.env.database_from_env`` apply as they would on a web server. Each
thread is one browser: learners start and submit a quiz, an editor clicks "Save draft" on a
lesson, all released together through the whole request stack (middleware, views, admin).
Prints one JSON object: every response's status and what the database holds afterwards.
"""

import json
import os
import sys


def main() -> None:
    import django

    django.setup()

    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import translation
    from wagtail.models import Page
    from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

    from accounts.models import User
    from progress.models import ActivityProgress
    from quizzes.models import Attempt, QuizPage
    from tests.threads import run_in_threads

    setup_test_environment()
    spec = json.loads(os.environ["SAVAD_LOAD_SPEC"])
    quiz = QuizPage.objects.get(pk=spec["quiz"])
    learners = list(User.objects.filter(pk__in=spec["learners"]).order_by("pk"))
    editor = User.objects.get(pk=spec["editor"])
    lessons = list(Page.objects.filter(pk__in=spec["lessons"]).order_by("pk").specific())
    rounds = spec["rounds"]

    clients = []
    for user in [*learners, *[editor] * len(lessons)]:
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients.append(client)
    statuses: list[tuple[str, int]] = []

    def submit_quiz(client) -> None:
        started = client.post(f"/fa/quizzes/{quiz.pk}/start/")
        statuses.append(("start", started.status_code))
        if started.status_code == 302:
            done = client.post(started["Location"], {"action": "submit"})
            statuses.append(("submit", done.status_code))

    def save_drafts(client, lesson) -> None:
        for number in range(rounds):
            data = nested_form_data(
                {
                    "title": f"{lesson.slug} draft {number}",
                    "slug": lesson.slug,
                    "estimated_minutes": 10,
                    "body": streamfield([("text", rich_text(f"<p>draft {number}</p>"))]),
                    "required_for_completion": "on",
                }
            )
            response = client.post(f"/admin/pages/{lesson.pk}/edit/", data)
            statuses.append(("save", response.status_code))

    def work(index: int) -> None:
        with translation.override("fa"):
            if index < len(learners):
                submit_quiz(clients[index])
            else:
                lesson = lessons[index - len(learners)]
                save_drafts(clients[index], lesson)

    errors = run_in_threads(len(clients), work)
    drafts = {}
    for lesson in Page.objects.filter(pk__in=spec["lessons"]).order_by("pk"):
        drafts[lesson.slug] = [r.content["title"] for r in lesson.revisions.order_by("pk")]
    print(
        json.dumps(
            {
                "journal_mode": connection.cursor().execute("PRAGMA journal_mode").fetchone()[0],
                "errors": [repr(error) for error in errors],
                "statuses": statuses,
                "submitted": Attempt.objects.filter(
                    quiz_key=quiz.translation_key, state=Attempt.State.FINISHED
                ).count(),
                "progress_rows": ActivityProgress.objects.filter(
                    activity_key=quiz.translation_key
                ).count(),
                "drafts": drafts,
            }
        )
    )


if __name__ == "__main__":
    sys.exit(main())
