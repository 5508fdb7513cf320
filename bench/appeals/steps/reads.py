"""Reads under load (staff queue, API lists, resident pages, track look-up), EXPLAIN and a profile."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from .base import (
    READ_CONNECTIONS,
    ROOT,
    SEED,
    STAFF_USER,
    STATE,
    WORK,
    demo_resident,
    django,
    load_json,
    log,
    lua_str,
    manage,
    prod_env,
    psql,
    save_result,
    server,
    serving_workers,
    show,
    wrk,
)
from .intake import eval_texts, grid_points

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
