"""Time the demo city build with its registry content: ``python bench/demo_people.py [--scale city]``.

Builds into a fresh SQLite file under ``$SHEQU_VAR_DIR`` (migrated first) and prints the
build time, the row counts, the database file size and the peak memory.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", default="city", choices=("small", "city"))
    parser.add_argument("--people-per-grid", type=int, default=None)
    args = parser.parse_args()
    var = Path(os.environ.get("SHEQU_VAR_DIR", "/tmp/shequ-bench-demo"))
    for name in ("shequ.sqlite3", "shequ.sqlite3-wal", "shequ.sqlite3-shm"):
        (var / name).unlink(missing_ok=True)
    env = {**os.environ, "SHEQU_VAR_DIR": str(var)}
    python = sys.executable
    subprocess.run([python, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    command = [python, "manage.py", "demo_city", "--scale", args.scale]
    if args.people_per_grid:
        command += ["--people-per-grid", str(args.people_per_grid)]
    started = time.monotonic()
    done = subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    elapsed = time.monotonic() - started
    print(done.stdout.splitlines()[0])
    size = sum(p.stat().st_size for p in var.glob("shequ.sqlite3*"))
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"wall {elapsed:.1f} s, database {size / 2**20:.0f} MiB, peak RSS {peak:.0f} MiB")


if __name__ == "__main__":
    main()
