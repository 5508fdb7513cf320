"""Publishing a new version of a catalogue item: the old one ends the day before the new one starts."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shequ.core.audit import record

from ..eligibility import validate_rule
from ..models import Channel, ItemMaterial, ItemVersion, Material, ServiceItem

#: Who may change the catalogue: it is policy data, like the rules.
MANAGE_PERMISSION = "core.manage_rules"


@transaction.atomic
def item_version_publish(
    *,
    actor: Any,
    item: ServiceItem,
    effective_from: date,
    changes: dict[str, Any],
    materials: list[tuple[str, bool, bool]] | None = None,
) -> ItemVersion:
    """A new version from ``effective_from`` with ``changes`` over the latest one (materials as given)."""
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm(MANAGE_PERMISSION):
        raise PermissionDenied(_("您没有维护服务事项目录的权限。"))
    latest = ItemVersion.objects.select_for_update().filter(item=item).order_by("-version").first()
    if latest is None:
        raise ValidationError({"item": _("该事项还没有版本。")})
    if effective_from <= latest.effective_from:
        raise ValidationError({"effective_from": _("新版本的生效日期须晚于当前版本的生效日期。")})
    allowed = {
        "description",
        "eligibility",
        "eligibility_text",
        "steps",
        "legal_basis",
        "time_limit_days",
        "fee_fen",
        "responsible_unit",
        "location",
        "hours",
        "channel",
        "commitment_allowed",
        "commitment_check_days",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise ValidationError({"changes": _("不能修改：%(names)s。") % {"names": "、".join(sorted(unknown))}})
    errors: dict[str, str] = {}
    if "eligibility" in changes and validate_rule(changes["eligibility"]):
        errors["eligibility"] = "".join(validate_rule(changes["eligibility"]))
    if "channel" in changes and changes["channel"] not in Channel.values:
        errors["channel"] = _("请选择有效的办理渠道。")
    if "time_limit_days" in changes and not (
        isinstance(changes["time_limit_days"], int) and changes["time_limit_days"] > 0
    ):
        errors["time_limit_days"] = _("承诺时限须为正整数（工作日）。")
    codes = {code for code, _r, _c in materials or []}
    known = {m.code: m for m in Material.objects.filter(code__in=codes)}
    if codes - set(known):
        errors["materials"] = _("未知的材料：%(codes)s。") % {"codes": "、".join(sorted(codes - set(known)))}
    if errors:
        raise ValidationError(errors)
    if latest.effective_to is None or latest.effective_to >= effective_from:
        latest.effective_to = effective_from - timedelta(days=1)
        latest.save(update_fields=["effective_to", "updated_at"])
    fields = {name: getattr(latest, name) for name in allowed} | changes
    version = ItemVersion.objects.create(
        item=item, version=latest.version + 1, effective_from=effective_from, **fields
    )
    if materials is None:
        links = [(link.material, link.required, link.commitment_ok) for link in latest.item_materials.all()]
    else:
        links = [(known[code], required, commitment_ok) for code, required, commitment_ok in materials]
    ItemMaterial.objects.bulk_create(
        ItemMaterial(version=version, material=mat, required=required, commitment_ok=ok, order=i)
        for i, (mat, required, ok) in enumerate(links)
    )
    record(
        actor=actor,
        action="onewindow.item.publish",
        obj=version,
        changes={"item": item.code, "version": version.version, "effective_from": effective_from, **changes},
    )
    return version


@transaction.atomic
def item_withdraw(*, actor: Any, item: ServiceItem, last_day: date) -> ItemVersion:
    """The item stops taking applications after ``last_day`` (applications already made go on)."""
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm(MANAGE_PERMISSION):
        raise PermissionDenied(_("您没有维护服务事项目录的权限。"))
    latest = ItemVersion.objects.select_for_update().filter(item=item).order_by("-version").first()
    if latest is None or last_day < latest.effective_from:
        raise ValidationError({"last_day": _("停止日期不能早于当前版本的生效日期。")})
    latest.effective_to = last_day
    latest.save(update_fields=["effective_to", "updated_at"])
    record(actor=actor, action="onewindow.item.withdraw", obj=latest, changes={"effective_to": last_day})
    return latest
