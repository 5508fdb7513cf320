"""Benchmark: build the demo city at city scale into a fresh database.

    python bench/demo_city.py                      # SQLite file in $TMPDIR/shequ-bench/
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/shequ python bench/demo_city.py
                                                   # SQLite, then PostgreSQL database shequ_bench

Each build runs in its own process, so peak memory (``resource.getrusage``) is the build's.
Reports wall time of migrate and of the build, rows per table, peak memory, database size.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    DEFAULT_DIR,
    DEFAULT_SQLITE,
    fresh_postgres,
    fresh_sqlite,
    machine,
    peak_rss_mib,
    setup_django,
)


def cpu_seconds() -> float:
    """CPU time of this process (user + system): less disturbed than wall time on a busy machine."""
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "?"


def child(database_url: str, scale: str, var_dir: Path) -> dict[str, Any]:
    setup_django(database_url, var_dir)
    from django.core.management import call_command
    from django.db import connection

    from shequ.accounts.models import Post, User
    from shequ.core.models import Area, AuditEntry, Organisation
    from shequ.demo.builder import build_demo_city

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    t1 = time.perf_counter()
    c1 = cpu_seconds()
    result = build_demo_city(scale=scale, people_per_grid=0)  # the tree only; people: bench/demo_people.py
    t2 = time.perf_counter()
    c2 = cpu_seconds()
    rows = {
        "areas": Area.objects.count(),
        "committees": Area.objects.filter(level__in=["community", "village"]).count(),
        "grids": Area.objects.filter(level="grid").count(),
        "organisations": Organisation.objects.count(),
        "users": User.objects.count(),
        "posts": Post.objects.count(),
        "audit_entries": AuditEntry.objects.count(),
    }
    size = None
    if connection.vendor == "sqlite":
        size = sum(
            Path(f"{connection.settings_dict['NAME']}{s}").stat().st_size
            for s in ("", "-wal")
            if Path(f"{connection.settings_dict['NAME']}{s}").exists()
        )
    else:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_database_size(current_database())")
            size = cursor.fetchone()[0]
    return {
        "vendor": connection.vendor,
        "scale": scale,
        "migrate_seconds": round(t1 - t0, 2),
        "build_seconds": round(t2 - t1, 2),
        "build_cpu_seconds": round(c2 - c1, 2),
        "load_average": load_average(),
        "rows": rows,
        "builder_counts": result.counts,
        "peak_rss_mib": round(peak_rss_mib(), 1),
        "database_mib": round(size / 2**20, 1) if size else None,
    }


def run_child(database_url: str, scale: str) -> dict[str, Any]:
    cmd = [sys.executable, __file__, "--child", "--database-url", database_url, "--scale", scale]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"build failed for {database_url}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", default="city", choices=["small", "city"])
    parser.add_argument("--sqlite", type=Path, default=DEFAULT_SQLITE, help="SQLite file to (re)create")
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--targets", default="sqlite,postgres", help="sqlite, postgres or both (postgres needs DATABASE_URL)"
    )
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.child:
        print(json.dumps(child(args.database_url, args.scale, DEFAULT_DIR / "var")))
        return

    targets = set(args.targets.split(","))
    results = []
    if "sqlite" in targets:
        results.append(run_child(fresh_sqlite(args.sqlite), args.scale))
    if "postgres" in targets and os.environ.get("DATABASE_URL", "").startswith(
        ("postgres://", "postgresql://")
    ):
        results.append(run_child(fresh_postgres(os.environ["DATABASE_URL"]), args.scale))
    info = machine()
    print(f"machine: {info['cpus']} CPUs, {info['memory']} RAM, Python {info['python']}, {info['system']}")
    print(
        "| database | migrate s | build s (wall) | build s (CPU) | areas | committees | grids | users ",
        end="",
    )
    print("| posts | peak RSS MiB | size MiB | load avg |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for r in results:
        rows = r["rows"]
        print(
            f"| {r['vendor']} | {r['migrate_seconds']} | {r['build_seconds']} | {r['build_cpu_seconds']} | "
            f"{rows['areas']} | {rows['committees']} | {rows['grids']} | {rows['users']} | {rows['posts']} | "
            f"{r['peak_rss_mib']} | {r['database_mib']} | {r['load_average']} |"
        )
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "results": results}, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
