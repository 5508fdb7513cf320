"""Administrative-division adjustments (区划调整): move, merge, split, rename, abolish.

Each function is one adjustment: it checks that the actor may manage areas and covers
(for writing) every area involved, validates everything before it writes, and writes one
:class:`~shequ.core.models.AreaChange` and one audit entry inside a transaction.

Records keep pointing at the right area because scoping is a prefix test on
``Area.path``: a merged community is closed and moved *under* the community it merged
into, so its grids, and every row whose foreign key points at it or at them, fall inside
the target's subtree; the target's staff see them, a sibling's staff still do not.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.fields import CharField
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from .access import require_area, subtree_q
from .areas import PARENT_LEVELS, area_create, validate_area_fields, validate_boundary
from .audit import record
from .models import LEVEL_RANK, Area, AreaChange, AreaChangeKind, AreaLevel

MANAGE_AREAS = "core.manage_areas"


# --------------------------------------------------------------------------- helpers


def authorize_area_write(actor: Any, *areas: Area | None) -> list[Area]:
    """The areas, re-read for writing, if the actor may manage areas and covers each of them.

    No permission → ``PermissionDenied`` (403); an area outside the actor's writable scope
    → ``Http404``, so that an id from another area reveals nothing.
    """
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.has_perm(MANAGE_AREAS):
        raise PermissionDenied(_("您没有调整区划的权限。"))
    return [require_area(actor, a.pk, write=True) for a in areas if a is not None]


def _recorded_by(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _reparent(area: Area, new_parent: Area) -> None:
    """Put ``area`` under ``new_parent``; its whole subtree's paths change in one UPDATE."""
    old_prefix = area.path
    new_prefix = f"{new_parent.path}{area.pk}/"
    delta = new_parent.depth + 1 - area.depth
    Area.objects.filter(subtree_q(old_prefix)).update(
        path=Concat(Value(new_prefix), Substr("path", len(old_prefix) + 1), output_field=CharField()),
        depth=F("depth") + delta,
    )
    Area.objects.filter(pk=area.pk).update(parent=new_parent)
    area.refresh_from_db(fields=["path", "depth", "parent"])


def _check_effective(errors: dict[str, str], on: Any, areas: Iterable[Area], *, closing: bool) -> None:
    if not isinstance(on, date):
        errors["effective_on"] = _("请填写生效日期。")
        return
    for area in areas:
        if closing and on <= area.valid_from:
            errors["effective_on"] = _("生效日期应晚于%(name)s的设立日期%(date)s。") % {
                "name": area.name,
                "date": area.valid_from.isoformat(),
            }
            return
        if not closing and on < area.valid_from:
            errors["effective_on"] = _("生效日期不能早于%(name)s的设立日期%(date)s。") % {
                "name": area.name,
                "date": area.valid_from.isoformat(),
            }
            return


def _new_change(
    *,
    kind: str,
    actor: Any,
    effective_on: date,
    document: str,
    sources: Sequence[Area],
    results: Sequence[Area],
    details: dict[str, Any],
) -> AreaChange:
    change = AreaChange.objects.create(
        kind=kind,
        effective_on=effective_on,
        document=(document or "").strip()[:200],
        recorded_by=_recorded_by(actor),
        details=details,
    )
    change.sources.set(sources)
    change.results.set(results)
    return change


def _check_document(errors: dict[str, str], document: str) -> None:
    if len(document or "") > 200:
        errors["document"] = _("批准文件不能超过200个字符。")


# --------------------------------------------------------------------------- move


