"""Development and demo: debug pages, a generated secret kept under var/."""

from creditbank.config.secrets import ensure_data_key, ensure_secret_key
from creditbank.config.settings.base import *

DEBUG = True
SECRET_KEY = SECRET_KEY or ensure_secret_key(VAR_DIR)
CREDITBANK_DATA_KEY = CREDITBANK_DATA_KEY or ensure_data_key(VAR_DIR)

# Static files come straight from the apps (no collectstatic outside production).
STATIC_ROOT = None  # type: ignore[assignment]
WHITENOISE_USE_FINDERS = True
