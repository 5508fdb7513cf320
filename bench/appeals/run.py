"""Appeals intake and reads under HTTP load: gunicorn (production settings) + wrk, PostgreSQL.

Steps (``all`` runs them in this order; each can run on its own, see README.md):

``setup``
    Drop and create the database (default ``shequ_bench``), ``migrate``, ``demo_city --scale
    city --people-per-grid 0`` (the map, grids with boundaries, organisations, staff and
    residents; no registry people, which appeals do not read), ``collectstatic`` for the
    production settings, and API tokens through ``manage.py api_token create``.
``intake``
    Serves the app with gunicorn, finds the peak rate of ``POST /api/v1/appeals/cases`` with
    wrk at rising connection counts, then measures latency at half that rate (wrk's
    ``delay()`` paces each connection, see ``common.lua``).  Then PostgreSQL's raw
    single-row INSERT rate with pgbench into a copy of ``appeals_case``.
``open311``
    The same for ``POST /open311/v2/requests.json`` (keys via ``manage.py open311_keys create``);
    skipped with a note when the endpoint does not answer yet.
``load --cases N``
    Empties the case tables and loads N cases in batches of 100,000 (``INSERT … SELECT
    generate_series``, one transaction each, secondary indexes dropped before and rebuilt
    after; real grids and their communities, active categories, organisations, resident
    requesters, states by age over two years, numbers per day), one or two events per case,
    then ``VACUUM ANALYZE``.  1,000,000 cases take about a minute.
``reads --label L``
    wrk on the staff queue page, the JSON list, the resident's case page and the track page,
    each at 1 connection (latency without queueing) and at 8 connections (throughput).
``explain``
    ``EXPLAIN (ANALYZE, BUFFERS)`` of the case queries the measured pages send, as sent.
``profile``
    Both intakes in-process (production settings, no server): wall and CPU ms per request,
    the statements one request sends with their times, a cProfile of 30 requests.
``table``
    Prints the markdown tables from ``results.json``.

    .venv/bin/python bench/appeals/run.py all            # ~30 minutes on 2 cores
    .venv/bin/python bench/appeals/run.py open311        # later, once the endpoint exists

Results accumulate in ``$SHEQU_BENCH_DIR/appeals/results.json`` (default /tmp/shequ-bench).
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import platform
import random
import re
import shutil
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

HERE = Path(__file__).resolve().parent
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


# --------------------------------------------------------------------------- intake


def grid_points(count: int) -> tuple[list[tuple[float, float]], list[int]]:
    """``count`` random points, each inside a random current grid, checked with place_point."""
    from shapely.geometry import Point

    from shequ.core.geo import place_point
    from shequ.core.geo.shapes import to_shape
    from shequ.core.models import Area, AreaLevel

    rng = random.Random(SEED)
    grids = list(
        Area.objects.current()
        .filter(level=AreaLevel.GRID, boundary__isnull=False)
        .order_by("pk")
        .values_list("pk", "boundary")
    )
    chosen = rng.sample(grids, min(count, len(grids)))
    points: list[tuple[float, float]] = []
    for _pk, boundary in chosen:
        shape = to_shape(boundary)
        if shape is None:
            continue
        minx, miny, maxx, maxy = shape.bounds
        for _ in range(50):
            x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
            if shape.contains(Point(x, y)):
                points.append((round(x, 6), round(y, 6)))
                break
    misses = sum(place_point(x, y) is None for x, y in points[:50])
    if misses:
        raise SystemExit(f"{misses} of 50 sample points fall outside every grid")
    return points, [pk for pk, _b in chosen]


def eval_texts() -> list[str]:
    path = ROOT / "src" / "shequ" / "appeals" / "data" / "eval.jsonl"
    return [json.loads(line)["text"] for line in path.read_text().splitlines() if line.strip()]


def write_intake_data(args: argparse.Namespace, token: str) -> Path:
    django(args)
    points, areas = grid_points(3000)
    texts = eval_texts()
    lines = [
        f"TOKEN = {lua_str(token)}",
        "TEXTS = {" + ",".join(lua_str(json.dumps(t, ensure_ascii=False)) for t in texts) + "}",
        "POINTS = {" + ",".join(f"{{{x},{y}}}" for x, y in points) + "}",
        "AREAS = {" + ",".join(str(a) for a in areas[:2000]) + "}",
    ]
    path = WORK / "intake_data.lua"
    path.write_text("\n".join(lines) + "\n")
    return path


def sanity_post(base: str, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    request = urllib.request.Request(base + path, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as reply:
            return reply.status, reply.read(400).decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(400).decode("utf-8", "replace")


def find_peak(base: str, script: str, data: Path, label: str, args: argparse.Namespace) -> dict[str, Any]:
    best: dict[str, Any] | None = None
    runs = []
    for c in args.connections:
        r = wrk(base, script, data, connections=c, seconds=args.seconds)
        show(f"{label} peak search", r)
        runs.append(r)
        if best is None or r["rps"] > best["rps"]:
            best = r
    assert best is not None
    return {"runs": runs, "best": best}


def step_intake(args: argparse.Namespace) -> None:
    state = load_json(STATE)
    data = write_intake_data(args, state["resident_token"])
    by_workers: dict[str, Any] = {}
    for workers in args.workers:
        with server(args, workers) as base:
            status, body = sanity_post(
                base,
                "/api/v1/appeals/cases",
                json.dumps(
                    {
                        "text": "小区门口路灯坏了三天",
                        "lng": 118.7869,
                        "lat": 32.0629,
                        "idempotency_key": f"s{time.time_ns()}",
                    }
                ).encode(),
                {"Content-Type": "application/json", "Authorization": f"Bearer {state['resident_token']}"},
            )
            log(f"sanity POST -> {status} {body[:160]}")
            if status != 201:
                raise SystemExit("intake sanity check failed")
            wrk(base, "intake.lua", data, connections=workers * 2, seconds=8)  # warm every worker
            peak = find_peak(base, "intake.lua", data, f"intake w={workers}", args)
            by_workers[str(workers)] = peak
    best_w = max(by_workers, key=lambda w: by_workers[w]["best"]["rps"])
    best = by_workers[best_w]["best"]
    with server(args, int(best_w)) as base:
        wrk(base, "intake.lua", data, connections=int(best_w) * 2, seconds=5)
        half = paced(
            base,
            "intake.lua",
            data,
            rate=best["rps"] / 2,
            connections=args.paced_connections,
            seconds=args.seconds,
        )
        show("intake at half peak", half)
    cases = int(psql(args, "SELECT count(*) FROM appeals_case"))
    save_result(
        "intake",
        "api",
        {
            "by_workers": by_workers,
            "workers": int(best_w),
            "peak": best,
            "half": half,
            "cases_after": cases,
            "worker_class": args.worker_class,
            "threads": args.threads,
        },
    )
    step_pgbench(args)


PGBENCH_SQL = """\\set n random(1, 2000000000)
\\set g random(1, 100000)
INSERT INTO bench_case_raw (number, token_digest, channel, external_ref, text, lng, lat, address, is_public,
  suggestions, urgency, danger, state, version, lead_unit, state_before_return, return_reason, supervised,
  escalated_kinds, emergency_line, resolved_on_spot, result, submitted_at, clock_start, response_due,
  resolve_due, light, submitter_key, idempotency_key, updated_at, area_id, handling_area_id, requester_id,
  rating_level, reopened_count, review_state)
