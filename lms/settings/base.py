"""Settings shared by every environment. Deployment-specific values come from the environment."""

from datetime import timedelta

from django.utils.translation import gettext_lazy as _

from .env import (
    BASE_DIR,
    cache_from_env,
    content_origin_from_env,
    database_from_env,
    env,
    hostname_of,
    media_origins,
    media_storage_from_env,
    search_backends_from_env,
)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
# H5P content (player frames, package files, libraries) may be served from an origin of its own,
# e.g. https://h5p.savad.example: that host answers only the H5P content endpoints. Unset: the
# site's own host, still inside a sandboxed (opaque-origin) frame.
H5P_CONTENT_ORIGIN = content_origin_from_env()
H5P_CONTENT_HOSTS = [hostname_of(H5P_CONTENT_ORIGIN)] if H5P_CONTENT_ORIGIN else []
ALLOWED_HOSTS = [*env.list("ALLOWED_HOSTS", default=[]), *H5P_CONTENT_HOSTS]
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.forms",  # FORM_RENDERER: the project's templates may override form templates
]
WAGTAIL_APPS = [
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.simple_translation",
    "wagtail.contrib.search_promotions",
    "wagtail.locales",
    "wagtail.embeds",
    "wagtail.sites",
    "accounts.wagtail_users.SavadUsersConfig",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
]
THIRD_PARTY_APPS = [
    "axes",
    "csp",
    "django_celery_beat",
    "django_celery_results",
]
LOCAL_APPS = [
    "accounts",
    "core",
    "competences",
    "progress",
    "courses",
    "quizzes",
    "content",
    "simulations",
    "search",
    "certificates",
    "xapi",
    "lrs",
    "stats",
    "dashboard",
    "demo",
]
INSTALLED_APPS = LOCAL_APPS + WAGTAIL_APPS + THIRD_PARTY_APPS + DJANGO_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost but security: compresses what every other middleware made of the response.
    "core.middleware.TextGZipMiddleware",
    "core.middleware.ContentCacheMiddleware",
    # Before static files and sessions: the H5P content host serves its endpoints only.
    "content.middleware.ContentHostMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.middleware.HeldBackJobsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "core.errors.SavadErrorMiddleware",  # renders uncaught SavadErrors (one error page)
    # django-axes must come last so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "lms.urls"
WSGI_APPLICATION = "lms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]
# Form widgets and error lists render with the project's template settings, so that
# templates/django/forms/ can override Django's (error messages in the page's digits).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Data stores -------------------------------------------------------------------------
DATABASES = {"default": database_from_env(default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
CACHES = {"default": cache_from_env(default="locmemcache://savad")}

# --- Accounts ----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses locked-out credentials before any other backend runs.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "/"
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60 * 24)

# Login rate limiting: five bad tries for one username from one address lock it for a while.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# Reverse proxies in front of Django that append to X-Forwarded-For (1 behind docker-compose's
# nginx): the learner's address is read past them (core/client_ip.py).
TRUSTED_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=0)
AXES_CLIENT_IP_CALLABLE = "core.client_ip.client_ip"

