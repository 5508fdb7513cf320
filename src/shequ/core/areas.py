"""Writes to the area tree: create, update, and the path bookkeeping every scoped query relies on.

Division adjustments (move, merge, split, abolish) live in :mod:`shequ.core.area_changes`.
"""

from __future__ import annotations

import json
import math
import re
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import record, snapshot
from .models import (
    LEVEL_RANK,
    Area,
    AreaChange,
    AreaChangeKind,
    AreaLevel,
    CommitteeType,
    HeavyLoadKind,
    UrbanRuralCode,
)

CODE_LENGTH = {
    AreaLevel.CITY: (4, 6),
    AreaLevel.DISTRICT: (6,),
    AreaLevel.STREET: (9,),
    AreaLevel.TOWN: (9,),
    AreaLevel.COMMUNITY: (12,),
    AreaLevel.VILLAGE: (12,),
    AreaLevel.GRID: (12,),
    AreaLevel.ZONE: (),
}

#: Levels a parent of each level may have.
PARENT_LEVELS = {
    AreaLevel.CITY: (),
    AreaLevel.DISTRICT: (AreaLevel.CITY,),
    AreaLevel.ZONE: (AreaLevel.CITY,),
    AreaLevel.STREET: (AreaLevel.DISTRICT, AreaLevel.ZONE),
    AreaLevel.TOWN: (AreaLevel.DISTRICT, AreaLevel.ZONE),
    AreaLevel.COMMUNITY: (AreaLevel.STREET, AreaLevel.TOWN),
    AreaLevel.VILLAGE: (AreaLevel.STREET, AreaLevel.TOWN),
    AreaLevel.GRID: (AreaLevel.COMMUNITY, AreaLevel.VILLAGE),
}

URBAN_RURAL_FOR_COMMITTEE = {
    CommitteeType.RESIDENTS: {"111", "112", "121", "122", "123", "210", "220"},
    CommitteeType.VILLAGERS: {"111", "112", "121", "122", "123", "210", "220"},
}


def code_prefix(code: str) -> str:
    """The part of a division code its children's codes start with: 320100 → 3201, 320000 → 32."""
    if len(code) == 6:
        while len(code) > 2 and code.endswith("00"):
            code = code[:-2]
    return code


def committee_type_from_code(code: str) -> str:
    """Last three digits of a 12-digit code: 001–199 居委会, 200–399 村委会."""
    tail = int(code[-3:])
    if 1 <= tail <= 199:
        return CommitteeType.RESIDENTS
    if 200 <= tail <= 399:
        return CommitteeType.VILLAGERS
    raise ValidationError({"code": _("区划代码后三位应为001–199（居委会）或200–399（村委会）。")})


