"""Vitrina settings: environment variables only, each with a safe default.

The defaults start Vitrina on one machine with no servers (SQLite under var/,
an in-process cache, local media files). Production switches each part on by
setting its variable; README.md lists them all.
"""

import os
import secrets
from datetime import timedelta
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
    "vitrina.events",
    "vitrina.media",
    "vitrina.accounts",
    "vitrina.social",
    "vitrina.timeline",
    "vitrina.posts",
    "vitrina.search",
    "vitrina.feed",
    "vitrina.shop",
    "vitrina.orders",
    "vitrina.reviews",
    "vitrina.insights",
    "vitrina.rankings",
    "vitrina.notifications",
    "vitrina.messaging",
    "vitrina.web",
    "vitrina.live",
    "vitrina.push",
    "vitrina.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below whitenoise, whose static files are compressed already; above everything that writes a body.
    "vitrina.core.compression.TextGZipMiddleware",
    "vitrina.core.middleware.refuse_nul_path_middleware",
    "vitrina.core.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # Before anything reads a body (CSRF reads request.POST); after Locale, for the 413 page's language.
    "vitrina.core.body_limit.BodyLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "vitrina.accounts.middleware.SessionRevocationMiddleware",
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
                "vitrina.live.context_processors.live",
                "vitrina.notifications.context_processors.unread",
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
                # mmap: pages are read from the OS page cache shared by every connection, without a
                # read() call and a copy each; a feed read under the realistic profile spent a sixth
                # of its time there (bench/feed.py). Address space only, not memory. temp_store: the
                # sort trees of GROUP BY, DISTINCT and ORDER BY in memory, not in a temporary file (the
                # rating's grouped scans over millions of rows).
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA mmap_size=2147483648; "
                                "PRAGMA temp_store=MEMORY;",
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
    # Room for the post cards of a busy instance's feeds, 20,000 posts: two entries of 1-2 KB
    # each (vitrina.posts.cards: the card and its native JSON); Django's default of 300
    # entries would drop them faster than they are read again.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                          "OPTIONS": {"MAX_ENTRIES": 40_000}}}

# --- Background tasks and timelines -----------------------------------------
# "immediate" runs tasks in the web process (no server needed); "rq" queues them in
# Redis for `manage.py rqworker --job-class django_tasks_rq.Job default` (see README).
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "rq" if REDIS_URL else "immediate")
if TASKS_BACKEND == "rq":
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# With Redis, the queue shares the cache's client and its connection pool (a URL here would make
# django-rq connect anew for each job enqueued: a TCP handshake and a HELLO per order placed).
RQ_QUEUES = {"default": ({"USE_REDIS_CACHE": "default"} if REDIS_URL else {"URL": "redis://127.0.0.1:6379/0"})
             | {"DEFAULT_TIMEOUT": 600}}
# Where home timelines live: "redis" (default with REDIS_URL) or "database".
TIMELINE_STORE = os.environ.get("TIMELINE_STORE", "redis" if REDIS_URL else "database")
# Seconds an unread Redis timeline is kept; a returning member's is rebuilt on first read.
TIMELINE_TTL = env_int("TIMELINE_TTL", 14 * 86400)
# New posts are pushed only to followers who opened Vitrina within this many days.
FEED_ACTIVE_DAYS = env_int("FEED_ACTIVE_DAYS", 14)
# Accounts with at least this many followers are not fanned out; readers pull their posts.
FEED_PULL_THRESHOLD = env_int("FEED_PULL_THRESHOLD", 10_000)

# --- Domain events ----------------------------------------------------------
# Who reads the outbox (vitrina.events): {name: "dotted.path.to.handle"}; each consumer gets every
# event once, in its own transaction, from a task run after each change and every half minute.
EVENT_CONSUMERS: dict[str, str] = {"notifications": "vitrina.notifications.consumer.handle"}
EVENT_CONSUMERS["insights"] = "vitrina.insights.consumer.handle"
# Days an event is kept once every consumer has applied it.
EVENT_RETENTION_DAYS = env_int("EVENT_RETENTION_DAYS", 30)

# --- Insights (vitrina.insights) ------------------------------------------------
# Whether hits are recorded at all, from pages and from the events (follows, orders): off, insights show
# nothing new (an operator's switch, and the feed benchmark's way to measure what recording costs).
INSIGHTS_RECORD = env_bool("INSIGHTS_RECORD", True)
# Days the raw hits are kept (reach over a period is counted from them).
INSIGHTS_RETENTION_DAYS = env_int("INSIGHTS_RETENTION_DAYS", 90)
# Days the daily folds per account and per post are kept.
INSIGHTS_AGGREGATE_DAYS = env_int("INSIGHTS_AGGREGATE_DAYS", 730)
# Below this many followers the audience breakdown is hidden, so no single follower can be picked out.
INSIGHTS_MIN_AUDIENCE = env_int("INSIGHTS_MIN_AUDIENCE", 100)
# Seconds an account's insights are kept once read; a fold (every 15 minutes) replaces them anyway.
INSIGHTS_CACHE_SECONDS = env_int("INSIGHTS_CACHE_SECONDS", 900)
# Seconds a process keeps recorded hits before sending them on (sooner once 500 are waiting).
INSIGHTS_FLUSH_SECONDS = env_int("INSIGHTS_FLUSH_SECONDS", 5)

