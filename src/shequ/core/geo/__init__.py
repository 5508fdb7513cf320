"""Areas on the map: coordinate systems, boundary rules, coverage, point-in-grid.

- :mod:`.crs` — WGS-84 (stored), GCJ-02 and BD-09 (accepted, converted)
- :mod:`.shapes` — GeoJSON ↔ shapely, a local metric projection, areas in m²
- :mod:`.boundaries` — the rules a boundary must meet (size, inside the parent, no overlap)
- :mod:`.services` — ``grid_boundary_set``, ``community_coverage``, ``grid_boundaries_import``
- :mod:`.placement` — ``place_point`` / ``place_points`` over an STRtree of the grids
"""

from .boundaries import BoundaryError
from .crs import (
    bd09_to_gcj02,
    bd09_to_wgs84,
    from_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    to_wgs84,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)
from .placement import place_point, place_points
from .services import (
    Coverage,
    ImportResult,
    community_coverage,
    grid_boundaries_import,
    grid_boundary_set,
)

__all__ = [
    "BoundaryError",
    "Coverage",
    "ImportResult",
    "bd09_to_gcj02",
    "bd09_to_wgs84",
    "community_coverage",
    "from_wgs84",
    "gcj02_to_bd09",
    "gcj02_to_wgs84",
    "grid_boundaries_import",
    "grid_boundary_set",
    "place_point",
    "place_points",
    "to_wgs84",
    "wgs84_to_bd09",
    "wgs84_to_gcj02",
]