# --- E-mail ------------------------------------------------------------------------------
# consolemail:// prints messages; smtp+tls://user:password@host:587 sends them.
vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Savad <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Languages ---------------------------------------------------------------------------
LANGUAGE_CODE = "fa"
LANGUAGES = [("fa", _("Persian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Tehran")
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES

# --- Static and media files --------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static_build"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Uploads live under MEDIA_ROOT unless MEDIA_STORAGE_URL names an S3 bucket (lms/settings/env.py).
STORAGES = {
    "default": media_storage_from_env(),
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Files leave through views that check access first (core/serving.py). Object storage: the view
# redirects to a link signed for MEDIA_URL_EXPIRY seconds. Local storage: streamed by Django, or
# sent by the web server when SENDFILE_BACKEND is set (django-sendfile2; with
# django_sendfile.backends.nginx the response carries X-Accel-Redirect: SENDFILE_URL/<name>,
# an `internal` nginx location that maps to MEDIA_ROOT: deploy/nginx.conf).
MEDIA_URL_EXPIRY = env.int("MEDIA_URL_EXPIRY", default=300)
# Where those redirects lead (allowed in the pages' CSP).
MEDIA_ORIGINS = media_origins(STORAGES["default"])
if env.str("SENDFILE_BACKEND", default=""):
    # Only set when wanted: Wagtail's document view checks whether the setting exists.
    SENDFILE_BACKEND = env.str("SENDFILE_BACKEND")
    SENDFILE_ROOT = str(MEDIA_ROOT)
    SENDFILE_URL = env.str("SENDFILE_URL", default="/internal-media")

# --- Wagtail -----------------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Savad"
# Admin avatars are Wagtail's local default, never fetched from gravatar.com (no page of the
# site loads anything from the internet).
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAILADMIN_BASE_URL = env.str("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = search_backends_from_env()
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "odt", "ods", "odp", "txt", "csv", "zip"]
WAGTAILIMAGES_EXTENSIONS = ["gif", "jpg", "jpeg", "png", "webp"]
WAGTAIL_PASSWORD_RESET_ENABLED = True
# Documents pass the before_serve_document checks, then are sent as any other stored file
# (core/wagtail_hooks.py redirects to a signed link on object storage).
WAGTAILDOCS_SERVE_METHOD = "serve_view"

# --- Celery ------------------------------------------------------------------------------
# Without a broker, tasks run eagerly in the web process: one command runs everything.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# The queue tasks go to and workers take by default (several sites can share one broker).
CELERY_TASK_DEFAULT_QUEUE = env.str("CELERY_QUEUE", default="celery")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="django-db")
CELERY_RESULT_EXTENDED = True
CELERY_CACHE_BACKEND = "default"
CELERY_TASK_TIME_LIMIT = 10 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 9 * 60
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Learner pages never wait on the broker: jobs are published with short timeouts and, when the
# broker is down or hung, kept in the database and published later (core/jobs.py).
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_TIMEOUT", default=1.0)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
    "socket_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
    "retry_on_timeout": False,
}
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
# Seconds a request's publish may wait for the broker (to connect, and for each reply).
JOBS_PUBLISH_TIMEOUT = env.float("JOBS_PUBLISH_TIMEOUT", default=0.5)
# Seconds a process publishes nothing after a failed publish (its jobs wait in the database).
JOBS_BROKER_PAUSE = env.float("JOBS_BROKER_PAUSE", default=30.0)
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "clear-expired-sessions": {
        "task": "core.tasks.clear_expired_sessions",
        "schedule": timedelta(hours=24),
    },
    "publish-pending-jobs": {
        "task": "core.tasks.flush_pending_jobs",
        "schedule": timedelta(seconds=60),
    },
    "xapi-deliver-outbox": {
        "task": "xapi.tasks.deliver_outbox",
        "schedule": timedelta(seconds=60),
    },
    "stats-refresh-rollups": {
        "task": "stats.tasks.refresh_rollups",
        "schedule": timedelta(seconds=60),
    },
}
CELERY_TIMEZONE = TIME_ZONE

# --- Monitoring ----------------------------------------------------------------------------
# /healthz shows only its status to the public; the details to staff and to requests with
# "Authorization: Bearer <HEALTHZ_TOKEN>" (unset: staff only).
HEALTHZ_TOKEN = env.str("HEALTHZ_TOKEN", default="")

