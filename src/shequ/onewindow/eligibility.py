"""Eligibility rules as data, and the small interpreter that checks them against registry facts.

A rule is a list of conditions, all of which must hold::

    [{"fact": "age", "op": "gte", "value": 80},
     {"fact": "tags", "op": "any", "value": ["disabled", "dibao"]},
     {"fact": "residence_status", "op": "in", "value": ["resident"]},
     {"fact": "household_kind", "op": "in", "value": ["registered"]}]

Every failing condition comes back with a Chinese explanation.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _

FACTS = ("age", "tags", "residence_status", "household_kind")
OPS = ("gte", "lte", "in", "not_in", "any")


@dataclass(frozen=True)
class Facts:
    """What the registry knows about a person, as the rules see it."""

    age: int | None
    tags: frozenset[str] = frozenset()
    residence_status: str = ""
    household_kind: str = ""


@dataclass(frozen=True)
class Verdict:
    eligible: bool
    failures: list[str] = field(default_factory=list)


def validate_rule(conditions: Any) -> list[str]:
    """Problems with a rule's shape (empty when it can be evaluated)."""
    if not isinstance(conditions, list):
        return [_("申请条件应为条件列表。")]
    problems = []
    for i, cond in enumerate(conditions, start=1):
        if not isinstance(cond, dict) or cond.get("fact") not in FACTS or cond.get("op") not in OPS:
            problems.append(_("第%(n)d个条件无法识别。") % {"n": i})
            continue
        value = cond.get("value")
        if cond["op"] in ("gte", "lte") and not isinstance(value, int):
            problems.append(_("第%(n)d个条件的数值无效。") % {"n": i})
        if cond["op"] in ("in", "not_in", "any") and not isinstance(value, list):
            problems.append(_("第%(n)d个条件的取值应为列表。") % {"n": i})
    return problems


def _labels(fact: str, values: list[str]) -> str:
    from shequ.registry.models import HouseholdKind, ResidenceStatus, Tag

    if fact == "tags":
        names = dict(Tag.objects.filter(code__in=values).values_list("code", "name"))
        return "、".join(names.get(v, v) for v in values)
    choices = {"residence_status": ResidenceStatus, "household_kind": HouseholdKind}[fact]
    labels = dict(choices.choices)
    return "、".join(str(labels.get(v, v)) for v in values)


def _explain(cond: dict[str, Any], facts: Facts) -> str | None:
    """``None`` when the condition holds, else why not."""
    fact, op = cond["fact"], cond["op"]
    value: Any = cond.get("value")
    if fact == "age":
        if facts.age is None:
            return _("人口信息库中没有出生日期，无法核对年龄。")
        if op == "gte" and facts.age < value:
            return _("年龄须满%(n)d周岁（当前%(age)d周岁）。") % {"n": value, "age": facts.age}
        if op == "lte" and facts.age > value:
            return _("年龄须不超过%(n)d周岁（当前%(age)d周岁）。") % {"n": value, "age": facts.age}
        return None
    if fact == "tags":
        if facts.tags & set(value):
            return None
        return _("须属于以下人群之一：%(groups)s。") % {"groups": _labels("tags", value)}
    current = facts.residence_status if fact == "residence_status" else facts.household_kind
    held = current in value
    if op == "not_in":
        held = not held
    if held:
        return None
    if fact == "residence_status":
        if op == "not_in":
            return _("居住状态不能为：%(v)s。") % {"v": _labels(fact, value)}
        return _("居住状态须为：%(v)s。") % {"v": _labels(fact, value)}
    if op == "not_in":
        return _("户别不能为：%(v)s。") % {"v": _labels(fact, value)}
    return _("户别须为：%(v)s。") % {"v": _labels(fact, value)}


def evaluate(conditions: list[dict[str, Any]], facts: Facts) -> Verdict:
    failures = []
    for cond in conditions or []:
        reason = _explain(cond, facts)
        if reason:
            failures.append(reason)
    return Verdict(eligible=not failures, failures=failures)


def facts_of(person: Any, on: date) -> Facts:
    """The registry facts of a person (two queries: current tags, current household)."""
    from shequ.registry.models import Membership, PersonTag

    tags = frozenset(
        PersonTag.objects.filter(person=person, removed_on__isnull=True).values_list("tag__code", flat=True)
    )
    kind = (
        Membership.objects.filter(person=person, valid_to__isnull=True)
        .values_list("household__kind", flat=True)
        .first()
    )
    return Facts(
        age=person.age_on(on),
        tags=tags,
        residence_status=person.residence_status,
        household_kind=kind or "",
    )
