import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection, transaction

from demo import site as demo
from tests.factories import UserFactory

ROOT = Path(__file__).resolve().parent.parent

# Variables the settings read; subprocess helpers start from an environment without them.
SETTINGS_ENV_VARS = (
    "DATABASE_URL",
    "CELERY_BROKER_URL",
    "CELERY_RESULT_BACKEND",
    "ELASTICSEARCH_URL",
    "CACHE_URL",
    "EMAIL_URL",
    "SECRET_KEY",
    "ALLOWED_HOSTS",
    "DEBUG",
    "DJANGO_SETTINGS_MODULE",
)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Slow tests all go to one xdist worker (``--dist loadgroup``), one after another."""
    for item in items:
        if item.get_closest_marker("sqlite_only") and connection.vendor != "sqlite":
            item.add_marker(pytest.mark.skip(reason="SQLite only: `make test` runs it on SQLite"))
        if item.get_closest_marker("slow"):
            item.add_marker(pytest.mark.xdist_group("slow"))


def clean_env(**overrides: str) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in SETTINGS_ENV_VARS}
    env.update(overrides)
    return env


def run_python(code: str, *, env: dict, timeout: int = 60) -> subprocess.CompletedProcess:
    """Run Python code in a fresh interpreter at the project root (settings are read anew)."""
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def run_manage(*args: str, env: dict, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def shared_database(transactional_db, tmp_path):
    """A DATABASE_URL for a subprocess (a Celery worker) that reaches the database this test uses.

    On PostgreSQL the test database itself (the test commits, ``transaction=True``). On SQLite,
    whose test database lives in memory, a file copy of it that this process also switches to
    for the test.
    """
    settings_dict = connection.settings_dict
    if connection.vendor == "postgresql":
        user = quote(settings_dict["USER"] or "", safe="")
        password = quote(settings_dict["PASSWORD"] or "", safe="")
        credentials = f"{user}:{password}@" if user else ""
        host, port = settings_dict["HOST"] or "127.0.0.1", settings_dict["PORT"] or 5432
        yield f"postgres://{credentials}{host}:{port}/{settings_dict['NAME']}"
        return
    assert connection.vendor == "sqlite", connection.vendor
    if not connection.is_in_memory_db():
        yield f"sqlite:///{settings_dict['NAME']}"
        return
    path = tmp_path / "shared.sqlite3"
    connection.ensure_connection()
    memory = connection.connection
    copy = sqlite3.connect(path)
    memory.backup(copy)
    copy.close()
    memory_name, options = settings_dict["NAME"], settings_dict["OPTIONS"]
    connection.connection = None  # kept open: closing it would drop the in-memory database
    settings_dict["NAME"] = str(path)
    # Two processes write to one SQLite file: this one's transactions take the write lock when
    # they begin (waiting for the worker's), never half-way, which SQLite would refuse.
    settings_dict["OPTIONS"] = {**options, "transaction_mode": "IMMEDIATE", "timeout": 30}
    try:
        yield f"sqlite:///{path}"
    finally:
        connection.close()
        settings_dict["NAME"], settings_dict["OPTIONS"] = memory_name, options
        connection.connection = memory


TEMPLATE_SUFFIX = "_migrated"


@pytest.fixture(scope="session")
def django_db_setup(request, django_db_setup, django_db_blocker):
    """The test database, migrated; on PostgreSQL, also a copy of it as migrated.

    The copy (``migrated_template``) is made before any test runs: ``transaction=True`` tests
    flush the test database afterwards, taking the rows the migrations made with them.
    """
    if connection.vendor != "postgresql" or not _test_database_made(request.session.items):
        yield None
        return
    source = connection.settings_dict["NAME"]
    quote = connection.ops.quote_name
    with django_db_blocker.unblock():
        connection.close()  # a database being copied must have no other session
        with connection.creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(source + TEMPLATE_SUFFIX)}")
            cursor.execute(
                f"CREATE DATABASE {quote(source + TEMPLATE_SUFFIX)} TEMPLATE {quote(source)}"
            )
    yield source + TEMPLATE_SUFFIX
    with django_db_blocker.unblock(), connection.creation._nodb_cursor() as cursor:
        cursor.execute(f"DROP DATABASE IF EXISTS {quote(source + TEMPLATE_SUFFIX)}")


DB_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


def _test_database_made(items) -> bool:
    """pytest-django makes the test database only when a collected test uses it."""
    return any(
        item.get_closest_marker("django_db") or DB_FIXTURES & set(getattr(item, "fixturenames", ()))
        for item in items
    )


@pytest.fixture(scope="session")
def migrated_template(django_db_setup) -> str:
    """The name of a PostgreSQL database holding this run's test database as migrated.

    For subprocesses that make throwaway databases with ``CREATE DATABASE … TEMPLATE`` (the
    benchmarks): copying takes a second where migrating takes a minute.
    """
    assert connection.vendor == "postgresql", "migrated_template is for PostgreSQL runs"
    assert django_db_setup, "no test database was made: mark the test django_db"
    return django_db_setup


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker):
    """Database access for a module-scoped fixture that builds data its module's tests only read.

    What the fixture builds is in the database for every test of the module, and rolled back
    after the module's last test: the module runs inside one transaction, each test inside a
    savepoint of it (the ``db`` fixture), so a test's own changes are still undone after it.
    Only for modules without ``transaction=True`` tests (they would commit, or flush, the
    shared rows).
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def module_site_tree(module_db):
    """``site_tree`` built once for a module (see ``module_db``)."""
    demo.seed(courses=False)


@pytest.fixture
def site_tree(db):
    """The demo site: home pages and catalogues in fa and en, the default site, demo accounts."""
    demo.seed(courses=False)


@pytest.fixture
def user(db):
    return UserFactory()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: cached routes must not outlive their database."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3 server on a free loopback port, for the whole session (tests/s3.py)."""
    from tests.s3 import S3Server

    server = S3Server.start()
    yield server
    server.stop()


@pytest.fixture
def object_storage(settings, s3_server, monkeypatch):
    """The default storage is a new, empty bucket of the S3 server, configured as a
    deployment would (``MEDIA_STORAGE_URL``); yields the bucket's name."""
    from lms.settings.env import media_origins, media_storage_from_env

    bucket = s3_server.make_bucket()
    for name, value in s3_server.environment(bucket).items():
        monkeypatch.setenv(name, value)
    storage = media_storage_from_env()
    settings.STORAGES = {**settings.STORAGES, "default": storage}
    # As lms/settings/base.py does: pages may show images the bucket's signed links send.
    policy = settings.CONTENT_SECURITY_POLICY
    directives = dict(policy["DIRECTIVES"])
    for name in ("img-src", "media-src"):
        directives[name] = [*directives[name], *media_origins(storage)]
    settings.CONTENT_SECURITY_POLICY = {**policy, "DIRECTIVES": directives}
    yield bucket
