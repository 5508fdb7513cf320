"""The hand-made October 2026 the rates tests share: the cases, and how each figure is computed by hand.

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
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

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
