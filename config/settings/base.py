"""Settings shared by every environment. Values come from the environment and fail loudly."""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from config.env import (
    ImproperEnv,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
    parse_database_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("SHEQU_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)

SECRET_KEY = env_str("SECRET_KEY", required=True)
if len(SECRET_KEY) < 32:
    raise ImproperEnv("SECRET_KEY must be at least 32 characters")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "ninja",
    "shequ.core",
    "shequ.accounts",
    "shequ.integration",
    "shequ.console",
    "shequ.portal",
    "shequ.registry",
    "shequ.gridwork",
    "shequ.appeals",
    "shequ.onewindow",
    "shequ.commons",
    "shequ.open311",
    "shequ.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "shequ.accounts.middleware.SessionPolicyMiddleware",
    "shequ.core.middleware.RequestContextMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "console:home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "src" / "shequ" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "shequ.core.context_processors.platform",
                "shequ.portal.links.context",
            ],
        },
    },
]

DATABASES = {
    "default": parse_database_url(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'shequ.sqlite3'}"),
        base_dir=BASE_DIR,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("SHEQU_PASSWORD_MIN_LENGTH", 10, minimum=8, maximum=64)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "shequ.accounts.passwords.CharacterClassValidator"},
]

# Sessions: staff sessions end after a working day, and after idle time.
SESSION_COOKIE_AGE = env_int("SHEQU_SESSION_MAX_SECONDS", 8 * 3600, minimum=300)
SHEQU_SESSION_IDLE_SECONDS = env_int("SHEQU_SESSION_IDLE_SECONDS", 30 * 60, minimum=60)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# Login throttling and second factor.
SHEQU_LOGIN_MAX_FAILURES = env_int("SHEQU_LOGIN_MAX_FAILURES", 5, minimum=1)
SHEQU_LOGIN_LOCK_MINUTES = env_int("SHEQU_LOGIN_LOCK_MINUTES", 15, minimum=1)
SHEQU_TOTP_POLICY = env_choice("SHEQU_TOTP_POLICY", "admins", {"admins", "all", "off"})
SHEQU_SMS_CODE_TTL_SECONDS = env_int("SHEQU_SMS_CODE_TTL_SECONDS", 300, minimum=60)
SHEQU_SMS_RESEND_SECONDS = env_int("SHEQU_SMS_RESEND_SECONDS", 60, minimum=10)
SHEQU_SMS_BACKEND = env_str("SHEQU_SMS_BACKEND", "shequ.integration.sms.ConsoleSMSBackend")
# Notification outbox (SMS and in-app messages of every module).
SHEQU_OUTBOX_MAX_ATTEMPTS = env_int("SHEQU_OUTBOX_MAX_ATTEMPTS", 8, minimum=1)
SHEQU_OUTBOX_BACKOFF_SECONDS = env_int("SHEQU_OUTBOX_BACKOFF_SECONDS", 30, minimum=1)
SHEQU_OUTBOX_BACKOFF_CAP_SECONDS = env_int("SHEQU_OUTBOX_BACKOFF_CAP_SECONDS", 3600, minimum=1)
SHEQU_OUTBOX_CLAIM_SECONDS = env_int("SHEQU_OUTBOX_CLAIM_SECONDS", 300, minimum=10)
SHEQU_OUTBOX_BATCH = env_int("SHEQU_OUTBOX_BATCH", 100, minimum=1)
SHEQU_OUTBOX_DISPATCH = env_choice("SHEQU_OUTBOX_DISPATCH", "celery", {"celery", "inline", "none"})
# Window devices (one-window services): ID-card reader and document camera (高拍仪) adapters.
SHEQU_IDCARD_BACKEND = env_str("SHEQU_IDCARD_BACKEND", "shequ.onewindow.devices.DemoIdCardReader")
SHEQU_CAMERA_BACKEND = env_str("SHEQU_CAMERA_BACKEND", "shequ.onewindow.devices.DemoDocumentCamera")

# Personal data protection (core/pii/).
SHEQU_DATA_KEY = env_str("SHEQU_DATA_KEY", required=True)
SHEQU_DATA_KEYS_PREVIOUS = env_list("SHEQU_DATA_KEYS_PREVIOUS", [])
SHEQU_CRYPTO_SUITE = env_choice("SHEQU_CRYPTO_SUITE", "sm4", {"sm4", "aes"})
SHEQU_AUDIT_RETENTION_DAYS = env_int("SHEQU_AUDIT_RETENTION_DAYS", 365, minimum=183)

# Seconds a process trusts its point-in-grid index before re-checking the boundaries (0: every time).
SHEQU_GRID_INDEX_RECHECK_SECONDS = env_int("SHEQU_GRID_INDEX_RECHECK_SECONDS", 5, minimum=0, maximum=3600)
# Seconds a process trusts its copy of the rules and calendar days (core/refdata.py; 0: reload every use).
SHEQU_REFERENCE_RECHECK_SECONDS = env_int("SHEQU_REFERENCE_RECHECK_SECONDS", 5, minimum=0, maximum=3600)
# How long a process trusts an API token or Open311 key it looked up (core/held.py; a revocation made
# in another process takes effect within it; 0: ask every time).
SHEQU_TOKEN_RECHECK_SECONDS = env_int("SHEQU_TOKEN_RECHECK_SECONDS", 5, minimum=0, maximum=300)
# Roster import and export (registry): file and row limits, batch size, background threshold.
SHEQU_IMPORT_MAX_BYTES = env_int("SHEQU_IMPORT_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
SHEQU_IMPORT_MAX_ROWS = env_int("SHEQU_IMPORT_MAX_ROWS", 1_000_000, minimum=1)
SHEQU_IMPORT_BACKGROUND_ROWS = env_int("SHEQU_IMPORT_BACKGROUND_ROWS", 5000, minimum=1)
SHEQU_IMPORT_BATCH_ROWS = env_int("SHEQU_IMPORT_BATCH_ROWS", 2000, minimum=1)
SHEQU_IMPORT_MAX_PROBLEMS = env_int("SHEQU_IMPORT_MAX_PROBLEMS", 10000, minimum=100)
SHEQU_IMPORT_COPY = env_bool("SHEQU_IMPORT_COPY", True)
SHEQU_EXPORT_MAX_ROWS = env_int("SHEQU_EXPORT_MAX_ROWS", 1_000_000, minimum=1)

# Internationalisation: Chinese first.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# Background jobs.
REDIS_URL = env_str("REDIS_URL", "")
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
SHEQU_HEARTBEAT_SECONDS = env_int("SHEQU_HEARTBEAT_SECONDS", 30, minimum=5)

# Map tiles: empty means a plain background (no tile server is assumed).
SHEQU_MAP_TILE_URL = env_str("SHEQU_MAP_TILE_URL", "")
SHEQU_MAP_TILE_CRS = env_choice("SHEQU_MAP_TILE_CRS", "wgs84", {"wgs84", "gcj02", "bd09"})

SHEQU_DEPLOYMENT_NAME = env_str("SHEQU_DEPLOYMENT_NAME", "社区综合服务管理平台")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "shequ.accounts.backends.RolePermissionBackend",
]
