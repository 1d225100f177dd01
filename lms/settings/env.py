"""The one reader of the environment, and the parsers that turn its URLs into settings.

Every setting that a deployment may change is read here through a single django-environ
``env``; a value that cannot be understood raises ``ImproperlyConfigured`` with a message
that names the variable and shows the expected shape.
"""

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

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
        # Parameters travel apart from the SQL (not quoted into it by psycopg in Python), and a
        # statement run often by one connection is prepared once (psycopg's threshold).
        config.setdefault("OPTIONS", {})["server_side_binding"] = True
    return config


# Cache settings django-environ leaves in lower case for some backends (Redis), where Django
# reads only the upper-case names and would silently ignore them.
_CACHE_KEYS = ("key_prefix", "timeout", "version", "key_function")


def cache_from_env(default: str) -> dict:
    """The default cache from ``CACHE_URL``; ``?key_prefix=…&timeout=…`` work for every backend."""
    config = env.cache("CACHE_URL", default=default)
    for key in _CACHE_KEYS:
        if key in config:
            config[key.upper()] = config.pop(key)
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


MEDIA_STORAGE_URL_HELP = (
    "MEDIA_STORAGE_URL is malformed: %(reason)s. Expected for example "
    "s3://BUCKET or s3://BUCKET/PREFIX?endpoint_url=http://minio:9000&region=eu-central-1 "
    "(credentials in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY)."
)
_S3_OPTIONS = {"endpoint_url", "region", "addressing_style"}
# A signed link to a stored file is valid this long at most (seconds).
MAX_SIGNED_URL_SECONDS = 300


def media_storage_from_env() -> dict:
    """The ``default`` storage: files under ``MEDIA_ROOT``, or a bucket named by
    ``MEDIA_STORAGE_URL`` (S3 API: AWS, MinIO, Ceph, Garage...).

    The bucket stays private: every file is handed out by a view after its access check, as a
    redirect to a link signed for ``MEDIA_URL_EXPIRY`` seconds (``core/storages.py``).
    """
    url = env.str("MEDIA_STORAGE_URL", default="").strip()
    if not url:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}
    parts = urlsplit(url)
    query = parse_qs(parts.query, keep_blank_values=True)
    if parts.scheme != "s3":
        reason = f"unsupported scheme {parts.scheme or '(none)'!r}; use s3"
        raise ImproperlyConfigured(MEDIA_STORAGE_URL_HELP % {"reason": reason})
    if not parts.hostname:
        raise ImproperlyConfigured(MEDIA_STORAGE_URL_HELP % {"reason": "no bucket"})
    if parts.username or parts.password:
        reason = "credentials belong in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
        raise ImproperlyConfigured(MEDIA_STORAGE_URL_HELP % {"reason": reason})
    unknown = sorted(set(query) - _S3_OPTIONS)
    if unknown:
        reason = f"unknown option {unknown[0]!r} (known: {', '.join(sorted(_S3_OPTIONS))})"
        raise ImproperlyConfigured(MEDIA_STORAGE_URL_HELP % {"reason": reason})
    expiry = env.int("MEDIA_URL_EXPIRY", default=MAX_SIGNED_URL_SECONDS)
    if not 1 <= expiry <= MAX_SIGNED_URL_SECONDS:
        raise ImproperlyConfigured(
            f"MEDIA_URL_EXPIRY must be between 1 and {MAX_SIGNED_URL_SECONDS} seconds."
        )
    endpoint = query.get("endpoint_url", [""])[-1] or None
    if endpoint and urlsplit(endpoint).scheme not in {"http", "https"}:
        reason = "endpoint_url must be an http(s) URL"
        raise ImproperlyConfigured(MEDIA_STORAGE_URL_HELP % {"reason": reason})
    return {
        "BACKEND": "core.storages.SignedS3Storage",
        "OPTIONS": {
            "bucket_name": parts.netloc,
            "location": parts.path.strip("/"),
            "endpoint_url": endpoint,
            "region_name": query.get("region", [""])[-1] or None,
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            # Path-style addressing by default with an endpoint of one's own (MinIO, moto).
            "addressing_style": query.get("addressing_style", [""])[-1]
            or ("path" if endpoint else None),
            "signature_version": "s3v4",
            "default_acl": None,  # private objects: only signed links read them
            "querystring_auth": True,
            "querystring_expire": expiry,
            "file_overwrite": False,  # a name in use gets a suffix, as on local disk
        },
    }


def media_origins(storage: dict) -> list[str]:
    """The origins signed links of the bucket point to (for the pages' CSP ``img-src`` and
    ``media-src``: a browser checks a redirect's target against them); [] for local storage."""
    options = storage.get("OPTIONS", {})
    bucket = options.get("bucket_name")
    if not bucket:
        return []
    endpoint = options.get("endpoint_url")
    if endpoint:
        parts = urlsplit(endpoint)
        if options.get("addressing_style") == "virtual":
            return [f"{parts.scheme}://{bucket}.{parts.netloc}"]
        return [f"{parts.scheme}://{parts.netloc}"]
    region = options.get("region_name")
    hosts = [f"{bucket}.s3.amazonaws.com"]
    if region:
        hosts.append(f"{bucket}.s3.{region}.amazonaws.com")
    return [f"https://{host}" for host in hosts]
