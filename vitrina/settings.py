"""Vitrina settings: environment variables only, each with a safe default.

The defaults start Vitrina on one machine with no servers (SQLite under var/,
an in-process cache, local media files). Production switches each part on by
setting its variable; README.md lists them all.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Where the embedded defaults keep their files (database, media, secret key).
VAR_DIR = Path(os.environ.get("VITRINA_VAR_DIR", BASE_DIR / "var"))


def _secret_key() -> str:
    # A key generated once and kept under var/ makes `make run` work with no set-up
    # while sessions survive restarts; production passes SECRET_KEY instead.
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
# Development error pages; never on in production.
DEBUG = env_bool("DEBUG", False)
# Host names this instance answers to (comma-separated).
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
# Origins trusted for CSRF on HTTPS, e.g. https://vitrina.example (comma-separated).
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "django_tasks",
    "django_rq",
    "django_tasks_rq",
    "vitrina.core",
    "vitrina.media",
    "vitrina.accounts",
    "vitrina.social",
    "vitrina.timeline",
    "vitrina.posts",
    "vitrina.search",
    "vitrina.feed",
    "vitrina.web",
    "vitrina.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "vitrina.core.middleware.refuse_nul_path_middleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "vitrina.urls"
WSGI_APPLICATION = "vitrina.wsgi.application"
ASGI_APPLICATION = "vitrina.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "vitrina.web.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------
# PostgreSQL URL (postgres://user@host:5432/name); unset means SQLite under var/.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "vitrina.sqlite3",
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue
                # on the busy timeout instead of failing on a lock upgrade.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
            # Opening a connection (and its PRAGMAs) per request was a tenth of a feed read.
            "CONN_MAX_AGE": 600,
            # A file, not :memory:, so tests that use several threads share one database.
            "TEST": {"NAME": str(VAR_DIR / "test.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and sessions ---------------------------------------------------
# Redis URL (redis://127.0.0.1:6379/0); unset means an in-process cache.
REDIS_URL = os.environ.get("REDIS_URL", "")
# Prefix of every Redis key (cache and timelines), so several instances can share one Redis.
CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "vitrina")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "vitrina.core.cache.VitrinaRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": CACHE_KEY_PREFIX,
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    # Room for the post cards of a busy instance's feeds (a card is 1-2 KB); Django's
    # default of 300 entries would drop them faster than they are read again.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                          "OPTIONS": {"MAX_ENTRIES": 20_000}}}

# --- Background tasks and timelines -----------------------------------------
# "immediate" runs tasks in the web process (no server needed); "rq" queues them in
# Redis for `manage.py rqworker --job-class django_tasks_rq.Job default` (see README).
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "rq" if REDIS_URL else "immediate")
if TASKS_BACKEND == "rq":
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
RQ_QUEUES = {"default": {"URL": REDIS_URL or "redis://127.0.0.1:6379/0", "DEFAULT_TIMEOUT": 600}}
# Where home timelines live: "redis" (default with REDIS_URL) or "database".
TIMELINE_STORE = os.environ.get("TIMELINE_STORE", "redis" if REDIS_URL else "database")
# Seconds an unread Redis timeline is kept; a returning member's is rebuilt on first read.
TIMELINE_TTL = env_int("TIMELINE_TTL", 14 * 86400)
# New posts are pushed only to followers who opened Vitrina within this many days.
FEED_ACTIVE_DAYS = env_int("FEED_ACTIVE_DAYS", 14)
# Accounts with at least this many followers are not fanned out; readers pull their posts.
FEED_PULL_THRESHOLD = env_int("FEED_PULL_THRESHOLD", 10_000)

# --- Auth -----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed log-ins allowed per account and per IP address within the window before 429.
LOGIN_THROTTLE_LIMIT = env_int("LOGIN_THROTTLE_LIMIT", 10)
# Length of that window, in seconds.
LOGIN_THROTTLE_WINDOW = env_int("LOGIN_THROTTLE_WINDOW", 300)
# Trust X-Forwarded-For for the client address (only behind your own reverse proxy).
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR", False)

# --- Security -------------------------------------------------------------
# Serve over HTTPS only: secure cookies, HSTS and redirects (set in production).
HTTPS = env_bool("HTTPS", False)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "vitrina.web.views.csrf_failure"
if env_bool("BEHIND_PROXY", False):
    # The reverse proxy terminates TLS and says so in this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian")), ("bn", _("Bengali"))]
LOCALE_PATHS = [BASE_DIR / "vitrina" / "locale"]
USE_I18N = True
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_TZ = True

# --- Static and media files -----------------------------------------------
STATIC_URL = "/static/"
# Where collectstatic puts static files for whitenoise to serve.
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# Public URL prefix of uploaded media; with S3 set it to the bucket's or CDN's URL.
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
# Directory for uploaded media when files are stored locally.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Name of an S3-compatible bucket; set, it replaces local media files.
S3_BUCKET = os.environ.get("S3_BUCKET", "")
if S3_BUCKET:
    media_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": os.environ.get("S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("S3_REGION") or None,
            "custom_domain": os.environ.get("S3_CUSTOM_DOMAIN") or None,
            "file_overwrite": False,
            "querystring_auth": False,
        },
    }
else:
    media_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": media_storage,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Let the app itself serve local media files (off when a proxy or CDN serves them).
SERVE_MEDIA = env_bool("SERVE_MEDIA", not S3_BUCKET)

# Largest accepted upload in bytes (avatars now, photos later); larger is 413.
MAX_UPLOAD_BYTES = env_int("MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
# Largest accepted image in pixels, read from the header before decoding; larger is 422.
MAX_IMAGE_PIXELS = env_int("MAX_IMAGE_PIXELS", 40_000_000)
# Photos in one post (a carousel).
MAX_PHOTOS_PER_POST = env_int("MAX_PHOTOS_PER_POST", 10)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

# --- API ------------------------------------------------------------------
NINJA_PAGINATION_MAX_LIMIT = 100

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
