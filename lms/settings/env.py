"""The one reader of the environment, and the parsers that turn its URLs into settings.

Every setting that a deployment may change is read here through a single django-environ
``env``; a value that cannot be understood raises ``ImproperlyConfigured`` with a message
that names the variable and shows the expected shape.
"""

from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

_DATABASE_SCHEMES = {"sqlite", "postgres", "postgresql", "pgsql"}
DATABASE_URL_HELP = (
    "DATABASE_URL is malformed: %(reason)s. Expected for example "
    "postgres://USER:PASSWORD@HOST:5432/NAME or sqlite:////absolute/path/db.sqlite3."
)


def database_from_env(default: str) -> dict:
    """Return the default database settings from ``DATABASE_URL`` (SQLite when unset)."""
    url = env.str("DATABASE_URL", default="").strip() or default
    try:
        parts = urlsplit(url)
        port = parts.port  # raises ValueError for a non-numeric port
    except ValueError as exc:
        raise ImproperlyConfigured(DATABASE_URL_HELP % {"reason": str(exc)}) from None
    scheme = parts.scheme.lower()
    if scheme not in _DATABASE_SCHEMES:
        reason = f"unsupported scheme {scheme or '(none)'!r}; use postgres or sqlite"
        raise ImproperlyConfigured(DATABASE_URL_HELP % {"reason": reason})
    if scheme != "sqlite":
        if not parts.hostname and not parts.path.strip("/"):
            raise ImproperlyConfigured(DATABASE_URL_HELP % {"reason": "no host and no database"})
        if not parts.path.strip("/"):
            raise ImproperlyConfigured(DATABASE_URL_HELP % {"reason": "no database name"})
    config = environ.Env.db_url_config(url)
    if scheme == "sqlite":
        config["OPTIONS"] = sqlite_options()
    else:
        config.setdefault("PORT", port or "")
        config["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
        config["CONN_HEALTH_CHECKS"] = True
    return config


def sqlite_options() -> dict:
    """SQLite set up for a web server, where requests write at the same time.

    WAL lets readers go on while one connection writes; ``synchronous=NORMAL`` is durable
    with WAL except for the last commits before a power cut. Transactions start with
    ``BEGIN IMMEDIATE``, so a transaction takes the write lock before it reads instead of
    failing at once ("database is locked") when it later needs to write while another holds
    the lock; a writer waits up to ``SQLITE_BUSY_TIMEOUT`` seconds for the lock.
    """
    return {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
        "transaction_mode": "IMMEDIATE",
        "timeout": env.int("SQLITE_BUSY_TIMEOUT", default=20),
    }


def search_backends_from_env() -> dict:
    """Wagtail's database search by default; Elasticsearch 8 when ``ELASTICSEARCH_URL`` is set."""
    url = env.str("ELASTICSEARCH_URL", default="")
    if not url:
        # Wagtail's database backend (search/backends.py: PostgreSQL matches as a semi-join).
        # "simple": no server-dependent stemming or stop words on PostgreSQL; folding and
        # stemming happen in core.text on both databases alike (SQLite ignores the option).
        return {"default": {"BACKEND": "search.backends", "SEARCH_CONFIG": "simple"}}
    if urlsplit(url).scheme not in {"http", "https"}:
        raise ImproperlyConfigured(
            "ELASTICSEARCH_URL must be an http(s) URL, for example http://elasticsearch:9200."
        )
    return {
        "default": {
            "BACKEND": "wagtail.search.backends.elasticsearch8",
            "URLS": [url],
            "INDEX_PREFIX": env.str("ELASTICSEARCH_INDEX", default="savad") + "_",
            "TIMEOUT": 10,
            "INDEX_SETTINGS": elasticsearch_index_settings(),
            # Saves and deletions reach the index from a Celery task (search/receivers.py),
            # not inside the request; `manage.py update_index` rebuilds everything.
            "AUTO_UPDATE": False,
            "UPDATE_ON_CELERY": True,
        }
    }


# Persian as core.text folds it for the database backends: ZWNJ joins a compound's parts,
# Persian and Arabic-Indic digits are read as 0-9, Arabic letter forms, hamza on alef, teh
# marbuta, tatweel and diacritics are folded; English words lose their plural ending. The
# indexed ``search_text`` is already folded by core.text; the default analyser folds the raw
# title too. Autocomplete keeps Wagtail's analysers: its query is searched with "standard", so
# it matches the folded ``search_title`` field (folded by core.text on both sides).
_ZWNJ_CHAR_FILTER = {"type": "mapping", "mappings": ["\\u200C=>", "\\u200D=>", "\\u00AD=>"]}
_FOLD_FILTERS = ["lowercase", "decimal_digit", "arabic_normalization", "persian_normalization"]


def elasticsearch_index_settings() -> dict:
    """The analysis settings merged into Wagtail's Elasticsearch index settings."""
    return {
        "settings": {
            "analysis": {
                "char_filter": {"savad_zwnj": _ZWNJ_CHAR_FILTER},
                "filter": {
                    "savad_english_stemmer": {"type": "stemmer", "language": "minimal_english"},
                },
                "analyzer": {
                    # The index's default: every text field without an analyser of its own,
                    # indexed and searched alike.
                    "default": {
                        "type": "custom",
                        "char_filter": ["savad_zwnj"],
                        "tokenizer": "standard",
                        "filter": [*_FOLD_FILTERS, "savad_english_stemmer"],
                    },
                },
            }
        }
    }


SITE_URL_VARIABLES = ("SITE_URL", "WAGTAILADMIN_BASE_URL")


def content_origin_from_env() -> str:
    """``H5P_CONTENT_ORIGIN`` as ``scheme://host[:port]`` (no path), or "" when unset."""
    value = env.str("H5P_CONTENT_ORIGIN", default="").strip().rstrip("/")
    if not value:
        return ""
    parts = urlsplit(value)
    try:
        parts.port  # noqa: B018 - raises ValueError for a non-numeric port
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in {"http", "https"}
        or not parts.hostname
        or parts.path
        or parts.query
        or parts.fragment
        or parts.username
    ):
        raise ImproperlyConfigured(
            "H5P_CONTENT_ORIGIN must be an origin without a path, for example "
            "https://h5p.savad.example."
        )
    site_hosts = {
        host.lower()
        for host in env.list("ALLOWED_HOSTS", default=[])
        + [urlsplit(env.str(name, default="")).hostname or "" for name in SITE_URL_VARIABLES]
    }
    if parts.hostname.lower() in site_hosts:
        # Cookies ignore ports: on a site host (any port) the content would get the session.
        raise ImproperlyConfigured(
            "H5P_CONTENT_ORIGIN must be on a host name of its own, not one of the site's "
            f"({parts.hostname}): H5P content must not receive the site's cookies."
        )
    return f"{parts.scheme}://{parts.netloc.lower()}"


def hostname_of(origin: str) -> str:
    """The host name of an origin, as ALLOWED_HOSTS lists it (no port)."""
    return urlsplit(origin).hostname or "" if origin else ""