# --- Live (the socket at /ws: vitrina.live, docs/live.md) -------------------------
# The channel layer carries socket messages between processes: in-memory (one ASGI process, which then
# reads the outbox itself) or Redis with REDIS_URL (the worker sends, every ASGI process delivers).
if REDIS_URL:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels_redis.core.RedisChannelLayer",
                                  "CONFIG": {"hosts": [REDIS_URL], "prefix": f"{CACHE_KEY_PREFIX}:live"}}}
    EVENT_CONSUMERS["live"] = "vitrina.live.delivery.handle"
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
# Where pages open the socket: a full URL (wss://vitrina.example/ws behind a proxy routing /ws), or empty
# for the page's own host on LIVE_PORT (`make run` serves /ws on the port after the pages' one), or on
# its own port when LIVE_PORT is 0.
LIVE_URL = os.environ.get("LIVE_URL", "")
LIVE_PORT = env_int("LIVE_PORT", 0)
# Seconds between checks that a socket's session or token still stands (log-outs elsewhere close it).
LIVE_RECHECK_SECONDS = env_int("LIVE_RECHECK_SECONDS", 10)
# Seconds between reads of the outbox by the ASGI process when it delivers itself (no Redis).
# An indexed read of nothing new costs well under a millisecond, so 20 a second is cheap.
LIVE_POLL_SECONDS = float(os.environ.get("LIVE_POLL_SECONDS", "0.05"))

# --- Web Push (vitrina.push) -------------------------------------------------
EVENT_CONSUMERS["push"] = "vitrina.push.consumer.handle"
# The VAPID private key (base64url, raw 32 bytes); empty: generated once into var/vapid_private_key.
VAPID_PRIVATE_KEY = os.environ.get("VAPID_PRIVATE_KEY", "")
# Who push services may contact about this instance's messages (RFC 8292 "sub").
VAPID_SUBJECT = os.environ.get("VAPID_SUBJECT", "mailto:noreply@localhost")
# The push services Vitrina posts to: a subscription elsewhere is refused (the address is the member's
# to give, and must not point Vitrina at an internal service).
PUSH_SERVICE_HOSTS = env_list("PUSH_SERVICE_HOSTS", "fcm.googleapis.com,updates.push.services.mozilla.com,"
                                                    "*.push.apple.com,*.notify.windows.com")
# Hosts of PUSH_SERVICE_HOSTS reached over plain http (a local push service in tests only).
PUSH_HTTP_HOSTS: list[str] = []
# Seconds before an unanswering push service is given up on.
PUSH_TIMEOUT = env_int("PUSH_TIMEOUT", 10)

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

# --- Email and account lifecycle ------------------------------------------
# Outgoing mail: printed to the console unless EMAIL_HOST names an SMTP server.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
# SMTP port; 587 with STARTTLS is the usual submission port.
EMAIL_PORT = env_int("EMAIL_PORT", 587)
# SMTP credentials (empty: no authentication).
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
# STARTTLS on the SMTP connection.
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
# Seconds before an unanswered SMTP server is given up on.
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
# Sender of account emails (password reset, email confirmation).
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Vitrina <noreply@localhost>")
# Base URL of links in emails, e.g. https://vitrina.example (empty: the address the request came to).
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")
# Seconds a password-reset link works (Django's own setting).
PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 24 * 3600)
# Seconds an email-confirmation link (sign-up or change of address) works.
EMAIL_LINK_MAX_AGE = env_int("EMAIL_LINK_MAX_AGE", 3 * 24 * 3600)
# Account emails (reset, confirmation, resend) one address or account may ask for per window; then 429.
ACCOUNT_EMAIL_LIMIT = env_int("ACCOUNT_EMAIL_LIMIT", 5)
# The same per IP address, across every address asked for.
ACCOUNT_EMAIL_IP_LIMIT = env_int("ACCOUNT_EMAIL_IP_LIMIT", 20)
# Length of that window, in seconds.
ACCOUNT_EMAIL_WINDOW = env_int("ACCOUNT_EMAIL_WINDOW", 3600)
# Days an old username stays reserved for its owner after a change.
USERNAME_HOLD_DAYS = env_int("USERNAME_HOLD_DAYS", 14)
# Username changes one account may make per day (each one reserves a name).
USERNAME_CHANGES_PER_DAY = env_int("USERNAME_CHANGES_PER_DAY", 3)
# --- Client address, write limits and sessions -----------------------------
# Proxies of yours in front of Vitrina that append to X-Forwarded-For (with TRUST_X_FORWARDED_FOR=1).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 1)
# Further hops (addresses or CIDR networks, comma-separated) skipped when reading X-Forwarded-For.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "")


def env_rates(name: str, default: str) -> list[tuple[int, int]]:
    """ "count/seconds" pairs, comma-separated: "20/60,200/3600" is 20 a minute and 200 an hour."""
    rates = []
    for part in env_list(name, default):
        count, _slash, seconds = part.partition("/")
        rates.append((int(count), int(seconds)))
    return rates


