"""The one settings module. Everything that differs between machines comes from the environment.

Embedded default (no variables set): SQLite in ``var/``, Celery through kombu's filesystem
transport in ``var/broker/``, secret key and vault key in files under ``var/``.
Production: set ``DATABASE_URL`` (PostgreSQL), ``CELERY_BROKER_URL`` (Redis),
``YUNYING_SECRET_KEY``, ``YUNYING_VAULT_KEYS`` and ``YUNYING_ALLOWED_HOSTS``.
See docs/architecture.md for the full list.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DATA_DIR = Path(env("YUNYING_DATA_DIR", str(BASE_DIR / "var"))).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_from_file(path: Path) -> str:
    """Embedded default: a random key kept beside the database, created on first start."""
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env("YUNYING_SECRET_KEY") or _secret_from_file(DATA_DIR / "secret_key")
DEBUG = env_bool("YUNYING_DEBUG", False)
ALLOWED_HOSTS = env_list("YUNYING_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("YUNYING_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "yunying.core.apps.YunyingAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "yunying.core",
    "yunying.audit",
    "yunying.tenancy",
    "yunying.workdays",
    "yunying.accounts",
    "yunying.notify",
    "yunying.contracts",
    "yunying.metrics",
    "yunying.settlement",
    "yunying.editorial",
    "yunying.compliance",
    "yunying.reports",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "yunying.tenancy.middleware.ActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "yunying.urls"
WSGI_APPLICATION = "yunying.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "yunying.core.context_processors.shell",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
SQLITE_PATH = DATA_DIR / "yunying.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{SQLITE_PATH}"),
        conn_max_age=int(env("YUNYING_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE: a transaction takes the write lock when it begins, so two writers queue
        # instead of one failing halfway with "database is locked" (the audit chain relies on it).
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory, so that a worker process started by a test sees the test database;
    # one per test process, so two test runs on one machine never share it.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test_yunying_{os.getpid()}.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "tenancy.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Debug pages and error e-mails mask sensitive variables and POST fields, DEBUG or not.
DEFAULT_EXCEPTION_REPORTER_FILTER = "yunying.core.errors.AlwaysSafeExceptionReporterFilter"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("YUNYING_SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Language, time, money ------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static files (vendored, never from a CDN) ----------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "media/"

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "yunying.core.api.exception_handler",
    "COERCE_DECIMAL_TO_STRING": True,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Yunying API",
    "DESCRIPTION": "Operations platform for managed social-media agencies.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from the vendored sidecar package: the docs work offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Background work ------------------------------------------------------------------------
BROKER_DIR = DATA_DIR / "broker"
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    for sub in ("queue", "processed", "control"):
        (BROKER_DIR / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "certification-expiry-reminders": {
        "task": "yunying.accounts.tasks.sweep_certification_expiry",
        "schedule": crontab(hour=8, minute=0),
    },
    "contract-reminders": {
        "task": "yunying.contracts.tasks.send_contract_reminders",
        "schedule": crontab(hour=8, minute=5),
    },
    # Scheduled content whose slot has come: publish through the account's publisher.
    "publish-due-content": {
        "task": "yunying.editorial.tasks.publish_due",
        "schedule": crontab(minute="*"),
    },
    # Client reviews past their window: escalate or deem approved, per the contract.
    "client-review-sweep": {
        "task": "yunying.editorial.tasks.sweep_client_reviews",
        "schedule": crontab(hour=8, minute=10),
    },
    # On the 1st, settle the month that just ended (idempotent: settled contracts are skipped).
    "monthly-settlement": {
        "task": "yunying.settlement.tasks.monthly_settlement",
        "schedule": crontab(day_of_month=1, hour=2, minute=0),
    },
    # Platform data APIs: accounts behind the newest complete day, past their back-off.
    "platform-data-sync": {
        "task": "yunying.metrics.tasks.sync_due",
        "schedule": crontab(minute="*/30"),
    },
    # Last month's reports due by the contracts' report day: publish the written ones, remind
    # the managers of the others.
    "monthly-report-sweep": {
        "task": "yunying.reports.tasks.sweep_due_reports",
        "schedule": crontab(hour=8, minute=20),
    },
    # Report e-mails whose last attempt failed, once their back-off has passed.
    "report-email-retries": {
        "task": "yunying.reports.tasks.send_due_report_emails",
        "schedule": crontab(minute="*/2"),
    },
}

# E-mail (the monthly report PDF to the client). Production sets EMAIL_HOST and the rest for its
# SMTP relay; without it, a developer machine writes each message as a file under the data dir
# (``var/mail/``) instead of sending it anywhere. The password is read here and never logged.
EMAIL_HOST = env("EMAIL_HOST")
if EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", not EMAIL_USE_SSL)
    EMAIL_PORT = int(env("EMAIL_PORT", "465" if EMAIL_USE_SSL else "587"))
    EMAIL_HOST_USER = env("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
else:
    EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
    EMAIL_FILE_PATH = str(DATA_DIR / "mail")
EMAIL_TIMEOUT = int(env("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Yunying <noreply@yunying.local>")

# Absolute links in messages that leave the product (group-bot previews, report e-mails).
YUNYING_BASE_URL = env("YUNYING_BASE_URL", "http://localhost:8000").rstrip("/")
# The compliance gate of the editorial pipeline: the compliance engine (checking.BasicChecker is
# the small stand-in the pipeline was built with).
EDITORIAL_CHECKER = env("YUNYING_EDITORIAL_CHECKER", "yunying.compliance.checker.EngineChecker")
# The compliance check takes texts of up to 1,000,000 characters: Chinese is 3 MB as JSON, 6 MB
# with \u escapes and 9 MB form-encoded, over Django's 2.5 MB default (uploaded files don't count).
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Credential vault -----------------------------------------------------------------------
# Comma-separated Fernet keys, newest first; or a file with one key per line.
YUNYING_VAULT_KEYS = env("YUNYING_VAULT_KEYS")
YUNYING_VAULT_KEY_FILE = env("YUNYING_VAULT_KEY_FILE", str(DATA_DIR / "vault.keys"))

# --- Logging --------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("YUNYING_LOG_LEVEL", "INFO")},
    # WeasyPrint narrates every layout step at INFO; only its warnings are worth a line.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}