@transaction.atomic
def area_move(
    *,
    actor: Any,
    area: Area,
    new_parent: Area,
    effective_on: date,
    document: str = "",
    stat_parent: Area | None = None,
) -> AreaChange:
    """Re-parent an area (e.g. a street moved to another district or under 江北新区).

    The statistical parent stays what it was unless ``stat_parent`` is given: a street
    coded under 浦口区 that 江北新区 now manages keeps 浦口区 as its statistical parent.
    """
    area, new_parent = authorize_area_write(actor, area, new_parent)
    area = Area.objects.select_for_update().get(pk=area.pk)
    errors: dict[str, str] = {}
    if area.valid_to is not None:
        errors["area"] = _("该区域已撤销，不能调整隶属。")
    if new_parent.valid_to is not None:
        errors["new_parent"] = _("新的上级区域已撤销。")
    elif new_parent.pk == area.parent_id:
        errors["new_parent"] = _("新的上级区域与现在相同。")
    elif new_parent.path.startswith(area.path):
        errors["new_parent"] = _("不能把区域调整到它自己或它的下级之下。")
    elif new_parent.level not in PARENT_LEVELS[AreaLevel(area.level)]:
        errors["new_parent"] = _("“%(parent)s”不能作为%(level)s的上级。") % {
            "parent": new_parent.name,
            "level": AreaLevel(area.level).label,
        }
    if stat_parent is not None and stat_parent.level not in PARENT_LEVELS[AreaLevel(area.level)]:
        errors["stat_parent"] = _("统计上级的层级不正确。")
    _check_effective(errors, effective_on, [area, new_parent], closing=False)
    _check_document(errors, document)
    if errors:
        raise ValidationError(errors)

    old_parent = area.parent
    old_stat = area.stat_parent or old_parent
    new_stat = stat_parent or old_stat
    _reparent(area, new_parent)
    area.stat_parent = None if new_stat is None or new_stat.pk == new_parent.pk else new_stat
    area.save(update_fields=["stat_parent", "updated_at"])
    change = _new_change(
        kind=AreaChangeKind.MOVE,
        actor=actor,
        effective_on=effective_on,
        document=document,
        sources=[area],
        results=[area],
        details={
            "from_parent": {"id": old_parent.pk, "name": old_parent.name} if old_parent else None,
            "to_parent": {"id": new_parent.pk, "name": new_parent.name},
            "stat_parent_id": area.stat_parent_id,
        },
    )
    record(
        actor=actor,
        action="area.move",
        obj=area,
        area=area,
        changes={
            "parent": [old_parent.pk if old_parent else None, new_parent.pk],
            "stat_parent": [old_stat.pk if old_stat else None, area.stat_parent_id or new_parent.pk],
            "effective_on": effective_on,
            "change_id": change.pk,
        },
        reason=document,
    )
    return change


# --------------------------------------------------------------------------- merge


@transaction.atomic
def area_merge(
    *,
    actor: Any,
    sources: Sequence[Area],
    target: Area,
    effective_on: date,
    document: str = "",
) -> AreaChange:
    """Merge ``sources`` into ``target`` (which may have just been created with ``area_create``).

    The sources close the day before ``effective_on`` with ``successor = target`` and move
    under the target, taking their whole subtree with them.
    """
    if not sources:
        raise ValidationError({"sources": _("请选择要合并的区域。")})
    areas = authorize_area_write(actor, target, *sources)
    target, sources = areas[0], areas[1:]
    errors: dict[str, str] = {}
    source_ids = [s.pk for s in sources]
    if len(set(source_ids)) != len(source_ids):
        errors["sources"] = _("被合并的区域有重复。")
    elif target.pk in source_ids:
        errors["sources"] = _("被合并的区域不能包括合并后的区域本身。")
    elif any(s.level != target.level for s in sources):
        errors["sources"] = _("只能合并同一层级的区域（合并后的区域是%(level)s）。") % {
            "level": target.get_level_display()
        }
    elif any(s.path.startswith(target.path) or target.path.startswith(s.path) for s in sources):
        errors["sources"] = _("被合并的区域不能是合并后区域的上级或下级。")
    else:
        parent_ranks = {LEVEL_RANK[a.parent.level] if a.parent else 0 for a in [target, *sources]}
        if len(parent_ranks) > 1:
            errors["sources"] = _("被合并的区域的上级应属同一层级。")
    closed = [s.name for s in sources if s.valid_to is not None]
    if closed:
        errors["sources"] = _("以下区域已撤销：%(names)s。") % {"names": "、".join(closed)}
    if target.valid_to is not None:
        errors["target"] = _("合并后的区域已撤销。")
    if isinstance(effective_on, date):
        _check_effective(errors, effective_on, sources, closing=True)
        if "effective_on" not in errors:
            _check_effective(errors, effective_on, [target], closing=False)
    else:
        errors["effective_on"] = _("请填写生效日期。")
    _check_document(errors, document)
    if errors:
        raise ValidationError(errors)

    closes_on = effective_on - timedelta(days=1)
    moved: list[dict[str, Any]] = []
    for source in sources:
        old_parent_id = source.parent_id
        stat = source.stat_parent_id or old_parent_id
        _reparent(source, target)
        Area.objects.filter(pk=source.pk).update(valid_to=closes_on, successor=target, stat_parent_id=stat)
        moved.append(
            {"id": source.pk, "name": source.name, "code": source.code, "from_parent_id": old_parent_id}
        )
    change = _new_change(
        kind=AreaChangeKind.MERGE,
        actor=actor,
        effective_on=effective_on,
        document=document,
        sources=sources,
        results=[target],
        details={"sources": moved, "target": {"id": target.pk, "name": target.name}},
    )
    record(
        actor=actor,
        action="area.merge",
        obj=target,
        area=target,
        changes={"sources": moved, "effective_on": effective_on, "change_id": change.pk},
        reason=document,
    )
    return change


