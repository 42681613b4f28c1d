"""Settings, all from environment variables (see .env.example)."""

from __future__ import annotations

import os
import re
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def envstr(name: str, default: str = "") -> str:
    """A string setting; NAME_FILE names a file holding the value (Docker secrets)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def envbool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc


def envlist(name: str, default: str = "") -> list[str]:
    return [part.strip() for part in envstr(name, default).split(",") if part.strip()]


DATA_DIR = Path(envstr("UNGCUU_DATA_DIR") or Path.cwd() / "data").resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    given = envstr("SECRET_KEY")
    if given:
        return given
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
DEBUG = envbool("DEBUG", False)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "*")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

# Served over HTTPS (behind a proxy that sets X-Forwarded-Proto): secure cookies
# and HSTS. A center's LAN node is often plain HTTP, so this is opt-in.
HTTPS = envbool("UNGCUU_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and envbool("UNGCUU_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = envint("UNGCUU_HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_AGE = envint("UNGCUU_SESSION_HOURS", 12) * 3600
# The database sessions, which also tell the pages when the session ends (the offline
# copies of personal pages are unreadable after that, see core/templates/pwa/sw.js).
SESSION_ENGINE = "ungcuu.core.sessions"

# --- Content-Security-Policy (django-csp): scripts, styles, fonts and frames only from the
# app itself, no inline script or style anywhere; pictures may also be data: URLs (the
# icons inside the API docs' and the admin's stylesheets). UNGCUU_CSP_REPORT_URI, when
# set, receives the browsers' violation reports.
_CSP_REPORT_URI = envstr("UNGCUU_CSP_REPORT_URI").strip()
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        **({"report-uri": [_CSP_REPORT_URI]} if _CSP_REPORT_URI else {}),
    }
}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # serves the API docs page's files itself: no CDN
    "axes",
    "csp",
    "auditlog",  # who changed the configuration, and what it was before (core/audit)
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "huey.contrib.djhuey",
    "ungcuu.core",
    "ungcuu.org",
    "ungcuu.catalog",
    "ungcuu.incidents",
    "ungcuu.notify",
    "ungcuu.continuity",
    "ungcuu.reports",
    "ungcuu.readiness",
    "ungcuu.knowledge",
    "ungcuu.monitor",
    "ungcuu.sync",
    "ungcuu.api",
]

MIDDLEWARE = [
    "ungcuu.api.middleware.TokenCallMiddleware",  # a token call skips the browser's part
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files: compressed copies of its own
    "ungcuu.core.compression.TextGZipMiddleware",  # pages: gzip when the browser accepts it
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ungcuu.core.middleware.VietnameseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "ungcuu.org.middleware.TwoStepMiddleware",
    "ungcuu.core.boundary.InputBoundaryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "ungcuu.sync.middleware.NodeReadOnlyMiddleware",  # a node writes nothing the hub owns
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "ungcuu.core.middleware.SecurityHeadersMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
]

ROOT_URLCONF = "ungcuu.urls"
WSGI_APPLICATION = "ungcuu.wsgi.application"

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
            ],
        },
    }
]

# --- Database: SQLite in the data dir unless DATABASE_URL says otherwise.
DATABASE_URL = envstr("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=600)}
    # A kept connection is checked before a request reuses it, so a database restart
    # costs no request an error.
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = envbool("UNGCUU_DB_HEALTH_CHECKS", True)
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Django's backend, checking an idle connection without a round trip (core/db).
        DATABASES["default"]["ENGINE"] = "ungcuu.core.db.postgresql"
    if DATABASES["default"]["ENGINE"] == "ungcuu.core.db.postgresql" and envbool(
        "UNGCUU_PG_PREPARED", True
    ):
        # Server-side binding lets PostgreSQL keep the plans of the hot statements:
        # measured 343 vs 286 reports/s (bench/). Turn off behind PgBouncer in
        # transaction mode.
        DATABASES["default"].setdefault("OPTIONS", {}).update(
            {"server_side_binding": True, "prepare_threshold": 2}
        )
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "ungcuu.sqlite3",
            "OPTIONS": {
                # WAL lets readers run beside the one writer; IMMEDIATE takes the
                # write lock at BEGIN so two writers queue instead of deadlocking.
                "init_command": (
                    "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;PRAGMA foreign_keys=ON;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": envint("UNGCUU_SQLITE_TIMEOUT", 20),
            },
            # Keep each thread's connection: opening one (PRAGMAs, schema) per task
            # cost the notification worker 28 % of its messages/s (bench/).
            "CONN_MAX_AGE": None,
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "org.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# --- Lockout (django-axes): a person is locked after repeated failures, by
# username and address together, so one colleague does not lock the whole office;
# and an account is locked from every address after a higher count, so many
# addresses cannot share out the guesses (ungcuu/org/lockout.py).
AXES_FAILURE_LIMIT = envint("UNGCUU_LOCKOUT_FAILURES", 5)
LOCKOUT_ACCOUNT_FAILURES = envint("UNGCUU_LOCKOUT_ACCOUNT_FAILURES", 20)
if not 0 < AXES_FAILURE_LIMIT <= LOCKOUT_ACCOUNT_FAILURES:
    raise ImproperlyConfigured(
        "UNGCUU_LOCKOUT_FAILURES must be 1 or more and at most UNGCUU_LOCKOUT_ACCOUNT_FAILURES"
    )
AXES_COOLOFF_TIME = timedelta(minutes=envint("UNGCUU_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_HANDLER = "ungcuu.org.lockout.AccountLockoutHandler"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "ungcuu.org.views.locked_out"
AXES_VERBOSE = False
# Wrong API tokens: after this many from one address, each within the window of the one
# before, the address gets 429 for the window (counted in the cache below).
TOKEN_FAILURES = envint("UNGCUU_TOKEN_FAILURES", 20)
TOKEN_BLOCK_SECONDS = envint("UNGCUU_TOKEN_BLOCK_MINUTES", 15) * 60
if TOKEN_FAILURES < 1 or TOKEN_BLOCK_SECONDS < 60:
    raise ImproperlyConfigured(
        "UNGCUU_TOKEN_FAILURES and UNGCUU_TOKEN_BLOCK_MINUTES must be 1 or more"
    )

# --- Two-step sign-in (django-otp): who needs it is decided in ungcuu/org/two_step.py.
OTP_TOTP_ISSUER = "UngCuu"
OTP_ADMIN_HIDE_SENSITIVE_DATA = True  # the admin lists devices but never shows their keys

# --- Audit of configuration (django-auditlog, see ungcuu/core/audit): a changed link
# is stored as its name, so the log still reads right after the row is gone.
AUDITLOG_USE_FK_STRING_REPRESENTATION = True

# --- Language and time.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- Files.
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_ROOT = DATA_DIR / "uploads"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # No manifest: pages work before collectstatic has run (tests, first start).
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
# Before collectstatic has run (tests, a first start) the app serves its files
# straight from the apps; `ungcuu serve` collects them first, compressed.
WHITENOISE_USE_FINDERS = not envbool("UNGCUU_STATIC_COLLECTED", False)
WHITENOISE_MANIFEST_STRICT = False
UPLOAD_MAX_BYTES = envint("UNGCUU_UPLOAD_MAX_MB", 20) * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

REDIS_URL = envstr("REDIS_URL")

# --- Cache (counters such as the wrong-token throttle): shared by every web worker
# process: Redis when there is one, else files in the data dir (no table to create,
# and no writes queued behind SQLite's one writer).
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "ungcuu.core.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "ungcuu",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    }

# --- Backups: `ungcuu backup` / `ungcuu restore`, and a daily backup by the task worker
# at UNGCUU_BACKUP_TIME (local time, HH:MM; "off" turns it off), keeping the newest
# UNGCUU_BACKUP_KEEP archives.
BACKUP_DIR = Path(envstr("UNGCUU_BACKUP_DIR") or DATA_DIR / "backups").resolve()
BACKUP_TIME = envstr("UNGCUU_BACKUP_TIME", "02:30").strip().lower()
if BACKUP_TIME != "off" and not re.fullmatch(r"([01]?\d|2[0-3]):[0-5]\d", BACKUP_TIME):
    raise ImproperlyConfigured(f"UNGCUU_BACKUP_TIME must be HH:MM or off, not {BACKUP_TIME!r}")
BACKUP_KEEP = envint("UNGCUU_BACKUP_KEEP", 14)
if BACKUP_KEEP < 1:
    raise ImproperlyConfigured("UNGCUU_BACKUP_KEEP must be 1 or more")

# --- Background work (notifications, escalation timers): Huey. Its queue is a
# SQLite file in the data dir by default (the worker runs inside `ungcuu serve`),
# Redis when REDIS_URL is set.
HUEY = {
    "name": "ungcuu",
    "huey_class": "huey.RedisHuey" if REDIS_URL else "huey.SqliteHuey",
    "connection": {"url": REDIS_URL}
    if REDIS_URL
    else {"filename": str(DATA_DIR / "tasks.sqlite3")},
    "immediate": envbool("UNGCUU_TASKS_IMMEDIATE", False),
    "utc": True,
    "results": False,  # tasks record their outcome in the database, not in the queue
    "consumer": {
        "workers": envint("UNGCUU_TASK_WORKERS", 2),
        "worker_type": envstr("UNGCUU_TASK_WORKER_TYPE", "thread"),
        # The SQLite queue is polled: at most 0.4 s before a new task is seen, at a
        # few percent of one core when idle (Redis blocks on the queue instead).
        "initial_delay": 0.05,
        "backoff": 1.3,
        "max_delay": 0.4,
        "periodic": True,
        "check_worker_health": True,
    },
}
# In a burst, the worker's passes over new incidents follow each other at least this
# far apart (milliseconds), so that each takes many reports at once (notify/services.py).
PASS_SPACING_MS = envint("UNGCUU_PASS_SPACING_MS", 100)
if not 0 <= PASS_SPACING_MS <= 2000:
    raise ImproperlyConfigured("UNGCUU_PASS_SPACING_MS must be between 0 and 2000")
# The public address put before every absolute link and QR code (ack links, slips, the
# board). Set here it wins; unset, ungcuu.core.site.base_url() reads the one `ungcuu serve`
# proposed or an administrator chose, kept in SITE_FILE in the data dir.
BASE_URL = envstr("UNGCUU_BASE_URL").strip().rstrip("/")
SITE_FILE = DATA_DIR / "site.json"
ACK_LINK_HOURS = envint("UNGCUU_ACK_LINK_HOURS", 24)
# The mailbox reports upward are sent from (000 III.5; R17): an Apprise mailto:// or
# mailtos:// URL without a recipient, e.g. mailtos://user:pass@mail.example.gov.vn
# ?from=ttpvhcc@example.gov.vn. Empty: reports go only over the bodies' chat channels.
UPWARD_MAIL_URL = envstr("UNGCUU_MAIL_URL")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("UNGCUU_LOG_LEVEL", "WARNING")},
}

# --- Reports: which quarter a report means by default ("calendar", or "statistical":
# the 15th of the month before to the 14th of its last month), and the thresholds
# the quarterly report flags.
REPORT_PERIOD = envstr("UNGCUU_REPORT_PERIOD", "calendar")
if REPORT_PERIOD not in {"calendar", "statistical"}:
    raise ImproperlyConfigured("UNGCUU_REPORT_PERIOD must be calendar or statistical")
REPORT_SLOW_ACK_MINUTES = envint("UNGCUU_REPORT_SLOW_ACK_MINUTES", 30)
REPORT_LONG_OUTAGE_MINUTES = envint("UNGCUU_REPORT_LONG_OUTAGE_MINUTES", 240)
REPORT_RECURRENCE = envint("UNGCUU_REPORT_RECURRENCE", 3)
# Reports over more incidents than this are built in the background, with progress.
REPORT_INLINE_MAX = envint("UNGCUU_REPORT_INLINE_MAX", 1500)
