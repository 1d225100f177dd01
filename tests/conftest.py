import os
import subprocess
import sys
from pathlib import Path

import pytest

from core import demo
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