def validate_area_fields(
    *,
    name: str,
    level: str,
    parent: Area | None,
    code: str | None,
    stat_parent: Area | None,
    urban_rural_code: str,
    heavy_load: str,
    exclude_pk: int | None = None,
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not name or not name.strip():
        errors["name"] = _("请填写名称。")
    elif len(name) > 100:
        errors["name"] = _("名称不能超过100个字符。")
    elif any(ord(ch) < 32 for ch in name):
        errors["name"] = _("名称不能包含控制字符。")
    if level not in AreaLevel.values:
        errors["level"] = _("未知的区域层级。")
        return errors
    allowed_parents = PARENT_LEVELS[AreaLevel(level)]
    if parent is None and allowed_parents:
        errors["parent"] = _("请选择上级区域。")
    elif parent is not None and parent.level not in allowed_parents:
        errors["parent"] = _("“%(parent)s”不能作为%(level)s的上级。") % {
            "parent": parent.name,
            "level": AreaLevel(level).label,
        }
    if parent is not None and parent.valid_to is not None:
        errors["parent"] = _("上级区域已撤销，不能在其下设立区域。")
    if code:
        if not re.fullmatch(r"[0-9]+", code):
            errors["code"] = _("区划代码只能是数字。")
        elif CODE_LENGTH[AreaLevel(level)] and len(code) not in CODE_LENGTH[AreaLevel(level)]:
            errors["code"] = _("%(level)s的区划代码应为%(n)s位。") % {
                "level": AreaLevel(level).label,
                "n": "/".join(str(n) for n in CODE_LENGTH[AreaLevel(level)]),
            }
        elif level == AreaLevel.ZONE:
            errors["code"] = _("功能区没有统计用区划代码。")
        else:
            statistical = stat_parent or parent
            if (
                statistical is not None
                and statistical.code
                and not code.startswith(code_prefix(statistical.code))
            ):
                errors["code"] = _("区划代码应以统计上级的代码%(code)s开头。") % {"code": statistical.code}
            elif level in (AreaLevel.COMMUNITY, AreaLevel.VILLAGE):
                try:
                    ctype = committee_type_from_code(code)
                except ValidationError as exc:
                    errors["code"] = exc.message_dict["code"][0]
                else:
                    expected = AreaLevel.COMMUNITY if ctype == CommitteeType.RESIDENTS else AreaLevel.VILLAGE
                    if level != expected:
                        errors["code"] = _("代码后三位表明这是%(kind)s，与所选层级不符。") % {
                            "kind": CommitteeType(ctype).label
                        }
            if "code" not in errors:
                clash = Area.objects.filter(code=code, valid_to__isnull=True)
                if exclude_pk:
                    clash = clash.exclude(pk=exclude_pk)
                if clash.exists():
                    errors["code"] = _("区划代码%(code)s已被现有区域使用。") % {"code": code}
    elif level in (AreaLevel.DISTRICT, AreaLevel.STREET, AreaLevel.TOWN):
        errors["code"] = _("请填写区划代码。")
    if urban_rural_code and urban_rural_code not in UrbanRuralCode.values:
        errors["urban_rural_code"] = _("城乡分类代码应为111、112、121、122、123、210或220。")
    if heavy_load not in HeavyLoadKind.values:
        errors["heavy_load"] = _("未知的重负荷类型。")
    if (
        stat_parent is not None
        and parent is not None
        and stat_parent.level not in PARENT_LEVELS[AreaLevel(level)]
    ):
        errors["stat_parent"] = _("统计上级的层级不正确。")
    return errors


def validate_boundary(value: Any) -> str | None:
    """An error message when ``value`` is not a valid GeoJSON Polygon or MultiPolygon in WGS-84."""
    if value is None:
        return None
    if not isinstance(value, dict) or value.get("type") not in ("Polygon", "MultiPolygon"):
        return _("边界应为GeoJSON的Polygon或MultiPolygon。")
    from shapely.geometry import shape

    try:
        geometry = shape(value)
    except Exception:  # shapely raises several kinds for malformed coordinates
        return _("边界坐标格式不正确。")
    if not all(math.isfinite(v) for v in geometry.bounds) or geometry.is_empty:
        return _("边界不能为空。")
    min_x, min_y, max_x, max_y = geometry.bounds
    if min_x < -180 or max_x > 180 or min_y < -90 or max_y > 90:
        return _("边界坐标超出经纬度范围（经度−180至180，纬度−90至90）。")
    if not geometry.is_valid:
        from shapely.validation import explain_validity

        return _("边界多边形无效：%(reason)s") % {"reason": explain_validity(geometry)}
    return None


def normalize_boundary(value: Any) -> dict[str, Any] | None:
    """A validated boundary as plain GeoJSON (type and numeric coordinates only)."""
    if value is None:
        return None
    from shapely.geometry import mapping, shape

    return json.loads(json.dumps(mapping(shape(value))))


def _check_on_map(
    area: Area, boundary: dict[str, Any] | None, errors: dict[str, Any]
) -> dict[str, Any] | None:
    """Size, inside the parent, no overlap with siblings (:mod:`shequ.core.geo.boundaries`).

    Adds the messages to ``errors["boundary"]`` and returns the overlap GeoJSON, if any.
    """
    if boundary is None:
        return None
    from .geo.boundaries import BoundaryError, check_area_boundary
    from .geo.shapes import to_shape

    geometry = to_shape(boundary)
    if geometry is None:
        return None
    try:
        check_area_boundary(area, geometry)
    except BoundaryError as exc:
        errors["boundary"] = exc.message_dict["boundary"]
        return exc.overlap
    return None


def set_path(area: Area) -> None:
    """Compute ``path`` and ``depth`` from the managing parent (the area must have a pk)."""
    if area.parent_id is None:
        area.path = f"/{area.pk}/"
        area.depth = 0
    else:
        parent = area.parent
        assert parent is not None
        area.path = f"{parent.path}{area.pk}/"
        area.depth = parent.depth + 1


@transaction.atomic
def area_create(
    *,
    actor: Any,
    name: str,
    level: str,
    parent: Area | None,
    code: str | None = None,
    stat_parent: Area | None = None,
    urban_rural_code: str = "",
    heavy_load: str = "",
    rural_override: bool | None = None,
    boundary: dict[str, Any] | None = None,
    valid_from: date | None = None,
    is_demo: bool = False,
    audit: bool = True,
    document: str = "",
) -> Area:
    code = (code or "").strip() or None
    errors = validate_area_fields(
        name=name,
        level=level,
        parent=parent,
        code=code,
        stat_parent=stat_parent,
        urban_rural_code=urban_rural_code,
        heavy_load=heavy_load,
    )
    boundary_error = validate_boundary(boundary)
    if boundary_error:
        errors["boundary"] = boundary_error
    if errors:
        raise ValidationError(errors)
    committee = ""
    if level in (AreaLevel.COMMUNITY, AreaLevel.VILLAGE):
        committee = (
            committee_type_from_code(code)
            if code
            else (CommitteeType.RESIDENTS if level == AreaLevel.COMMUNITY else CommitteeType.VILLAGERS)
        )
    area = Area(
        name=name.strip(),
        level=level,
        parent=parent,
        code=code,
        stat_parent=stat_parent if stat_parent is not None and stat_parent != parent else None,
        committee_type=committee,
        urban_rural_code=urban_rural_code,
        heavy_load=heavy_load,
        rural_override=rural_override,
        boundary=normalize_boundary(boundary),
        valid_from=valid_from or date(2000, 1, 1),
        is_demo=is_demo,
    )
    area.save()
    set_path(area)
    area.save(update_fields=["path", "depth"])
    if audit:
        change = AreaChange.objects.create(
            kind=AreaChangeKind.CREATE,
            effective_on=area.valid_from,
            document=document[:200],
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
            details={"name": area.name, "parent_id": area.parent_id},
        )
        change.results.set([area])
        record(
            actor=actor,
            action="area.create",
            obj=area,
            area=area,
            changes=snapshot(area, ["name", "level", "code", "parent_id", "stat_parent_id"]),
        )
    return area


UPDATABLE = ("name", "urban_rural_code", "heavy_load", "rural_override", "boundary")


@transaction.atomic
def area_update(
    *,
    actor: Any,
    area: Area,
    reason: str = "",
    effective_on: date | None = None,
    document: str = "",
    **changes: Any,
) -> Area:
    """Change an area's own attributes; a new name is also recorded as a rename (更名) in its history."""
    unknown = set(changes) - set(UPDATABLE)
    if unknown:
        raise ValidationError({k: _("该字段不能在此修改。") for k in unknown})
    area = Area.objects.select_for_update().get(pk=area.pk)
    if area.valid_to is not None:
        raise ValidationError({"name": _("该区域已撤销，不能修改。")})
    for text_field in ("name", "urban_rural_code", "heavy_load"):
        if text_field in changes:
            changes[text_field] = (changes[text_field] or "").strip()
    before = snapshot(area, changes.keys())
    merged = {f: changes.get(f, getattr(area, f)) for f in ("name", "urban_rural_code", "heavy_load")}
    errors = validate_area_fields(
        name=merged["name"],
        level=area.level,
        parent=area.parent,
        code=None,
        stat_parent=area.stat_parent,
        urban_rural_code=merged["urban_rural_code"],
        heavy_load=merged["heavy_load"],
        exclude_pk=area.pk,
    )
    errors.pop("code", None)
    errors.pop("parent", None)
    if "boundary" in changes:
        boundary_error = validate_boundary(changes["boundary"])
        if boundary_error:
            errors["boundary"] = boundary_error
    if "boundary" in changes and "boundary" not in errors:
        changes["boundary"] = normalize_boundary(changes["boundary"])
    overlap = None
    if "boundary" in changes and "boundary" not in errors and changes["boundary"] != area.boundary:
        overlap = _check_on_map(area, changes["boundary"], errors)
    if "rural_override" in changes and changes["rural_override"] not in (None, True, False):
        errors["rural_override"] = _("请选择是、否或按自治组织类型判断。")
    on = effective_on or timezone.localdate()
    renamed = "name" in changes and changes["name"] != area.name
    if renamed and on < area.valid_from:
        errors["effective_on"] = _("生效日期不能早于该区域的设立日期%(date)s。") % {"date": area.valid_from}
    if errors:
        if overlap is not None:
            from .geo.boundaries import BoundaryError

            raise BoundaryError(errors, overlap)
        raise ValidationError(errors)
    changed = {k: v for k, v in changes.items() if getattr(area, k) != v}
    for key, value in changed.items():
        setattr(area, key, value)
    if changed:
        area.save(update_fields=[*changed.keys(), "updated_at"])
    if renamed:
        change = AreaChange.objects.create(
            kind=AreaChangeKind.RENAME,
            effective_on=on,
            document=document[:200],
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
            details={"from": before["name"], "to": area.name},
        )
        change.sources.set([area])
        change.results.set([area])
    record(
        actor=actor,
        action="area.rename" if set(changed) == {"name"} else "area.update",
        obj=area,
        area=area,
        changes={k: [before[k], snapshot(area, [k])[k]] for k in changed},
        reason=reason,
    )
    return area


def level_rank(level: str) -> int:
    return LEVEL_RANK[level]


def today() -> date:
    return timezone.localdate()
