"""Point-in-grid: which grid a point lies in, from an STRtree over the current grids' boundaries.

The tree is built lazily, once per process, and rebuilt when the boundaries change.  What
"changed" means is a cheap version read from the database before every use: the number of
current grids with a boundary and the latest ``updated_at`` among them (every boundary
write goes through ``area_update``, the GeoJSON import or a division change, and each of
them touches ``updated_at`` or the set of current grids).

A point on the edge shared by two grids (or any point in two overlapping grids) goes to
the grid with the smallest id, so the answer is the same every time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS
from django.db.models import Count, Max

from ..access import subtree_q
from ..models import Area, AreaLevel
from .crs import points_to_wgs84, to_wgs84
from .shapes import to_shape

NOT_PLACED = -1


@dataclass
class GridIndex:
    version: tuple[Any, ...]
    tree: shapely.STRtree
    ids: np.ndarray  # grid id of each tree item, ascending
    paths: list[str]

    @classmethod
    def build(cls, version: tuple[Any, ...], rows: Iterable[tuple[int, str, Any]]) -> GridIndex:
        ids: list[int] = []
        paths: list[str] = []
        geometries: list[Any] = []
        for pk, path, boundary in sorted(rows, key=lambda r: r[0]):
            geometry = to_shape(boundary)
            if geometry is None or not geometry.is_valid:
                continue
            ids.append(pk)
            paths.append(path)
            geometries.append(geometry)
        shapely.prepare(geometries)
        return cls(version, shapely.STRtree(geometries), np.asarray(ids, dtype=np.int64), paths)

    def query(self, lngs: np.ndarray, lats: np.ndarray, *, allowed: np.ndarray | None = None) -> np.ndarray:
        """For each point the id of its grid, or ``NOT_PLACED``; vectorised."""
        result = np.full(len(lngs), NOT_PLACED, dtype=np.int64)
        if len(self.ids) == 0 or len(lngs) == 0:
            return result
        points = shapely.points(lngs, lats)
        point_idx, tree_idx = self.tree.query(points, predicate="intersects")
        if allowed is not None:
            keep = allowed[tree_idx]
            point_idx, tree_idx = point_idx[keep], tree_idx[keep]
        if len(point_idx) == 0:
            return result
        # the smallest tree index (= the smallest grid id) for each point
        order = np.lexsort((tree_idx, point_idx))
        point_idx, tree_idx = point_idx[order], tree_idx[order]
        first = np.ones(len(point_idx), dtype=bool)
        first[1:] = point_idx[1:] != point_idx[:-1]
        result[point_idx[first]] = self.ids[tree_idx[first]]
        return result

    def allowed_under(self, path: str) -> np.ndarray:
        return np.fromiter((p.startswith(path) for p in self.paths), dtype=bool, count=len(self.paths))


_lock = threading.Lock()
_index: GridIndex | None = None
#: The grid and community rows placement hands out (see :func:`current_grid`).
_rows: _GridRows | None = None
AREA_ROW_SECONDS = 300
#: When this process last compared its index with the database (``time.monotonic()``).
_checked_at: float | None = None


def recheck_seconds() -> float:
    """How long a process trusts its index before asking the database again (one aggregate over
    every grid, several milliseconds at city scale). Boundary changes made through this
    process apply at once (:func:`mark_stale`); other processes see them within this time."""
    return float(getattr(settings, "SHEQU_GRID_INDEX_RECHECK_SECONDS", 5))


def _grids_with_boundary() -> Any:
    return Area.objects.current().filter(level=AreaLevel.GRID, boundary__isnull=False)


def boundaries_version() -> tuple[Any, ...]:
    """One aggregate query: changes whenever a current grid's boundary (or the set of grids) changes."""
    agg = _grids_with_boundary().aggregate(n=Count("pk"), latest=Max("updated_at"), top=Max("pk"))
    return (agg["n"], agg["latest"], agg["top"])


def grid_index() -> GridIndex:
    """The process's index, rebuilt first if the boundaries changed since it was built."""
    global _index, _checked_at
    now = time.monotonic()
    current = _index
    if current is not None and _checked_at is not None and now - _checked_at < recheck_seconds():
        return current
    version = boundaries_version()
    _checked_at = now
    if current is not None and current.version == version:
        return current
    with _lock:
        if _index is None or _index.version != version:
            rows = _grids_with_boundary().values_list("pk", "path", "boundary")
            _index = GridIndex.build(version, list(rows))
        return _index


