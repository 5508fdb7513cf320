"""The three rates on a hand-made October 2026: every figure equals the hand-computed value.

The fixture (all times Asia/Shanghai; A = 梅园新村街道 in 玄武区, B = 夫子庙街道 in 秦淮区):

====  ==========  =============  =======================  ==================  ===========================
case  area        lead unit      dispatched               response            latest rating
====  ==========  =============  =======================  ==================  ===========================
C1    grid A      dept A         10-05 09:00              on time             10-12: resolved, satisfied
C2    grid A      dept A         10-06 09:00              contacted late      10-20: unresolved, basic
C3    community A community A    10-07 09:00              on time             10-31 23:30: resolved, basic
C4    grid B      dept B         10-08 09:00              never accepted      —
C5    grid B      dept B         10-01 00:10 (UTC: 9-30)  on time             11-01 00:30 (UTC: 10-31)
C6    grid A      dept A         10-09 09:00 — review EXCLUDED: counts nowhere
C7    grid B      dept B         09-20 09:00 (September)  —                   10-03: resolved, dissatisfied
C8    grid A      dept A         11-01 00:05 (UTC: 10-31) on time             —
C9    grid A      dept A         10-10 09:00 — merged into C1: counts nowhere
C10   village A   dept A         10-11 09:00              on time (contacted   —
                                                          exactly at the due)
====  ==========  =============  =======================  ==================  ===========================

October by hand (weights 0.1 / 0.45 / 0.45, basic counts 1):

* street A: dispatched 4 (C1 C2 C3 C10), on time 3 → 75.0%; rated 3 (C1 C2 C3), resolved 2 →
  66.7%; satisfied 1 + basic 2 → 100.0%; composite .075 + .3 + .45 = 82.5 (rank 1)
* street B: dispatched 2 (C4 C5), on time 1 → 50.0%; rated 1 (C7), resolved 1 → 100.0%;
  dissatisfied 1 → 0.0%; composite .05 + .45 + 0 = 50.0 (rank 2)
* total: 6, 4 → 66.7%; 4, 3 → 75.0%; 1 + 2 of 4 → 75.0%; composite 74.2
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shequ.accounts.roles import Role
from shequ.appeals.models import Case, CaseState, ReviewState
from shequ.appeals.selectors import rates as sel

pytestmark = pytest.mark.django_db

SH = ZoneInfo("Asia/Shanghai")
OCTOBER = sel.Month(2026, 10)
NOVEMBER = sel.Month(2026, 11)


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=SH)


@dataclass
class October:
    mini: Any
    personas: dict[str, Any]
    cases: dict[str, Case]

    def numbers(self, *names: str) -> list[str]:
        return sorted(self.cases[n].number for n in names)


def make_case(actor: Any, area: Any, text: str, **fields: Any) -> Case:
    """A case filed through intake, then given the dispatch/response/rating facts of the fixture."""
    from shequ.appeals.models import Channel
    from shequ.appeals.services import case_submit

    case = case_submit(actor=actor, channel=Channel.PORTAL, text=text, area=area, address="1号楼").case
    Case.objects.filter(pk=case.pk).update(**fields)
    case.refresh_from_db()
    return case


def dispatched(org: Any, when: datetime, *, hours: int = 8, **extra: Any) -> dict[str, Any]:
    """Dispatched to ``org`` at ``when`` with a response deadline ``hours`` later."""
    from datetime import timedelta

    base = {
        "state": CaseState.ACCEPTED,
        "lead_org": org,
        "lead_unit": org.name if org is not None else "",
        "dispatched_at": when,
        "response_due": when + timedelta(hours=hours),
    }
    return base | extra


def on_time(when: datetime) -> dict[str, Any]:
    from datetime import timedelta

    return {"accepted_at": when + timedelta(hours=1), "contacted_at": when + timedelta(hours=2)}


def rated(when: datetime, resolved: bool, level: str) -> dict[str, Any]:
    return {"state": CaseState.CLOSED, "rated_at": when, "rating_resolved": resolved, "rating_level": level}


def build_october(mini: Any, personas: dict[str, Any]) -> October:
    from datetime import timedelta

    resident = personas["resident"]
    a, b = mini.dept_a, mini.dept_b
    cases: dict[str, Case] = {}
    d1, d2, d3, d4 = at(10, 5, 9), at(10, 6, 9), at(10, 7, 9), at(10, 8, 9)
    cases["C1"] = make_case(
        resident,
        mini.grid_a,
        "路灯不亮一号",
        **dispatched(a, d1) | on_time(d1) | rated(at(10, 12, 10), True, "satisfied"),
    )
    cases["C2"] = make_case(
        resident,
        mini.grid_a,
        "井盖缺失二号",
        **dispatched(a, d2)
        | {"accepted_at": d2 + timedelta(hours=1), "contacted_at": d2 + timedelta(hours=9)}
        | rated(at(10, 20, 10), False, "basic"),
    )
    cases["C3"] = make_case(
        resident,
        mini.community_a,
        "楼道堆物三号",
        **dispatched(None, d3, lead_area=mini.community_a, lead_unit="大悲巷社区居委会")
        | on_time(d3)
        | rated(at(10, 31, 23, 30), True, "basic"),
    )
    cases["C4"] = make_case(resident, mini.grid_b, "噪音扰民四号", **dispatched(b, d4))
    d5 = at(10, 1, 0, 10)
    cases["C5"] = make_case(
        resident,
        mini.grid_b,
        "占道经营五号",
        **dispatched(b, d5) | on_time(d5) | rated(at(11, 1, 0, 30), True, "satisfied"),
    )
    d6 = at(10, 9, 9)
    cases["C6"] = make_case(
        resident,
        mini.grid_a,
        "无理诉求六号",
        **dispatched(a, d6)
        | on_time(d6)
        | rated(at(10, 15, 9), False, "dissatisfied")
        | {"review_state": ReviewState.EXCLUDED},
    )
    cases["C7"] = make_case(
        resident,
        mini.grid_b,
        "绿化损坏七号",
        **dispatched(b, at(9, 20, 9)) | on_time(at(9, 20, 9)) | rated(at(10, 3, 9), True, "dissatisfied"),
    )
    d8 = at(11, 1, 0, 5)
    cases["C8"] = make_case(resident, mini.grid_a, "水管漏水八号", **dispatched(a, d8) | on_time(d8))
    d9 = at(10, 10, 9)
    cases["C9"] = make_case(
        resident,
        mini.grid_a,
        "路灯不亮重复九号",
        **dispatched(a, d9) | {"state": CaseState.MERGED, "merged_into": cases["C1"]},
    )
    d10 = at(10, 11, 9)
    cases["C10"] = make_case(
        resident,
        mini.village_a,
        "村道破损十号",
        **dispatched(a, d10)
        | {"accepted_at": d10 + timedelta(hours=8), "contacted_at": d10 + timedelta(hours=8)},
    )
    return October(mini=mini, personas=personas, cases=cases)


@pytest.fixture
def october(mini: Any, personas: dict[str, Any]) -> October:
    return build_october(mini, personas)


def row(ranking: sel.Ranking, name: str) -> sel.Figures:
    return next(r for r in ranking.rows if r.name == name)


def shown(fig: sel.Figures) -> tuple[str, str, str, str]:
    return (
        sel.percent(fig.response_rate),
        sel.percent(fig.resolution_rate),
        sel.percent(fig.satisfaction_rate),
        sel.score(fig.composite),
    )


def counts(fig: sel.Figures) -> tuple[int, ...]:
    c = fig.counts
    return (c.dispatched, c.responded, c.rated, c.resolved, c.satisfied, c.basic, c.dissatisfied)


# --------------------------------------------------------------------------- streets and totals


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


# --------------------------------------------------------------------------- scope


def test_a_community_worker_sees_only_their_community(october: October) -> None:
    worker = october.personas[Role.COMMUNITY_WORKER]  # 大悲巷社区
    streets = sel.ranking(worker, month=OCTOBER, by="street")
    assert [r.name for r in streets.rows] == ["梅园新村街道"]
    assert counts(streets.rows[0]) == (3, 2, 3, 2, 1, 2, 0)  # C1 C2 C3 only: not C10 in 东湖村
    units = sel.ranking(worker, month=OCTOBER, by="unit")
    assert sorted(r.name for r in units.rows) == ["大悲巷社区居委会", "玄武区城市管理局"]
    assert counts(units.total) == (3, 2, 3, 2, 1, 2, 0)
    from django.http import Http404

    for area in (october.mini.street_a, october.mini.street_b, october.mini.district_a):
        with pytest.raises(Http404):
            sel.rates_area(worker, area.pk)
    assert sel.rates_area(worker, october.mini.community_a.pk) == october.mini.community_a
    assert sel.shows_communities(sel.focus_area(worker, None))


def test_street_staff_of_b_see_b_only(october: October) -> None:
    from shequ.demo.factories import make_persona

    staff_b = make_persona(october.mini, Role.STREET_STAFF, side="b")
    found = sel.ranking(staff_b, month=OCTOBER, by="street")
    assert [r.name for r in found.rows] == ["夫子庙街道"]
    assert counts(found.total) == (2, 1, 1, 1, 0, 0, 1)


def test_a_district_filter_for_the_city_admin(october: October) -> None:
    admin = october.personas[Role.CITY_ADMIN]
    found = sel.ranking(admin, month=OCTOBER, by="street", area=october.mini.district_b)
    assert [r.name for r in found.rows] == ["夫子庙街道"]
    assert not sel.shows_communities(october.mini.district_b)
    assert sel.shows_communities(october.mini.street_a)
    levels = set(sel.filter_areas(admin).values_list("level", flat=True))
    assert levels == {"district", "street"}


def test_cases_above_street_level_are_their_own_bucket(october: October) -> None:
    admin = october.personas[Role.CITY_ADMIN]
    mini = october.mini
    Case.objects.filter(pk=october.cases["C10"].pk).update(area=mini.district_a)
    found = sel.ranking(admin, month=OCTOBER, by="street")
    other = row(found, "（未落到街道的案件）")
    assert other.key == sel.NONE_KEY
    assert counts(other) == (1, 1, 0, 0, 0, 0, 0)
    drill = sel.parse_drill(admin, {"drill": "dispatched", "street": "none"})
    assert drill is not None
    assert [c.number for c in sel.drill_cases(admin, month=OCTOBER, drill=drill)] == october.numbers("C10")


# --------------------------------------------------------------------------- drill-down


def _drill(user: Any, **params: str) -> list[str]:
    drill = sel.parse_drill(user, params)
    assert drill is not None
    return [c.number for c in sel.drill_cases(user, month=OCTOBER, drill=drill)]


def test_drill_down_lists_exactly_the_counted_cases(october: October) -> None:
    admin = october.personas[Role.CITY_ADMIN]
    mini = october.mini
    n = october.numbers
    a, b = str(mini.street_a.pk), str(mini.street_b.pk)
    assert _drill(admin, drill="dispatched") == n("C1", "C2", "C3", "C4", "C5", "C10")
    assert _drill(admin, drill="responded") == n("C1", "C3", "C5", "C10")
    assert _drill(admin, drill="response_miss") == n("C2", "C4")
    assert _drill(admin, drill="response_miss", street=a) == n("C2")
    assert _drill(admin, drill="rated", street=b) == n("C7")
    assert _drill(admin, drill="resolved", street=a) == n("C1", "C3")
    assert _drill(admin, drill="unresolved") == n("C2")
    assert _drill(admin, drill="basic", unit=f"org:{mini.dept_a.pk}") == n("C2")
    assert _drill(admin, drill="dispatched", unit=f"area:{mini.community_a.pk}") == n("C3")
    assert _drill(admin, drill="dissatisfied", unit=f"org:{mini.dept_b.pk}") == n("C7")
    assert _drill(admin, drill="responded", community=str(mini.village_a.pk)) == n("C10")
    assert _drill(admin, drill="satisfied", community=str(mini.community_a.pk)) == n("C1")
    # Every count of every table equals the length of its drill-down list.
    for by, group in (("street", "street"), ("unit", "unit"), ("community", "community")):
        found = sel.ranking(admin, month=OCTOBER, by=by)
        for fig in found.rows:
            for kind, expected in (
                ("dispatched", fig.counts.dispatched),
                ("responded", fig.counts.responded),
                ("response_miss", fig.responded_miss),
                ("rated", fig.counts.rated),
                ("resolved", fig.counts.resolved),
                ("unresolved", fig.unresolved),
                ("satisfied", fig.counts.satisfied),
                ("basic", fig.counts.basic),
                ("dissatisfied", fig.counts.dissatisfied),
            ):
                assert len(_drill(admin, drill=kind, **{group: fig.key})) == expected, (by, fig.name, kind)


def test_drill_down_is_scoped(october: October) -> None:
    from django.core.exceptions import ValidationError
    from django.http import Http404

    worker = october.personas[Role.COMMUNITY_WORKER]
    mini = october.mini
    assert _drill(worker, drill="dispatched") == october.numbers("C1", "C2", "C3")
    assert _drill(worker, drill="dispatched", unit=f"org:{mini.dept_b.pk}") == []
    with pytest.raises(Http404):
        _drill(worker, drill="dispatched", street=str(mini.street_b.pk))
    with pytest.raises(Http404):
        _drill(worker, drill="dispatched", unit=f"area:{mini.street_b.pk}")
    with pytest.raises(ValidationError):
        _drill(worker, drill="everything")
    with pytest.raises(ValidationError):
        _drill(worker, drill="rated", unit="bogus")


# --------------------------------------------------------------------------- query counts


def _queries(fn: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_query_count_does_not_grow_with_the_cases(october: October) -> None:
    mini = october.mini
    admin = october.personas[Role.CITY_ADMIN]

    def all_tables() -> None:
        for by in sel.BY_CHOICES:
            sel.ranking(admin, month=OCTOBER, by=by)
        sel.ranking(admin, month=OCTOBER, by="community", area=mini.street_a)

    all_tables()  # warm the viewer's scope cache
    before = _queries(all_tables)
    assert before <= 16
    resident = october.personas["resident"]
    for i in range(12):
        grid = mini.grid_a if i % 2 else mini.grid_b
        org = mini.dept_a if i % 3 else mini.provider_a
        when = at(10, 14, 8, i)
        make_case(
            resident,
            grid,
            f"新增诉求第{i}号",
            **dispatched(org, when) | on_time(when) | rated(when, True, "basic"),
        )
    assert _queries(all_tables) == before
