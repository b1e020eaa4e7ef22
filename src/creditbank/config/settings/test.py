"""Tests: SQLite by default; CREDITBANK_TEST_DATABASE_URL selects PostgreSQL."""

import os

from creditbank.config.database import database_from_url
from creditbank.config.settings.base import *

SECRET_KEY = "test-only-not-secret"  # noqa: S105
CREDITBANK_DATA_KEY = "dGVzdC1vbmx5LWRhdGEta2V5LTMyLWJ5dGVzLWxvbmc"  # 32 bytes, test only
DEBUG = False
DATABASES = {
    "default": database_from_url(os.environ.get("CREDITBANK_TEST_DATABASE_URL", "sqlite:///:memory:"))
}
ALLOWED_HOSTS = ["*"]
# Argon2 stays on in tests (it is what users get); lower cost keeps the suite quick.
PASSWORD_HASHERS = ["creditbank.config.hashers.FastArgon2PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Static files come straight from the apps (no collectstatic outside production).
STATIC_ROOT = None  # type: ignore[assignment]
WHITENOISE_USE_FINDERS = True
