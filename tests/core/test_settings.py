"""Each environment variable switches its setting; settings are loaded in a fresh process."""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, clean_env, run_manage, run_python

DUMP = (
    "import json; from django.conf import settings as s;"
    "print(json.dumps({'db': s.DATABASES['default'], 'eager': s.CELERY_TASK_ALWAYS_EAGER,"
    "'broker': s.CELERY_BROKER_URL, 'results': s.CELERY_RESULT_BACKEND,"
    "'search': s.WAGTAILSEARCH_BACKENDS['default'], 'cache': s.CACHES['default'],"
    "'email': s.EMAIL_BACKEND, 'email_host': s.EMAIL_HOST, 'debug': s.DEBUG,"
    "'hosts': s.ALLOWED_HOSTS, 'static': s.STORAGES['staticfiles']['BACKEND'],"
    "'media': s.STORAGES['default']['BACKEND'], 'languages': [c for c, _ in s.LANGUAGES],"
    "'language': s.LANGUAGE_CODE, 'i18n': s.WAGTAIL_I18N_ENABLED,"
    "'ssl': getattr(s, 'SECURE_SSL_REDIRECT', False)}, default=str))"
)


def load(module="lms.settings.dev", **env):
    result = run_python(DUMP, env=clean_env(DJANGO_SETTINGS_MODULE=module, **env))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_embedded_defaults():
    s = load()
    assert s["db"]["ENGINE"] == "django.db.backends.sqlite3"
    assert s["db"]["NAME"].endswith("db.sqlite3")
    assert s["eager"] is True and s["broker"] == ""
    assert s["results"] == "django-db"
    assert s["search"]["BACKEND"] == "search.backends"  # Wagtail's database backend, adapted
    assert s["cache"]["BACKEND"].endswith("LocMemCache")
    assert s["email"] == "django.core.mail.backends.console.EmailBackend"
    assert s["media"] == "django.core.files.storage.FileSystemStorage"
    assert s["debug"] is True
    assert s["languages"] == ["fa", "en"] and s["language"] == "fa" and s["i18n"] is True


def test_empty_database_url_means_the_default():
    assert load(DATABASE_URL="")["db"]["ENGINE"] == "django.db.backends.sqlite3"


def test_database_url_switches_to_postgresql():
    s = load(DATABASE_URL="postgres://savad:pw@db.internal:6543/savad_prod")
    assert s["db"]["ENGINE"] == "django.db.backends.postgresql"
    assert (s["db"]["NAME"], s["db"]["HOST"], s["db"]["PORT"], s["db"]["USER"]) == (
        "savad_prod",
        "db.internal",
        6543,
        "savad",
    )
    assert s["db"]["CONN_HEALTH_CHECKS"] is True
    assert s["db"]["OPTIONS"]["server_side_binding"] is True


def test_broker_url_turns_off_eager_mode():
    s = load(CELERY_BROKER_URL="redis://queue:6379/0")
    assert s["eager"] is False
    assert s["broker"] == "redis://queue:6379/0"
    assert s["results"] == "django-db"


def test_elasticsearch_url_switches_search_backend():
    s = load(ELASTICSEARCH_URL="http://search:9200")
    assert s["search"]["BACKEND"] == "wagtail.search.backends.elasticsearch8"
    assert s["search"]["URLS"] == ["http://search:9200"]


def test_cache_and_email_urls():
    s = load(CACHE_URL="redis://cache:6379/1", EMAIL_URL="smtp+tls://u:p@mail.example.org:587")
    assert s["cache"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert s["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert s["email_host"] == "mail.example.org"


def test_cache_url_options_reach_django_in_the_names_it_reads():
    # django-environ leaves these in lower case for Redis, where Django would ignore them.
    s = load(CACHE_URL="redis://cache:6379/1?key_prefix=savad-a&timeout=120")
    assert s["cache"]["LOCATION"] == "redis://cache:6379/1"
    assert (s["cache"]["KEY_PREFIX"], s["cache"]["TIMEOUT"]) == ("savad-a", 120)
    assert "key_prefix" not in s["cache"] and "timeout" not in s["cache"]


def production_env(**extra):
    return {
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(48)[:60],
        "ALLOWED_HOSTS": "example.org",
        **extra,
    }


def test_production_settings_are_strict():
    s = load("lms.settings.production", **production_env())
    assert s["debug"] is False and s["hosts"] == ["example.org"] and s["ssl"] is True
    assert s["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"


SHARED_CACHE = "redis://127.0.0.1:6379/13"


def test_check_deploy_is_clean_in_production():
    env = production_env(CACHE_URL=SHARED_CACHE)
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=clean_env(DJANGO_SETTINGS_MODULE="lms.settings.production", **env),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_check_deploy_warns_when_each_process_keeps_its_own_cache():
    result = run_manage(
        "check",
        "--deploy",
        env=clean_env(DJANGO_SETTINGS_MODULE="lms.settings.production", **production_env()),
    )
    assert "savad.W001" in result.stdout + result.stderr
    assert "set CACHE_URL" in result.stdout + result.stderr


def test_the_readme_check_deploy_command_is_clean_as_written():
    """The README's command, run by a shell exactly as printed there."""
    readme = (ROOT / "README.md").read_text()
    commands = [line for line in readme.splitlines() if "manage.py check --deploy" in line]
    assert len(commands) == 1, commands
    command = commands[0].strip()
    assert command.startswith("DJANGO_SETTINGS_MODULE=lms.settings.production ")
    python_dir = str(Path(sys.executable).parent)  # the project's `python` first on PATH
    env = clean_env(PATH=python_dir + os.pathsep + os.environ.get("PATH", ""))
    result = subprocess.run(
        ["bash", "-c", command],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNING" not in output and "?: (" not in output


def test_production_without_secret_key_says_what_is_missing():
    result = run_manage(
        "check",
        env=clean_env(
            DJANGO_SETTINGS_MODULE="lms.settings.production", ALLOWED_HOSTS="example.org"
        ),
    )
    assert result.returncode == 2
    assert "Set the SECRET_KEY environment variable" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("postgres//no-scheme-separator", "unsupported scheme"),
        ("mysql://user@host/db", "unsupported scheme 'mysql'"),
        ("postgres://user@host:port/db", "Port could not be cast"),
        ("postgres://user@host:5432", "no database name"),
        ("redis://127.0.0.1:6379/0", "unsupported scheme 'redis'"),
    ],
)
def test_malformed_database_url_gives_clear_message(url, reason):
    result = run_manage("check", env=clean_env(DATABASE_URL=url))
    assert result.returncode == 2
    assert "DATABASE_URL is malformed" in result.stderr
    assert reason in result.stderr
    assert "Traceback" not in result.stderr


def test_collectstatic_in_production_writes_hashed_compressed_files(tmp_path):
    result = run_manage(
        "collectstatic",
        "--noinput",
        "-v0",
        env=clean_env(
            DJANGO_SETTINGS_MODULE="lms.settings.production",
            STATIC_ROOT=str(tmp_path),
            **production_env(),
        ),
    )
    assert result.returncode == 0, result.stderr
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    css_name = manifest["core/site.css"]
    assert css_name != "core/site.css" and css_name.startswith("core/site.")
    assert (tmp_path / f"{css_name}.gz").exists()
    font_name = manifest["vendor/vazirmatn/Vazirmatn-NL-Regular.woff2"].rsplit("/", 1)[-1]
    assert font_name in (tmp_path / css_name).read_text(), "CSS must point at the hashed font"
