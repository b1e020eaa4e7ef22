"""Settings shared by every environment. Environment-specific modules import and adjust these."""

from __future__ import annotations

import os
from pathlib import Path

from creditbank.config.database import database_from_url

PACKAGE_DIR = Path(__file__).resolve().parents[2]  # src/creditbank
VAR_DIR = Path(os.environ.get("CREDITBANK_VAR_DIR", Path.cwd() / "var"))

SECRET_KEY = os.environ.get("CREDITBANK_SECRET_KEY", "")
# Encrypts personal identifiers at rest and keys their blind indexes: 32 random bytes, base64url.
CREDITBANK_DATA_KEY = os.environ.get("CREDITBANK_DATA_KEY", "")
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("CREDITBANK_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "ninja",  # serves Swagger UI from local static files: no CDN
    "creditbank.web",
    "creditbank.apps.accounts",
    "creditbank.apps.frameworks",
    "creditbank.apps.register",
    "creditbank.apps.accreditation",
    "creditbank.apps.deposits",
    "creditbank.apps.ledger",
    "creditbank.apps.recognition",
    "creditbank.apps.credentials",
    "creditbank.apps.awards",
    "creditbank.apps.matching",
    "creditbank.apps.stats",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes requires: it locks out after repeated failed logins.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "creditbank.config.urls"
WSGI_APPLICATION = "creditbank.config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

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
                "creditbank.web.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": database_from_url(
        os.environ.get("CREDITBANK_DATABASE_URL", f"sqlite:///{VAR_DIR / 'creditbank.sqlite3'}")
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Login throttling: lock a username+IP pair after repeated failures.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", "简体中文"),
    ("zh-hant", "繁體中文"),
    ("en", "English"),
]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# Uploaded evidence: private files, served only through views that check who may see them.
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/nowhere/"  # never served directly
DATA_UPLOAD_MAX_MEMORY_SIZE = 60 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Security headers on everywhere; prod.py adds HTTPS-only cookies and HSTS.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

# Every option of ours lives here; creditbank.config.checks explains a bad value at start-up.
CREDITBANK = {
    # How converted credit ranges are rounded: places after the point, and the mode
    # ("outward" keeps the exact range inside the published one; "half_even"; "down").
    "CREDIT_ROUNDING": {"places": 2, "mode": "outward"},
    # Institution API keys: how many characters of the key identify it in logs and lists.
    "API_KEY_PREFIX_LENGTH": 8,
    # Deposit files larger than this are checked and stored by the background worker, with
    # progress on the page; smaller ones are answered at once.
    "BACKGROUND_UPLOAD_BYTES": 256 * 1024,
    # The ledger's name in its signed checkpoints (C2SP origin): a URL without its scheme.
    "LEDGER_ORIGIN": os.environ.get("CREDITBANK_LEDGER_ORIGIN", "creditbank.localhost/ledger"),
    # How many registered witnesses must co-sign a checkpoint before it counts as witnessed.
    "LEDGER_WITNESS_QUORUM": 1,
    # The worker signs a checkpoint this often when the ledger has grown (0: only on demand).
    "CHECKPOINT_INTERVAL_SECONDS": int(os.environ.get("CREDITBANK_CHECKPOINT_INTERVAL_SECONDS", "600")),
    # The worker counts the dashboards' figures this often (0: only on demand).
    "STATS_INTERVAL_SECONDS": int(os.environ.get("CREDITBANK_STATS_INTERVAL_SECONDS", "3600")),
    # Where the bank is reached from outside: credentials, status lists and QR codes link here.
    "PUBLIC_URL": os.environ.get("CREDITBANK_PUBLIC_URL", "http://127.0.0.1:8000"),
    # Batch work over all learners (cohort audits): "" runs it in the worker itself, "local" on a
    # Dask cluster of this machine's cores, an address ("tcp://scheduler:8786") on a Dask cluster.
    "BATCH_SCHEDULER": os.environ.get("CREDITBANK_BATCH_SCHEDULER", ""),
}

# Background jobs (large deposit files) are queued in the database and run by `creditbank worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
