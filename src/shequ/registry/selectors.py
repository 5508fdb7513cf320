"""Reads of the registry, always scoped to the acting user (area posts only, see :mod:`.access`).

Sensitive tags (special groups) leave here only for users with ``core.reveal_sensitive_pii``;
for everyone else they do not exist: not in tag lists, not in counts, not in history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shequ.core.access import get_or_404
from shequ.core.models import Area, AreaLevel, AuditEntry
from shequ.core.pii import PIIKind, decrypt, lookup_candidates, normalise

from .access import registry_q, sees_sensitive_tags
from .models import Building, Courtyard, Household, Membership, Person, PersonTag, Place, Room, Tag
from .services.people import TAG_AUDIT_LABEL

MAX_LIMIT = 200


def check_page(limit: int, offset: int) -> None:
    errors = {}
    if not 1 <= limit <= MAX_LIMIT:
        errors["limit"] = _("每页条数应在1到%(n)d之间。") % {"n": MAX_LIMIT}
    if not 0 <= offset <= 10**9:
        errors["offset"] = _("偏移量无效。")
    if errors:
        raise ValidationError(errors)


# --------------------------------------------------------------------------- grids


def grids_for(actor: Any, *, write: bool = False) -> QuerySet[Area]:
    """Current grids the actor reaches (for choosing where a record lies)."""
    today = timezone.localdate()
    qs = Area.objects.filter(level=AreaLevel.GRID).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
    return qs.filter(registry_q(actor, "", write=write)).order_by("path")


def grid_for(actor: Any, grid_id: Any, *, write: bool = True) -> Area | None:
    """A grid named in a request body: ``None`` when unknown or out of reach (same answer)."""
    try:
        return grids_for(actor, write=write).filter(pk=int(grid_id)).first()
    except (TypeError, ValueError, OverflowError):
        return None


# --------------------------------------------------------------------------- buildings and places


def buildings_visible_to(actor: Any) -> QuerySet[Building]:
    return Building.objects.filter(registry_q(actor)).select_related("grid")


def building_for(actor: Any, building_id: Any) -> Building:
    return get_or_404(buildings_visible_to(actor), pk=building_id)


def room_for(actor: Any, room_id: Any) -> Room | None:
    try:
        return (
            Room.objects.filter(registry_q(actor, "building__grid"))
            .select_related("building__grid")
            .filter(pk=int(room_id))
            .first()
        )
    except (TypeError, ValueError, OverflowError):
        return None


def courtyard_for(actor: Any, courtyard_id: Any) -> Courtyard | None:
    try:
        return Courtyard.objects.filter(registry_q(actor)).filter(pk=int(courtyard_id)).first()
    except (TypeError, ValueError, OverflowError):
        return None


def places_visible_to(actor: Any) -> QuerySet[Place]:
    return Place.objects.filter(registry_q(actor)).select_related("grid")


def place_for(actor: Any, place_id: Any) -> Place:
    return get_or_404(places_visible_to(actor), pk=place_id)


# --------------------------------------------------------------------------- households


def households_visible_to(actor: Any) -> QuerySet[Household]:
    return Household.objects.filter(registry_q(actor)).select_related(
        "grid", "head", "room__building", "courtyard"
    )


def household_list(
    actor: Any, *, grid_id: int | None = None, kind: str | None = None, include_moved_out: bool = False
) -> QuerySet[Household]:
    qs = households_visible_to(actor)
    if grid_id is not None:
        qs = qs.filter(grid_id=grid_id)
    if kind:
        qs = qs.filter(kind=kind)
    if not include_moved_out:
        qs = qs.filter(moved_out_on__isnull=True)
    current = Membership.objects.filter(valid_to__isnull=True).select_related("person")
    return qs.prefetch_related(Prefetch("memberships", queryset=current, to_attr="current_members")).order_by(
        "grid__path", "id"
    )


def household_for(actor: Any, household_id: Any) -> Household:
    return get_or_404(households_visible_to(actor), pk=household_id)


def members_of(household: Household, *, include_past: bool = False) -> list[Membership]:
    qs = household.memberships.select_related("person")
    if not include_past:
        qs = qs.filter(valid_to__isnull=True)
    return list(qs.order_by("valid_to", "valid_from", "id"))


def membership_for(household: Household, person_id: Any) -> Membership:
    return get_or_404(
        household.memberships.filter(valid_to__isnull=True).select_related("person"), person_id=person_id
    )


# --------------------------------------------------------------------------- persons


def persons_visible_to(actor: Any) -> QuerySet[Person]:
    return Person.objects.filter(registry_q(actor)).select_related("grid")


def person_for(actor: Any, person_id: Any) -> Person:
    return get_or_404(persons_visible_to(actor), pk=person_id)


def person_search(actor: Any, *, q: str | None = None, grid_id: int | None = None) -> QuerySet[Person]:
    """By name (contains), or by a full ID number or phone through the look-up digests."""
    qs = persons_visible_to(actor)
    if grid_id is not None:
        qs = qs.filter(grid_id=grid_id)
    q = (q or "").replace("\x00", "").strip()
    if q:
        match = Q(name__contains=q)
        if len(q) >= 5:
            match |= Q(id_number_digest__in=lookup_candidates(PIIKind.ID_NUMBER, q))
        if len(normalise(PIIKind.PHONE, q)) >= 7:
            match |= Q(phone_digest__in=lookup_candidates(PIIKind.PHONE, q))
        qs = qs.filter(match)
    return qs.order_by("name", "id")


def person_list(actor: Any, *, q: str | None = None, grid_id: int | None = None) -> QuerySet[Person]:
    """The search, with each person's visible current tags prefetched as ``visible_tags``."""
    return person_search(actor, q=q, grid_id=grid_id).prefetch_related(
        Prefetch("tags", queryset=_visible_person_tags(actor), to_attr="visible_tags")
    )


