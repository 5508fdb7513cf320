"""Intake from every channel into one case with one tracking number.

:func:`case_submit` validates everything first (text, location, photos, category,
requester), so that nothing is half-written; it places a point in its grid with the
registry's point-in-grid service, takes the number with one atomic upsert (on PostgreSQL in the
statement that inserts the case, its event and audit entry; elsewhere just before), stores the
photos, hands a danger report to its emergency line at once, and asks for a classification
sweep after commit so intake stays fast.  The idempotency key is unique per submitter: a repeat
returns the first case (``created`` False, no token); the unique index, not a look-up
first, notices the repeat.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shequ.core.access import areas_visible_to
from shequ.core.audit import audit_entry
from shequ.core.calendar import local_date
from shequ.core.geo import place_point
from shequ.core.geo.crs import out_of_china
from shequ.core.linked_insert import Link, insert_linked, one_statement
from shequ.core.models import Area, AreaLevel
from shequ.core.pii import validate_phone

from .. import policy
from ..models import (
    CASE_TEXT_MAX,
    Case,
    CaseState,
    Category,
    Channel,
    EmergencyHandover,
    EmergencyLine,
    PhotoStage,
    Urgency,
)
from . import _checks as chk
from . import common as c
from .classify import nudge_sweep
from .deadlines import set_deadlines
from .photos import CleanPhoto, clean_photos, store_photos

CRS_CHOICES = ("wgs84", "gcj02", "bd09")
STAFF_CHANNELS = (Channel.GRID_WORKER, Channel.HOTLINE)


@dataclass
class Submitted:
    case: Case
    token: str | None
    created: bool


def _coordinate(errors: chk.Errors, value: Any, low: float, high: float) -> float | None:
    if value in (None, ""):
        return None
    try:
        number = float(value)
    except (TypeError, ValueError):
        errors.setdefault("location", _("坐标格式不正确。"))
        return None
    if not math.isfinite(number) or not low <= number <= high:
        errors.setdefault("location", _("坐标格式不正确。"))
        return None
    return number


def _locate(
    errors: chk.Errors, *, actor: Any, lng: Any, lat: Any, crs: str, address: str, area: Area | None
) -> tuple[Area | None, float | None, float | None]:
    x = _coordinate(errors, lng, -180, 180)
    y = _coordinate(errors, lat, -90, 90)
    if "location" in errors:
        return None, None, None
    if (x is None) != (y is None):
        errors["location"] = _("请同时提供经度和纬度。")
        return None, None, None
    if x is not None and y is not None:
        if crs not in CRS_CHOICES:
            errors["location"] = _("坐标系只能是 wgs84、gcj02 或 bd09。")
            return None, None, None
        grid = None if out_of_china(x, y) else place_point(x, y, crs)
        if grid is None:
            errors["location"] = _("该位置不在本市网格范围内，请重新选点。")
            return None, None, None
        from shequ.core.geo.crs import to_wgs84

        wx, wy = to_wgs84(x, y, crs)
        return grid, round(wx, 7), round(wy, 7)
    if area is not None:
        return area, None, None
    if c.is_resident(actor) and address and actor.home_area_id:
        return actor.home_area, None, None
    if c.is_staff(actor) and address:
        posts = [p for p in actor.current_posts() if p.area is not None and p.area.level == AreaLevel.GRID]
        if len(posts) == 1:
            return posts[0].area, None, None
    if address:
        errors["area"] = _("请选择事发地所在的社区或网格，或在地图上选点。")
    else:
        errors["location"] = _("请在地图上选点或填写事发地址。")
    return None, None, None


def _category(errors: chk.Errors, value: Any) -> Category | None:
    if value in (None, ""):
        return None
    if isinstance(value, Category):
        return value
    found = Category.objects.filter(code=str(value)[:32], is_active=True).first()
    if found is None:
        errors["category"] = _("未知的诉求分类。")
    return found


def _check_channel(errors: chk.Errors, actor: Any, channel: str, area: Area | None) -> None:
    if channel not in Channel.values:
        errors["channel"] = _("请选择有效的选项。")
    elif channel == Channel.PORTAL and not c.is_resident(actor):
        errors["channel"] = _("居民端诉求须由居民本人登录提交。")
    elif channel in STAFF_CHANNELS and not c.is_staff(actor):
        errors["channel"] = _("只有工作人员可以代录或上报诉求。")
    elif (
        channel == Channel.GRID_WORKER
        and area is not None
        and not (c.holds(actor, c.FIELD_ROLES | c.DISPATCH_ROLES, area))
    ):
        errors["location"] = _("该位置不在您负责的网格内。")
    if (
        channel in STAFF_CHANNELS
        and area is not None
        and c.is_staff(actor)
        and not areas_visible_to(actor).filter(pk=area.pk).exists()
    ):
        errors["area"] = _("该区域不在您的工作范围内。")


def case_submit(
    *,
    actor: Any,
    channel: str,
    text: str,
    lng: Any = None,
    lat: Any = None,
    crs: str = "wgs84",
    address: str = "",
    area: Area | None = None,
    photos: Any = None,
    is_public: bool = False,
    category: Any = None,
    urgent: bool = False,
    danger: bool = False,
    emergency_line: str = "",
    emergency_reference: str = "",
    requester_name: str = "",
    requester_phone: str = "",
    idempotency_key: str = "",
    external_ref: str = "",
    submitter_key: str | None = None,
    also: Callable[[Case], Sequence[Link]] | None = None,
) -> Submitted:
    """File one case; see the module docstring.

    ``also`` gives the unsaved rows a channel keeps beside a new case (Open311's client record and
    its audit entry), each with the column that takes the case's id; they are inserted with the
    case, so both are written or neither.
    """
    key = chk.text({}, "idempotency_key", idempotency_key, max_length=64)[:64]
    who = submitter_key or (f"u{actor.pk}" if getattr(actor, "is_authenticated", False) else "anon")
    # A repeat is rare: no look-up first.  The unique (submitter, key) index turns a repeat's
    # insert into an IntegrityError below, which rolls the attempt back and answers the first case.
    errors: chk.Errors = {}
    body = chk.text(errors, "text", text, max_length=CASE_TEXT_MAX, required=True)
    if "text" in errors and len(str(text or "")) > CASE_TEXT_MAX:
        errors["text"] = _("诉求内容不能超过%(n)d个字。") % {"n": CASE_TEXT_MAX}
    address = chk.text(errors, "address", address, max_length=200)
    place, x, y = _locate(errors, actor=actor, lng=lng, lat=lat, crs=crs, address=address, area=area)
    _check_channel(errors, actor, channel, place)
    cat = _category(errors, category)
    name = chk.text(errors, "requester_name", requester_name, max_length=50)
    phone = chk.text(errors, "requester_phone", requester_phone, max_length=20)
    if channel == Channel.HOTLINE and not phone:
        errors["requester_phone"] = _("请填写来电人的联系电话。")
    if phone:
        try:
            phone = validate_phone(phone)
        except ValidationError:
            errors["requester_phone"] = _("请填写正确的电话号码。")
    if emergency_line and emergency_line not in EmergencyLine.values:
        errors["emergency_line"] = _("请选择有效的选项。")
    reference = chk.text(errors, "emergency_reference", emergency_reference, max_length=64)
    external_ref = chk.text(errors, "external_ref", external_ref, max_length=64)
    cleaned: list[CleanPhoto] = []
    if not errors:
        cleaned = clean_photos(photos)
    chk.raise_if(errors)
    assert place is not None
    now = timezone.now()
    # The day's counter row is the one row every intake writes, so its lock must be short.  On
    # PostgreSQL the number is taken inside the one statement that inserts the case (see
    # _create), and a repeat that fails there takes no number; elsewhere it is taken in its own
    # statement before the case's transaction, and a submission that then fails leaves a gap.
    number = "" if one_statement() else c.tracking_number(local_date(now))
    # Without photos or a notice to send, that one statement is the whole intake and needs no
    # transaction of its own: the counter's lock then ends with the statement.  (Inside a
    # caller's transaction a savepoint is still needed, so that a repeat can be looked up.)
    alone = (
        one_statement()
        and not transaction.get_connection().in_atomic_block
        and not cleaned
        and not _notifies(channel, phone)
    )
    try:
        with nullcontext() if alone else transaction.atomic():
            submitted = _create(
                now=now,
                number=number,
                actor=actor,
                channel=channel,
                text=body,
                x=x,
                y=y,
                address=address,
                place=place,
                photos=cleaned,
                is_public=bool(is_public),
                category=cat,
                urgent=bool(urgent or danger),
                danger=bool(danger),
                line=emergency_line,
                reference=reference,
                name=name,
                phone=phone,
                who=who,
                key=key,
                external_ref=external_ref,
                also=also,
            )
            return submitted
    except IntegrityError:
        if not key:
            raise
        first = _earlier(who, key)
        if first is None:
            raise
        return Submitted(first, None, False)


def _earlier(who: str, key: str) -> Case | None:
    """The case this submitter already filed under ``key``; the id first, then the row."""
    mine = Case.objects.filter(submitter_key=who, idempotency_key=key).order_by()  # unique: no ordering
    found = list(mine.values_list("pk", flat=True)[:1])
    return Case.objects.get(pk=found[0]) if found else None


def _create(
    *,
    now: Any,
    number: str,
    actor: Any,
    channel: str,
    text: str,
    x: float | None,
    y: float | None,
    address: str,
    place: Area,
    photos: list[CleanPhoto],
    is_public: bool,
    category: Category | None,
    urgent: bool,
    danger: bool,
    line: str,
    reference: str,
    name: str,
    phone: str,
    who: str,
    key: str,
    external_ref: str,
    also: Callable[[Case], Sequence[Link]] | None,
) -> Submitted:
    token = c.new_token()
    case = Case(
        number=number,
        token_digest=c.token_digest(token),
        channel=channel,
        external_ref=external_ref,
        text=text,
        lng=x,
        lat=y,
        address=address,
        area=place,
        handling_area=_committee_of(place),
        is_public=is_public,
        requester=actor if c.is_resident(actor) else None,
        reporter=actor if c.is_staff(actor) else None,
        category=category,
        urgency=Urgency.URGENT
        if urgent or (category and category.urgency == Urgency.URGENT)
        else Urgency.NORMAL,
        danger=danger,
        submitted_at=now,
        clock_start=now,
        submitter_key=who,
        idempotency_key=key,
    )
    if name:
        case.requester_name = name
    if phone:
        case.requester_phone = phone
    set_deadlines(case, category)
    # the case, its first event, its audit entry and the channel's own rows: one round trip
    links = [
        Link(c.new_event(case, "submit", actor, to_state=case.state, data={"channel": channel}), "case_id"),
        Link(
            audit_entry(
                actor=actor,
                action="appeals.case.submit",
                obj=case,
                changes={"channel": channel, "area": place.pk},
            ),
            "object_id",
            as_text=True,
            copies={"object_repr": "number"},
        ),
        *(also(case) if also is not None else ()),
    ]
    emergency = (category.emergency_line if category else "") or line
    if danger and not emergency:
        emergency = policy.DEFAULT_EMERGENCY_LINE
    if emergency:
        note = _("受理时即转应急处置。")
        links += _handover_links(case, actor=actor, line=emergency, reference=reference, note=note)
    computed = [c.tracking_number_computed(local_date(now))] if not number else []
    insert_linked(case, links, computed=computed)
    store_photos(case, photos, stage=PhotoStage.INTAKE, actor=actor)
    if _notifies(channel, phone):
        c.notify(
            case,
            _("【接诉即办】您的诉求已受理，编号%(number)s，查询码%(token)s。请凭编号和查询码查询办理进度。")
            % {"number": case.number, "token": token},
            key="submitted",
        )
    transaction.on_commit(nudge_sweep)
    return Submitted(case, token, True)


def _notifies(channel: str, phone: str) -> bool:
    """Whether the requester is sent the number and access code (callers, and API filers with a phone)."""
    return channel in (Channel.HOTLINE, Channel.HOTLINE_12345) or (
        channel in (Channel.API, Channel.OPEN311) and bool(phone)
    )


def _committee_of(area: Area) -> Area:
    """Cases are first dispatched at the community (a grid's case goes to its community's queue)."""
    if area.level == AreaLevel.GRID and area.parent is not None:
        return area.parent
    return area


def _handover_links(case: Case, *, actor: Any, line: str, reference: str, note: str) -> list[Link]:
    """The hand-over to an emergency line, recorded as the case is filed: the case starts in
    the emergency state (kept open for follow-up), with the hand-over, its event and audit entry."""
    before = case.state
    handover = EmergencyHandover(
        case=case,
        line=line,
        handed_by=actor if getattr(actor, "is_authenticated", False) else None,
        handed_by_label=c.actor_label(actor),
        reference=reference,
        note=note[:500],
    )
    case.state = CaseState.EMERGENCY
    case.emergency_line = line
    handed = c.new_event(
        case,
        "handover",
        actor,
        from_state=before,
        to_state=case.state,
        note=note,
        data={"line": line, "reference": reference},
    )
    entry = audit_entry(
        actor=actor, action="appeals.case.handover", obj=case, changes={"line": line, "reference": reference}
    )
    return [
        Link(handover, "case_id"),
        Link(handed, "case_id"),
        Link(entry, "object_id", as_text=True, copies={"object_repr": "number"}),
    ]
