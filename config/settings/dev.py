"""Local development and the demo city."""

import os
import secrets
from pathlib import Path

_var = Path(os.environ.get("SHEQU_VAR_DIR", Path(__file__).resolve().parent.parent.parent / "var"))
_var.mkdir(parents=True, exist_ok=True)


def _persisted_secret(filename: str, nbytes: int) -> str:
    """A secret generated once per checkout and kept in var/, so the demo needs no set-up."""
    path = _var / filename
    if not path.exists():
        path.write_text(secrets.token_urlsafe(nbytes))
        path.chmod(0o600)
    return path.read_text().strip()


os.environ.setdefault("SECRET_KEY", _persisted_secret("secret-key", 48))
os.environ.setdefault("SHEQU_DATA_KEY", _persisted_secret("data-key", 32))
os.environ.setdefault("DEBUG", "1")

from .base import *  # noqa: E402,F403

STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