# --- Security defaults (tightened further in production.py) -------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CONTENT_SECURITY_POLICY = {
    # The Wagtail admin relies on inline scripts and styles; learner pages do not.
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/django-admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:", *MEDIA_ORIGINS],
        "font-src": ["'self'"],
        "media-src": ["'self'", *MEDIA_ORIGINS],
        "frame-src": ["'self'", *([H5P_CONTENT_ORIGIN] if H5P_CONTENT_ORIGIN else [])],
        "frame-ancestors": ["'self'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# H5P
# Where package imports unpack before moving finished folders into place. Empty: MEDIA_ROOT's
# h5p/tmp/ (on the media's file system, so that a folder is placed with one rename); with object
# storage the system's temporary folder (files are then uploaded to a new prefix that the
# package's row points to only once all are stored: content/storage.py).
H5P_WORK_DIR = env.str("H5P_WORK_DIR", default="")
# How often (seconds) the player saves a learner's unfinished answers on the server.
H5P_SAVE_SECONDS = env.int("H5P_SAVE_SECONDS", default=15)
# Largest .h5p file the upload form accepts (bytes).
H5P_MAX_UPLOAD_BYTES = env.int("H5P_MAX_UPLOAD_BYTES", default=200 * 1024 * 1024)
# What one package may hold (content/h5p/limits.py): entries, path depth, uncompressed bytes in
# all and per file, the largest compression ratio (judged above H5P_RATIO_MIN_BYTES) and the
# size up to which its JSON files are read into memory.
H5P_MAX_ENTRIES = env.int("H5P_MAX_ENTRIES", default=10_000)
H5P_MAX_DEPTH = env.int("H5P_MAX_DEPTH", default=20)
H5P_MAX_TOTAL_BYTES = env.int("H5P_MAX_TOTAL_BYTES", default=500 * 1024 * 1024)
H5P_MAX_FILE_BYTES = env.int("H5P_MAX_FILE_BYTES", default=100 * 1024 * 1024)
H5P_MAX_RATIO = env.int("H5P_MAX_RATIO", default=200)
H5P_RATIO_MIN_BYTES = env.int("H5P_RATIO_MIN_BYTES", default=1024 * 1024)
H5P_MAX_JSON_BYTES = env.int("H5P_MAX_JSON_BYTES", default=20 * 1024 * 1024)
# Seconds without a sign of life after which an import is taken for dead (and may be retried).
H5P_STALE_AFTER = env.float("H5P_STALE_AFTER", default=CELERY_TASK_TIME_LIMIT + 60)
# Seconds to pause between extracted files (0: none); only tests of interrupted imports use it.
H5P_EXTRACT_THROTTLE = env.float("H5P_EXTRACT_THROTTLE", default=0.0)

# --- Quizzes -------------------------------------------------------------------------------
# Seconds after a quiz's time limit during which an answer sent by the browser still counts.
QUIZ_GRACE_SECONDS = env.int("QUIZ_GRACE_SECONDS", default=30)
# Largest question file (GIFT, Moodle XML) an import accepts (bytes).
QUIZ_IMPORT_MAX_BYTES = env.int("QUIZ_IMPORT_MAX_BYTES", default=2 * 1024 * 1024)

# --- Statistics ----------------------------------------------------------------------------
# Largest CSV file of learners an import accepts (bytes); a larger upload is refused unread.
STATS_IMPORT_MAX_BYTES = env.int("STATS_IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
# Reports over more learners (or quiz attempts) than this are read from rollup tables refreshed
# in the background (stats/rollups.py); smaller ones are computed exactly on every view.
STATS_EXACT_LIMIT = env.int("STATS_EXACT_LIMIT", default=1000)
STATS_ROLLUP_MAX_AGE = env.int("STATS_ROLLUP_MAX_AGE", default=600)  # seconds

# --- LRS -----------------------------------------------------------------------------------
# Largest request body the built-in LRS endpoint (/xapi/...) reads (bytes).
LRS_MAX_BODY_BYTES = env.int("LRS_MAX_BODY_BYTES", default=1_000_000)

# --- Certificates ----------------------------------------------------------------------------
# Certificates are rendered to PDF by a Celery task; verification links in them (and their QR
# codes) start with SITE_URL.
SITE_URL = env.str("SITE_URL", default=WAGTAILADMIN_BASE_URL).rstrip("/")

# --- xAPI ------------------------------------------------------------------------------------
# Statements about learners go to this LRS (xAPI 1.0.3 statements resource, HTTP Basic auth).
# Unset: statements still collect in the outbox and are sent once an LRS is configured.
XAPI_LRS_URL = env.str("XAPI_LRS_URL", default="")
XAPI_LRS_KEY = env.str("XAPI_LRS_KEY", default="")
XAPI_LRS_SECRET = env.str("XAPI_LRS_SECRET", default="")
# IRIs of Savad's activities, courses and learner accounts start with this.
XAPI_IRI_BASE = env.str("XAPI_IRI_BASE", default=SITE_URL).rstrip("/")
