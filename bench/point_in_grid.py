"""Point-in-grid: place 1,000,000 random points against ~12,000 grid polygons (bulk path).

The demo city has no boundaries yet, so the grids are generated in memory: a 110 × 110
tiling of Nanjing's main urban area (118.60–118.95 E, 31.90–32.20 N) into cells whose
edges are jittered, so that neighbours share irregular edges, as real grids do.
The timing covers ``GridIndex.query`` (``shapely.points`` + ``STRtree.query(...,
predicate="intersects")`` + the smallest-id pick), the same code ``place_points`` runs
after its one-query version check.  Building the tree is reported separately.

    .venv/bin/python bench/point_in_grid.py [--points 1000000] [--side 110] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import time
from pathlib import Path

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "src")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
os.environ.setdefault("SHEQU_VAR_DIR", str(Path(os.environ.get("TMPDIR", "/tmp")) / "shequ-bench"))

import django  # noqa: E402

django.setup()  # the placement module imports the Area model; no database is used

from shequ.core.geo.placement import NOT_PLACED, GridIndex  # noqa: E402

WEST, EAST, SOUTH, NORTH = 118.60, 118.95, 31.90, 32.20


def tiling(side: int, seed: int) -> list[dict]:
    """side × side quadrilaterals over the box, from a jittered lattice of corners."""
    rng = np.random.default_rng(seed)
    xs = np.linspace(WEST, EAST, side + 1)
    ys = np.linspace(SOUTH, NORTH, side + 1)
    gx, gy = np.meshgrid(xs, ys, indexing="ij")
    dx, dy = (EAST - WEST) / side, (NORTH - SOUTH) / side
    jitter_x = rng.uniform(-0.3, 0.3, gx.shape) * dx
    jitter_y = rng.uniform(-0.3, 0.3, gy.shape) * dy
    jitter_x[[0, -1], :] = 0
    jitter_y[:, [0, -1]] = 0
    gx, gy = gx + jitter_x, gy + jitter_y
    out = []
    for i in range(side):
        for j in range(side):
            ring = [
                [gx[i, j], gy[i, j]],
                [gx[i + 1, j], gy[i + 1, j]],
                [gx[i + 1, j + 1], gy[i + 1, j + 1]],
                [gx[i, j + 1], gy[i, j + 1]],
                [gx[i, j], gy[i, j]],
            ]
            out.append({"type": "Polygon", "coordinates": [[[float(a), float(b)] for a, b in ring]]})
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--side", type=int, default=110, help="grids per side (110 → 12,100 grids)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=20260522)
    args = parser.parse_args()

    polygons = tiling(args.side, args.seed)
    rows = [(pk, f"/1/{pk}/", geometry) for pk, geometry in enumerate(polygons, start=1)]
    started = time.perf_counter()
    index = GridIndex.build(("bench",), rows)
    build_s = time.perf_counter() - started

    rng = np.random.default_rng(args.seed + 1)
    # about 11 % of the points fall in a margin outside the tiling
    margin = 0.01
    lngs = rng.uniform(WEST - margin, EAST + margin, args.points)
    lats = rng.uniform(SOUTH - margin, NORTH + margin, args.points)

    timings = []
    for _ in range(args.repeat):
        cpu0, wall0 = time.process_time(), time.perf_counter()
        ids = index.query(lngs, lats)
        timings.append((time.perf_counter() - wall0, time.process_time() - cpu0))
    placed = int((ids != NOT_PLACED).sum())

    # correctness spot check against a plain shapely contains on 2,000 points
    sample = rng.choice(args.points, 2000, replace=False)
    geoms = [shapely.geometry.shape(p) for p in polygons]
    tree = shapely.STRtree(geoms)
    mismatches = 0
    for k in sample:
        pt = shapely.Point(lngs[k], lats[k])
        hits = sorted(int(i) + 1 for i in tree.query(pt, predicate="intersects"))
        expected = hits[0] if hits else NOT_PLACED
        mismatches += int(expected != ids[k])

    best_wall = min(t[0] for t in timings)
    print(
        f"grids: {len(polygons):,}   points: {args.points:,}   "
        f"placed: {placed:,} ({placed / args.points:.1%})"
    )
    print(f"index build: {build_s:.2f} s")
    for n, (wall, cpu) in enumerate(timings, 1):
        print(f"run {n}: {wall:.2f} s wall, {cpu:.2f} s CPU, {args.points / wall:,.0f} points/s")
    print(f"best: {args.points / best_wall:,.0f} points/s")
    print(f"spot check mismatches: {mismatches} of {len(sample)}")
    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    print(
        f"machine: {platform.platform()}, Python {platform.python_version()}, shapely {shapely.__version__}, "
        f"GEOS {shapely.geos_version_string}, numpy {np.__version__}, nproc {os.cpu_count()}, "
        f"load {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
    )


if __name__ == "__main__":
    main()
