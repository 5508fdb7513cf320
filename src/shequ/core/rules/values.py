"""A rule's effective value as code uses it, the error when there is none, and formatting."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from ..models import Area, Rule
from ..rule_catalog import CATALOG, RuleKind, RuleSpec, takes_max


class RuleMissing(LookupError):
    """No version of ``key`` is effective for the area on the date."""

    def __init__(self, key: str, area: Area | None = None, on: date | None = None) -> None:
        self.key = key
        self.area = area
        self.on = on
        super().__init__(key)

    def __str__(self) -> str:
        return _("规则“%(key)s”未设置或不在有效期内。") % {"key": self.key}


@dataclass(frozen=True)
class RuleValue:
    key: str
    value: Decimal
    value_max: Decimal | None
    unit: str
    rule_id: int
    version: int
    jurisdiction: str
    source: str
    area_id: int | None
    valid_from: date
    valid_to: date | None

    @property
    def spec(self) -> RuleSpec | None:
        return CATALOG.get(self.key)

    @property
    def display(self) -> str:
        return format_value(self.key, self.value, self.value_max, self.unit)

    @property
    def citation(self) -> str:
        spec = self.spec
        name = str(spec.name) if spec else self.key
        return _("%(name)s：%(value)s（%(where)s，第%(version)s版；依据：%(source)s）") % {
            "name": name,
            "value": self.display,
            "where": self.jurisdiction,
            "version": self.version,
            "source": self.source,
        }


def default_label() -> str:
    return _("全平台默认")


def _to_value(rule: Rule) -> RuleValue:
    return RuleValue(
        key=rule.key,
        value=rule.value,
        value_max=rule.value_max,
        unit=rule.unit,
        rule_id=rule.pk,
        version=rule.version,
        jurisdiction=rule.area.name if rule.area is not None else default_label(),
        source=rule.source,
        area_id=rule.area_id,
        valid_from=rule.valid_from,
        valid_to=rule.valid_to,
    )


# --------------------------------------------------------------------------- formatting


def _plain(d: Decimal) -> str:
    return format(d.normalize(), "f")


def format_value(key: str, value: Decimal, value_max: Decimal | None = None, unit: str = "") -> str:
    """A value as people read it: 80%, 200,000元, 08:30—12:00, 200—250户/人."""
    spec = CATALOG.get(key)
    kind = spec.kind if spec else RuleKind.NUMBER
    unit = unit or (spec.unit if spec else "")

    def one(v: Decimal) -> str:
        if kind == RuleKind.RATIO:
            return _plain((v * 100).quantize(Decimal("0.01"))) + "%"
        if kind == RuleKind.MONEY_FEN:
            yuan = (v / 100).quantize(Decimal("0.01"))
            text = f"{yuan:,.2f}".removesuffix(".00")
            return text + _("元")
        if kind == RuleKind.MINUTES and spec is not None and takes_max(spec):
            minutes = int(v)
            return f"{minutes // 60:02d}:{minutes % 60:02d}"
        return _plain(v)

    suffix = unit if kind in (RuleKind.NUMBER, RuleKind.RANGE, RuleKind.HOURS) else ""
    if kind == RuleKind.MINUTES and not (spec is not None and takes_max(spec)):
        suffix = _("分钟")
    if value_max is not None:
        return f"{one(value)}—{one(value_max)}{suffix}"
    return f"{one(value)}{suffix}"
