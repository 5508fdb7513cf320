"""Who changed what, when: a record's audit entries as rows a page or the API can show.

Sensitive tags appear only to those who may see them; everyone else does not see that
such a change happened at all.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shequ.core.models import AuditEntry
from shequ.core.pii import decrypt

from ..access import sees_sensitive_tags
from ..models import (
    Building,
    Courtyard,
    Household,
    Membership,
    NaturalVillage,
    Person,
    Place,
    Relation,
    Room,
    Tag,
)
from ..services.people import TAG_AUDIT_LABEL
from .elements import buildings_visible_to, courtyards_visible_to, places_visible_to, villages_visible_to
from .people import households_visible_to, persons_visible_to


@dataclass(frozen=True)
class HistoryRow:
    at: Any
    actor: str
    action: str
    action_label: str
    changes: list[tuple[str, str]]


ACTION_LABELS: dict[str, Any] = {
    "create": gettext_lazy("登记"),
    "update": gettext_lazy("修改"),
    "deceased": gettext_lazy("登记死亡"),
    "moved_out": gettext_lazy("登记迁出"),
    "tag_add": gettext_lazy("添加标签"),
    "tag_remove": gettext_lazy("解除标签"),
    "member_add": gettext_lazy("加入成员"),
    "member_end": gettext_lazy("移出成员"),
    "head": gettext_lazy("变更户主"),
    "rooms_generate": gettext_lazy("批量生成户室"),
}
#: Whole action names whose label differs from the verb's.
FULL_ACTION_LABELS: dict[str, Any] = {
    "registry.room.create": gettext_lazy("新增户室"),
    "registry.household.moved_out": gettext_lazy("整户迁出"),
}
FIELD_LABELS: dict[str, Any] = {
    "tag": gettext_lazy("标签"),
    "tag_name": gettext_lazy("标签"),
    "person": gettext_lazy("人员"),
    "households": gettext_lazy("涉及"),
    "members": gettext_lazy("涉及"),
    "relation": gettext_lazy("与户主关系"),
    "valid_from": gettext_lazy("起始日期"),
    "valid_to": gettext_lazy("终止日期"),
    "reason": gettext_lazy("原因"),
    "rooms_created": gettext_lazy("新增户室数"),
    "rooms_skipped": gettext_lazy("已有户室数"),
    "per_floor": gettext_lazy("每层户数"),
}
#: Keys kept in the audit entry for the record but not shown in the history.
HIDDEN_KEYS = frozenset({"room_ids"})
#: Relation and other choice values by key, where the model does not have the field itself.
CHOICES: dict[str, Any] = {"relation": Relation, "former_head_relation": Relation}
REASON_LABELS: dict[str, Any] = {
    "left": gettext_lazy("离开本户"),
    "moved_away": gettext_lazy("迁出本地"),
}


def _action_label(action: str) -> str:
    if action in FULL_ACTION_LABELS:
        return str(FULL_ACTION_LABELS[action])
    return str(ACTION_LABELS.get(action.rsplit(".", 1)[-1], action))


def _field(model: Any, name: str) -> Any:
    try:
        return model._meta.get_field(name)
    except Exception:
        return None


def _field_label(model: Any, name: str) -> str:
    if name in FIELD_LABELS:
        return str(FIELD_LABELS[name])
    found = _field(model, name)
    return str(found.verbose_name) if found is not None and hasattr(found, "verbose_name") else name


def _show(value: Any, labels: dict[str, Any] | None = None) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dict):
        if "sealed" in value:
            return str(value["sealed"]) or "—"
        if "repr" in value:
            return str(value["repr"])
    if isinstance(value, list):
        return "、".join(_show(v, labels) for v in value)
    if labels and isinstance(value, str) and value in labels:
        return str(labels[value])
    return str(value)


def _labels(name: str) -> dict[str, Any] | None:
    """Display labels for the values of keys that are not the model's own fields (relation, reason)."""
    if name in CHOICES:
        return dict(CHOICES[name].choices)
    if name == "reason":
        return REASON_LABELS
    return None


def _row(entry: AuditEntry, model: Any, *, sensitive_ok: bool, tags: dict[str, Tag]) -> HistoryRow | None:
    changes = dict(entry.changes or {})
    token = changes.pop("tag_token", None)
    if token is not None:
        # Every tag change carries only an encrypted tag code, ordinary or sensitive alike,
        # so the audit log does not tell which changes touched a special group.
        try:
            code = decrypt(token, label=TAG_AUDIT_LABEL)
        except Exception:
            return None
        tag = tags.get(code)
        if tag is None or (tag.sensitive and not sensitive_ok):
            return None
        changes["tag"] = tag.name
    entry_model = Room if entry.object_type == "registry.room" else model
    items: list[tuple[str, str]] = []
    for name, value in changes.items():
        if name in HIDDEN_KEYS:
            continue
        label = _field_label(entry_model, name)
        labels = _labels(name)
        is_pair = isinstance(value, list) and len(value) == 2
        if is_pair and (entry.action.endswith((".update", ".head")) or name == "residence_status"):
            items.append((label, f"{_show(value[0], labels)} → {_show(value[1], labels)}"))
        else:
            items.append((label, _show(value, labels)))
    return HistoryRow(
        at=entry.at,
        actor=entry.actor_label or _("系统"),
        action=entry.action,
        action_label=_action_label(entry.action),
        changes=items,
    )


HistoryObject = Person | Household | Building | Place | Courtyard | NaturalVillage


def history_of(obj: HistoryObject, actor: Any, *, limit: int = 100) -> list[HistoryRow]:
    """Who changed what, when, for an object the caller fetched through a scoped selector.

    The object is fetched again through the actor's scope, so an object out of reach has
    no history (404 at the caller).  A building's history includes its rooms' entries.
    """
    model = type(obj)
    scopers: dict[type[Any], Callable[[Any], QuerySet[Any]]] = {
        Person: persons_visible_to,
        Household: households_visible_to,
        Building: buildings_visible_to,
        Place: places_visible_to,
        Courtyard: courtyards_visible_to,
        NaturalVillage: villages_visible_to,
    }
    scoped = scopers[model](actor)
    if not scoped.filter(pk=obj.pk).exists():
        return []
    where = Q(object_type=model._meta.label_lower, object_id=str(obj.pk))
    if model is Building:
        room_ids = [str(pk) for pk in Room.objects.filter(building_id=obj.pk).values_list("pk", flat=True)]
        if room_ids:
            where |= Q(object_type=Room._meta.label_lower, object_id__in=room_ids)
    entries = AuditEntry.objects.filter(where).order_by("-at", "-id")[:limit]
    sensitive_ok = sees_sensitive_tags(actor)
    tags = {t.code: t for t in Tag.objects.all()}
    rows = [_row(e, model, sensitive_ok=sensitive_ok, tags=tags) for e in entries]
    return [r for r in rows if r is not None]


def membership_history(household: Household) -> list[Membership]:
    """Every membership the household ever had, current ones first (for the members section)."""
    return list(
        household.memberships.select_related("person").order_by(
            F("valid_to").desc(nulls_first=True), "valid_from", "id"
        )
    )
