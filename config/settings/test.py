"""Tests: a real database (SQLite file or PostgreSQL from DATABASE_URL), Shanghai time."""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-secret-key-that-is-long-enough-0123456789")
# A fixed test key (base64 of 32 bytes); never used outside tests.
os.environ.setdefault("SHEQU_DATA_KEY", "dGVzdC1kYXRhLWtleS0wMTIzNDU2Nzg5YWJjZGVmMDE=")
os.environ.setdefault("SHEQU_VAR_DIR", os.path.join(tempfile.gettempdir(), "shequ-test-var"))

from .base import *  # noqa: F403

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SHEQU_SMS_BACKEND = "shequ.integration.sms.RecordingSMSBackend"
# tests change boundaries with queryset updates and place points at once
SHEQU_GRID_INDEX_RECHECK_SECONDS = 0
SHEQU_TOKEN_RECHECK_SECONDS = 0  # every test asks the database (test_held switches it on)
SHEQU_REFERENCE_RECHECK_SECONDS = 0  # a test's rolled-back rules and days are never remembered
SHEQU_OUTBOX_DISPATCH = "inline"
SHEQU_IDCARD_BACKEND = "shequ.onewindow.devices.RecordingIdCardReader"
SHEQU_CAMERA_BACKEND = "shequ.onewindow.devices.RecordingDocumentCamera"
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file, not memory, so that background workers and a live server in another
    # thread or process see the same test database.
    DATABASES["default"]["TEST"] = {"NAME": os.path.join(VAR_DIR, "test-shequ.sqlite3")}  # noqa: F405
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}  # noqa: F405
# No persistent connections in tests: live-server request threads must not keep a
# PostgreSQL session open past the test database's teardown.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
