"""Shared plumbing of the appeals benchmark: paths, the database, manage.py, gunicorn and wrk, setup."""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent.parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE.parent))

from _common import DEFAULT_DIR  # noqa: E402

VENV = ROOT / ".venv" / "bin"
WORK = DEFAULT_DIR / "appeals"
VAR = WORK / "var"
RESULTS = WORK / "results.json"
STATE = WORK / "state.json"
SEED = 20260522
REDIS_DB_URL = "redis://127.0.0.1:6379/6"
STAFF_USER = "jiedao"  # street staff, 湖南路街道 (no TOTP at the default policy)
RESIDENT_PHONE = "13951000001"
READ_CONNECTIONS = (1, 8)

# --------------------------------------------------------------------------- plumbing


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


def db_url(args: argparse.Namespace) -> str:
    return str(args.database_url)


def base_env(args: argparse.Namespace) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=db_url(args),
        SHEQU_VAR_DIR=str(VAR),
        REDIS_URL=REDIS_DB_URL,
        LOG_LEVEL="WARNING",
        PYTHONPATH=f"{ROOT}:{ROOT / 'src'}",
    )
    return env


def dev_env(args: argparse.Namespace) -> dict[str, str]:
    return {**base_env(args), "DJANGO_SETTINGS_MODULE": "config.settings.dev"}


def prod_env(args: argparse.Namespace) -> dict[str, str]:
    """Production settings, DEBUG off, the same secrets the dev build wrote into VAR."""
    return {
        **base_env(args),
        "DJANGO_SETTINGS_MODULE": "config.settings.prod",
        "DEBUG": "0",
        "SECRET_KEY": (VAR / "secret-key").read_text().strip(),
        "SHEQU_DATA_KEY": (VAR / "data-key").read_text().strip(),
        "SHEQU_SSL_REDIRECT": "0",  # plain HTTP on loopback (TLS ends at the proxy in production)
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
    }


