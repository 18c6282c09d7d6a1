"""Hearth's one settings module. Every environment variable is read here, through config.env."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int, env_json_list, env_list, env_str
from hearth.core.encryption import MAKE_KEY_COMMAND, parse_keys

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("HEARTH_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "hearth-insecure-development-key-do-not-use-in-production"  # noqa: S105 (DEBUG only)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "django_htmx",
    # Serves the API docs' Swagger UI from our own static files, so no visitor is sent to a CDN.
    "ninja",
    "axes",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "hearth.core",
    "hearth.accounts",
    "hearth.communities",
    "hearth.forums",
    "hearth.safety",
    "hearth.moderation",
    "hearth.notifications",
    "hearth.oncall",
    "hearth.wellbeing",
    "hearth.chat",
    "hearth.listeners",
    "hearth.privacy",
    "hearth.api",
    "django_prometheus",
]

MIDDLEWARE = [
    # Request and response metrics for /metrics: first and (before axes) last, to time everything in between.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy and Permissions-Policy on every response (hearth/core/security.py).
    "hearth.core.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # With a read replica: read-your-own-writes across a form post and the page it redirects to.
    "hearth.core.dbrouter.ReplicaPinMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # Django's, also accepting the "Origin: null" that no-referrer pages send, when the browser vouches same-origin.
    "hearth.core.security.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After authentication: tells permission checks whether this sign-in passed two-factor authentication,
    # and keeps each session's "last seen" (at most every few minutes).
    "hearth.accounts.mfa.MfaMiddleware",
    "hearth.accounts.sessions.SessionActivityMiddleware",
    "hearth.core.middleware.PrivateCacheMiddleware",
    "hearth.core.middleware.WriteRateLimitMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
    # Axes last, as its documentation asks, so it sees the final response of a login attempt.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "hearth" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "hearth.core.context_processors.hearth",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------
# SQLite in var/ is the embedded default; DATABASE_URL (postgres://…) switches to PostgreSQL.
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    # Connections are kept for a minute (checked before reuse): opening one per request or per chat message
    # costs more than the work itself.
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
            conn_health_checks=True,
            # Django's PostgreSQL backend, counting queries, their time and errors for /metrics.
            engine="django_prometheus.db.backends.postgresql",
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django_prometheus.db.backends.sqlite3",
            "NAME": str(VAR_DIR / "hearth.sqlite3"),
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }
# A read replica (PostgreSQL streaming replication) for the reading pages; hearth/core/dbrouter.py decides which
# queries it may answer. Tests mirror it onto the test database.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
if DATABASE_REPLICA_URL:
    if not DATABASE_URL:
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs DATABASE_URL: the replica follows a PostgreSQL primary.")
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL,
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
        engine="django_prometheus.db.backends.postgresql",
    )
    # A replica that hangs must not hold a page: after 2 s, reads go to the primary for a while instead.
    DATABASES["replica"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 2)
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["hearth.core.dbrouter.PrimaryReplicaRouter"]
# Seconds after a browser's own write during which its reads all go to the primary, so it sees what it wrote.
HEARTH_REPLICA_PIN_SECONDS = env_int("DATABASE_REPLICA_PIN_SECONDS", 10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Encryption at rest ------------------------------------------------------------
# Chat messages, emails and safety plans are sealed with AES-256-GCM (hearth.core.encryption). Keys are listed
# newest first, separated by commas or new lines: new values use the first, older keys still open what they
# sealed until `manage.py rotate_encryption_keys` re-seals it. Emails are looked up by a keyed blind index.
# Without keys, DEBUG alone uses fixed, public development keys: never for real data.


def _keys(name: str, raw: str, development_key: str) -> list[bytes]:
    if not raw:
        if not DEBUG:
            raise ImproperlyConfigured(
                f"{name} (or {name}_FILE) must be set when DEBUG is off: messages, emails and safety plans are "
                f"encrypted at rest. Make a key with: {MAKE_KEY_COMMAND}"
            )
        raw = development_key
    keys = parse_keys(raw, name=name)
    if not keys:
        raise ImproperlyConfigured(f"{name} holds no key. Make one with: {MAKE_KEY_COMMAND}")
    return keys


HEARTH_ENCRYPTION_KEYS = _keys(
    "HEARTH_ENCRYPTION_KEYS", env_str("HEARTH_ENCRYPTION_KEYS"), "aGVhcnRoLWRldmVsb3BtZW50LW9ubHkta2V5LSEhISE="
)
# A separate key for the blind indexes, so an index never says anything about the encryption keys.
HEARTH_BLIND_INDEX_KEYS = _keys(
    "HEARTH_BLIND_INDEX_KEYS", env_str("HEARTH_BLIND_INDEX_KEYS"), "aGVhcnRoLWRldmVsb3BtZW50LW9ubHktaW5kZXgtISE="
)

# --- Redis: cache, rate limits and the channel layer -------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            # Misses and no-ops while Redis is down, so pages keep working (hearth/core/cache.py).
            "BACKEND": "hearth.core.cache.TolerantRedisCache",
            "LOCATION": REDIS_URL,
            # A Redis that hangs rather than refuses must not hold a page for long either.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                # The socket timeout must outlast channels-redis's 5-second blocking reads, or idle sockets drop.
                "hosts": [{"address": REDIS_URL, "socket_timeout": 30}],
                # Events a slow socket may have waiting before new ones are dropped (it then catches up by number).
                "capacity": 1000,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "hearth.core.cache.CountedLocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# --- Accounts -------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses locked-out attempts before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "communities:directory"
LOGOUT_REDIRECT_URL = "home"

ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
# No "you have no account" email to an address someone typed: it would tell whoever reads that inbox about Hearth.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
ACCOUNT_USERNAME_MIN_LENGTH = 3
ACCOUNT_USERNAME_VALIDATORS = "hearth.accounts.pseudonyms.PSEUDONYM_VALIDATORS"
ACCOUNT_PRESERVE_USERNAME_CASING = True
ACCOUNT_FORMS = {"signup": "hearth.accounts.forms.SignupForm", "login": "hearth.accounts.forms.LoginForm"}
ACCOUNT_ADAPTER = "hearth.accounts.adapter.AccountAdapter"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
# allauth's limits (its defaults for the rest). Sign-in, sign-up and reset requests over them get the 429 page;
# failed sign-ins for one pseudonym ("key") are refused with a form error, even with the right password.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/h/ip",
    "reset_password": "20/h/ip,5/h/key",
    "reset_password_from_key": "20/h/ip",
}

# --- Two-factor authentication and signed-in sessions --------------------------------------------------
# Moderators, professionals and admins must use it before their powers work (hearth.accounts.mfa); members may.
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
# Passkeys (also a sign-in on their own) need HTTPS. In DEBUG allauth accepts any origin instead, so they work on
# http://127.0.0.1 too; never with DEBUG off.
MFA_PASSKEY_LOGIN_ENABLED = True
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
MFA_TOTP_ISSUER = "Hearth"
# One 30-second step either side, for phones whose clock drifts a little.
MFA_TOTP_TOLERANCE = 1
MFA_RECOVERY_CODE_COUNT = 10
# Sessions are listed for their owner; "last seen" (and the address) is refreshed at most this often.
USERSESSIONS_TRACK_ACTIVITY = False
HEARTH_SESSION_SEEN_EVERY_SECONDS = 300

# Failed logins lock out a pseudonym+address pair; the address is kept only for this purpose.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 8)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_CALLABLE = "hearth.accounts.lockout.lockout_username"
AXES_RESET_ON_SUCCESS = True
# No record of each sign-in's address (AccessLog) nor of every failure (AccessFailureLog): only the attempts that
# count towards a lockout are kept, and axes deletes those once AXES_COOLOFF_TIME has passed.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_ENABLED = env_bool("AXES_ENABLED", True)

# --- Sessions and cookies ---------------------------------------------------------
SECURE_COOKIES = env_bool("SECURE_COOKIES", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_COOKIES
CSRF_COOKIE_SECURE = SECURE_COOKIES
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 60 * 60 * 24 * 14)
SECURE_CONTENT_TYPE_NOSNIFF = True
# No Referer at all, even within Hearth: proxy and access logs never record which page led to which.
# Browsers then send "Origin: null" with form POSTs; hearth.core.security.CsrfViewMiddleware accepts it only with
# "Sec-Fetch-Site: same-origin", and still checks the token.
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
BEHIND_HTTPS_PROXY = env_bool("BEHIND_HTTPS_PROXY", False)
# Behind an HTTPS proxy, a request that reached it over http is sent to https (the health check excepted).
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", BEHIND_HTTPS_PROXY)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# One year unless DEBUG is on. SecurityMiddleware sends it only over HTTPS, so plain http (make run) is unaffected.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 60 * 60 * 24 * 365)
# Opt-in: they bind every subdomain, and preload lists are slow to leave.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if BEHIND_HTTPS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Request bodies: the longest form (a 20,000-character post, percent-encoded) fits well within 1 MB. No page or
# API operation takes files, so a request carrying any is refused (400) before a byte of it is stored.
DATA_UPLOAD_MAX_MEMORY_SIZE = 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 0
# check --deploy looks for Django's CSRF middleware by name; MIDDLEWARE holds our subclass of it instead.
SILENCED_SYSTEM_CHECKS = ["security.W003"]

# --- Internationalisation ----------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static files -----------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "hearth" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Email --------------------------------------------------------------------------
EMAIL_URL = env_str("EMAIL_HOST")
# Requests hand email to a worker thread (hearth/core/mail.py), which sends it through HEARTH_EMAIL_BACKEND.
EMAIL_BACKEND = "hearth.core.mail.BackgroundEmailBackend"
if EMAIL_URL:
    HEARTH_EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = EMAIL_URL
    EMAIL_PORT = env_int("EMAIL_PORT", 587)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    HEARTH_EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Hearth <no-reply@localhost>")

# --- Background work: Celery workers (config/celery.py) ----------------------------------------------------
# With a broker (e.g. redis://127.0.0.1:6379/1), email and safety re-screening go to `celery -A config worker`;
# without one, tasks run where they are asked for, and email leaves on the web process's mail thread as before.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_DEFAULT_QUEUE = "hearth"
# A long re-screening run waits in its own queue, so it never holds up a password-reset email.
CELERY_TASK_ROUTES = {"hearth.safety.*": {"queue": "hearth-rescreening"}}
# A task is taken off the queue once done, not when started: a worker killed mid-task leaves it for another
# (an email may then go twice, rather than never).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Logs follow LOGGING below (and LOG_FORMAT), in workers too.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Queuing must not wait long on a broker that is down: the caller then does the work itself.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 2, "socket_timeout": 5}

# --- Logging: never message text or personal data ------------------------------------
# "text" (readable) or "json" (one object a line, for log collectors; hearth/core/logformat.py). Either way,
# request logs name the route a request matched, never its path (which can hold a pseudonym).
LOG_FORMAT = env_str("LOG_FORMAT", "text")
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"no_paths": {"()": "hearth.core.logformat.RequestPathFilter"}},
    "formatters": {"json": {"()": "hearth.core.logformat.JsonFormatter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["no_paths"],
            **({"formatter": "json"} if LOG_FORMAT == "json" else {}),
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Request logs carry paths only; bodies and query strings with personal data never reach a logger.
        "django.request": {"level": "ERROR"},
        "axes": {"level": "WARNING"},
        # Celery's task log quotes return values and errors' text; hearth.core.tasks logs each failure by kind.
        "celery.app.trace": {"level": "CRITICAL"},
    },
}

# --- Monitoring: /metrics for Prometheus (hearth/core/metrics.py, docs/deploy.md) -----------------------
# Off (404) unless one of these is set; when both are, a scrape must meet both.
HEARTH_METRICS_TOKEN = env_str("HEARTH_METRICS_TOKEN")
if HEARTH_METRICS_TOKEN and len(HEARTH_METRICS_TOKEN) < 24:
    raise ImproperlyConfigured("HEARTH_METRICS_TOKEN must be at least 24 characters long.")
try:
    HEARTH_METRICS_ALLOWED_IPS = [
        ipaddress.ip_network(item, strict=False) for item in env_list("HEARTH_METRICS_ALLOWED_IPS", [])
    ]
except ValueError as exc:
    raise ImproperlyConfigured(f"HEARTH_METRICS_ALLOWED_IPS must list addresses or networks: {exc}") from exc
# prometheus_client reads PROMETHEUS_MULTIPROC_DIR itself, at import; it must be an existing, writable folder.
_multiproc = env_str("PROMETHEUS_MULTIPROC_DIR")
if _multiproc and not (Path(_multiproc).is_dir() and os.access(_multiproc, os.W_OK)):
    raise ImproperlyConfigured(f"PROMETHEUS_MULTIPROC_DIR is not a writable folder: {_multiproc}")
# /metrics answers a scrape over plain http from inside the network too, like /healthz.
SECURE_REDIRECT_EXEMPT.append(r"^metrics$")

# --- Hearth -----------------------------------------------------------------------------
HEARTH_MIN_AGE = env_int("HEARTH_MIN_AGE", 16)
HEARTH_DEFAULT_COUNTRY = env_str("HEARTH_DEFAULT_COUNTRY", "GB")
HEARTH_QUICK_EXIT_URL = env_str("HEARTH_QUICK_EXIT_URL", "https://www.bbc.co.uk/weather")
HEARTH_PAGE_SIZE = env_int("HEARTH_PAGE_SIZE", 20)
# Links in emails (on-call alerts) need the site's address: there is no request to take it from.
HEARTH_SITE_URL = env_str("HEARTH_SITE_URL", "http://127.0.0.1:8000")
# Audio and video calls: STUN/TURN servers for browsers behind NAT, as JSON in RTCPeerConnection's format,
# e.g. [{"urls": "stun:stun.example.org:3478"}]. None are needed on a local network.
HEARTH_ICE_SERVERS = env_json_list("HEARTH_ICE_SERVERS")
# On call: minutes before an unacknowledged urgent alert goes to the backup, and the longest shift.
HEARTH_ONCALL_ACK_MINUTES = env_int("HEARTH_ONCALL_ACK_MINUTES", 5)
HEARTH_ONCALL_MAX_SHIFT_HOURS = env_int("HEARTH_ONCALL_MAX_SHIFT_HOURS", 12)
# Days between a member deleting their account (it closes at once) and the erasure of their data; 0 = at once.
HEARTH_ERASURE_DAYS = env_int("HEARTH_ERASURE_DAYS", 7)
if HEARTH_ERASURE_DAYS < 0:
    raise ImproperlyConfigured("HEARTH_ERASURE_DAYS must be 0 or more.")
# Days a stored network address is kept for abuse control; older ones are dropped by `purge_ip_addresses`,
# which the on-call sweep runs beside the server (hearth/core/ip_retention.py).
HEARTH_IP_RETENTION_DAYS = env_int("HEARTH_IP_RETENTION_DAYS", 30)
if HEARTH_IP_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("HEARTH_IP_RETENTION_DAYS must be at least 1.")
if HEARTH_ONCALL_ACK_MINUTES < 1:
    raise ImproperlyConfigured("HEARTH_ONCALL_ACK_MINUTES must be at least 1.")
if HEARTH_ONCALL_MAX_SHIFT_HOURS < 1:
    raise ImproperlyConfigured("HEARTH_ONCALL_MAX_SHIFT_HOURS must be at least 1.")
HEARTH_API_RATE_LIMITS = {
    "thread": (env_int("RATE_THREADS_PER_HOUR", 10), 3600),
    "post": (env_int("RATE_POSTS_PER_HOUR", 60), 3600),
    "reaction": (env_int("RATE_REACTIONS_PER_MINUTE", 60), 60),
    "chat": (env_int("RATE_CHAT_MESSAGES_PER_MINUTE", 30), 60),
    "support_request": (10, 3600),
    "token": (10, 3600),
    # Counted per network address (kept only as a keyed hash); browser sign-ups have allauth's own limit.
    "signup": (env_int("RATE_SIGNUPS_PER_HOUR", 20), 3600),
    "join": (30, 3600),
    "edit": (30, 3600),
    "report": (env_int("RATE_REPORTS_PER_HOUR", 20), 3600),
    # Password checks before deleting an account: a borrowed session cannot guess the password.
    "erasure": (5, 900),
    # Every write from one network address (kept only as a keyed hash), whoever is signed in.
    "write_address": (env_int("RATE_WRITES_PER_MINUTE_PER_ADDRESS", 120), 60),
}
