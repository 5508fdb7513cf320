"""Policy rules as data: versioned, per jurisdiction, each with its source passage.

Reading: :func:`rule_value` returns the version effective on a date for the nearest area up
the managing path, else the platform default (``area`` empty).  :class:`RuleCheck` compares
an actual number with a rule and says which rule it applied.

Writing: :func:`rule_set` adds a version (validated, audited, never laxer than the parent
jurisdiction's effective value).  The keys, names, units, kinds and directions are in
:mod:`shequ.core.rule_catalog`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .access import area_q, can_write, scope_of
from .audit import record, record_batch
from .models import Area, AreaLevel, Rule
from .rule_catalog import CATALOG, CATALOG_LIST, Direction, RuleKind, RuleSpec, takes_max

PERMISSION = "core.manage_rules"
FOUR_PLACES = Decimal("0.0001")
MAX_ABS = Decimal(10) ** 12


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


# --------------------------------------------------------------------------- reading


def _effective_q(on: date) -> Q:
    return Q(valid_from__lte=on) & (Q(valid_to__isnull=True) | Q(valid_to__gte=on))


def _resolve_area(area: Area | int | None) -> Area | None:
    if area is None or isinstance(area, Area):
        return area
    return Area.objects.get(pk=area)


def _chain(area: Area | None) -> list[int]:
    """Area ids from the top of the managing path down to ``area`` itself."""
    if area is None:
        return []
    return [*area.ancestor_ids(), area.pk]


def _pick(rules: list[Rule], chain: list[int]) -> Rule | None:
    rank = {area_id: i for i, area_id in enumerate(chain)}
    best: Rule | None = None
    best_key: tuple[int, int] = (-2, -1)
    for rule in rules:
        position = -1 if rule.area_id is None else rank.get(rule.area_id, -2)
        if position == -2:
            continue
        candidate = (position, rule.version)
        if candidate > best_key:
            best, best_key = rule, candidate
    return best


def rule_values(
    keys: list[str] | tuple[str, ...], area: Area | int | None = None, on: date | None = None
) -> dict[str, RuleValue]:
    """The effective value of several keys at once (one query); missing keys are left out."""
    area_obj = _resolve_area(area)
    on = on or timezone.localdate()
    chain = _chain(area_obj)
    rows = list(
        Rule.objects.filter(key__in=list(keys))
        .filter(_effective_q(on))
        .filter(Q(area__isnull=True) | Q(area_id__in=chain))
        .select_related("area")
    )
    found: dict[str, RuleValue] = {}
    for key in keys:
        best = _pick([r for r in rows if r.key == key], chain)
        if best is not None:
            found[key] = _to_value(best)
    return found


def rule_value(key: str, area: Area | int | None = None, on: date | None = None) -> RuleValue:
    """The version of ``key`` effective on ``on`` (default today) for ``area`` (at most 2 queries)."""
    try:
        area_obj = _resolve_area(area)
    except (Area.DoesNotExist, ValueError, TypeError) as exc:
        raise RuleMissing(key, None, on) from exc
    found = rule_values((key,), area_obj, on)
    if key not in found:
        raise RuleMissing(key, area_obj, on)
    return found[key]


def rules_visible_to(user: Any) -> QuerySet[Rule]:
    """Platform defaults, rules of the areas the user covers, and of the jurisdictions above them."""
    qs = Rule.objects.select_related("area", "created_by")
    sc = scope_of(user)
    if sc.everything:
        return qs
    above: set[int] = set()
    for path in sc.paths:
        above.update(int(p) for p in path.strip("/").split("/") if p)
    return qs.filter(Q(area__isnull=True) | area_q(user) | Q(area_id__in=sorted(above)))


def rule_versions_for(area: Area | None, keys: list[str] | None = None) -> QuerySet[Rule]:
    """Every version that applies along ``area``'s chain (defaults included), newest first."""
    qs = Rule.objects.filter(Q(area__isnull=True) | Q(area_id__in=_chain(area))).select_related(
        "area", "created_by"
    )
    if keys is not None:
        qs = qs.filter(key__in=keys)
    return qs.order_by("key", F("area__depth").asc(nulls_first=True), "-valid_from", "-version")


