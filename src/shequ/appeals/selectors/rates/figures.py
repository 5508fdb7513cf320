"""The three rates' arithmetic: the month, the weights (rule records), the counts and the figures."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from shequ.core.models import Area, AreaLevel

STREET_LEVELS = (AreaLevel.STREET, AreaLevel.TOWN)
COMMUNITY_LEVELS = (AreaLevel.COMMUNITY, AreaLevel.VILLAGE)
ABOVE_STREET = (AreaLevel.CITY, AreaLevel.DISTRICT, AreaLevel.ZONE)
#: Areas one may narrow the page to (the community table appears under a street or town).
FILTER_LEVELS = (AreaLevel.DISTRICT, AreaLevel.ZONE, AreaLevel.STREET, AreaLevel.TOWN)
BY_CHOICES = ("street", "unit", "community")
RATE_KEYS = (
    "appeals.rates.weight_response",
    "appeals.rates.weight_resolution",
    "appeals.rates.weight_satisfaction",
    "appeals.rates.basic_weight",
)
#: The bucket key of cases outside any street (or community) and of cases without a lead unit.
NONE_KEY = "none"
_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")


# --------------------------------------------------------------------------- the month


@dataclass(frozen=True)
class Month:
    year: int
    month: int

    @property
    def key(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def next_first_day(self) -> date:
        return date(self.year + (self.month == 12), self.month % 12 + 1, 1)

    @property
    def last_day(self) -> date:
        return self.next_first_day - timedelta(days=1)

    @property
    def start(self) -> datetime:
        """Midnight of the first day, in the platform's time zone (Asia/Shanghai)."""
        return _midnight(self.first_day)

    @property
    def end(self) -> datetime:
        """Midnight of the next month's first day (excluded)."""
        return _midnight(self.next_first_day)

    def rules_date(self) -> date:
        """The day whose rule records apply: the month's last day, or today within the month."""
        return min(self.last_day, _today())


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=timezone.get_default_timezone())


def _today() -> date:
    return timezone.localtime(timezone.now(), timezone.get_default_timezone()).date()


def current_month() -> Month:
    today = _today()
    return Month(today.year, today.month)


def parse_month(text: str | None) -> Month:
    """``YYYY-MM`` (empty: the current month); anything else is a field error on ``month``."""
    if text is None or not str(text).strip():
        return current_month()
    found = _MONTH.match(str(text)[:20])
    if found is None:
        raise ValidationError({"month": _("月份格式应为“年-月”，例如 2026-10。")})
    year, month = int(found.group(1)), int(found.group(2))
    if not 1 <= month <= 12:
        raise ValidationError({"month": _("月份应在 1 到 12 之间。")})
    chosen = Month(year, month)
    if year < 2000 or chosen.first_day > _today():
        raise ValidationError({"month": _("请选择 2000 年 1 月至本月之间的月份。")})
    return chosen


def parse_by(text: str | None) -> str:
    value = (text or "street").strip()
    if value not in BY_CHOICES:
        raise ValidationError({"by": _("统计维度只能是 street（街道）、unit（单位）或 community（社区）。")})
    return value


# --------------------------------------------------------------------------- weights


@dataclass(frozen=True)
class Weights:
    response: Decimal
    resolution: Decimal
    satisfaction: Decimal
    basic: Decimal
    #: Where each value comes from ("平台默认" or the jurisdiction's name), by rule key.
    sources: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def total(self) -> Decimal:
        return self.response + self.resolution + self.satisfaction

    def described(self) -> list[tuple[str, str, str]]:
        """(rule name, value, where the record comes from) for each of the four rules."""
        from shequ.core.rule_catalog import CATALOG

        values = (self.response, self.resolution, self.satisfaction, self.basic)
        return [
            (str(CATALOG[key].name), plain(value), self.sources.get(key, ""))
            for key, value in zip(RATE_KEYS, values, strict=True)
        ]


def plain(value: Decimal) -> str:
    """``Decimal("0.4500")`` → ``0.45``; ``Decimal("1.0000")`` → ``1``."""
    text = format(value.normalize(), "f")
    return text