VALUES ('P' || :client_id || '-' || :n, md5(:n::text) || md5(:g::text), 'api', '',
  '小区东门那个垃圾房已经三天没人来拉了，味道冲得路过都要捂鼻子，麻烦尽快派人清运',
  118.786 + :g * 1e-6, 32.06 + :g * 1e-6,
  '', false, '[]', 'normal', false, 'submitted', 1, '', '', '', false, '', '', false, '', now(), now(),
  now() + interval '1 day', now() + interval '7 days', 'green', 'u' || :client_id, md5(random()::text), now(),
  :g, :g, NULL, '', 0, '');
"""


def step_pgbench(args: argparse.Namespace) -> None:
    """PostgreSQL's raw single-row INSERT rate into a same-shape copy (all indexes, no FKs)."""
    psql(
        args,
        "DROP TABLE IF EXISTS bench_case_raw; CREATE TABLE bench_case_raw (LIKE appeals_case INCLUDING ALL)",
    )
    script = WORK / "insert_case.sql"
    script.write_text(PGBENCH_SQL)
    url = urllib.parse.urlparse(db_url(args))
    name = url.path.lstrip("/")
    results = {}
    for clients in args.pgbench_clients:
        done = subprocess.run(
            [
                "pgbench",
                "-h",
                url.hostname or "127.0.0.1",
                "-U",
                url.username or "postgres",
                "-n",
                "-f",
                str(script),
                "-c",
                str(clients),
                "-j",
                str(min(2, clients)),
                "-T",
                str(args.seconds),
                "-r",
                name,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode != 0:
            raise SystemExit(f"pgbench failed: {done.stderr}")
        tps = float(re.search(r"tps = ([\d.]+)", done.stdout).group(1))  # type: ignore[union-attr]
        lat = float(re.search(r"latency average = ([\d.]+) ms", done.stdout).group(1))  # type: ignore[union-attr]
        results[str(clients)] = {"tps": round(tps, 1), "latency_avg_ms": lat}
        log(f"pgbench insert c={clients}: {tps:.0f} tps, avg {lat} ms")
    rows = psql(args, "SELECT count(*) FROM bench_case_raw")
    psql(args, "DROP TABLE bench_case_raw")
    save_result("intake", "pgbench", {"clients": results, "rows": int(rows)})


# --------------------------------------------------------------------------- Open311


def step_open311(args: argparse.Namespace) -> None:
    manage(args, "migrate", "-v0")  # the Open311 app's tables may be newer than the database
    with server(args, args.workers[0]) as base:
        try:
            with urllib.request.urlopen(base + "/open311/v2/services.json", timeout=10) as reply:
                services = json.loads(reply.read())
        except (urllib.error.URLError, ValueError) as exc:
            log(f"Open311 not ready ({exc}); skipped")
            save_result("intake", "open311", {"skipped": f"GET /open311/v2/services.json: {exc}"})
            return
    codes = [str(s["service_code"]) for s in services if s.get("service_code")]
    if not codes:
        save_result("intake", "open311", {"skipped": "services.json lists no service_code"})
        return
    try:
        key = manage(args, "open311_keys", "create", f"bench-{int(time.time())}").strip().split()[-1]
    except SystemExit as exc:
        log(f"open311_keys failed; skipped: {exc}")
        save_result(
            "intake", "open311", {"skipped": f"manage.py open311_keys create failed: {str(exc)[-300:]}"}
        )
        return
    django(args)
    points, _areas = grid_points(3000)
    texts = eval_texts()
    data = WORK / "open311_data.lua"
    data.write_text(
        "\n".join(
            [
                f"API_KEY = {lua_str(urllib.parse.quote(key, safe=''))}",
                "SERVICE_CODES = {" + ",".join(lua_str(urllib.parse.quote(c, safe="")) for c in codes) + "}",
                "FORM_TEXTS = {" + ",".join(lua_str(urllib.parse.quote(t, safe="")) for t in texts) + "}",
                "POINTS = {" + ",".join(f"{{{x},{y}}}" for x, y in points) + "}",
            ]
        )
        + "\n"
    )
    x, y = points[0]
    form = urllib.parse.urlencode(
        {"api_key": key, "service_code": codes[0], "lat": y, "long": x, "description": "路灯不亮已经三天了"}
    ).encode()
    workers = serving_workers(args)
    with server(args, workers) as base:
        status, body = sanity_post(
            base, "/open311/v2/requests.json", form, {"Content-Type": "application/x-www-form-urlencoded"}
        )
        log(f"sanity Open311 POST -> {status} {body[:160]}")
        if status not in (200, 201):
            save_result("intake", "open311", {"skipped": f"sanity POST answered {status}: {body[:200]}"})
            return
        wrk(base, "open311.lua", data, connections=workers * 2, seconds=8)
        peak = find_peak(base, "open311.lua", data, "open311", args)
        half = paced(
            base,
            "open311.lua",
            data,
            rate=peak["best"]["rps"] / 2,
            connections=args.paced_connections,
            seconds=args.seconds,
        )
        show("open311 at half peak", half)
    save_result(
        "intake", "open311", {"workers": workers, "peak": peak["best"], "runs": peak["runs"], "half": half}
    )


# --------------------------------------------------------------------------- loading cases

#: Cases per INSERT (each batch is its own transaction; the batches follow the calendar).
BATCH = 100_000
DAYS = 730

#: One batch: the cases of the days ``first + d0 .. first + d0 + span - 1`` (Asia/Shanghai), numbered
#: per day in time order (``20250101-000001``), inserted in time order so ids follow submitted_at.
LOAD_SQL = """
INSERT INTO appeals_case (number, token_digest, channel, external_ref, text, lng, lat, address, is_public,
  suggestions, urgency, danger, state, version, lead_unit, state_before_return, return_reason, supervised,
  escalated_kinds, emergency_line, resolved_on_spot, result, submitted_at, dispatched_at, accepted_at,
  handled_at, verified_at, closed_at, clock_start, response_due, resolve_due, light, submitter_key,
  idempotency_key, updated_at, area_id, category_id, suggested_category_id, handling_area_id, lead_org_id,
  requester_id, rating_level, rating_resolved, rated_at, reopened_count, review_state)
SELECT
  s.number,
  encode(sha256(convert_to('bench-token-' || s.g, 'UTF8')), 'hex'),
  CASE WHEN s.requester IS NOT NULL THEN (CASE WHEN s.rr < 0.5 THEN 'portal' ELSE 'api' END)
       WHEN s.rr < 0.4 THEN 'grid_worker' WHEN s.rr < 0.7 THEN 'hotline' ELSE '12345' END,
  '', tx.text, gr.lng, gr.lat, '', s.rr < 0.3,
  jsonb_build_array(jsonb_build_object('category', c.code, 'unit', c.unit, 'score', 0.82, 'name', c.name)),
  CASE WHEN s.rr < 0.05 THEN 'urgent' ELSE 'normal' END, false, s.state, s.version,
  CASE WHEN s.state = 'submitted' THEN '' ELSE o.name END, '', '', s.rr < 0.02, '', '', false,
  CASE WHEN s.state IN ('handled', 'verified', 'closed') THEN '已处理完毕，现场已恢复。' ELSE '' END,
  s.t,
  CASE WHEN s.state <> 'submitted' THEN s.t + interval '2 hours' END,
  CASE WHEN s.state IN ('accepted', 'handled', 'verified', 'closed', 'merged')
    THEN s.t + interval '5 hours' END,
  CASE WHEN s.state IN ('handled', 'verified', 'closed') THEN s.t + interval '3 days' END,
  CASE WHEN s.state IN ('verified', 'closed') THEN s.t + interval '4 days' END,
  CASE WHEN s.state IN ('closed', 'merged') THEN s.t + interval '5 days' END,
  s.t, s.t + interval '1 day', s.t + interval '7 days',
  CASE WHEN s.state IN ('closed', 'merged', 'handled', 'verified') OR s.rl < 0.85 THEN 'green'
       WHEN s.rl < 0.95 THEN 'yellow' ELSE 'red' END,
  CASE WHEN s.requester IS NOT NULL THEN 'u' || s.requester ELSE 'bench' END,
  '', least(s.t + interval '5 days', now()), gr.id, c.id, c.id, gr.parent_id,
  CASE WHEN s.state <> 'submitted' THEN o.id END,
  s.requester,
  CASE WHEN s.state = 'closed' AND s.rr < 0.6 THEN 'satisfied'
       WHEN s.state = 'closed' AND s.rr < 0.65 THEN 'basic' ELSE '' END,
  CASE WHEN s.state = 'closed' AND s.rr < 0.65 THEN true END,
  CASE WHEN s.state = 'closed' AND s.rr < 0.65 THEN s.t + interval '6 days' END,
  0, ''
FROM (
  SELECT x.*,
    to_char(x.day, 'YYYYMMDD') || '-'
      || lpad((row_number() OVER (PARTITION BY x.day ORDER BY x.t, x.g))::text, 6, '0') AS number,
    CASE WHEN x.age > interval '30 days' THEN
      (CASE WHEN x.rs < 0.985 THEN 'closed' WHEN x.rs < 0.99 THEN 'merged' WHEN x.rs < 0.995 THEN 'verified'
            ELSE 'accepted' END)
    ELSE
      (CASE WHEN x.rs < 0.05 THEN 'submitted' WHEN x.rs < 0.2 THEN 'dispatched'
            WHEN x.rs < 0.5 THEN 'accepted' WHEN x.rs < 0.65 THEN 'handled' WHEN x.rs < 0.7 THEN 'verified'
            WHEN x.rs < 0.72 THEN 'return_requested'
            WHEN x.rs < 0.73 THEN 'emergency' ELSE 'closed' END)
    END AS state,
    CASE WHEN x.rs < 0.05 THEN 1 ELSE 2 + (x.rs * 4)::int END AS version,
    CASE WHEN x.g %% 5000 = 0 THEN %(resident)s
         WHEN x.ro < 0.6 THEN
           (SELECT r.id FROM bench_resident r WHERE r.i = floor(x.ro / 0.6 * %(nres)s)::int)
    END AS requester
  FROM (
    SELECT z.*, now() - z.t AS age FROM (
      SELECT y.*,
        (y.day::timestamp AT TIME ZONE 'Asia/Shanghai') + random() * CASE WHEN y.day = y.today
          THEN now() - (y.today::timestamp AT TIME ZONE 'Asia/Shanghai') ELSE interval '1 day' END AS t
      FROM (
        SELECT g, w.today, w.today - %(days)s + 1 + %(d0)s + floor(random() * %(span)s)::int AS day,
               random() AS rs, random() AS rg, random() AS rc, random() AS rr, random() AS ro,
               random() AS rl, random() AS rq
        FROM generate_series(%(lo)s, %(hi)s) AS g,
             (SELECT (now() AT TIME ZONE 'Asia/Shanghai')::date AS today) AS w
      ) AS y
    ) AS z
  ) AS x
) AS s
JOIN bench_grid gr ON gr.i = floor(s.rg * %(ngrid)s)::int
JOIN bench_cat c ON c.i = floor(s.rc * %(ncat)s)::int
JOIN bench_org o ON o.i = floor(s.rq * %(norg)s)::int
JOIN bench_text tx ON tx.i = s.g %% %(ntext)s
ORDER BY s.t;
"""

EVENTS_SQL = """
INSERT INTO appeals_caseevent (case_id, kind, from_state, to_state, actor_label, note, data, at)
  SELECT id, 'submit', '', 'submitted', '', '', '{}'::jsonb, submitted_at
  FROM appeals_case WHERE id > %(after)s;
INSERT INTO appeals_caseevent (case_id, kind, from_state, to_state, actor_label, note, data, at)
  SELECT id, 'dispatch', 'submitted', 'dispatched', '街道（镇）工作人员', '', '{}'::jsonb, dispatched_at
  FROM appeals_case WHERE id > %(after)s AND dispatched_at IS NOT NULL;
"""

#: Secondary indexes dropped for the load and recreated after it (definitions kept here too, so a
#: load that dies half-way still finds them: the next ``load`` recreates what is missing).
INDEX_TABLES = ("appeals_case", "appeals_caseevent")
INDEX_FILE = WORK / "dropped_indexes.json"


def secondary_indexes(cur: Any, table: str) -> dict[str, str]:
    """Name -> ``CREATE INDEX`` of the table's indexes that back no primary key or unique rule."""
    cur.execute(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE i.indrelid = %s::regclass AND NOT i.indisunique AND NOT i.indisprimary ORDER BY 1",
        [table],
    )
    return dict(cur.fetchall())


def bench_lookup_tables(cur: Any) -> dict[str, int]:
    """Temp tables the load draws from: current grids (+ a point inside), categories, orgs, residents."""
    from shequ.core.geo.shapes import to_shape
    from shequ.core.models import Area, AreaLevel

    grids = []
    for pk, parent, boundary in (
        Area.objects.current()
        .filter(level=AreaLevel.GRID, boundary__isnull=False)
        .order_by("pk")
        .values_list("pk", "parent_id", "boundary")
    ):
        shape = to_shape(boundary)
        if shape is not None:
            point = shape.representative_point()
            grids.append((pk, parent, round(point.x, 6), round(point.y, 6)))
    for table in ("bench_grid", "bench_cat", "bench_org", "bench_resident", "bench_text"):
        cur.execute(f"DROP TABLE IF EXISTS {table}")
    cur.execute(
        "CREATE TEMP TABLE bench_grid "
        "(i int PRIMARY KEY, id bigint, parent_id bigint, lng float8, lat float8)"
    )
    with cur.copy("COPY bench_grid FROM STDIN") as copy:
        for i, row in enumerate(grids):
            copy.write_row((i, *row))
    cur.execute(
        "CREATE TEMP TABLE bench_cat AS SELECT (row_number() OVER (ORDER BY id) - 1)::int AS i, "
        "id, code, name, responsible_unit AS unit FROM appeals_category WHERE is_active"
    )
    cur.execute(
        "CREATE TEMP TABLE bench_org AS SELECT (row_number() OVER (ORDER BY id) - 1)::int AS i, "
        "id, name FROM core_organisation"
    )
    cur.execute(
        "CREATE TEMP TABLE bench_resident AS SELECT (row_number() OVER (ORDER BY id) - 1)::int AS i, "
        "id FROM accounts_user WHERE kind = 'resident'"
    )
    cur.execute("CREATE TEMP TABLE bench_text (i int PRIMARY KEY, text text)")
    texts = eval_texts()
    with cur.copy("COPY bench_text FROM STDIN") as copy:
        for i, text in enumerate(texts):
            copy.write_row((i, text))
    counts = {"ngrid": len(grids), "ntext": len(texts)}
    for key, table in (("ncat", "bench_cat"), ("norg", "bench_org"), ("nres", "bench_resident")):
        cur.execute(f"SELECT count(*) FROM {table}")
        counts[key] = cur.fetchone()[0]
        cur.execute(f"CREATE UNIQUE INDEX ON {table} (i)")
    cur.execute("ANALYZE bench_grid; ANALYZE bench_cat; ANALYZE bench_org; ANALYZE bench_resident")
    return counts


def step_load(args: argparse.Namespace) -> None:
    """Empty the case tables, load ``--cases`` cases in batches of BATCH, then VACUUM ANALYZE.

    The secondary indexes of the case and event tables are dropped first (their definitions
    recorded from the catalogue) and rebuilt after the data is in: building an index once is
    much cheaper than maintaining 20 of them row by row.  The primary keys and the unique rules
    (``number``, the idempotency key) stay in place during the load.  Foreign-key triggers are
    skipped (``session_replication_role = replica``: the ids come from the tables they point
    at) and checked afterwards with anti-joins.
    """
    django(args)
    from django.db import connection, transaction

    n = int(args.cases)
    timings: dict[str, float] = {}
    started = time.monotonic()

    def lap(name: str, since: float) -> float:
        now = time.monotonic()
        timings[name] = round(now - since, 1)
        log(f"{name}: {now - since:.1f} s")
        return now

    with connection.cursor() as cur:
        cur.execute("SET maintenance_work_mem = '256MB'")
        cur.execute("SET synchronous_commit = off")
        # Indexes a previous, interrupted load dropped come back first.
        recorded: dict[str, dict[str, str]] = load_json(INDEX_FILE)
        for table in INDEX_TABLES:
            current = secondary_indexes(cur, table)
            missing = {k: v for k, v in recorded.get(table, {}).items() if k not in current}
            for sql in missing.values():
                cur.execute(sql)
            recorded[table] = {**recorded.get(table, {}), **current}
        INDEX_FILE.write_text(json.dumps(recorded, indent=1))
        t = time.monotonic()
        cur.execute(
            "TRUNCATE appeals_case, appeals_caseevent, appeals_casephoto, appeals_caseunit, "
            "appeals_emergencyhandover, appeals_extensionrequest, appeals_caseaccesscode, "
            "appeals_caserating, "
            "appeals_casecounter RESTART IDENTITY CASCADE"  # CASCADE: open311_clientrequest points at cases
        )
        for table in INDEX_TABLES:
            for name in recorded[table]:
                cur.execute(f'DROP INDEX "{name}"')
        t = lap("truncate + drop secondary indexes", t)
        counts = bench_lookup_tables(cur)
        t = lap("lookup tables", t)
        cur.execute("SET session_replication_role = replica")  # no FK triggers during the bulk insert
        batches = max(1, -(-n // BATCH))
        day0 = 0
        after = 0
        for b in range(batches):
            lo, hi = b * BATCH + 1, min(n, (b + 1) * BATCH)
            day1 = round(DAYS * hi / n)
            params = {
                **counts,
                "resident": demo_resident().pk,
                "days": DAYS,
                "d0": day0,
                "span": day1 - day0,
                "lo": lo,
                "hi": hi,
            }
            with transaction.atomic():
                cur.execute(LOAD_SQL, params)
                cur.execute(EVENTS_SQL, {"after": after})
            cur.execute("SELECT max(id) FROM appeals_case")
            after = cur.fetchone()[0]
            t = lap(f"batch {b + 1}/{batches}: cases {lo:,}-{hi:,}, days {day0}-{day1 - 1}", t)
            day0 = day1
        cur.execute(
            "UPDATE appeals_case SET merged_into_id = id - 1 "
            "WHERE state = 'merged' AND id > (SELECT min(id) FROM appeals_case)"
        )
        # The day counters carry on after the loaded numbers, so intake never repeats one.
        cur.execute(
            "INSERT INTO appeals_casecounter (day, last) SELECT to_date(left(number, 8), 'YYYYMMDD'), "
            "max(right(number, 6)::int) FROM appeals_case GROUP BY 1"
        )
        cur.execute("SET session_replication_role = DEFAULT")
        t = lap("merged links + day counters", t)
        for table in INDEX_TABLES:
            for name, sql in recorded[table].items():
                cur.execute(sql)
                lap(f"CREATE INDEX {name}", t)
                t = time.monotonic()
        for table in INDEX_TABLES:
            rebuilt = secondary_indexes(cur, table)
            if rebuilt != recorded[table]:
                raise SystemExit(f"{table}: indexes differ after the rebuild: {rebuilt} != {recorded[table]}")
        INDEX_FILE.unlink()
        t = time.monotonic()
        broken = {}
        for column, target in (
            ("area_id", "core_area"),
            ("handling_area_id", "core_area"),
            ("category_id", "appeals_category"),
            ("lead_org_id", "core_organisation"),
            ("requester_id", "accounts_user"),
            ("merged_into_id", "appeals_case"),
        ):
            cur.execute(
                f"SELECT count(*) FROM appeals_case c WHERE c.{column} IS NOT NULL "
                f"AND NOT EXISTS (SELECT 1 FROM {target} x WHERE x.id = c.{column})"
            )
            broken[column] = cur.fetchone()[0]
        cur.execute(
            "SELECT count(*) FROM appeals_caseevent e "
            "WHERE NOT EXISTS (SELECT 1 FROM appeals_case c WHERE c.id = e.case_id)"
        )
        broken["event.case_id"] = cur.fetchone()[0]
        if any(broken.values()):
            raise SystemExit(f"dangling references after the load: {broken}")
        t = lap("foreign keys checked", t)
        for table in ("bench_grid", "bench_cat", "bench_org", "bench_resident", "bench_text"):
            cur.execute(f"DROP TABLE {table}")
    loaded = time.monotonic() - started
    psql(args, "VACUUM ANALYZE appeals_case")
    psql(args, "VACUUM ANALYZE appeals_caseevent")
    psql(args, "VACUUM ANALYZE appeals_casecounter")
    lap("VACUUM ANALYZE", started + loaded)
    total = time.monotonic() - started
    stats = psql(
        args,
        "SELECT json_build_object('cases', (SELECT count(*) FROM appeals_case), "
        "'events', (SELECT count(*) FROM appeals_caseevent), "
        "'open', (SELECT count(*) FROM appeals_case WHERE state NOT IN ('closed', 'merged')), "
        "'with_requester', (SELECT count(*) FROM appeals_case WHERE requester_id IS NOT NULL), "
        "'numbers_unique', (SELECT count(DISTINCT number) = count(*) FROM appeals_case), "
        "'case_table_mb', pg_total_relation_size('appeals_case') / 1048576, "
        "'states', (SELECT json_object_agg(state, n) FROM "
        "(SELECT state, count(*) n FROM appeals_case GROUP BY 1) q))",
    )
    info = json.loads(stats)
    info.update(load_s=round(loaded, 1), load_and_analyze_s=round(total, 1), timings=timings)
    log(f"loaded {info['cases']:,} cases in {loaded:.1f} s (+ VACUUM ANALYZE: {total:.1f} s): {info}")
    save_result("load", str(n), info)


# --------------------------------------------------------------------------- reads


def session_cookie(user: Any) -> str:
    """A logged-in session for ``user``, exactly what django.contrib.auth.login stores."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from shequ.accounts.middleware import LAST_SEEN_KEY

    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store[LAST_SEEN_KEY] = int(time.time())
    store.create()
    return f"sessionid={store.session_key}"


def staff_street(staff: Any) -> Any:
    """The street the benchmark's staff account serves (its first post)."""
    from shequ.core.models import Area

    post = staff.posts.first()
    if post is None or post.area_id is None:
        raise SystemExit(f"{staff} has no post")
    return Area.objects.get(pk=post.area_id)


def read_scenarios(args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    django(args)
    from django.db import connection

    from shequ.accounts.models import User
    from shequ.core.models import Area, AreaLevel

    state = load_json(STATE)
    staff = User.objects.get(username=STAFF_USER)
    resident = demo_resident()
    street = staff_street(staff)
    communities = list(
        Area.objects.filter(parent=street, level__in=[AreaLevel.COMMUNITY, AreaLevel.VILLAGE])
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    mine = list(
        __import__("shequ.appeals.models", fromlist=["Case"])
        .Case.objects.filter(requester=resident)
        .order_by("-submitted_at")
        .values_list("pk", flat=True)[:100]
    )
    # Track page: give 50 random cases a known access code (what SMS would have told the caller).
    rng = random.Random(SEED)
    with connection.cursor() as cur:
        cur.execute("SELECT max(id) FROM appeals_case")
        top = cur.fetchone()[0] or 0
    tracked = []
    with connection.cursor() as cur:
        for i in range(50):
            pk = rng.randint(1, top)
            token = f"bench{i:03d}tok"
            cur.execute(
                "UPDATE appeals_case SET token_digest = %s WHERE id = %s RETURNING number",
                [hashlib.sha256(token.encode()).hexdigest(), pk],
            )
            row = cur.fetchone()
            if row:
                tracked.append((row[0], token))
    staff_cookie = session_cookie(staff)
    resident_cookie = session_cookie(resident)
    bearer = f"Bearer {state['staff_token']}"
    q = urllib.parse.urlencode
    return {
        "queue_open": {
            "label": "console queue, street scope, state=open",
            "paths": ["/console/appeals/cases/?state=open"],
            "headers": {"Cookie": staff_cookie},
        },
        "queue_open_area": {
            "label": "console queue, state=open&area=<community>",
            "paths": [f"/console/appeals/cases/?{q({'state': 'open', 'area': c})}" for c in communities],
            "headers": {"Cookie": staff_cookie},
        },
        "queue_closed_street": {
            "label": "console queue, state=closed&area=<street>",
            "paths": [f"/console/appeals/cases/?{q({'state': 'closed', 'area': street.pk})}"],
            "headers": {"Cookie": staff_cookie},
        },
        "api_open_area": {
            "label": "GET /api/v1/appeals/cases?state=open&area_id=<community>",
            "paths": [f"/api/v1/appeals/cases?{q({'state': 'open', 'area_id': c})}" for c in communities],
            "headers": {"Authorization": bearer},
        },
        "api_closed": {
            "label": "GET /api/v1/appeals/cases?state=closed (street scope)",
            "paths": ["/api/v1/appeals/cases?state=closed"],
            "headers": {"Authorization": bearer},
        },
        "resident_case": {
            "label": "resident's case page /appeals/cases/<id>/",
            "paths": [f"/appeals/cases/{pk}/" for pk in mine] or ["/appeals/cases/1/"],
            "headers": {"Cookie": resident_cookie},
        },
        "track": {
            # number + access code -> the case is granted to this browser session, 302 to its page
            "label": "track look-up /appeals/track/?number=&token= (302 to the case)",
            "status": 302,
            "paths": [f"/appeals/track/?{q({'number': n, 'token': t})}" for n, t in tracked],
            "headers": {},
        },
    }


def sanity_get(base: str, path: str, headers: dict[str, str]) -> tuple[int, int]:
    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *a: Any, **k: Any) -> None:
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(base + path, headers=headers)
    try:
        with opener.open(request, timeout=30) as reply:
            return reply.status, len(reply.read())
    except urllib.error.HTTPError as exc:
        return exc.code, 0


def serving_workers(args: argparse.Namespace) -> int:
    """The worker count the intake peak search chose, else the first of --workers."""
    chosen = load_json(RESULTS).get("intake", {}).get("api", {}).get("workers")
    return int(chosen) if chosen and len(args.workers) > 1 else args.workers[0]


def step_reads(args: argparse.Namespace) -> None:
    scenarios = read_scenarios(args)
    cases = int(psql(args, "SELECT count(*) FROM appeals_case"))
    label = args.label or f"{cases}"
    out: dict[str, Any] = {"cases": cases}
    workers = serving_workers(args)
    out["workers"] = workers
    with server(args, workers) as base:
        for key, sc in scenarios.items():
            data = WORK / f"read_{key}.lua"
            headers = ",".join(f"[ {lua_str(k)} ] = {lua_str(v)}" for k, v in sc["headers"].items())
            data.write_text(
                "PATHS = {" + ",".join(lua_str(p) for p in sc["paths"]) + "}\nHEADERS = {" + headers + "}\n"
            )
            status, size = sanity_get(base, sc["paths"][0], sc["headers"])
            log(f"{sc['label']}: sanity GET {sc['paths'][0]} -> {status}, {size} bytes")
            if status != sc.get("status", 200):
                raise SystemExit(f"{key}: expected {sc.get('status', 200)}, got {status}")
            wrk(base, "get.lua", data, connections=workers, seconds=5)  # warm up
            runs = []
            for c in READ_CONNECTIONS:
                r = wrk(base, "get.lua", data, connections=c, seconds=args.seconds)
                show(f"{key} @ {cases:,} cases", r)
                runs.append(r)
            out[key] = {"label": sc["label"], "paths": len(sc["paths"]), "bytes": size, "runs": runs}
    save_result("reads", label, out)


# --------------------------------------------------------------------------- EXPLAIN


def step_explain(args: argparse.Namespace) -> None:
    """EXPLAIN (ANALYZE, BUFFERS) of the case queries the measured pages send, exactly as sent.

    Each read is run once through the selector with Django's query capture on; every captured
    statement on ``appeals_case`` is run again (warm) and then explained.
    """
    django(args)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from shequ.accounts.models import User
    from shequ.appeals.models import Case
    from shequ.appeals.selectors import case_by_number, case_detail, dispatch_queue, my_cases
    from shequ.core.models import Area, AreaLevel

    staff = User.objects.get(username=STAFF_USER)
    resident = demo_resident()
    street = staff_street(staff)
    community = Area.objects.filter(parent=street, level=AreaLevel.COMMUNITY).order_by("pk").first()
    if community is None:
        raise SystemExit(f"{street} has no community")
    newest = my_cases(resident).first()
    tracked = Case.objects.filter(pk__gte=123_457).order_by("pk").only("number").first()

    def queue(**kwargs: Any) -> Any:
        def read() -> None:
            qs = dispatch_queue(staff, **kwargs)
            list(qs[:25])
            qs.count()

        return read

    reads = {
        "queue/API open, street scope": queue(state="open"),
        "queue/API open, area=community": queue(state="open", area_id=community.pk),
        "queue closed, area=street": queue(state="closed", area_id=street.pk),
        "API closed, street scope": queue(state="closed"),
        "resident's case page": lambda: case_detail(resident, newest.pk if newest else 1),
        "resident's own list": lambda: list(my_cases(resident)[:25]),
        "track look-up by number": lambda: case_by_number(tracked.number if tracked else "", "x"),
    }
    plans: dict[str, Any] = {}
    for name, read in reads.items():
        with CaptureQueriesContext(connection) as captured:
            read()
        statements = [q["sql"] for q in captured.captured_queries if 'FROM "appeals_case"' in q["sql"]]
        for i, sql in enumerate(statements):
            with connection.cursor() as cur:
                cur.execute(sql)  # warm
                cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                plan = "\n".join(r[0] for r in cur.fetchall())
            plans[f"{name} / {i + 1}"] = {"sql": sql, "plan": plan}
            log(f"EXPLAIN {name} / {i + 1}:\n{sql}\n{plan}")
    cases = int(psql(args, "SELECT count(*) FROM appeals_case"))
    save_result("explain", str(cases), plans)


# --------------------------------------------------------------------------- profile


def step_profile(args: argparse.Namespace) -> None:
    """Both intakes in-process (production settings, Django's test client, no HTTP server): the
    wall and CPU time per request, the statements one request sends, a cProfile of 30 requests."""
    import cProfile
    import io
    import pstats
    from collections.abc import Callable

    open311_key = manage(args, "open311_keys", "create", f"bench-prof-{int(time.time())}").strip().split()[-1]
    os.environ.update(prod_env(args))
    for path in (str(ROOT), str(ROOT / "src")):
        if path not in sys.path:
            sys.path.insert(0, path)
    import django as dj

    dj.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    state = load_json(STATE)
    points, _areas = grid_points(100)
    texts = eval_texts()
    client = Client(HTTP_HOST="127.0.0.1")
    codes = [
        s["service_code"] for s in client.get("/open311/v2/services.json").json() if s.get("service_code")
    ]

    def post_api(i: int) -> Any:
        x, y = points[i % len(points)]
        body = {
            "text": texts[i % len(texts)],
            "lng": x,
            "lat": y,
            "idempotency_key": f"p{time.time_ns()}-{i}",
        }
        return client.post(
            "/api/v1/appeals/cases",
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {state['resident_token']}",
        )

    def post_open311(i: int) -> Any:
        x, y = points[i % len(points)]
        form = {"api_key": open311_key, "service_code": codes[i % len(codes)], "lat": y, "long": x,
                "description": texts[i % len(texts)]}  # fmt: skip
        return client.post("/open311/v2/requests.json", form)

    def measure(name: str, post: Callable[[int], Any]) -> None:
        def run(i: int) -> None:
            reply = post(i)
            if reply.status_code not in (200, 201):
                raise SystemExit(f"{name} answered {reply.status_code}: {reply.content[:300]!r}")

        for i in range(10):
            run(i)
        wall, cpu = time.perf_counter(), time.process_time()
        for i in range(50):
            run(10 + i)
        wall_ms = (time.perf_counter() - wall) * 1000 / 50
        cpu_ms = (time.process_time() - cpu) * 1000 / 50
        with CaptureQueriesContext(connection) as captured:
            run(60)
        queries = [{"ms": round(float(q["time"]) * 1000, 2), "sql": q["sql"][:160]} for q in captured]
        profiler = cProfile.Profile()
        profiler.enable()
        for i in range(30):
            run(70 + i)
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(r"shequ|ninja|template", 40)
        log(f"{name} in-process: {wall_ms:.1f} ms wall, {cpu_ms:.1f} ms CPU per request, {len(queries)} SQL")
        for q in queries:
            log(f"  {q['ms']:6.2f} ms  {q['sql']}")
        print(out.getvalue())
        save_result(
            "profile",
            name,
            {
                "wall_ms_per_req": round(wall_ms, 2),
                "cpu_ms_per_req": round(cpu_ms, 2),
                "queries": queries,
                "loadavg_1m": round(os.getloadavg()[0], 2),
                "profile": out.getvalue().splitlines(),
            },
        )

    measure("api", post_api)
    measure("open311", post_open311)


# --------------------------------------------------------------------------- table


def fmt(x: float) -> str:
    return f"{x:,.1f}" if x < 100 else f"{x:,.0f}"


def row(*cells: Any) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def header(*cells: str) -> str:
    return "\n" + row(*cells) + "\n" + row(*["---"] * len(cells))


def step_table(args: argparse.Namespace) -> None:
    """The markdown tables of ``results.json``: intake vs pgbench, reads by case count side by side."""
    data = load_json(RESULTS)
    meta = data.get("meta", {}).get("setup", {})
    print("Machine:", ", ".join(f"{k} {v}" for k, v in meta.items()))
    intake = data.get("intake", {})
    print(
        header(
            "endpoint", "workers", "peak req/s (connections)", "p50 / p99 ms at peak", "paced req/s (target)",
            "p50 / p95 / p99 ms at half peak", "app CPU ms/req", "errors", "load avg",
        )
    )  # fmt: skip
    for key, label in (
        ("api", "`POST /api/v1/appeals/cases`"),
        ("open311", "`POST /open311/v2/requests.json`"),
    ):
        r = intake.get(key)
        if not r:
            continue
        if "skipped" in r:
            print(row(label, "—", f"not run: {r['skipped']}", "", "", "", "", "", ""))
            continue
        p, h = r["peak"], r["half"]
        errors = p["non_2xx_3xx"] + h["non_2xx_3xx"] + p["socket_errors"] + h["socket_errors"]
        print(
            row(
                label, r["workers"], f"**{fmt(p['rps'])}** ({p['connections']})",
                f"{fmt(p['p50_ms'])} / {fmt(p['p99_ms'])}", f"{fmt(h['rps'])} ({fmt(h['target_rps'])})",
                f"{fmt(h['p50_ms'])} / {fmt(h['p95_ms'])} / **{fmt(h['p99_ms'])}**",
                f"{p['app_cpu_ms_per_req']} / {h['app_cpu_ms_per_req']}", errors,
                f"{p['loadavg_1m']} / {h['loadavg_1m']}",
            )
        )  # fmt: skip
    if "pgbench" in intake:
        for c, v in intake["pgbench"]["clients"].items():
            print(
                row(f"pgbench single-row INSERT, {c} clients", "—", f"**{fmt(v['tps'])}** tps", "", "",
                    f"avg {v['latency_avg_ms']}", "", "", "")
            )  # fmt: skip
    for key in ("api", "open311"):
        if "runs" not in intake.get(key, {}) and "by_workers" not in intake.get(key, {}):
            continue
        print(
            f"\nPeak search ({key}):" + header("workers", "connections", "req/s", "p50 ms", "p99 ms", "load")
        )
        by_workers = intake[key].get("by_workers") or {intake[key]["workers"]: {"runs": intake[key]["runs"]}}
        for w, v in by_workers.items():
            for r in v["runs"]:
                print(
                    row(
                        w,
                        r["connections"],
                        fmt(r["rps"]),
                        fmt(r["p50_ms"]),
                        fmt(r["p99_ms"]),
                        r["loadavg_1m"],
                    )
                )
    for info in data.get("load", {}).values():
        print(
            f"\nLoaded {info['cases']:,} cases ({info['open']:,} open, {info['with_requester']:,} with a "
            f"resident requester), {info['events']:,} events, case table {info['case_table_mb']} MiB, "
            f"load {info['load_s']} s, with VACUUM ANALYZE {info['load_and_analyze_s']} s."
        )
    reads = data.get("reads", {})
    if not reads:
        return
    labels = sorted(reads, key=lambda k: reads[k]["cases"])
    cols = []
    for label in labels:
        n = f"{reads[label]['cases']:,}"
        cols += [f"req/s {n}", f"p50 / p95 / p99 ms {n}", f"CPU ms/req {n}"]
    print(header("page", "c", *cols))
    keys = [k for k in reads[labels[-1]] if k not in ("cases", "workers")]
    for key in keys:
        for i, c in enumerate(READ_CONNECTIONS):
            cells: list[Any] = []
            for label in labels:
                sc = reads[label].get(key)
                r = sc["runs"][i] if sc else None
                if r is None:
                    cells += ["—", "—", "—"]
                    continue
                bad = r["non_2xx_3xx"] + r["socket_errors"]
                cells += [
                    fmt(r["rps"]) + (f" ({bad} errors)" if bad else ""),
                    f"{fmt(r['p50_ms'])} / {fmt(r['p95_ms'])} / {fmt(r['p99_ms'])}",
                    r["app_cpu_ms_per_req"],
                ]
            print(row(reads[labels[-1]][key]["label"], c, *cells))


# --------------------------------------------------------------------------- main


def step_all(args: argparse.Namespace) -> None:
    step_setup(args)
    step_intake(args)
    step_open311(args)
    for n in (10_000, 1_000_000):
        args.cases = n
        step_load(args)
        args.label = str(n)
        step_reads(args)
    step_explain(args)
    step_profile(args)
    step_table(args)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "step",
        choices=[
            "all",
            "setup",
            "intake",
            "pgbench",
            "open311",
            "load",
            "reads",
            "explain",
            "profile",
            "table",
        ],
    )
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/shequ_bench")
    parser.add_argument("--port", type=int, default=8123)
    parser.add_argument(
        "--workers",
        type=lambda s: [int(x) for x in s.split(",")],
        default=[5],
        help="gunicorn workers; a list (3,5,8) is tried in the intake peak search",
    )
    parser.add_argument("--worker-class", default="sync")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--connections", type=lambda s: [int(x) for x in s.split(",")], default=[4, 8, 16, 32]
    )
    parser.add_argument("--paced-connections", type=int, default=8)
    parser.add_argument("--pgbench-clients", type=lambda s: [int(x) for x in s.split(",")], default=[1, 5])
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--label", default="")
    parser.add_argument(
        "--skip-build", action="store_true", help="setup: keep the database, only tokens and static"
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None and args.step in {"all", "intake", "open311", "reads"}:
        raise SystemExit("wrk is not installed (apt-get install -y wrk)")
    WORK.mkdir(parents=True, exist_ok=True)
    {
        "all": step_all,
        "setup": step_setup,
        "intake": step_intake,
        "pgbench": step_pgbench,
        "open311": step_open311,
        "load": step_load,
        "reads": step_reads,
        "explain": step_explain,
        "profile": step_profile,
        "table": step_table,
    }[args.step](args)


if __name__ == "__main__":
    main()
