"""The process's copy of the rules and calendar days, with the production recheck time.

The test settings reload on every use (``SHEQU_REFERENCE_RECHECK_SECONDS = 0``); these tests
switch the copy on and check that it saves the queries and never hides a change made here.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from shequ.accounts.roles import Role
from shequ.core import calendar as cal
from shequ.core import refdata
from shequ.core.models import CalendarDay, DayKind, Rule
from shequ.core.rules import rule_set, rule_value, seed_default_rules

RATIO_URBAN = "staffing.households_per_worker.urban"
ON = date(2026, 3, 2)


@pytest.fixture
def cached(db: Any, settings: Any) -> Iterator[None]:
    seed_default_rules()
    cal.seed_calendar(audit=False)
    settings.SHEQU_REFERENCE_RECHECK_SECONDS = 3600
    refdata.mark_stale()  # an earlier test's copy is not this test's data
    yield
    refdata.mark_stale()


def test_a_fresh_copy_answers_without_a_query(
    cached: None, mini: Any, django_assert_num_queries: Any
) -> None:
    with django_assert_num_queries(2):  # the rules, then the calendar: once each
        assert rule_value(RATIO_URBAN, mini.grid_a, ON).value == 300
        assert cal.add_working_days(date(2026, 2, 13), 3) == date(2026, 2, 25)
    with django_assert_num_queries(0):
        assert rule_value(RATIO_URBAN, mini.grid_a, ON).value == 300
        assert cal.add_working_days(date(2026, 2, 13), 3) == date(2026, 2, 25)
        assert cal.office_windows(mini.grid_a, ON)


def test_a_rule_set_in_this_process_applies_at_once(cached: None, personas: Any, mini: Any) -> None:
    assert rule_value(RATIO_URBAN, mini.grid_a, ON).value == 300
    rule_set(
        actor=personas[Role.DISTRICT_ADMIN],
        key=RATIO_URBAN,
        area=mini.district_a,
        value=250,
        valid_from=date(2026, 1, 1),
        source="测试文件第1条",
    )
    found = rule_value(RATIO_URBAN, mini.grid_a, ON)
    assert (found.value, found.jurisdiction) == (Decimal(250), "玄武区")
    assert rule_value(RATIO_URBAN, mini.community_b, ON).value == 300


def test_a_calendar_day_set_in_this_process_applies_at_once(cached: None, personas: Any) -> None:
    monday = date(2026, 3, 2)
    assert cal.is_workday(monday)
    cal.calendar_day_set(actor=personas[Role.SYSTEM_ADMIN], day=monday, kind=DayKind.HOLIDAY, name="测试假日")
    assert not cal.is_workday(monday)
    CalendarDay.objects.get(date=monday).delete()
    assert cal.is_workday(monday)


def test_a_write_without_signals_shows_after_the_recheck_time(
    cached: None, mini: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process's change (here: an UPDATE that sends no signal) is seen once the copy ages."""
    assert rule_value(RATIO_URBAN, mini.grid_a, ON).value == 300
    Rule.objects.filter(key=RATIO_URBAN, area__isnull=True).update(value=310)
    assert rule_value(RATIO_URBAN, mini.grid_a, ON).value == 300  # still trusted
    now = refdata.time.monotonic()
    monkeypatch.setattr(refdata.time, "monotonic", lambda: now + 3601)
    assert rule_value(RATIO_URBAN, mini.grid_a, ON).value == 310


def test_recheck_zero_reloads_every_use(
    db: Any, settings: Any, mini: Any, django_assert_num_queries: Any
) -> None:
    seed_default_rules()
    settings.SHEQU_REFERENCE_RECHECK_SECONDS = 0
    for _ in range(2):
        with django_assert_num_queries(1):
            rule_value(RATIO_URBAN, mini.grid_a, ON)
