"""The three rates by who is looking: scope, drill-down lists and the cost in queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shequ.accounts.roles import Role
from shequ.appeals.models import Case
from shequ.appeals.selectors import rates as sel

from .rates_october import (
    OCTOBER,
    October,
    at,
    build_october,
    counts,
    dispatched,
    make_case,
    on_time,
    rated,
    row,
)


@pytest.fixture
def october(mini: Any, personas: dict[str, Any]) -> October:
    return build_october(mini, personas)


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


def test_a_unit_handler_drills_into_a_street_outside_their_areas(october: October) -> None:
    """玄武区城市管理局 leads a case in 秦淮区: its handler sees the case, its street's row and that
    row's list; a street where they see nothing stays a 404."""
    from django.http import Http404

    mini = october.mini
    handler = october.personas[Role.DEPARTMENT_HANDLER]  # posted at 玄武区城市管理局
    b = str(mini.street_b.pk)
    with pytest.raises(Http404):
        _drill(handler, drill="dispatched", street=b)
    d = at(10, 14, 9)
    extra = make_case(
        october.personas["resident"], mini.grid_b, "跨区交办十一号", **dispatched(mini.dept_a, d) | on_time(d)
    )
    streets = sel.ranking(handler, month=OCTOBER, by="street")
    assert counts(row(streets, "夫子庙街道"))[:2] == (1, 1)
    assert _drill(handler, drill="dispatched", street=b) == [extra.number]
    assert _drill(handler, drill="dispatched", community=str(mini.community_b.pk)) == [extra.number]
    with pytest.raises(Http404):
        _drill(october.personas[Role.COMMUNITY_WORKER], drill="dispatched", street=b)


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
