"""Laptop settings: DEBUG on, SQLite, eager Celery and console e-mail unless told otherwise."""

from .base import *  # noqa: F403
from .env import env

DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env.str("SECRET_KEY", default="dev-only-insecure-key-never-use-in-production-8c1f")
ALLOWED_HOSTS = [
    *env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"]),
    *H5P_CONTENT_HOSTS,  # noqa: F405
]
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
