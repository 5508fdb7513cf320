"""Production: every secret must come from the environment; HTTPS only."""

from .base import *  # noqa: F403
from .base import ImproperEnv, env_bool

if DEBUG:  # noqa: F405
    raise ImproperEnv("DEBUG must be off in production")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_SSL_REDIRECT = env_bool("SHEQU_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}  # noqa: F405
