"""Settings come from the environment and fail loudly, naming the variable, on bad values."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from config.env import ImproperEnv, env_bool, env_choice, env_int, env_list, parse_database_url

ROOT = Path(__file__).resolve().parent.parent


def test_booleans(monkeypatch: pytest.MonkeyPatch) -> None:
    for raw, expected in [("1", True), ("yes", True), ("ON", True), ("0", False), ("off", False), ("", True)]:
        monkeypatch.setenv("SHEQU_FLAG", raw)
        assert env_bool("SHEQU_FLAG", True) is expected
    monkeypatch.setenv("SHEQU_FLAG", "maybe")
    with pytest.raises(ImproperEnv, match="SHEQU_FLAG"):
        env_bool("SHEQU_FLAG", True)


def test_integers_and_bounds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHEQU_N", "12")
    assert env_int("SHEQU_N", 5, minimum=1, maximum=20) == 12
    monkeypatch.setenv("SHEQU_N", "twelve")
    with pytest.raises(ImproperEnv, match="SHEQU_N='twelve' is not an integer"):
        env_int("SHEQU_N", 5)
    monkeypatch.setenv("SHEQU_N", "0")
    with pytest.raises(ImproperEnv, match="below the minimum 1"):
        env_int("SHEQU_N", 5, minimum=1)


def test_choices_and_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHEQU_SUITE", "des")
    with pytest.raises(ImproperEnv, match="SHEQU_SUITE"):
        env_choice("SHEQU_SUITE", "sm4", {"sm4", "aes"})
    monkeypatch.setenv("SHEQU_HOSTS", " a.example, ,b.example ")
    assert env_list("SHEQU_HOSTS", []) == ["a.example", "b.example"]


def test_database_urls(tmp_path: Path) -> None:
    sqlite = parse_database_url("sqlite:///var/x.sqlite3", base_dir=tmp_path)
    assert sqlite["ENGINE"].endswith("sqlite3")
    assert sqlite["NAME"] == str(tmp_path / "var/x.sqlite3")
    assert "journal_mode=WAL" in sqlite["OPTIONS"]["init_command"]
    absolute = parse_database_url("sqlite:////srv/shequ/db.sqlite3", base_dir=tmp_path)
    assert absolute["NAME"] == "/srv/shequ/db.sqlite3"
    pg = parse_database_url("postgres://u:p%40ss@db.internal:6543/shequ?sslmode=require", base_dir=tmp_path)
    assert (pg["USER"], pg["PASSWORD"], pg["HOST"], pg["PORT"], pg["NAME"]) == (
        "u",
        "p@ss",
        "db.internal",
        "6543",
        "shequ",
    )
    assert pg["OPTIONS"] == {"sslmode": "require"}
    for bad in ("mysql://u@h/db", "postgres://u@h:5432/", "sqlite://"):
        with pytest.raises(ImproperEnv):
            parse_database_url(bad, base_dir=tmp_path)


def _start(settings: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if not k.startswith(("SHEQU_", "DATABASE_URL", "SECRET_KEY"))
    }
    clean.update(
        env, DJANGO_SETTINGS_MODULE=settings, SHEQU_VAR_DIR=env.get("SHEQU_VAR_DIR", "/tmp/shequ-env")
    )
    return subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_secrets() -> None:
    result = _start("config.settings.prod")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_a_short_secret_key_or_a_bad_variable_stops_start_up() -> None:
    short = _start("config.settings.prod", SECRET_KEY="short", SHEQU_DATA_KEY="x" * 44)
    assert short.returncode != 0
    assert "SECRET_KEY must be at least 32 characters" in short.stderr
    bad = _start("config.settings.dev", SHEQU_TOTP_POLICY="sometimes")
    assert bad.returncode != 0
    assert "SHEQU_TOTP_POLICY" in bad.stderr


def test_a_weak_data_key_is_refused_when_used() -> None:
    from django.test import override_settings

    from shequ.core import pii

    with override_settings(SHEQU_DATA_KEY="too-short"), pytest.raises(pii.DataKeyError, match="32"):
        pii.encrypt("13800000000", label="accounts.user.phone")
