"""Fast, honest test settings: the real app, with quick hashing, in-memory mail and temp media."""

import tempfile

from .base import *  # noqa: F403
from .env import cache_from_env, env

DEBUG = False
SECRET_KEY = "test-only-key-not-secret-0123456789-abcdefghijklmnopqrstuvwxyz"
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": cache_from_env(default="locmemcache://savad-test")}
MEDIA_ROOT = tempfile.mkdtemp(prefix="savad-test-media-")
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
# Eager unless CELERY_BROKER_URL is set (the worker integration test sets it for its worker).
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="cache+memory://")
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
WAGTAILADMIN_BASE_URL = "http://testserver"
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # Tests need no durability: a commit does not wait for the disk (about a third faster for
    # the tests that commit); what they read and write is otherwise PostgreSQL's behaviour.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c synchronous_commit=off"  # noqa: F405
# The suite searches the database whatever the environment says; the Elasticsearch module
# (tests/search/test_elasticsearch_cluster.py) builds its own backend from ELASTICSEARCH_URL.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "search.backends", "SEARCH_CONFIG": "simple"}}