def _visible_person_tags(actor: Any) -> QuerySet[PersonTag]:
    qs = PersonTag.objects.filter(removed_on__isnull=True).select_related("tag")
    return qs if sees_sensitive_tags(actor) else qs.filter(tag__sensitive=False)


def age(person: Person, today: date | None = None) -> int | None:
    return person.age_on(today or timezone.localdate())


def tags_visible_to(actor: Any) -> QuerySet[Tag]:
    qs = Tag.objects.all()
    return qs if sees_sensitive_tags(actor) else qs.filter(sensitive=False)


def tag_for(actor: Any, code: str) -> Tag | None:
    code = (code or "").replace("\x00", "").strip()
    return tags_visible_to(actor).filter(code=code).first() if code else None


def person_tags(actor: Any, person: Person) -> list[PersonTag]:
    return list(_visible_person_tags(actor).filter(person=person))


def current_membership(person: Person) -> Membership | None:
    return person.memberships.filter(valid_to__isnull=True).select_related("household").first()


# --------------------------------------------------------------------------- history


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
}


def _action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action.rsplit(".", 1)[-1], action))


def _field_label(model: Any, name: str) -> str:
    if name in ("tag", "tag_name", "tag_token"):
        return _("标签")
    if name in ("person",):
        return _("人员")
    if name in ("households", "members"):
        return _("涉及")
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:
        return name


def _show(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, dict):
        if "sealed" in value:
            return str(value["sealed"]) or "—"
        if "repr" in value:
            return str(value["repr"])
    if isinstance(value, list):
        return "、".join(_show(v) for v in value)
    return str(value)


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
    items: list[tuple[str, str]] = []
    for name, value in changes.items():
        label = _field_label(model, name)
        if isinstance(value, list) and len(value) == 2 and entry.action.endswith((".update", ".head")):
            items.append((label, f"{_show(value[0])} → {_show(value[1])}"))
        else:
            items.append((label, _show(value)))
    return HistoryRow(
        at=entry.at,
        actor=entry.actor_label or _("系统"),
        action=entry.action,
        action_label=_action_label(entry.action),
        changes=items,
    )


def history_of(
    obj: Person | Household | Building | Place, actor: Any, *, limit: int = 100
) -> list[HistoryRow]:
    """Who changed what, when, for an object the caller fetched through a scoped selector.

    The object is fetched again through the actor's scope, so an object out of reach has
    no history (404 at the caller).
    """
    model = type(obj)
    scoped = {
        Person: persons_visible_to,
        Household: households_visible_to,
        Building: buildings_visible_to,
        Place: places_visible_to,
    }[model](actor)
    if not scoped.filter(pk=obj.pk).exists():
        return []
    entries = AuditEntry.objects.filter(object_type=model._meta.label_lower, object_id=str(obj.pk)).order_by(
        "-at", "-id"
    )[:limit]
    sensitive_ok = sees_sensitive_tags(actor)
    tags = {t.code: t for t in Tag.objects.all()}
    rows = [_row(e, model, sensitive_ok=sensitive_ok, tags=tags) for e in entries]
    return [r for r in rows if r is not None]
