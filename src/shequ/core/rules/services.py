"""Writing: add a version of a rule (validated, audited, never laxer than the parent
jurisdiction's effective value)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from ..access import can_write, scope_of
from ..audit import record
from ..models import Area, Rule
from ..rule_catalog import CATALOG, Direction, RuleKind, RuleSpec, takes_max
from .lookup import rule_value
from .values import RuleMissing, default_label

PERMISSION = "core.manage_rules"
FOUR_PLACES = Decimal("0.0001")
MAX_ABS = Decimal(10) ** 12


def _decimal(raw: Any) -> Decimal | None:
    if raw is None or raw == "":
        return None
    try:
        value = raw if isinstance(raw, Decimal) else Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        raise ValueError(raw) from None
    if not value.is_finite():
        raise ValueError(raw)
    return value


def _validate_value(
    spec: RuleSpec, value: Decimal, value_max: Decimal | None, errors: dict[str, str]
) -> None:
    for field, v in (("value", value), ("value_max", value_max)):
        if v is None or field in errors:
            continue
        if v < 0:
            errors[field] = _("数值不能为负数。")
        elif abs(v) >= MAX_ABS:
            errors[field] = _("数值过大。")
        elif v != v.quantize(FOUR_PLACES):
            errors[field] = _("最多保留4位小数。")
        elif spec.kind == RuleKind.RATIO and v > 1:
            errors[field] = _("比例应在0到1之间（如0.8表示80%）。")
        elif spec.kind in (RuleKind.MONEY_FEN, RuleKind.MINUTES) and v != v.to_integral_value():
            errors[field] = (
                _("金额以分为单位，应为整数。") if spec.kind == RuleKind.MONEY_FEN else _("分钟数应为整数。")
            )
        elif spec.kind == RuleKind.MINUTES and takes_max(spec) and v > 1440:
            errors[field] = _("时刻应在0—1440分钟之间（如510表示08:30）。")
    if takes_max(spec):
        if value_max is None and "value_max" not in errors:
            errors["value_max"] = _("该规则是一个区间，请填写上限值。")
        elif (
            value_max is not None
            and "value_max" not in errors
            and "value" not in errors
            and value_max < value
        ):
            errors["value_max"] = _("上限值不能小于下限值。")
    elif value_max is not None and "value_max" not in errors:
        errors["value_max"] = _("该规则不设上限值，请留空。")


def _laxer_error(
    spec: RuleSpec, area: Area, value: Decimal, value_max: Decimal | None, on: date
) -> tuple[str, str] | None:
    """A message when the value is laxer than the parent jurisdiction's effective value."""
    if spec.direction == Direction.NONE or area.parent_id is None:
        return None
    parent = area.parent
    try:
        upper = rule_value(spec.key, parent, on)
    except RuleMissing:
        return None
    if spec.direction == Direction.MIN:
        field, mine, theirs = "value", value, upper.value
        laxer = mine < theirs
    else:
        if value_max is not None and upper.value_max is not None:
            field, mine, theirs = "value_max", value_max, upper.value_max
        else:
            field, mine, theirs = "value", value, upper.value
        laxer = mine > theirs
    if not laxer:
        return None
    word = _("低于") if spec.direction == Direction.MIN else _("高于")
    return field, _(
        "不得比上级规定宽松：%(where)s现行为%(expected)s（第%(version)s版，%(source)s），"
        "本级只能设定同样或更严格的值，不能%(word)s该值。"
    ) % {
        "where": upper.jurisdiction,
        "expected": upper.display,
        "version": upper.version,
        "source": upper.source[:80],
        "word": word,
    }