def weights_for(area: Area | None, month: Month) -> Weights:
    """The weight rules in force for ``area`` at the month's end (today within the month); one query.

    The values are those of :func:`shequ.appeals.policy.value`, read on the month's date
    rather than today so that a past month keeps the weights it was assessed with.
    """
    from shequ.core.rule_catalog import CATALOG
    from shequ.core.rules import rule_values

    found = rule_values(RATE_KEYS, area, month.rules_date())
    values: dict[str, Decimal] = {}
    sources: dict[str, str] = {}
    for key in RATE_KEYS:
        if key in found:
            values[key] = Decimal(found[key].value)
            sources[key] = _("%(where)s 第%(version)d版") % {
                "where": found[key].jurisdiction,
                "version": found[key].version,
            }
        else:
            values[key] = Decimal(CATALOG[key].default)
            sources[key] = _("平台默认")
    return Weights(
        response=max(values[RATE_KEYS[0]], Decimal(0)),
        resolution=max(values[RATE_KEYS[1]], Decimal(0)),
        satisfaction=max(values[RATE_KEYS[2]], Decimal(0)),
        basic=min(max(values[RATE_KEYS[3]], Decimal(0)), Decimal(1)),
        sources=sources,
    )


# --------------------------------------------------------------------------- the figures


@dataclass
class Counts:
    dispatched: int = 0
    responded: int = 0
    rated: int = 0
    resolved: int = 0
    satisfied: int = 0
    basic: int = 0
    dissatisfied: int = 0

    def add(self, other: Counts | dict[str, int]) -> None:
        get = other.get if isinstance(other, dict) else lambda name: getattr(other, name)
        for name in COUNT_FIELDS:
            setattr(self, name, getattr(self, name) + int(get(name) or 0))


COUNT_FIELDS = ("dispatched", "responded", "rated", "resolved", "satisfied", "basic", "dissatisfied")


def _ratio(numerator: Fraction | int, denominator: int) -> Fraction | None:
    return Fraction(numerator) / denominator if denominator else None


@dataclass
class Figures:
    """One row of a ranking: counts, the three rates, the composite (exact fractions; None for "—")."""

    key: str
    name: str
    counts: Counts
    weights: Weights
    area_id: int | None = None
    rank: int | None = None

    @property
    def response_rate(self) -> Fraction | None:
        return _ratio(self.counts.responded, self.counts.dispatched)

    @property
    def resolution_rate(self) -> Fraction | None:
        return _ratio(self.counts.resolved, self.counts.rated)

    @property
    def satisfaction_rate(self) -> Fraction | None:
        c = self.counts
        return _ratio(c.satisfied + Fraction(self.weights.basic) * c.basic, c.rated)

    @property
    def composite(self) -> Fraction | None:
        """Σ weight × rate over the rates with a denominator ÷ the sum of their weights."""
        parts = [
            (Fraction(self.weights.response), self.response_rate),
            (Fraction(self.weights.resolution), self.resolution_rate),
            (Fraction(self.weights.satisfaction), self.satisfaction_rate),
        ]
        present = [(w, r) for w, r in parts if r is not None]
        total = sum((w for w, _r in present), Fraction(0))
        if not present or total == 0:
            return None
        return sum((w * r for w, r in present), Fraction(0)) / total

    @property
    def responded_miss(self) -> int:
        return self.counts.dispatched - self.counts.responded

    @property
    def unresolved(self) -> int:
        return self.counts.rated - self.counts.resolved

    def as_numbers(self) -> dict[str, Any]:
        """The row for JSON: counts as integers, rates and composite as 0..1 floats or None."""
        return {
            "rank": self.rank,
            "key": self.key,
            "area_id": self.area_id,
            "name": self.name,
            **{name: getattr(self.counts, name) for name in COUNT_FIELDS},
            "response_rate": as_float(self.response_rate),
            "resolution_rate": as_float(self.resolution_rate),
            "satisfaction_rate": as_float(self.satisfaction_rate),
            "composite": as_float(self.composite),
        }


def as_float(value: Fraction | None) -> float | None:
    return None if value is None else round(float(value), 6)


def as_decimal(value: Fraction, places: int = 1) -> Decimal:
    """``value`` rounded half up (as people round by hand) to ``places`` decimals."""
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(quantum, rounding=ROUND_HALF_UP)


def percent(value: Fraction | None) -> str:
    """A rate as Chinese users write it: ``93.3%``; "—" without a denominator."""
    return "—" if value is None else f"{as_decimal(value * 100)}%"


def score(value: Fraction | None) -> str:
    """The composite as a score out of 100 with one decimal: ``91.2``; "—" when there is none."""
    return "—" if value is None else str(as_decimal(value * 100))


@dataclass
class Ranking:
    by: str
    month: Month
    area: Area | None
    weights: Weights
    rows: list[Figures]
    total: Figures
