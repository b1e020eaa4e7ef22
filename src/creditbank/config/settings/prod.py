"""Production: secrets and database from the environment, HTTPS-only cookies, HSTS."""

import os

from django.core.exceptions import ImproperlyConfigured

from creditbank.config.settings.base import *

if not SECRET_KEY:
    raise ImproperlyConfigured("Set CREDITBANK_SECRET_KEY to a long random value in production.")
if not CREDITBANK_DATA_KEY:
    raise ImproperlyConfigured("Set CREDITBANK_DATA_KEY to 32 random bytes, base64url-encoded.")
if "CREDITBANK_DATABASE_URL" not in os.environ:
    raise ImproperlyConfigured("Set CREDITBANK_DATABASE_URL, e.g. postgres://user@host:5432/creditbank.")

SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = os.environ.get("CREDITBANK_SSL_REDIRECT", "1") == "1"
SECURE_HSTS_SECONDS = 31_536_000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