# --------------------------------------------------------------------------- split


PART_FIELDS = ("name", "code", "urban_rural_code", "heavy_load", "rural_override", "boundary")


@transaction.atomic
def area_split(
    *,
    actor: Any,
    source: Area,
    parts: Sequence[dict[str, Any]],
    assignments: dict[Any, Any],
    effective_on: date,
    document: str = "",
) -> AreaChange:
    """Split ``source`` into new areas under the same parent.

    ``parts`` are the new areas' fields (name, code, …); ``assignments`` maps every current
    child of the source (e.g. each grid) to the index of its part.  The source closes the
    day before ``effective_on``.
    """
    (source,) = authorize_area_write(actor, source)
    source = Area.objects.select_for_update().get(pk=source.pk)
    errors: dict[str, str] = {}
    if source.valid_to is not None:
        errors["source"] = _("该区域已撤销，不能拆分。")
    if source.parent is None:
        errors["source"] = _("最高一级区域不能拆分。")
    if len(parts) < 2:
        errors["parts"] = _("拆分后至少应有两个区域。")
    _check_effective(errors, effective_on, [source], closing=True)
    _check_document(errors, document)

    # the parts: each is validated as a new area under the source's parent; codes must differ
    part_errors: list[str] = []
    codes: dict[str, int] = {}
    for index, part in enumerate(parts):
        label = _("第%(n)s个新区域") % {"n": index + 1}
        if not isinstance(part, dict):
            part_errors.append(_("%(label)s的格式不正确。") % {"label": label})
            continue
        unknown = set(part) - set(PART_FIELDS)
        if unknown:
            part_errors.append(
                _("%(label)s含有不能设置的字段：%(fields)s。")
                % {"label": label, "fields": "、".join(sorted(unknown))}
            )
            continue
        code = (part.get("code") or "").strip() or None
        field_errors = validate_area_fields(
            name=part.get("name") or "",
            level=source.level,
            parent=source.parent,
            code=code,
            stat_parent=source.stat_parent,
            urban_rural_code=part.get("urban_rural_code") or "",
            heavy_load=part.get("heavy_load") or "",
            exclude_pk=source.pk,  # the source's code is freed by the split
        )
        boundary_error = validate_boundary(part.get("boundary"))
        if boundary_error:
            field_errors["boundary"] = boundary_error
        if code:
            if code in codes:
                field_errors["code"] = _("区划代码%(code)s与第%(n)s个新区域重复。") % {
                    "code": code,
                    "n": codes[code] + 1,
                }
            codes.setdefault(code, index)
        part_errors.extend(f"{label}：{message}" for message in field_errors.values())
    if part_errors:
        errors["parts"] = " ".join(part_errors)

    # the assignments: every current child to a valid part, nothing else
    children = {c.pk: c for c in source.children.filter(valid_to__isnull=True).order_by("path")}
    plan: dict[int, int] = {}
    bad: list[str] = []
    for raw_child, raw_index in (assignments or {}).items():
        try:
            child_id, index = int(raw_child), int(raw_index)
        except (TypeError, ValueError):
            bad.append(str(raw_child))
            continue
        if child_id not in children:
            bad.append(str(raw_child))
        elif not 0 <= index < len(parts):
            errors["assignments"] = _("%(name)s被分到了不存在的第%(n)s个新区域。") % {
                "name": children[child_id].name,
                "n": index + 1,
            }
        else:
            plan[child_id] = index
    if bad:
        errors["assignments"] = _("以下编号不是该区域的下级：%(ids)s。") % {"ids": "、".join(bad)}
    missing = [c.name for pk, c in children.items() if pk not in plan]
    if missing and "assignments" not in errors:
        errors["assignments"] = _("以下下级区域还没有分到新区域：%(names)s。") % {"names": "、".join(missing)}
    if errors:
        raise ValidationError(errors)

    closes_on = effective_on - timedelta(days=1)
    Area.objects.filter(pk=source.pk).update(valid_to=closes_on)
    created: list[Area] = []
    for part in parts:
        created.append(
            area_create(
                actor=actor,
                name=part["name"],
                level=source.level,
                parent=source.parent,
                code=part.get("code"),
                stat_parent=source.stat_parent,
                urban_rural_code=part.get("urban_rural_code") or "",
                heavy_load=part.get("heavy_load") or "",
                rural_override=part.get("rural_override"),
                boundary=part.get("boundary"),
                valid_from=effective_on,
                is_demo=source.is_demo,
                audit=False,
            )
        )
    for child_id, index in plan.items():
        _reparent(children[child_id], created[index])
    change = _new_change(
        kind=AreaChangeKind.SPLIT,
        actor=actor,
        effective_on=effective_on,
        document=document,
        sources=[source],
        results=created,
        details={
            "parts": [{"id": a.pk, "name": a.name, "code": a.code} for a in created],
            "assignments": {str(k): created[v].pk for k, v in plan.items()},
        },
    )
    record(
        actor=actor,
        action="area.split",
        obj=source,
        area=source.parent,
        changes={
            "parts": [{"id": a.pk, "name": a.name, "code": a.code} for a in created],
            "assignments": {str(k): created[v].pk for k, v in plan.items()},
            "effective_on": effective_on,
            "change_id": change.pk,
        },
        reason=document,
    )
    return change