def _create_version(
    *,
    actor: Any,
    key: str,
    area: Area | None,
    value: Any,
    value_max: Any,
    valid_from: date | None,
    valid_to: date | None,
    source: str,
    note: str,
    reason: str,
    supersede: bool,
    action: str = "rule.create",
) -> Rule:
    errors: dict[str, str] = {}
    spec = CATALOG.get(key or "")
    if spec is None:
        errors["key"] = _("未知的规则键“%(key)s”。") % {"key": key}
    try:
        value_d = _decimal(value)
        if value_d is None:
            errors["value"] = _("请填写数值。")
    except ValueError:
        value_d = None
        errors["value"] = _("请输入有效的数值。")
    try:
        max_d = _decimal(value_max)
    except ValueError:
        max_d = None
        errors["value_max"] = _("请输入有效的上限值。")
    if not isinstance(valid_from, date):
        errors["valid_from"] = _("请填写生效日期。")
    elif valid_to is not None and valid_to < valid_from:
        errors["valid_to"] = _("失效日期不能早于生效日期。")
    source = (source or "").strip()
    if not source:
        errors["source"] = _("请填写依据（文件名称及条款）。")
    if spec is not None and value_d is not None:
        _validate_value(spec, value_d, max_d, errors)
    if errors:
        raise ValidationError(errors)
    assert spec is not None
    assert value_d is not None
    assert isinstance(valid_from, date)

    laxer = _laxer_error(spec, area, value_d, max_d, valid_from) if area is not None else None
    if laxer is not None:
        raise ValidationError({laxer[0]: laxer[1]})

    same = Rule.objects.select_for_update().filter(key=key)
    same = same.filter(area__isnull=True) if area is None else same.filter(area=area)
    existing = list(same.order_by("valid_from"))
    to_close: Rule | None = None
    for old in existing:
        overlaps = (valid_to is None or old.valid_from <= valid_to) and (
            old.valid_to is None or old.valid_to >= valid_from
        )
        if not overlaps:
            continue
        if supersede and old.valid_to is None and old.valid_from < valid_from and to_close is None:
            to_close = old
            continue
        hint = ""
        if old.valid_to is None and old.valid_from < valid_from and not supersede:
            hint = _("如需替换现行版本，请选择“替换现行版本”。")
        raise ValidationError(
            {
                "valid_from": _("与第%(version)s版的有效期（%(start)s至%(end)s）重叠。%(hint)s")
                % {
                    "version": old.version,
                    "start": old.valid_from.isoformat(),
                    "end": old.valid_to.isoformat() if old.valid_to else _("长期"),
                    "hint": hint,
                }
            }
        )
    version = (same.aggregate(m=Max("version"))["m"] or 0) + 1
    changes: dict[str, Any] = {}
    if to_close is not None:
        closed_on = valid_from - timedelta(days=1)
        changes["superseded"] = {
            "id": to_close.pk,
            "version": to_close.version,
            "valid_to": [None, closed_on],
        }
        to_close.valid_to = closed_on
        to_close.save(update_fields=["valid_to"])
    rule = Rule.objects.create(
        key=key,
        area=area,
        value=value_d,
        value_max=max_d,
        unit=spec.unit,
        valid_from=valid_from,
        valid_to=valid_to,
        version=version,
        source=source,
        note=(note or "").strip(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    changes.update(
        key=key,
        area=area.name if area else default_label(),
        value=value_d,
        value_max=max_d,
        valid_from=valid_from,
        valid_to=valid_to,
        version=version,
        source=source,
    )
    record(
        actor=actor,
        action=action,
        obj=rule,
        area=area,
        changes=changes,
        reason=reason,
        object_repr=f"{key} v{version}",
    )
    return rule


@transaction.atomic
def rule_set(
    *,
    actor: Any,
    key: str,
    area: Area | None,
    value: Any,
    value_max: Any = None,
    valid_from: date,
    valid_to: date | None = None,
    source: str,
    note: str = "",
    reason: str = "",
    supersede: bool = False,
) -> Rule:
    """Add a version of ``key`` for ``area`` (empty: the platform default). One audit entry."""
    if actor is None or not actor.has_perm(PERMISSION):
        raise PermissionDenied(_("没有修改政策规则的权限。"))
    if area is None:
        if not scope_of(actor).everything:
            raise PermissionDenied(_("只有系统管理员可以修改全平台默认规则。"))
    elif not can_write(actor, area):
        raise PermissionDenied(_("不能修改该区域的规则。"))
    return _create_version(
        actor=actor,
        key=key,
        area=area,
        value=value,
        value_max=value_max,
        valid_from=valid_from,
        valid_to=valid_to,
        source=source,
        note=note,
        reason=reason,
        supersede=supersede,
    )