@dataclass(frozen=True)
class RuleRow:
    """One catalog key as the console lists it: the effective value and the version history."""

    spec: RuleSpec
    effective: RuleValue | None
    versions: list[Rule]


def rules_overview(area: Area | None, on: date | None = None) -> list[tuple[str, list[RuleRow]]]:
    """Every catalog key, grouped, with its effective value for ``area`` and the versions along
    its chain (one query)."""
    from .rule_catalog import GROUPS

    on = on or timezone.localdate()
    chain = _chain(area)
    by_key: dict[str, list[Rule]] = {}
    for rule in rule_versions_for(area):
        by_key.setdefault(rule.key, []).append(rule)
    groups: list[tuple[str, list[RuleRow]]] = []
    for group in GROUPS:
        rows: list[RuleRow] = []
        for spec in CATALOG_LIST:
            if spec.group != group:
                continue
            versions = by_key.get(spec.key, [])
            current = [r for r in versions if r.valid_from <= on and (r.valid_to is None or r.valid_to >= on)]
            best = _pick(current, chain)
            rows.append(RuleRow(spec, _to_value(best) if best is not None else None, versions))
        groups.append((str(group), rows))
    return groups


# --------------------------------------------------------------------------- checks


@dataclass(frozen=True)
class CheckResult:
    ok: bool
    key: str
    actual: Any
    expected: str
    citation: str
    rule: RuleValue

    def __bool__(self) -> bool:
        return self.ok


def _frac(x: Any) -> Fraction:
    if isinstance(x, Fraction):
        return x
    if isinstance(x, float):
        return Fraction(Decimal(repr(x)))
    return Fraction(Decimal(x) if not isinstance(x, int) else x)


def evaluate(rule: RuleValue, actual: Any) -> CheckResult:
    spec = rule.spec
    direction = spec.direction if spec else Direction.NONE
    strict = bool(spec and spec.strict)
    a = _frac(actual)
    lo = _frac(rule.value)
    hi = _frac(rule.value_max) if rule.value_max is not None else None
    shown = rule.display
    if direction == Direction.MIN:
        ok = a > lo if strict else a >= lo
        expected = (">" if strict else "≥") + " " + format_value(rule.key, rule.value, None, rule.unit)
    elif direction == Direction.MAX:
        bound = hi if hi is not None else lo
        ok = a < bound if strict else a <= bound
        bound_dec = rule.value_max if rule.value_max is not None else rule.value
        expected = ("<" if strict else "≤") + " " + format_value(rule.key, bound_dec, None, rule.unit)
    elif hi is not None:
        ok = lo <= a <= hi
        expected = shown
    else:
        ok = a == lo
        expected = "= " + shown
    return CheckResult(
        ok=ok, key=rule.key, actual=actual, expected=expected, citation=rule.citation, rule=rule
    )


class RuleCheck:
    """Checks against rules, caching the effective values it has looked up.

    ``RuleCheck(on=...).prefetch(keys, areas)`` loads every rule those areas need in one query,
    so that a list of many areas checks without a query per area.
    """

    def __init__(self, *, on: date | None = None) -> None:
        self.on = on or timezone.localdate()
        self._rows: dict[str, list[Rule]] = {}
        self._cache: dict[tuple[str, int | None], RuleValue] = {}

    def prefetch(self, keys: list[str] | tuple[str, ...], areas: list[Area]) -> RuleCheck:
        ids: set[int] = set()
        for area in areas:
            ids.update(_chain(area))
        rows = (
            Rule.objects.filter(key__in=list(keys))
            .filter(_effective_q(self.on))
            .filter(Q(area__isnull=True) | Q(area_id__in=sorted(ids)))
            .select_related("area")
        )
        for key in keys:
            self._rows[key] = []
        for row in rows:
            self._rows[row.key].append(row)
        return self

    def value(self, key: str, area: Area | None) -> RuleValue:
        cache_key = (key, area.pk if area is not None else None)
        if cache_key not in self._cache:
            if key in self._rows:
                best = _pick(self._rows[key], _chain(area))
                if best is None:
                    raise RuleMissing(key, area, self.on)
                self._cache[cache_key] = _to_value(best)
            else:
                self._cache[cache_key] = rule_value(key, area, self.on)
        return self._cache[cache_key]

    def check(self, key: str, area: Area | None, actual: Any) -> CheckResult:
        return evaluate(self.value(key, area), actual)