def mark_stale() -> None:
    """Compare with the database on the next placement (after a boundary change in this process)."""
    global _checked_at, _rows
    _checked_at = None
    _rows = None


def reset_index() -> None:
    global _index
    with _lock:
        _index = None
        mark_stale()


def place_points(
    points: Sequence[Sequence[float]] | np.ndarray, crs: str = "wgs84", within: Area | None = None
) -> list[int | None]:
    """The grid id for each (lng, lat), or None; ``within`` limits the answer to that area's subtree."""
    if crs != "wgs84":
        points = points_to_wgs84(points, crs)
    array = np.asarray(points, dtype=float).reshape(-1, 2)
    index = grid_index()
    allowed = index.allowed_under(within.path) if within is not None else None
    ids = index.query(array[:, 0], array[:, 1], allowed=allowed)
    return [None if i == NOT_PLACED else int(i) for i in ids]


def place_point(lng: float, lat: float, crs: str = "wgs84", within: Area | None = None) -> Area | None:
    """The current grid the point lies in (on a shared edge: the smaller id), or None."""
    x, y = to_wgs84(float(lng), float(lat), crs)
    (grid_id,) = place_points([(x, y)], within=within)
    if grid_id is None:
        return None
    if within is not None:
        inside = Area.objects.select_related("parent").filter(subtree_q(within.path), pk=grid_id)
        return inside.order_by().first()
    return current_grid(grid_id)


@dataclass
class _GridRows:
    """Every current grid's row (and its community's), without boundaries, as read at ``at``."""

    at: float
    version: tuple[Any, ...]
    fields: list[str]
    grids: dict[int, tuple[Any, ...]]
    parents: dict[int, tuple[Any, ...]]


def _row_fields() -> list[str]:
    return [f.attname for f in Area._meta.concrete_fields if f.name != "boundary"]


def _grid_rows(version: tuple[Any, ...]) -> _GridRows:
    global _rows
    rows = _rows
    if rows is not None and rows.version == version and time.monotonic() - rows.at < AREA_ROW_SECONDS:
        return rows
    fields = _row_fields()
    grids = _grids_with_boundary().order_by()
    parents = Area.objects.filter(pk__in=grids.values("parent_id")).order_by()
    rows = _GridRows(
        time.monotonic(),
        version,
        fields,
        {row[0]: row for row in grids.values_list(*fields)},
        {row[0]: row for row in parents.values_list(*fields)},
    )
    _rows = rows
    return rows


def current_grid(grid_id: int) -> Area | None:
    """The current grid (one with a boundary) with this id, with its community, or None.

    Neither boundary is loaded, and each caller gets new instances.

    While the index is trusted (a recheck time above 0) the rows come from one read of every grid
    and community, kept until the index sees a new boundaries version (a grid renamed, moved or
    redrawn touches ``updated_at``), an area is saved in this process, or
    :data:`AREA_ROW_SECONDS` pass (a community renamed elsewhere).  Otherwise one query.
    """
    index = grid_index() if recheck_seconds() > 0 else None
    if index is None:
        found = list(
            _grids_with_boundary()
            .select_related("parent")
            .defer("boundary", "parent__boundary")
            .filter(pk=grid_id)
            .order_by()[:1]
        )  # one row by primary key: no ordering
        return found[0] if found else None
    rows = _grid_rows(index.version)
    row = rows.grids.get(grid_id)
    if row is None:
        return None
    area = Area.from_db(DEFAULT_DB_ALIAS, rows.fields, row)
    parent = rows.parents.get(area.parent_id) if area.parent_id is not None else None
    if parent is not None:
        area.parent = Area.from_db(DEFAULT_DB_ALIAS, rows.fields, parent)
    return area


def grids_at(lng: float, lat: float, crs: str = "wgs84") -> list[int]:
    """Every current grid whose boundary holds the point (edges included), smallest id first."""
    x, y = to_wgs84(float(lng), float(lat), crs)
    index = grid_index()
    if len(index.ids) == 0:
        return []
    hits = index.tree.query(shapely.points(x, y), predicate="intersects")
    return sorted(int(index.ids[i]) for i in hits)
