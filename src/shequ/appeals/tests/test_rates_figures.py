"""The three rates on the hand-made October of :mod:`.rates_october`: every figure equals the
hand-computed value, the weights and month boundaries follow the rules."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

import pytest

from shequ.accounts.roles import Role
from shequ.appeals.models import Case, ReviewState
from shequ.appeals.selectors import rates as sel

from .rates_october import (
    NOVEMBER,
    OCTOBER,
    October,
    at,
    build_october,
    counts,
    row,
    shown,
)


@pytest.fixture
def october(mini: Any, personas: dict[str, Any]) -> October:
    return build_october(mini, personas)


def test_street_ranking_equals_the_hand_computed_figures(october: October) -> None:
    admin = october.personas[Role.CITY_ADMIN]
    found = sel.ranking(admin, month=OCTOBER, by="street")
    assert [(r.rank, r.name) for r in found.rows] == [(1, "梅园新村街道"), (2, "夫子庙街道")]
    a, b = found.rows
    assert counts(a) == (4, 3, 3, 2, 1, 2, 0)
    assert a.response_rate == Fraction(3, 4)
    assert a.resolution_rate == Fraction(2, 3)
    assert a.satisfaction_rate == 1
    assert a.composite == Fraction(825, 1000)
    assert shown(a) == ("75.0%", "66.7%", "100.0%", "82.5")
    assert counts(b) == (2, 1, 1, 1, 0, 0, 1)
    assert shown(b) == ("50.0%", "100.0%", "0.0%", "50.0")
    assert b.composite == Fraction(1, 2)
    assert a.area_id == october.mini.street_a.pk
    assert a.key == str(october.mini.street_a.pk)
    total = found.total
    assert counts(total) == (6, 4, 4, 3, 1, 2, 1)
    assert shown(total) == ("66.7%", "75.0%", "75.0%", "74.2")
    assert total.composite == Fraction(1, 10) * Fraction(2, 3) + Fraction(45, 100) * Fraction(3, 2)


def test_unit_ranking_groups_by_lead_organisation_or_street_and_community(october: October) -> None:
    admin = october.personas[Role.CITY_ADMIN]
    found = sel.ranking(admin, month=OCTOBER, by="unit")
    names = [(r.rank, r.name) for r in found.rows]
    assert names == [(1, "大悲巷社区居委会"), (2, "玄武区城市管理局"), (3, "秦淮区城市管理局")]
    community, dept_a, dept_b = found.rows
    assert community.key == f"area:{october.mini.community_a.pk}"
    assert dept_a.key == f"org:{october.mini.dept_a.pk}"
    assert counts(community) == (1, 1, 1, 1, 0, 1, 0)
    assert shown(community) == ("100.0%", "100.0%", "100.0%", "100.0")
    assert counts(dept_a) == (3, 2, 2, 1, 1, 1, 0)
    assert shown(dept_a) == ("66.7%", "50.0%", "100.0%", "74.2")
    assert counts(dept_b) == (2, 1, 1, 1, 0, 0, 1)
    assert shown(dept_b) == ("50.0%", "100.0%", "0.0%", "50.0")
    assert counts(found.total) == (6, 4, 4, 3, 1, 2, 1)


def test_community_breakdown_under_a_street_and_the_composite_without_ratings(october: October) -> None:
    """Village A has no rating: its composite is the response rate alone (weights renormalised)."""
    mini = october.mini
    admin = october.personas[Role.CITY_ADMIN]
    found = sel.ranking(admin, month=OCTOBER, by="community", area=mini.street_a)
    assert [(r.rank, r.name) for r in found.rows] == [(1, "东湖村"), (2, "大悲巷社区")]
    village, community = found.rows
    assert counts(village) == (1, 1, 0, 0, 0, 0, 0)
    assert shown(village) == ("100.0%", "—", "—", "100.0")
    assert counts(community) == (3, 2, 3, 2, 1, 2, 0)
    assert shown(community) == ("66.7%", "66.7%", "100.0%", "81.7")
    assert counts(found.total) == (4, 3, 3, 2, 1, 2, 0)


def test_no_denominator_at_all_means_no_composite_and_no_rank(october: October) -> None:
    mini = october.mini
    admin = october.personas[Role.CITY_ADMIN]
    Case.objects.filter(pk=october.cases["C10"].pk).update(dispatched_at=None)
    found = sel.ranking(admin, month=OCTOBER, by="community", area=mini.street_a)
    assert [r.name for r in found.rows] == ["大悲巷社区"]  # C10 counts nowhere in October now
    empty = sel.Figures(key="x", name="x", counts=sel.Counts(), weights=found.weights)
    assert shown(empty) == ("—", "—", "—", "—")
    ranked = sel.rank_rows([empty, *found.rows])
    assert [(r.rank, r.name) for r in ranked] == [(1, "大悲巷社区"), (None, "x")]


# --------------------------------------------------------------------------- rule records


def _rule(actor: Any, key: str, area: Any, value: Any) -> None:
    from shequ.core.rules import rule_set

    rule_set(
        actor=actor,
        key=key,
        area=area,
        value=value,
        valid_from=date(2026, 10, 1),
        source="三率测试：考核办法调整",
    )


def test_weights_are_rule_records_and_change_the_ranking(october: October) -> None:
    mini = october.mini
    admin = october.personas[Role.CITY_ADMIN]
    _rule(admin, "appeals.rates.weight_satisfaction", mini.city, 0)
    found = sel.ranking(admin, month=OCTOBER, by="street")
    assert found.weights.satisfaction == 0
    assert [(r.rank, r.name) for r in found.rows] == [(1, "夫子庙街道"), (2, "梅园新村街道")]
    b, a = found.rows
    # (.1 × .5 + .45 × 1) ÷ .55 and (.1 × .75 + .45 × 2/3) ÷ .55
    assert b.composite == Fraction(5, 10) / Fraction(55, 100)
    assert shown(b)[3] == "90.9"
    assert shown(a)[3] == "68.2"
    # The system administrator covers every area: the platform default applies to them.
    platform = sel.ranking(october.personas[Role.SYSTEM_ADMIN], month=OCTOBER, by="street")
    assert platform.weights.satisfaction == Decimal("0.45")
    assert [r.name for r in platform.rows] == ["梅园新村街道", "夫子庙街道"]


def test_basic_weight_half(october: October) -> None:
    mini = october.mini
    admin = october.personas[Role.CITY_ADMIN]
    _rule(admin, "appeals.rates.basic_weight", mini.city, "0.5")
    found = sel.ranking(admin, month=OCTOBER, by="street")
    a = row(found, "梅园新村街道")
    assert a.satisfaction_rate == Fraction(2, 3)  # (1 + 2 × 0.5) ÷ 3
    assert shown(a) == ("75.0%", "66.7%", "66.7%", "67.5")
    assert shown(found.total)[2] == "50.0%"  # (1 + 2 × 0.5) ÷ 4


def test_a_past_month_keeps_the_weights_in_force_at_its_end(october: October) -> None:
    from shequ.core.rules import rule_set

    admin = october.personas[Role.CITY_ADMIN]
    rule_set(
        actor=admin,
        key="appeals.rates.weight_satisfaction",
        area=october.mini.city,
        value=0,
        valid_from=date(2026, 11, 1),
        source="三率测试：自11月起调整",
    )
    assert sel.ranking(admin, month=OCTOBER, by="street").weights.satisfaction == Decimal("0.45")
    assert sel.ranking(admin, month=NOVEMBER, by="street").weights.satisfaction == 0


# --------------------------------------------------------------------------- months and exclusions


def test_month_boundaries_are_shanghai_calendar_months(october: October) -> None:
    admin = october.personas[Role.CITY_ADMIN]
    drill = sel.Drill("rated")
    rated_october = sel.drill_cases(admin, month=OCTOBER, drill=drill)
    assert october.cases["C3"].number in {c.number for c in rated_october}  # 10-31 23:30 +08:00
    assert october.cases["C5"].number not in {c.number for c in rated_october}  # 11-01 00:30 +08:00
    dispatched_october = {
        c.number for c in sel.drill_cases(admin, month=OCTOBER, drill=sel.Drill("dispatched"))
    }
    assert october.cases["C5"].number in dispatched_october  # 10-01 00:10 +08:00 (UTC: 30 September)
    assert october.cases["C8"].number not in dispatched_october  # 11-01 00:05 +08:00 (UTC: 31 October)
    november = sel.ranking(admin, month=NOVEMBER, by="street")
    assert counts(row(november, "梅园新村街道")) == (1, 1, 0, 0, 0, 0, 0)  # C8
    assert counts(row(november, "夫子庙街道")) == (0, 0, 1, 1, 1, 0, 0)  # C5's rating
    assert OCTOBER.start.isoformat() == "2026-10-01T00:00:00+08:00"
    assert OCTOBER.end.isoformat() == "2026-11-01T00:00:00+08:00"


def test_excluded_and_merged_cases_count_nowhere(october: October) -> None:
    admin = october.personas[Role.CITY_ADMIN]
    every = set()
    for kind in sel.DRILLS:
        every |= {c.number for c in sel.drill_cases(admin, month=OCTOBER, drill=sel.Drill(kind))}
    assert october.cases["C6"].number not in every
    assert october.cases["C9"].number not in every
    # Taking the review back makes C6 count again: dispatched, on time, rated dissatisfied.
    Case.objects.filter(pk=october.cases["C6"].pk).update(review_state=ReviewState.UPHELD)
    a = row(sel.ranking(admin, month=OCTOBER, by="street"), "梅园新村街道")
    assert counts(a) == (5, 4, 4, 2, 1, 2, 1)


def test_the_latest_rating_counts(october: October) -> None:
    """A case rated dissatisfied, re-handled and rated again counts once, with its latest rating."""
    admin = october.personas[Role.CITY_ADMIN]
    Case.objects.filter(pk=october.cases["C2"].pk).update(
        rated_at=at(10, 28, 9), rating_resolved=True, rating_level="satisfied", reopened_count=1
    )
    a = row(sel.ranking(admin, month=OCTOBER, by="street"), "梅园新村街道")
    assert counts(a) == (4, 3, 3, 3, 2, 1, 0)


@pytest.mark.parametrize(
    "text",
    ["2026-13", "2026/10", "十月", "2026-1-1", "1999-12", "2099-01", "x" * 300, "2026-00", "-2026-10"],
)
def test_bad_months_are_field_errors(text: str) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        sel.parse_month(text)
    assert "month" in exc.value.error_dict


def test_good_months() -> None:
    assert sel.parse_month("2026-10") == OCTOBER
    assert sel.parse_month(" 2026-9 ") == sel.Month(2026, 9)
    assert sel.parse_month("") == sel.current_month()
    assert sel.parse_month(None) == sel.current_month()
    assert sel.Month(2026, 12).end.isoformat() == "2027-01-01T00:00:00+08:00"


def test_percent_rounds_half_up() -> None:
    assert sel.percent(Fraction(14, 15)) == "93.3%"
    assert sel.percent(Fraction(9335, 10000)) == "93.4%"
    assert sel.percent(Fraction(1, 8)) == "12.5%"
    assert sel.percent(None) == "—"
    assert sel.score(Fraction(2, 3)) == "66.7"
