"""Opening hours and slots: parsing, and the slots of a space on a day (Asia/Shanghai).

``Space.opening_hours`` holds seven lists (Monday first) of ``["HH:MM", "HH:MM"]`` pairs.
A day's slots start at each opening time and follow every ``slot_minutes`` while a whole
slot fits before the closing time.  Public holidays (the kernel's calendar) close a space
unless it opens on holidays; a make-up working day (调休) changes nothing here.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shequ.core.calendar import TZ, WorkCalendar
from shequ.core.models import DayKind

WEEKDAY_LABELS = (
    gettext_lazy("周一"),
    gettext_lazy("周二"),
    gettext_lazy("周三"),
    gettext_lazy("周四"),
    gettext_lazy("周五"),
    gettext_lazy("周六"),
    gettext_lazy("周日"),
)
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


class HoursError(ValueError):
    pass


def _parse_time(text: str) -> time:
    match = _HHMM.match(text.strip())
    if not match:
        raise HoursError(_("时间格式应为 08:30。"))
    return time(int(match.group(1)), int(match.group(2)))


def parse_day(value: Any) -> list[list[str]]:
    """One day's intervals from ``"08:30-12:00, 14:00-21:00"`` or ``[["08:30", "12:00"], …]``."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        pieces = [p for p in re.split(r"[,，;；\s]+", value.strip()) if p]
        pairs: list[Any] = []
        for piece in pieces:
            bits = re.split(r"[-–—~～至]", piece)
            if len(bits) != 2:
                raise HoursError(_("开放时段应写成 08:30-12:00，多个时段用逗号分隔。"))
            pairs.append(bits)
    elif isinstance(value, list | tuple):
        pairs = list(value)
    else:
        raise HoursError(_("开放时段应写成 08:30-12:00，多个时段用逗号分隔。"))
    result: list[tuple[time, time]] = []
    for pair in pairs:
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise HoursError(_("开放时段应写成 08:30-12:00，多个时段用逗号分隔。"))
        start, end = _parse_time(str(pair[0])), _parse_time(str(pair[1]))
        if end <= start:
            raise HoursError(_("结束时间须晚于开始时间。"))
        result.append((start, end))
    result.sort()
    for (_s1, e1), (s2, _e2) in itertools.pairwise(result):
        if s2 < e1:
            raise HoursError(_("同一天的开放时段不能重叠。"))
    return [[s.strftime("%H:%M"), e.strftime("%H:%M")] for s, e in result]


def parse_week(value: Any) -> list[list[list[str]]]:
    if not isinstance(value, list | tuple) or len(value) != 7:
        raise HoursError(_("请填写周一至周日七天的开放时段（不开放的日子留空）。"))
    return [parse_day(day) for day in value]


def day_text(intervals: Iterable[Iterable[str]]) -> str:
    return ", ".join("-".join(pair) for pair in intervals)


@dataclass(frozen=True)
class Slot:
    starts_at: datetime
    ends_at: datetime

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600


def is_closed_day(space: Any, day: date, cal: WorkCalendar) -> bool:
    return cal.kind(day) == DayKind.HOLIDAY and not space.open_on_holidays


def slots_on(space: Any, day: date, cal: WorkCalendar) -> list[Slot]:
    """Every bookable slot of ``space`` on ``day`` (none on a closed day)."""
    if is_closed_day(space, day, cal):
        return []
    hours = space.opening_hours or []
    if len(hours) != 7:
        return []
    step = timedelta(minutes=int(space.slot_minutes))
    slots: list[Slot] = []
    for start_text, end_text in hours[day.weekday()]:
        start = datetime.combine(day, _parse_time(start_text), tzinfo=TZ)
        end = datetime.combine(day, _parse_time(end_text), tzinfo=TZ)
        moment = start
        while moment + step <= end:
            slots.append(Slot(moment, moment + step))
            moment += step
    return slots


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def local(moment: datetime) -> datetime:
    return moment.astimezone(TZ)