def manage(args: argparse.Namespace, *argv: str, prod: bool = False) -> str:
    env = prod_env(args) if prod else dev_env(args)
    done = subprocess.run(
        [str(VENV / "python"), "manage.py", *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(argv)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def psql(args: argparse.Namespace, sql: str, *, db: str | None = None) -> str:
    url = urllib.parse.urlparse(db_url(args))
    name = db or url.path.lstrip("/")
    done = subprocess.run(
        [
            "psql",
            "-h",
            url.hostname or "127.0.0.1",
            "-p",
            str(url.port or 5432),
            "-U",
            url.username or "postgres",
            "-d",
            name,
            "-v",
            "ON_ERROR_STOP=1",
            "-qAt",
            "-c",
            sql,
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"psql failed: {done.stderr}\n{sql[:500]}")
    return done.stdout.strip()


def django(args: argparse.Namespace) -> None:
    """Set Django up in this process (dev settings, the benchmark database)."""
    os.environ.update(dev_env(args))
    for path in (str(ROOT), str(ROOT / "src")):
        if path not in sys.path:
            sys.path.insert(0, path)
    import django as dj

    dj.setup()


def load_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text()) if path.exists() else {}


def save_result(section: str, key: str, value: Any) -> None:
    data = load_json(RESULTS)
    data.setdefault(section, {})[key] = value
    RESULTS.write_text(json.dumps(data, ensure_ascii=False, indent=1))


def lua_str(value: str) -> str:
    return "[==[" + value + "]==]"


# --------------------------------------------------------------------------- server and wrk

#: The running gunicorn master (for CPU accounting of its process tree).
SERVER_PID: list[int] = []
TICK = os.sysconf("SC_CLK_TCK")


def tree_cpu_seconds(pid: int) -> float:
    """utime + stime of ``pid`` and its live children (the gunicorn workers)."""
    total = 0.0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            fields = Path(f"/proc/{current}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / TICK
            pending.extend(
                int(c) for c in Path(f"/proc/{current}/task/{current}/children").read_text().split()
            )
        except (OSError, ValueError, IndexError):
            continue
    return total


@contextlib.contextmanager
def server(args: argparse.Namespace, workers: int) -> Iterator[str]:
    """gunicorn with production settings on 127.0.0.1:PORT; stopped (by its pid) on exit."""
    base = f"http://127.0.0.1:{args.port}"
    cmd = [
        str(VENV / "gunicorn"),
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{args.port}",
        "--workers",
        str(workers),
        "--worker-class",
        args.worker_class,
        "--threads",
        str(args.threads),
        "--keep-alive",
        "5",
        "--backlog",
        "2048",
        "--log-level",
        "warning",
        "--chdir",
        str(ROOT),
    ]
    logfile = (WORK / "gunicorn.log").open("a")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=prod_env(args), stdout=logfile, stderr=logfile)
    SERVER_PID[:] = [proc.pid]
    try:
        for _ in range(200):
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as reply:
                    if reply.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if proc.poll() is not None:
                raise SystemExit(f"gunicorn exited; see {WORK / 'gunicorn.log'}")
            time.sleep(0.25)
        else:
            raise SystemExit("gunicorn did not answer /healthz")
        yield base
    finally:
        SERVER_PID.clear()
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        logfile.close()


def wrk(
    base: str,
    script: str,
    data: Path,
    *,
    connections: int,
    seconds: int,
    delay_ms: float = 0.0,
    run: str = "",
) -> dict[str, Any]:
    threads = max(1, min(2, connections))
    env = {
        **os.environ,
        "BENCH_LUA_DIR": str(HERE),
        "BENCH_DATA": str(data),
        "BENCH_DELAY_MS": f"{delay_ms:.3f}",
        "BENCH_RUN": run or f"r{time.time_ns()}",
    }
    cmd = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        "--timeout",
        "10s",
        "-s",
        str(HERE / script),
        base,
    ]
    cpu_before = tree_cpu_seconds(SERVER_PID[0]) if SERVER_PID else 0.0
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    cpu_used = (tree_cpu_seconds(SERVER_PID[0]) if SERVER_PID else 0.0) - cpu_before
    line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if line is None:
        raise SystemExit(f"wrk failed:\n{done.stdout}\n{done.stderr}")
    raw = json.loads(line[len("BENCH_JSON ") :])
    seconds_run = raw["duration_us"] / 1e6
    errors = raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
    return {
        "connections": connections,
        "seconds": round(seconds_run, 1),
        "requests": raw["requests"],
        "rps": round(raw["requests"] / seconds_run, 1),
        "p50_ms": raw["p50_us"] / 1000,
        "p90_ms": raw["p90_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "max_ms": raw["max_us"] / 1000,
        "non_2xx_3xx": raw["status"],
        "socket_errors": errors,
        "delay_ms": delay_ms,
        # CPU of the gunicorn workers per request (steadier than wall time on a busy machine)
        "app_cpu_ms_per_req": round(cpu_used * 1000 / max(raw["requests"], 1), 2),
        "loadavg_1m": round(os.getloadavg()[0], 2),
    }


def paced(
    base: str, script: str, data: Path, *, rate: float, connections: int, seconds: int
) -> dict[str, Any]:
    """About ``rate`` requests/s over ``connections``: calibrate the think time once, then measure."""
    cycle_ms = connections / rate * 1000
    probe = wrk(base, script, data, connections=connections, seconds=10, delay_ms=cycle_ms)
    service_ms = max(0.0, connections / max(probe["rps"], 0.1) * 1000 - cycle_ms)
    delay = max(0.0, cycle_ms - service_ms)
    result = wrk(base, script, data, connections=connections, seconds=seconds, delay_ms=delay)
    result["target_rps"] = round(rate, 1)
    return result


def show(label: str, r: dict[str, Any]) -> None:
    log(
        f"{label}: c={r['connections']} {r['rps']} req/s  p50 {r['p50_ms']:.1f}  p95 {r['p95_ms']:.1f}  "
        f"p99 {r['p99_ms']:.1f} ms  non-2xx {r['non_2xx_3xx']}  socket errors {r['socket_errors']}  "
        f"app CPU {r['app_cpu_ms_per_req']} ms/req  load {r['loadavg_1m']}"
    )


# --------------------------------------------------------------------------- setup


def step_setup(args: argparse.Namespace) -> None:
    WORK.mkdir(parents=True, exist_ok=True)
    VAR.mkdir(parents=True, exist_ok=True)
    name = urllib.parse.urlparse(db_url(args)).path.lstrip("/")
    if not args.skip_build:
        log(f"fresh database {name}")
        psql(args, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', db="postgres")
        psql(args, f'CREATE DATABASE "{name}"', db="postgres")
        started = time.monotonic()
        manage(args, "migrate", "-v0")
        log(
            f"migrate {time.monotonic() - started:.1f} s; "
            "building the demo city (city scale, no registry people)"
        )
        started = time.monotonic()
        manage(args, "demo_city", "--scale", "city", "--people-per-grid", "0")
        log(f"demo_city {time.monotonic() - started:.1f} s")
    manage(args, "collectstatic", "--noinput", "-v0", prod=True)
    state: dict[str, Any] = {"built": time.strftime("%Y-%m-%d %H:%M:%S")}
    django(args)
    resident = demo_resident()
    state["resident_username"] = resident.username
    state["resident_token"] = manage(
        args, "api_token", "create", resident.username, "--name", "bench"
    ).strip()
    state["staff_token"] = manage(args, "api_token", "create", STAFF_USER, "--name", "bench").strip()
    STATE.write_text(json.dumps(state, ensure_ascii=False, indent=1))
    RESULTS.unlink(missing_ok=True)
    save_result("meta", "setup", machine_info(args))


def demo_resident() -> Any:
    from shequ.accounts.models import User, UserKind
    from shequ.core.pii import PIIKind, lookup_candidates

    found = User.objects.filter(
        kind=UserKind.RESIDENT,
        is_demo=True,
        phone_digest__in=lookup_candidates(PIIKind.PHONE, RESIDENT_PHONE),
    ).first()
    if found is None:
        raise SystemExit("demo resident not found")
    return found


def machine_info(args: argparse.Namespace) -> dict[str, str]:
    def out(cmd: list[str]) -> str:
        try:
            return subprocess.run(cmd, capture_output=True, text=True, check=False).stdout.strip()
        except OSError:
            return "?"

    model = next(
        (x.split(":", 1)[1].strip() for x in out(["lscpu"]).splitlines() if x.startswith("Model name")), "?"
    )
    mem = next((x.split()[1] for x in out(["free", "-h"]).splitlines() if x.startswith("Mem:")), "?")
    return {
        "nproc": out(["nproc"]),
        "cpu": model,
        "memory": mem,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "postgres": psql(args, "SHOW server_version"),
        "pg_settings": psql(
            args,
            "SELECT string_agg(name || '=' || current_setting(name), ' ' ORDER BY name) FROM pg_settings "
            "WHERE name IN ('shared_buffers','work_mem','synchronous_commit','max_connections','fsync')",
        ),
        "gunicorn": out([str(VENV / "gunicorn"), "--version"]),
        "wrk": out(["wrk", "-v"]).splitlines()[0] if out(["wrk", "-v"]) else "?",
        "django": out([str(VENV / "python"), "-c", "import django; print(django.get_version())"]),
    }


def serving_workers(args: argparse.Namespace) -> int:
    """The worker count the intake peak search chose, else the first of --workers."""
    chosen = load_json(RESULTS).get("intake", {}).get("api", {}).get("workers")
    return int(chosen) if chosen and len(args.workers) > 1 else args.workers[0]