# How often one account (sign-up: one address) may do each write: "count/seconds" pairs.
# The defaults are far above what a person does by hand and far below what a script does.
RATE_LIMITS = {
    "signup": env_rates("RATE_LIMIT_SIGNUP", "20/3600,50/86400"),  # per client address
    "post": env_rates("RATE_LIMIT_POSTS", "30/3600,100/86400"),
    "comment": env_rates("RATE_LIMIT_COMMENTS", "20/60,300/3600"),
    "like": env_rates("RATE_LIMIT_LIKES", "60/60,1000/3600"),
    "follow": env_rates("RATE_LIMIT_FOLLOWS", "60/600,300/86400"),  # follows and follow requests
    # Catalog edits: products, their photos, collections, shop settings (a seller editing by hand).
    "catalog": env_rates("RATE_LIMIT_CATALOG", "120/600,2000/86400"),
    "product_tag": env_rates("RATE_LIMIT_PRODUCT_TAGS", "60/60,600/3600"),  # products tagged on photos
}
# Checkout: adding, changing and removing cart lines; placing orders (replays of one key count too).
RATE_LIMITS["cart"] = env_rates("RATE_LIMIT_CART", "120/60,2000/86400")
RATE_LIMITS["checkout"] = env_rates("RATE_LIMIT_CHECKOUT", "30/600,200/86400")
# Reviews and sellers' replies to them (one per order line: a person writes a few a day).
RATE_LIMITS["review"] = env_rates("RATE_LIMIT_REVIEWS", "30/600,200/86400")
# The post-view beacon (insights): a page sends one every few seconds while someone scrolls.
RATE_LIMITS["seen"] = env_rates("RATE_LIMIT_SEEN", "60/60,1200/3600")
# Finished runs of the rating of business accounts kept (pages read the latest; older ones are deleted).
RANKINGS_KEEP_RUNS = max(1, env_int("RANKINGS_KEEP_RUNS", 3))
# PostgreSQL work_mem for the rating's recompute alone (its grouped scans of the whole follow graph).
RANKINGS_WORK_MEM = os.environ.get("RANKINGS_WORK_MEM", "128MB")
# Direct messages, photos and shares included: a fast typist in a live chat sends a few a second at
# most; the hourly cap stops a script from flooding inboxes.
RATE_LIMITS["messages"] = env_rates("RATE_LIMIT_MESSAGES", "30/60,600/3600")
# Seconds between writes of a browser session's or token's "last used" time.
SESSION_TOUCH_EVERY = env_int("SESSION_TOUCH_EVERY", 300)

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

# --- Content-Security-Policy (vitrina/core/csp.py) ---------------------------
# Send the policy as Content-Security-Policy-Report-Only: violations are reported, nothing is blocked.
CSP_REPORT_ONLY = env_bool("CSP_REPORT_ONLY", False)

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

# --- Request size -----------------------------------------------------------
# Bytes allowed in a request body beyond a full carousel (MAX_UPLOAD_BYTES x MAX_PHOTOS_PER_POST),
# for the caption, alt texts and multipart framing; a larger body is 413 before it is read.
REQUEST_BODY_MARGIN_BYTES = env_int("REQUEST_BODY_MARGIN_BYTES", 1024 * 1024)

# --- API ------------------------------------------------------------------
NINJA_PAGINATION_MAX_LIMIT = 100

# --- Account lifecycle: data export and deletion ----------------------------
INSTALLED_APPS += ["vitrina.lifecycle"]
# ModelBackend first; the second lets a member who asked for deletion log back in (and cancels it).
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "vitrina.lifecycle.backends.ReturningMemberBackend",
]
# Days a deleted account stays deactivated (the member may log back in) before it is removed.
ACCOUNT_DELETION_GRACE_DAYS = env_int("ACCOUNT_DELETION_GRACE_DAYS", 30)
# Days a "download your data" zip stays available before it is deleted.
EXPORT_TTL_DAYS = env_int("EXPORT_TTL_DAYS", 7)
# Private directory for those zips when files are stored locally (never under MEDIA_ROOT).
EXPORT_ROOT = Path(os.environ.get("EXPORT_ROOT", VAR_DIR / "exports"))

# --- Checkout ------------------------------------------------------------------
# How long a card order waits for its payment before it expires and its stock is released (seconds).
CARD_PAYMENT_TIMEOUT = timedelta(seconds=env_int("CARD_PAYMENT_TIMEOUT", 30 * 60))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

# --- Payments (vitrina/orders/payments, docs/payments.md) -------------------------------------
# Provider class by payment method, over the built-in ones (cod, bank_transfer, and the sandbox for
# card), e.g. {"card": "myshop.payments.StripeCard"}: a real gateway is one class.
PAYMENT_PROVIDERS: dict[str, str] = {}
# Secret of the sandbox card provider's webhook signatures (empty: derived from SECRET_KEY).
SANDBOX_WEBHOOK_SECRET = os.environ.get("SANDBOX_WEBHOOK_SECRET", "")
