import json
import time

import pytest
from django.test import override_settings

from tests.brokers import CLOSED, SwitchableProxy
from tests.conftest import clean_env, run_python
from tests.factories import UserFactory

REDIS = "redis://127.0.0.1:6379"
TOKEN = "healthz-test-token-0123456789"
AUTH = {"HTTP_AUTHORIZATION": f"Bearer {TOKEN}"}

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _token(settings):
    settings.HEALTHZ_TOKEN = TOKEN


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
        response = client.get("/healthz", **AUTH)
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
    response = client.get("/healthz", **AUTH)
    assert response.status_code == 200
    assert response.json()["checks"]["broker"]["detail"].startswith("eager")
    assert response["Cache-Control"].startswith("max-age=0")


def test_healthz_broker_refused_is_degraded_not_down(client):
    """Pages do not need the broker (jobs wait in the database): 200, status "degraded"."""
    with override_settings(CELERY_BROKER_URL=f"redis://{CLOSED}/0", CELERY_TASK_ALWAYS_EAGER=False):
        public = client.get("/healthz")
        response = client.get("/healthz", **AUTH)
    assert (public.status_code, public.json()) == (200, {"status": "degraded"})
    assert response.status_code == 200
    report = response.json()
    assert report["status"] == "degraded"
    assert report["checks"]["broker"]["ok"] is False
    assert "Error" in report["checks"]["broker"]["detail"]
    assert report["checks"]["database"]["ok"] is True


def test_healthz_answers_within_3_s_when_the_broker_accepts_and_never_answers(client):
    proxy = SwitchableProxy(hung=False)
    try:
        with override_settings(CELERY_BROKER_URL=proxy.url(13), CELERY_TASK_ALWAYS_EAGER=False):
            assert client.get("/healthz").json() == {"status": "ok"}  # up, and warmed up
            proxy.hang()
            accepted = proxy.accepted
            started = time.monotonic()
            response = client.get("/healthz", **AUTH)
            took = time.monotonic() - started
            assert proxy.accepted > accepted, "the check must have reached the hung broker"
            proxy.forward()  # the broker is back: the next check sees it
            recovered = client.get("/healthz", **AUTH)
    finally:
        proxy.close()
    assert took < 3, f"/healthz took {took:.1f} s with a hung broker"
    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["broker"]["ok"] is False
    assert recovered.json()["status"] == "ok"
    assert f"127.0.0.1:{proxy.port}/13" in recovered.json()["checks"]["broker"]["detail"]


def test_healthz_everything_down_is_503(tmp_path):
    """Database, cache and broker pointed at a closed port, in a fresh process."""
    env = clean_env(
        DJANGO_SETTINGS_MODULE="lms.settings.test",
        DATABASE_URL=f"postgres://postgres@{CLOSED}/savad",
        CACHE_URL=f"redis://{CLOSED}/0",
        CELERY_BROKER_URL=f"redis://{CLOSED}/0",
        HEALTHZ_TOKEN=TOKEN,
    )
    code = (
        "import django, json; django.setup(); from django.test import Client;"
        f"r = Client().get('/healthz', HTTP_AUTHORIZATION='Bearer {TOKEN}');"
        "print(json.dumps([r.status_code, r.json()]))"
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


# --- Privacy: the public sees the status, staff and token holders the details ------------


def test_public_healthz_is_status_only(client):
    with override_settings(CELERY_BROKER_URL=f"{REDIS}/14", CELERY_TASK_ALWAYS_EAGER=False):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    body = response.content.decode()
    for secret in ("postgres", "sqlite", "127.0.0.1", "6379", "redis", "Cache"):
        assert secret.lower() not in body.lower()


@pytest.mark.parametrize(
    "header",
    ["Bearer wrong-token", f"Basic {TOKEN}", f"Bearer {TOKEN}x", "Bearer ", ""],
)
def test_a_wrong_or_missing_token_sees_the_status_only(client, header):
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    assert client.get("/healthz", **extra).json() == {"status": "ok"}


def test_no_token_configured_means_no_token_opens_the_details(client, settings):
    settings.HEALTHZ_TOKEN = ""
    assert client.get("/healthz", HTTP_AUTHORIZATION="Bearer ").json() == {"status": "ok"}


def test_a_learner_sees_the_status_only_and_staff_see_the_details(client):
    client.force_login(UserFactory())
    assert client.get("/healthz").json() == {"status": "ok"}
    client.force_login(UserFactory(is_staff=True))
    report = client.get("/healthz").json()
    assert set(report["checks"]) == {"database", "cache", "broker"}
    assert report["checks"]["database"]["detail"] in {"postgresql", "sqlite"}


def test_the_token_opens_the_details_and_masks_the_broker_password(client):
    url = "redis://:s3cret-pass@127.0.0.1:6379/14"
    with override_settings(CELERY_BROKER_URL=url, CELERY_TASK_ALWAYS_EAGER=False):
        response = client.get("/healthz", HTTP_AUTHORIZATION=f"bearer {TOKEN}")
    report = response.json()
    assert "checks" in report
    assert "s3cret-pass" not in response.content.decode()
