"""The test suite: PostgreSQL when DATABASE_URL points at one, SQLite otherwise."""

from .base import *  # noqa: F403
from .base import BASE_DIR, REST_KNOX

SECRET_KEY = "test-only-not-secret"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / ".test-media"
LANGUAGE_CODE = "zh-hans"
# The suite's clients share one address and one process cache: no request rates, except in the
# tests of the rates themselves (tests/test_security_auth.py sets them).
JUECE_API_RATES = {"anon": None, "user": None, "token": None}
# The suite travels in time (days, months) with its logins and tokens: they last ten years here.
# tests/test_security_auth.py puts the deployment's lifetimes back and tests them.
JUECE_SESSION_IDLE_MINUTES = 10 * 365 * 24 * 60
JUECE_SESSION_MAX_HOURS = 10 * 365 * 24
SESSION_COOKIE_AGE = JUECE_SESSION_IDLE_MINUTES * 60
REST_KNOX = {**REST_KNOX, "TOKEN_TTL": None}
