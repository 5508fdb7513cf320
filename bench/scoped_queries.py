"""Benchmark: area-scoped subtree queries on the city-scale demo data.

    python bench/scoped_queries.py                 # SQLite file from bench/demo_city.py (built if missing)
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shequ python bench/scoped_queries.py
                                                   # SQLite, then PostgreSQL database shequ_bench

Measures ``shequ.core.access.scope`` on areas (the demo's street, district and city
accounts) and the bare ``Area.objects.filter(path__startswith=...)``, plus a scoped join
(posts whose area lies in the subtree). Median and 95th percentile of repeated runs, in ms.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import DEFAULT_DIR, DEFAULT_SQLITE, bench_postgres_url, machine, setup_django, sqlite_url


def timed(fn: Callable[[], int], repeat: int) -> dict[str, Any]:
    rows = fn()  # warm-up (and the row count)
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t) * 1000)
    samples.sort()
    return {
        "rows": rows,
        "median_ms": round(statistics.median(samples), 3),
        "p95_ms": round(samples[max(0, int(len(samples) * 0.95) - 1)], 3),
    }


def counter(qs: Any) -> Callable[[], int]:
    return lambda: int(qs.count())


def fetcher(qs: Any) -> Callable[[], int]:
    return lambda: len(list(qs.all()))


def plan(qs: Any) -> str:
    text = qs.explain()
    return " / ".join(line.strip() for line in str(text).splitlines()[:3])


def child(database_url: str, repeat: int) -> dict[str, Any]:
    setup_django(database_url, DEFAULT_DIR / "var")
    from django.db import connection

    from shequ.accounts.models import Post, User
    from shequ.core.access import scope, subtree_q
    from shequ.core.models import Area
    from shequ.demo.builder import demo_state

    state = demo_state()
    if not state or state.get("scale") != "city":
        raise SystemExit("the database does not hold the city-scale demo; run bench/demo_city.py first")
    cases: dict[str, dict[str, Any]] = {}
    for username in ("jiedao", "quji", "shiji"):
        user = User.objects.get(username=username)
        area = user.active_posts()[0].area
        assert area is not None
        areas_qs = scope(Area.objects.all(), user, field="")
        bare_qs = Area.objects.filter(path__startswith=area.path)
        range_qs = Area.objects.filter(subtree_q(area.path))
        grids_qs = scope(Area.objects.filter(level="grid"), user, field="")
        posts_qs = scope(Post.objects.all(), user, field="area")
        label = f"{area.get_level_display()} {area.name}"
        cases[label] = {
            "subtree_count (bare path__startswith)": timed(counter(bare_qs), repeat),
            "subtree_count (subtree_q, as scope uses it)": timed(counter(range_qs), repeat),
            "scope(areas) fetch all rows": timed(fetcher(areas_qs), repeat),
            "scope(areas) grids only, count": timed(counter(grids_qs), repeat),
            "scope(posts, field=area) count": timed(counter(posts_qs), repeat),
            "plan": plan(areas_qs),
        }
    return {
        "vendor": connection.vendor,
        "areas": Area.objects.count(),
        "posts": Post.objects.count(),
        "repeat": repeat,
        "cases": cases,
    }


def ensure_built(target: str, sqlite_path: Path) -> None:
    """Build the city-scale data with bench/demo_city.py (``target``: sqlite or postgres)."""
    here = Path(__file__).resolve().parent
    cmd = [sys.executable, str(here / "demo_city.py"), "--targets", target, "--sqlite", str(sqlite_path)]
    subprocess.run(cmd, check=True)


def run_child(database_url: str, repeat: int) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", "--database-url", database_url, "--repeat", str(repeat)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"queries failed for {database_url}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sqlite", type=Path, default=DEFAULT_SQLITE)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--json", type=Path)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.database_url, args.repeat), ensure_ascii=False))
        return

    if not args.sqlite.exists():
        ensure_built("sqlite", args.sqlite)
    results = [run_child(sqlite_url(args.sqlite), args.repeat)]
    pg = os.environ.get("DATABASE_URL", "")
    if pg.startswith(("postgres://", "postgresql://")):
        target = bench_postgres_url(pg)
        probe = subprocess.run(
            [sys.executable, __file__, "--child", "--database-url", target, "--repeat", "1"],
            capture_output=True,
            text=True,
            check=False,
        )
        if probe.returncode != 0:
            ensure_built("postgres", args.sqlite)
        results.append(run_child(target, args.repeat))
    info = machine()
    print(f"machine: {info['cpus']} CPUs, {info['memory']} RAM, Python {info['python']}")
    for r in results:
        print(f"\n{r['vendor']}: {r['areas']} areas, {r['posts']} posts, {r['repeat']} runs each")
        print("| subtree | query | rows | median ms | p95 ms |")
        print("|---|---|---|---|---|")
        for label, case in r["cases"].items():
            for name, m in case.items():
                if name != "plan":
                    print(f"| {label} | {name} | {m['rows']} | {m['median_ms']} | {m['p95_ms']} |")
        for label, case in r["cases"].items():
            print(f"plan ({label}): {case['plan']}")
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "results": results}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
