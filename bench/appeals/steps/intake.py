"""Intake: the JSON API and Open311 under wrk, and PostgreSQL's single-row INSERT rate with pgbench."""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

from .base import (
    ROOT,
    SEED,
    STATE,
    WORK,
    db_url,
    django,
    load_json,
    log,
    lua_str,
    manage,
    paced,
    psql,
    save_result,
    server,
    serving_workers,
    show,
    wrk,
)

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
VALUES ('P' || nextval('bench_case_raw_seq'), md5(:n::text) || md5(:g::text), 'api', '',
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
        "DROP TABLE IF EXISTS bench_case_raw; DROP SEQUENCE IF EXISTS bench_case_raw_seq; "
        "CREATE TABLE bench_case_raw (LIKE appeals_case INCLUDING ALL); CREATE SEQUENCE bench_case_raw_seq",
    )  # numbers from a sequence (random ones collided at ~6,000 inserts/s), as intake takes a counter
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
    psql(args, "DROP TABLE bench_case_raw; DROP SEQUENCE bench_case_raw_seq")
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