# --------------------------------------------------------------------------- rename, abolish


@transaction.atomic
def area_rename(*, actor: Any, area: Area, name: str, effective_on: date, document: str = "") -> AreaChange:
    from .areas import area_update

    (area,) = authorize_area_write(actor, area)
    if (name or "").strip() == area.name:
        raise ValidationError({"name": _("新名称与现在相同。")})
    errors: dict[str, str] = {}
    _check_effective(errors, effective_on, [area], closing=False)
    _check_document(errors, document)
    if errors:
        raise ValidationError(errors)
    area_update(
        actor=actor, area=area, name=name, effective_on=effective_on, document=document, reason=document
    )
    change = AreaChange.objects.filter(kind=AreaChangeKind.RENAME, sources=area).order_by("-id").first()
    assert change is not None
    return change


@transaction.atomic
def area_abolish(*, actor: Any, area: Area, effective_on: date, document: str = "") -> AreaChange:
    """Close an area from ``effective_on``; refused while it still has current children."""
    (area,) = authorize_area_write(actor, area)
    area = Area.objects.select_for_update().get(pk=area.pk)
    errors: dict[str, str] = {}
    if area.valid_to is not None:
        errors["area"] = _("该区域已撤销。")
    else:
        children = list(area.children.filter(valid_to__isnull=True).values_list("name", flat=True)[:5])
        if children:
            errors["area"] = _("该区域还有下级区域（%(names)s），请先调整或撤销它们。") % {
                "names": "、".join(children)
            }
    _check_effective(errors, effective_on, [area], closing=True)
    _check_document(errors, document)
    if errors:
        raise ValidationError(errors)
    area.valid_to = effective_on - timedelta(days=1)
    area.save(update_fields=["valid_to", "updated_at"])
    change = _new_change(
        kind=AreaChangeKind.ABOLISH,
        actor=actor,
        effective_on=effective_on,
        document=document,
        sources=[area],
        results=[],
        details={"name": area.name, "code": area.code},
    )
    record(
        actor=actor,
        action="area.abolish",
        obj=area,
        area=area,
        changes={"valid_to": area.valid_to, "effective_on": effective_on, "change_id": change.pk},
        reason=document,
    )
    return change
