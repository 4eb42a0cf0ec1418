"""The test suite: PostgreSQL when DATABASE_URL points at one, SQLite otherwise."""

from .base import *  # noqa: F403
from .base import BASE_DIR

SECRET_KEY = "test-only-not-secret"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / ".test-media"
LANGUAGE_CODE = "zh-hans"
