"""SQLite configured for a web server: parallel writes wait for each other instead of failing.

The SQLite test database is in memory; this test copies it (with the course, quiz and users
built here) to a FILE with SQLite's backup API, then runs ``tests/core/sqlite_load.py`` in a
fresh interpreter whose ``DATABASE_URL`` names that file, so ``database_from_env`` configures
it exactly as for ``manage.py runserver`` or gunicorn. Before WAL, ``BEGIN IMMEDIATE`` and a
busy timeout, most parallel quiz submits and some "Save draft" clicks answered 500
("database is locked").
"""

import json
import sqlite3

import pytest
from django.db import connection
from django.db.utils import ConnectionHandler

from courses.services import enrol
from lms.settings.env import database_from_env
from tests.builders import build_course
from tests.conftest import clean_env, run_python
from tests.factories import UserFactory
from tests.quiz_builders import build_quiz, category, standard_questions

pytestmark = pytest.mark.sqlite  # the SQLite-specific code runs in the SQLite pass

LEARNERS = 10
EDITED_LESSONS = 4
ROUNDS = 3


def _copy_test_database(path) -> None:
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        connection.connection.backup(target)
    finally:
        target.close()


def test_sqlite_urls_get_web_server_options(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'web.sqlite3'}")
    monkeypatch.setenv("SQLITE_BUSY_TIMEOUT", "7")
    config = database_from_env(default="sqlite:///unused.sqlite3")
    assert config["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    wrapper = ConnectionHandler({"default": config})["default"]
    # The connection Django opens for each request (pytest-django guards the usual path).
    raw = wrapper.get_new_connection(wrapper.get_connection_params())
    try:
        pragmas = {
            name: raw.execute(f"PRAGMA {name}").fetchone()[0]
            for name in ("journal_mode", "synchronous", "busy_timeout")
        }
    finally:
        raw.close()
    assert pragmas == {"journal_mode": "wal", "synchronous": 1, "busy_timeout": 7000}


def test_postgresql_urls_get_no_sqlite_options(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://savad:pw@db:5432/savad")
    assert "init_command" not in database_from_env(default="sqlite:///x").get("OPTIONS", {})


@pytest.mark.django_db(transaction=True)
@pytest.mark.sqlite_only  # SQLite's locking: `make test` runs it in the SQLite pass only
def test_parallel_quiz_submits_and_draft_saves_on_a_file_database(site_tree, tmp_path):
    built = build_course(slug="busy-course", lessons=EDITED_LESSONS)
    quiz = build_quiz(built.course, standard_questions(category(built.course)))
    learners = [UserFactory() for _ in range(LEARNERS)]
    for learner in learners:
        enrol(user=learner, course=built.course)
    editor = UserFactory(is_superuser=True, is_staff=True)
    path = tmp_path / "savad.sqlite3"
    _copy_test_database(path)
    spec = {
        "quiz": quiz.pk,
        "learners": [user.pk for user in learners],
        "editor": editor.pk,
        "lessons": [lesson.pk for lesson in built.lessons],
        "rounds": ROUNDS,
    }
    env = clean_env(
        DATABASE_URL=f"sqlite:///{path}",
        DJANGO_SETTINGS_MODULE="lms.settings.test",
        SAVAD_LOAD_SPEC=json.dumps(spec),
    )
    run = run_python("from tests.core.sqlite_load import main; main()", env=env, timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    outcome = json.loads(run.stdout.strip().splitlines()[-1])

    assert outcome["journal_mode"] == "wal"
    assert outcome["errors"] == []
    statuses = outcome["statuses"]
    assert sorted(kind for kind, _status in statuses) == sorted(
        ["start"] * LEARNERS + ["submit"] * LEARNERS + ["save"] * EDITED_LESSONS * ROUNDS
    )
    assert [item for item in statuses if item[1] != 302] == []
    # No lost write: every submit graded once, every draft kept, in the order it was saved.
    assert outcome["submitted"] == LEARNERS
    assert outcome["progress_rows"] == LEARNERS
    for lesson in built.lessons:
        drafts = outcome["drafts"][lesson.slug]
        assert drafts[-ROUNDS:] == [f"{lesson.slug} draft {n}" for n in range(ROUNDS)]
