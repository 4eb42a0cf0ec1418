"""Settings shared by every environment, read from environment variables.

With no environment at all the project runs on SQLite in the project folder, so a new user sees
it working at once; ``DATABASE_URL`` selects PostgreSQL.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "decisions.apps.AuditedAdminConfig",  # django.contrib.admin, every change audited
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "guardian",
    "viewflow",
    "viewflow.workflow",
    "decisions.apps.DecisionsConfig",
    "workflows.apps.WorkflowsConfig",
    "rest_framework",
    "knox",
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "django_otp",
    "workflows.apps.TwoFactorDevicesConfig",  # django_otp.plugins.otp_totp, named in Chinese
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
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): the second factor
    "workflows.accounts.sessions.SessionLifetimeMiddleware",
    "workflows.cache_control.NoStoreMiddleware",
    "workflows.middleware.SiteLoginRequiredMiddleware",
    "workflows.middleware.DecisionReadRequiredMiddleware",
    "decisions.audit.refusals.AuditContextMiddleware",
    "workflows.middleware.RefusalAuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # A login that owes its second factor reaches only the code's pages, logging out, the
    # language switch and static files (workflows/accounts/two_factor_gate.py); inside the
    # middleware above, so that its answers are audited, uncached and framed like any other.
    "workflows.accounts.two_factor_gate.SecondFactorMiddleware",
    # Last: turns a login refused for repeated failures into its 429 (workflows/accounts).
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "workflows.accounts.lockout.LockoutBackend",  # first: refuses a locked-out login
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

# The documents offices print (decisions/documents): the names printed at their head, and a
# folder whose documents/<kind>.txt replace the project's templates (README, Documents).
JUECE_ORGAN_NAME = os.environ.get("JUECE_ORGAN_NAME", "")
JUECE_REVIEW_BODY_NAME = os.environ.get("JUECE_REVIEW_BODY_NAME", "")
JUECE_TEMPLATES_DIR = os.environ.get("JUECE_TEMPLATES_DIR", "")

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [*([Path(JUECE_TEMPLATES_DIR)] if JUECE_TEMPLATES_DIR else []),
                 BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "decisions.context_processors.unread_notifications",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
# Django's backends, their transactions appending their audit events to the chain just before
# they commit (decisions/audit/backends): the chain lock is held for that append only.
DATABASES["default"]["ENGINE"] = {
    "django.db.backends.postgresql": "decisions.audit.backends.postgresql",
    "django.db.backends.sqlite3": "decisions.audit.backends.sqlite3",
}.get(DATABASES["default"]["ENGINE"], DATABASES["default"]["ENGINE"])
# PostgreSQL's JIT compiles a query whose estimated cost passes jit_above_cost: at 20,000
# decisions it spent 0.7 to 5 s compiling a list's count that then ran in milliseconds. A web
# app's short queries never gain from it (issue 13, docs/performance.md).
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": int(os.environ.get("JUECE_PASSWORD_MIN_LENGTH", "10"))}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Logins (workflows/accounts, docs/security.md). A browser session ends after this many idle
# minutes and this many hours after the login; the API's tokens after JUECE_API_TOKEN_HOURS.
JUECE_SESSION_IDLE_MINUTES = int(os.environ.get("JUECE_SESSION_IDLE_MINUTES", "30"))
JUECE_SESSION_MAX_HOURS = float(os.environ.get("JUECE_SESSION_MAX_HOURS", "10"))
SESSION_COOKIE_AGE = JUECE_SESSION_IDLE_MINUTES * 60
JUECE_API_TOKEN_HOURS = float(os.environ.get("JUECE_API_TOKEN_HOURS", "10"))
REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=JUECE_API_TOKEN_HOURS),
    "AUTH_HEADER_PREFIX": "Token",
}
# Repeated failed logins (form, admin, API token) lock out the username and, apart, the address
# for a cool-off (django-axes); each failure is kept in axes' tables, each lockout audited once.
AXES_FAILURE_LIMIT = int(os.environ.get("JUECE_LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("JUECE_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_CALLABLE = "workflows.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "decisions.audit.refusals.request_ip"
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False  # no banner on every command; failures are still logged
# A wrong second-factor code counts as a failed login too; the code never enters axes' tables.
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "otp_token"]

# The second factor: a TOTP code from an authenticator app (django-otp; workflows/accounts,
# two_factor*.py). Anyone may enrol; once enrolled, every login asks for the code. With
# JUECE_REQUIRE_2FA, the roles of JUECE_2FA_ROLES, staff and superusers must enrol and use it.
JUECE_REQUIRE_2FA = env_bool("JUECE_REQUIRE_2FA", False)
JUECE_2FA_ROLES = env_list("JUECE_2FA_ROLES", "reviewer,counsel,head,auditor")
# The name an authenticator app shows beside the login.
OTP_TOTP_ISSUER = os.environ.get("JUECE_2FA_ISSUER", "juece")
# A wrong code doubles the wait before the device accepts the next (1, 2, 4... seconds).
OTP_TOTP_THROTTLE_FACTOR = 1
# The admin never shows a device's key or its QR code.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = os.environ.get("DJANGO_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Served by WhiteNoise (gzip-compressed), so no web server is needed in front, debug off. Not the
# manifest storage: viewflow's bundled CSS names files it does not ship.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("JUECE_MEDIA_ROOT", BASE_DIR / "media"))

# Content-Security-Policy (django-csp): scripts and style sheets from this site only, none
# inline, so that injected markup cannot run or restyle anything (docs/security.md). Inline style
# *attributes* stay allowed: viewflow's Material templates and its JavaScript set them, and an
# attribute can neither run script nor, with img-src and font-src 'self', load from elsewhere.
# The one inline <style> element allowed is Turbo's progress bar (viewflow's turbo.es2017-umd.js
# 7.3.0), by the hash of its text.
TURBO_PROGRESS_BAR_STYLE = "'sha256-WAyOw4V+FqDc35lQPyRADLBWbuNK8ahvYEaQIYF1+Ps='"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", TURBO_PROGRESS_BAR_STYLE],
        "style-src-elem": ["'self'", TURBO_PROGRESS_BAR_STYLE],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/accounts/login/"

GUARDIAN_RAISE_403 = True

# viewflow's Material frontend draws no CheckboxSelectMultiple (workflows/renderers.py).
VIEWFLOW = {
    "WIDGET_RENDERERS": {
        "django.forms.CheckboxSelectMultiple": "workflows.renderers.CheckboxListRenderer",
    },
}
ANONYMOUS_USER_NAME = None

FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
JUECE_MAX_ATTACHMENT_BYTES = int(os.environ.get("JUECE_MAX_ATTACHMENT_BYTES", 50 * 1024 * 1024))
# The CJK font embedded in every PDF (decisions/documents/fonts.py): "path" or "path#index"
# (font collections). Empty: Noto Serif/Sans CJK SC, Debian's fonts-noto-cjk where installed,
# else the pylopdf-fonts-zh-cn package's.
JUECE_PDF_FONT = os.environ.get("JUECE_PDF_FONT", "")
# Fonts (path or path#index, comma-separated) tried first for a character the main font lacks.
JUECE_PDF_FALLBACK_FONTS = env_list("JUECE_PDF_FALLBACK_FONTS")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    # axes logs every login at INFO; its warnings (failures, lockouts) are enough. fontTools
    # logs each step of cutting a PDF's fonts at INFO (decisions/documents/fonts.py).
    "loggers": {"axes": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# Audit trail: trust X-Forwarded-For only behind a proxy that sets it.
JUECE_TRUST_X_FORWARDED_FOR = env_bool("JUECE_TRUST_X_FORWARDED_FOR", False)
# Refusals (401, 403, 404) are audit events: one per user, IP, method and path a minute, counted;
# at most this many events a minute per user and IP, the rest counted under one more.
JUECE_REFUSAL_EVENTS_PER_MINUTE = int(os.environ.get("JUECE_REFUSAL_EVENTS_PER_MINUTE", "30"))

# Deadlines and reminders
JUECE_REMINDER_LEAD_WORKING_DAYS = int(os.environ.get("JUECE_REMINDER_LEAD_WORKING_DAYS", "3"))
JUECE_REMINDER_SWEEP_SECONDS = int(os.environ.get("JUECE_REMINDER_SWEEP_SECONDS", "300"))
JUECE_REMINDER_MAX_ATTEMPTS = int(os.environ.get("JUECE_REMINDER_MAX_ATTEMPTS", "50"))
JUECE_SITE_URL = os.environ.get("JUECE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# The quorum of a meeting of the decision organ (Art. 30 and the meeting rules): the meeting counts
# only when more than this fraction of the organ's members attend. "1/2" (more than half) is the
# least; a deployment's own rules may raise it, e.g. "2/3".
JUECE_MEETING_QUORUM = os.environ.get("JUECE_MEETING_QUORUM", "1/2")

# The audit chain's daily head digest (audit_export_head): files to print, seal and hand over.
JUECE_AUDIT_DIGEST_DIR = Path(os.environ.get("JUECE_AUDIT_DIGEST_DIR",
                                             BASE_DIR / "audit-digests"))

# E-mail: SMTP when EMAIL_HOST is set, the console otherwise.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "juece@localhost")
EMAIL_BACKEND = ("django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST
                 else "django.core.mail.backends.console.EmailBackend")

# Celery: Redis when REDIS_URL is set; otherwise a broker in the project folder, no server needed.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_FOLDER = Path(os.environ.get("CELERY_BROKER_FOLDER", BASE_DIR / ".celery-broker"))
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_BROKER_FOLDER / "queue"),
        "data_folder_out": str(CELERY_BROKER_FOLDER / "queue"),
        "processed_folder": str(CELERY_BROKER_FOLDER / "processed"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "reminders-sweep": {
        "task": "workflows.tasks.reminders_sweep",
        "schedule": JUECE_REMINDER_SWEEP_SECONDS,
    },
    "refusal-tallies-seal": {
        "task": "decisions.tasks.seal_refusal_tallies",
        "schedule": 60,
    },
    "audit-export-head": {
        "task": "decisions.tasks.audit_export_head",
        "schedule": crontab(hour=23, minute=55),
    },
}
CELERY_BEAT_SCHEDULE_FILENAME = str(CELERY_BROKER_FOLDER / "beat-schedule")

# The REST API (workflows/api): token or session, object permissions, 409 for statutory gates.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "workflows.api.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # Bad JSON (even 100,000 nested brackets) is a 400 (workflows/api/parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "workflows.api.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    # Rates in JUECE_API_RATES (workflows/api/throttles.py); the token exchange has its own.
    "DEFAULT_THROTTLE_CLASSES": [
        "workflows.api.throttles.AnonThrottle",
        "workflows.api.throttles.UserThrottle",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "workflows.api.exceptions.exception_handler",
}
# Requests per address (anonymous, token exchange) or per user; empty: no limit.
JUECE_API_RATES = {
    "anon": os.environ.get("JUECE_API_ANON_RATE", "60/minute"),
    "user": os.environ.get("JUECE_API_USER_RATE", "600/minute"),
    "token": os.environ.get("JUECE_API_TOKEN_RATE", "10/minute"),
}
SPECTACULAR_SETTINGS = {
    "TITLE": "juece API",
    "DESCRIPTION": "Major administrative decisions through their statutory procedure.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its Swagger UI are for logged-in users only (a session or a token).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}
