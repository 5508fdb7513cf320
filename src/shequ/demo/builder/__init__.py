"""The demo city: 南京市 with its real districts and streets, generated communities, grids and people.

Deterministic: a fixed seed drives every choice, and dates are relative to today.  The
city, districts, 江北新区 and the streets go through :func:`shequ.core.areas.area_create`
(via the shared factories); communities, villages and grids are written with
``bulk_create`` (one audit entry per batch), so that the city scale builds in seconds.
Every area gets approximate WGS-84 boundaries (``geometry``: districts around a rough
centre, streets, committees and grids tiling their parent), and every grid gets registry
content (``people``: buildings with rooms, households, people with tags), also in bulk.
Registry rows have no ``is_demo`` column: they are demo rows because their grid is one.
"""

from .accounts import (
    ACCOUNT_SPECS,
    RESIDENT_PHONE,
    DemoAccount,
    demo_accounts,
    format_accounts,
    print_accounts,
)
from .city import BuildResult, build_demo_city
from .guard import DemoRefused, check_database_is_demo, demo_state, wipe_demo_data
from .plan import FLAG_KEY, SCALES, SEED

__all__ = [
    "ACCOUNT_SPECS",
    "FLAG_KEY",
    "RESIDENT_PHONE",
    "SCALES",
    "SEED",
    "BuildResult",
    "DemoAccount",
    "DemoRefused",
    "build_demo_city",
    "check_database_is_demo",
    "demo_accounts",
    "demo_state",
    "format_accounts",
    "print_accounts",
    "wipe_demo_data",
]
