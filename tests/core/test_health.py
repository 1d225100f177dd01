import json

import pytest
from django.test import override_settings

from tests.conftest import clean_env, run_python

REDIS = "redis://127.0.0.1:6379"
CLOSED = "127.0.0.1:1"  # nothing listens on port 1: connections are refused at once

pytestmark = pytest.mark.django_db


def test_healthz_all_up_with_real_redis_cache_and_broker(client):
    redis_cache = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"{REDIS}/13",
        }
    }
    with override_settings(
        CACHES=redis_cache, CELERY_BROKER_URL=f"{REDIS}/14", CELERY_TASK_ALWAYS_EAGER=False
    ):
        response = client.get("/healthz")
    assert response.status_code == 200
    report = response.json()
    assert report["status"] == "ok"
    assert {name: check["ok"] for name, check in report["checks"].items()} == {
        "database": True,
        "cache": True,
        "broker": True,
    }
    assert report["checks"]["cache"]["detail"] == "RedisCache"
    assert "127.0.0.1:6379/14" in report["checks"]["broker"]["detail"]


def test_healthz_reports_eager_mode_as_healthy(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["broker"]["detail"].startswith("eager")
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_broker_down_is_503_and_names_it(client):
    with override_settings(CELERY_BROKER_URL=f"redis://{CLOSED}/0", CELERY_TASK_ALWAYS_EAGER=False):
        response = client.get("/healthz")
    assert response.status_code == 503
    checks = response.json()["checks"]
    assert checks["broker"]["ok"] is False
    assert "Error" in checks["broker"]["detail"]
    assert checks["database"]["ok"] is True


def test_healthz_everything_down_is_503(tmp_path):
    """Database, cache and broker pointed at a closed port, in a fresh process."""
    env = clean_env(
        DJANGO_SETTINGS_MODULE="lms.settings.test",
        DATABASE_URL=f"postgres://postgres@{CLOSED}/savad",
        CACHE_URL=f"redis://{CLOSED}/0",
        CELERY_BROKER_URL=f"redis://{CLOSED}/0",
    )
    code = (
        "import django, json; django.setup(); from django.test import Client;"
        "r = Client().get('/healthz'); print(json.dumps([r.status_code, r.json()]))"
    )
    result = run_python(code, env=env)
    assert result.returncode == 0, result.stderr
    status, report = json.loads(result.stdout.strip().splitlines()[-1])
    assert status == 503
    assert report["status"] == "error"
    assert {name: check["ok"] for name, check in report["checks"].items()} == {
        "database": False,
        "cache": False,
        "broker": False,
    }


def test_healthz_rejects_post(client):
    assert client.post("/healthz").status_code == 405
