"""Helpers shared by the benchmarks: Django set-up against a chosen database, fresh databases."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DIR = Path(os.environ.get("SHEQU_BENCH_DIR", Path(tempfile.gettempdir()) / "shequ-bench"))
DEFAULT_SQLITE = DEFAULT_DIR / "city.sqlite3"


def setup_django(database_url: str, var_dir: Path) -> None:
    """Configure Django (dev settings, secrets kept in ``var_dir``) against ``database_url``."""
    var_dir.mkdir(parents=True, exist_ok=True)
    os.environ["DATABASE_URL"] = database_url
    os.environ["SHEQU_VAR_DIR"] = str(var_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    for path in (str(ROOT), str(ROOT / "src")):
        if path not in sys.path:
            sys.path.insert(0, path)
    import django

    django.setup()


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.resolve()}"


def fresh_sqlite(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return sqlite_url(path)


def bench_postgres_url(database_url: str) -> str:
    """The benchmark's own database on the server named by ``database_url`` (``<name>_bench``)."""
    parsed = urlparse(database_url)
    name = parsed.path.lstrip("/") or "shequ"
    return urlunparse(parsed._replace(path=f"/{name}_bench"))


def fresh_postgres(database_url: str) -> str:
    """Drop and create ``<name>_bench`` (never the database the URL names) and return its URL."""
    import psycopg
    from psycopg import sql

    target = bench_postgres_url(database_url)
    parsed = urlparse(target)
    name = parsed.path.lstrip("/")
    admin = urlunparse(parsed._replace(path="/postgres", scheme="postgresql"))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return target


def peak_rss_mib() -> float:
    import resource

    # ru_maxrss is in KiB on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine() -> dict[str, str]:
    import platform
    import subprocess

    info = {"cpus": str(os.cpu_count()), "python": platform.python_version(), "system": platform.platform()}
    try:
        mem = subprocess.run(["free", "-h"], capture_output=True, text=True, check=False).stdout
        info["memory"] = next((line.split()[1] for line in mem.splitlines() if line.startswith("Mem:")), "?")
    except OSError:
        info["memory"] = "?"
    return info
