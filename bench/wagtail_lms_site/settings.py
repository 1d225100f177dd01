"""Settings of the wagtail-lms comparison site (``bench/load.py --target wagtail-lms``).

Production-like, as Savad's load run: DEBUG off, PostgreSQL from ``DATABASE_URL`` with the
connection options Savad's settings use (connections kept 60 s, health checks, server-side
parameter binding), a Redis cache (``CACHE_URL``, keys under ``LOAD_CACHE_PREFIX``) or local
memory when ``CACHE_URL`` is not set, sessions in the database (Django's default, as Savad), and
the MD5 password hasher, as Savad's load settings, so that a login measures the site and not
PBKDF2. Plain HTTP on loopback: no secure cookies, no HTTPS redirect.
"""

import os
from pathlib import Path

import environ

HERE = Path(__file__).resolve().parent

DEBUG = False
SECRET_KEY = os.environ["SECRET_KEY"]
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1").split(",")

INSTALLED_APPS = [
    "wagtail_lms",
    "wagtail.snippets",
    "wagtail.users",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "bench.wagtail_lms_site.urls"
WSGI_APPLICATION = "bench.wagtail_lms_site.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [HERE / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

_database = environ.Env.db_url_config(os.environ["DATABASE_URL"])
_database.update(CONN_MAX_AGE=60, CONN_HEALTH_CHECKS=True)
_database.setdefault("OPTIONS", {})["server_side_binding"] = True
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if os.environ.get("CACHE_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["CACHE_URL"],
            "KEY_PREFIX": os.environ.get("LOAD_CACHE_PREFIX", "wagtail-lms-load"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

STATIC_URL = "/static/"
STATIC_ROOT = os.environ.get("STATIC_ROOT", str(HERE / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = os.environ.get("MEDIA_ROOT", str(HERE / "media"))

WAGTAIL_SITE_NAME = "wagtail-lms load test"
WAGTAILADMIN_BASE_URL = "http://127.0.0.1"

USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
