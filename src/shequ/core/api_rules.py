"""Policy rules and the working-day calendar over the API."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema
from ninja.responses import Status

from . import calendar as cal
from .access import require_area
from .models import CalendarDay, Rule
from .rule_catalog import CATALOG
from .rules import RuleMissing, RuleValue, rule_set, rule_value, rule_versions_for, rules_visible_to

router = Router(tags=["rules"])

SCOPED_DAY = {"x-scoped-model": "core.CalendarDay"}


# --------------------------------------------------------------------------- schemas


class RuleOut(Schema):
    id: int
    key: str
    name: str
    area_id: int | None
    jurisdiction: str
    value: Decimal
    value_max: Decimal | None
    display: str
    unit: str
    valid_from: date
    valid_to: date | None
    version: int
    source: str
    note: str


class EffectiveOut(Schema):
    key: str
    name: str
    value: Decimal
    value_max: Decimal | None
    display: str
    unit: str
    rule_id: int
    version: int
    jurisdiction: str
    area_id: int | None
    valid_from: date
    valid_to: date | None
    source: str
    citation: str


class RuleIn(Schema):
    key: str = Field(..., max_length=100)
    area_id: int | None = None
    value: Decimal
    value_max: Decimal | None = None
    valid_from: date
    valid_to: date | None = None
    source: str = Field(..., max_length=4000)
    note: str = Field("", max_length=4000)
    reason: str = Field("", max_length=2000)
    supersede: bool = False


class DayOut(Schema):
    date: date
    kind: str
    kind_label: str
    name: str
    source: str


class YearOut(Schema):
    year: int
    configured: bool
    days: list[DayOut]


class DayIn(Schema):
    date: date
    kind: str = Field(..., max_length=16)
    name: str = Field("", max_length=50)
    source: str = Field("", max_length=200)
    reason: str = Field("", max_length=2000)


class DeadlineOut(Schema):
    start: datetime
    working_days: int
    date: date
    deadline: datetime


def _rule_out(rule: Rule) -> RuleOut:
    from .rules import default_label, format_value

    spec = CATALOG.get(rule.key)
    return RuleOut(
        id=rule.pk,
        key=rule.key,
        name=str(spec.name) if spec else rule.key,
        area_id=rule.area_id,
        jurisdiction=rule.area.name if rule.area is not None else default_label(),
        value=rule.value,
        value_max=rule.value_max,
        display=format_value(rule.key, rule.value, rule.value_max, rule.unit),
        unit=rule.unit,
        valid_from=rule.valid_from,
        valid_to=rule.valid_to,
        version=rule.version,
        source=rule.source,
        note=rule.note,
    )


def _effective_out(rv: RuleValue) -> EffectiveOut:
    spec = rv.spec
    return EffectiveOut(
        key=rv.key,
        name=str(spec.name) if spec else rv.key,
        value=rv.value,
        value_max=rv.value_max,
        display=rv.display,
        unit=rv.unit,
        rule_id=rv.rule_id,
        version=rv.version,
        jurisdiction=rv.jurisdiction,
        area_id=rv.area_id,
        valid_from=rv.valid_from,
        valid_to=rv.valid_to,
        source=rv.source,
        citation=rv.citation,
    )


def _staff(request: HttpRequest) -> Any:
    user: Any = request.user
    if getattr(user, "kind", "") != "staff":
        raise PermissionDenied(_("仅限工作人员。"))
    return user


# --------------------------------------------------------------------------- rules


@router.get("/rules", response=list[RuleOut], summary="政策规则版本列表")
def list_rules(request: HttpRequest, key: str | None = None, area_id: int | None = None) -> list[RuleOut]:
    """Versions visible to the caller: platform defaults, rules of the areas in scope and above them.

    With ``area_id`` only the versions that apply to that area (its own, its parents', the defaults).
    """
    user = _staff(request)
    if area_id is not None:
        qs = rule_versions_for(require_area(user, area_id))
    else:
        qs = rules_visible_to(user).order_by(
            "key", F("area__depth").asc(nulls_first=True), "-valid_from", "-version"
        )
    if key:
        qs = qs.filter(key=key)
    return [_rule_out(r) for r in qs.select_related("area")[:5000]]


@router.get("/rules/effective", response=EffectiveOut, summary="某区域某日生效的规则值")
def effective_rule(
    request: HttpRequest, key: str, area_id: int | None = None, on: date | None = None
) -> EffectiveOut:
    user = _staff(request)
    if key not in CATALOG:
        raise ValidationError({"key": _("未知的规则键“%(key)s”。") % {"key": key}})
    area = require_area(user, area_id) if area_id is not None else None
    try:
        return _effective_out(rule_value(key, area, on))
    except RuleMissing as exc:
        raise Http404(str(exc)) from exc


@router.post("/rules", response={201: RuleOut}, summary="新增规则版本")
def create_rule(request: HttpRequest, payload: RuleIn) -> Status[RuleOut]:
    user = _staff(request)
    if not user.has_perm("core.manage_rules"):
        raise PermissionDenied(_("没有修改政策规则的权限。"))
    area = require_area(user, payload.area_id) if payload.area_id is not None else None
    rule = rule_set(
        actor=user,
        key=payload.key,
        area=area,
        value=payload.value,
        value_max=payload.value_max,
        valid_from=payload.valid_from,
        valid_to=payload.valid_to,
        source=payload.source,
        note=payload.note,
        reason=payload.reason,
        supersede=payload.supersede,
    )
    return Status(201, _rule_out(rule))


# --------------------------------------------------------------------------- calendar


def _day_out(day: CalendarDay) -> DayOut:
    return DayOut(
        date=day.date, kind=day.kind, kind_label=str(day.get_kind_display()), name=day.name, source=day.source
    )


@router.get("/calendar/days", response=YearOut, summary="某年的节假日与调休")
def calendar_days(request: HttpRequest, year: int | None = None) -> YearOut:
    _staff(request)
    year = year or cal.local_date(datetime.now(cal.TZ)).year
    if not 1900 <= year <= 2200:
        raise ValidationError({"year": _("年份应在1900—2200之间。")})
    yc = cal.year_calendar(year)
    return YearOut(year=year, configured=yc.configured, days=[_day_out(d) for d in yc.days])


@router.get("/calendar/days/{day}", response=DayOut, summary="某日的日历记录", openapi_extra=SCOPED_DAY)
def calendar_day(request: HttpRequest, day: date) -> DayOut:
    _staff(request)
    found = cal.calendar_day_get(day)
    if found is None:
        raise Http404
    return _day_out(found)


@router.post("/calendar/days", response={201: DayOut}, summary="设定节假日或调休上班日")
def set_calendar_day(request: HttpRequest, payload: DayIn) -> Status[DayOut]:
    user = _staff(request)
    day = cal.calendar_day_set(
        actor=user,
        day=payload.date,
        kind=payload.kind,
        name=payload.name,
        source=payload.source,
        reason=payload.reason,
    )
    return Status(201, _day_out(day))


@router.delete("/calendar/days/{day}", response={204: None}, summary="删除日历记录", openapi_extra=SCOPED_DAY)
def delete_calendar_day(request: HttpRequest, day: date, reason: str = "") -> Status[None]:
    user = _staff(request)
    if not user.has_perm(cal.PERMISSION):
        raise PermissionDenied(_("没有维护节假日日历的权限。"))
    if cal.calendar_day_get(day) is None:
        raise Http404
    cal.calendar_day_remove(actor=user, day=day, reason=reason)
    return Status(204, None)


@router.get("/calendar/deadline", response=DeadlineOut, summary="按工作日计算办理期限")
def calendar_deadline(
    request: HttpRequest, start: datetime | date, working_days: int, area_id: int | None = None
) -> DeadlineOut:
    """The close of office hours on the ``working_days``-th working day after ``start``.

    ``start`` without a time zone is read as Beijing time; a bare date means its start.
    """
    user = _staff(request)
    if not 0 <= working_days <= 365:
        raise ValidationError({"working_days": _("工作日数应在0—365之间。")})
    area = require_area(user, area_id) if area_id is not None else None
    if isinstance(start, datetime):
        moment = start if start.tzinfo is not None else start.replace(tzinfo=cal.TZ)
    else:
        moment = datetime.combine(start, time(0), tzinfo=cal.TZ)
    if not 1950 <= moment.astimezone(cal.TZ).year <= 2200:
        raise ValidationError({"start": _("开始日期的年份应在1950—2200之间。")})
    deadline = cal.working_days_deadline(moment, working_days, area=area)
    return DeadlineOut(
        start=moment.astimezone(cal.TZ), working_days=working_days, date=deadline.date(), deadline=deadline
    )