def check(key: str, area: Area | None, actual: Any, *, on: date | None = None) -> CheckResult:
    """Compare ``actual`` with the rule effective for ``area``; the result cites the rule."""
    return evaluate(rule_value(key, area, on), actual)


# --------------------------------------------------------------------------- writing


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


# --------------------------------------------------------------------------- seeding


@transaction.atomic
def seed_default_rules(*, audit: bool = True) -> int:
    """Create the platform default of every catalog key that has none yet (idempotent).

    One audit entry names the rows it wrote (``audit=False`` for test fixtures re-adding them).
    """
    have = set(Rule.objects.filter(area__isnull=True).values_list("key", flat=True).distinct())
    created: list[int] = []
    for spec in CATALOG_LIST:
        if spec.key in have:
            continue
        rule = Rule.objects.create(
            key=spec.key,
            area=None,
            value=spec.default,
            value_max=spec.default_max,
            unit=spec.unit,
            valid_from=spec.valid_from,
            version=1,
            source=spec.source,
            note=spec.note,
        )
        created.append(rule.pk)
    if created and audit:
        record_batch(
            actor=None, action="rule.seed_defaults", object_type="core.rule", object_ids=created, area=None
        )
    return len(created)


NANJING_PAY_KEY = "pay.urban_other.share_of_city_average_wage"
NANJING_PAY_TIERS: tuple[tuple[Decimal, tuple[str, ...]], ...] = (
    (Decimal("0.8"), ("玄武", "秦淮", "建邺", "鼓楼", "栖霞", "雨花台")),
    (Decimal("0.7"), ("江北新区", "江宁", "浦口", "六合", "溧水", "高淳")),
)
NANJING_SOURCE = CATALOG[NANJING_PAY_KEY].source


def _short(name: str) -> str:
    return name if name.endswith("新区") else name.removesuffix("区")


@transaction.atomic
def seed_area_rules(city: Area) -> list[Rule]:
    """District-level rules the city's own documents set (南京市: the pay tiers). Idempotent."""
    if city.name != "南京市":
        return []
    districts = {
        _short(a.name): a
        for a in Area.objects.current()
        .filter(parent=city, level__in=(AreaLevel.DISTRICT, AreaLevel.ZONE))
        .select_related("parent")
    }
    have = set(
        Rule.objects.filter(key=NANJING_PAY_KEY, area__in=list(districts.values())).values_list(
            "area_id", flat=True
        )
    )
    created: list[Rule] = []
    valid_from = CATALOG[NANJING_PAY_KEY].valid_from
    for share, names in NANJING_PAY_TIERS:
        for name in names:
            area = districts.get(name)
            if area is None or area.pk in have:
                continue
            created.append(
                _create_version(
                    actor=None,
                    key=NANJING_PAY_KEY,
                    area=area,
                    value=share,
                    value_max=None,
                    valid_from=valid_from,
                    valid_to=None,
                    source=NANJING_SOURCE,
                    note=_(
                        "%(name)s其他城市社区工作者报酬不低于上年度全市城镇非私营单位从业人员平均工资的%(pct)s%%。"
                    )
                    % {"name": area.name, "pct": int(share * 100)},
                    reason=_("按市级文件设定区级报酬标准"),
                    supersede=False,
                    action="rule.seed_area",
                )
            )
    return created
