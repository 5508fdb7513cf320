"""The working-day calendar: holidays, make-up working days, office hours and the deadline clock."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from shequ.accounts.roles import Role
from shequ.core import calendar as cal
from shequ.core.models import AuditEntry, CalendarDay, DayKind
from shequ.core.rules import rule_set, seed_default_rules

TZ = cal.TZ


def at(y: int, m: int, d: int, hh: int = 0, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


@pytest.fixture
def seeded(db: Any) -> None:
    """The reference data of the data migration (re-added if an earlier test flushed the tables)."""
    seed_default_rules()
    cal.seed_calendar()


# --------------------------------------------------------------------------- working days


def test_three_working_days_before_spring_festival_2026(seeded: None) -> None:
    # Friday 13 February; Saturday 14 is a make-up working day; 15–23 are holidays.
    assert cal.is_workday(date(2026, 2, 14))
    assert not cal.is_workday(date(2026, 2, 16))
    assert cal.add_working_days(at(2026, 2, 13, 10), 1) == date(2026, 2, 14)
    assert cal.add_working_days(at(2026, 2, 13, 10), 3) == date(2026, 2, 25)


def test_three_working_days_before_national_day_2025(seeded: None) -> None:
    # Friday 26 September; Sunday 28 is a make-up working day.
    assert cal.add_working_days(at(2025, 9, 26, 9), 3) == date(2025, 9, 30)
    # …and the fourth lands after the eight-day holiday, on Thursday 9 October.
    assert cal.add_working_days(at(2025, 9, 26, 9), 4) == date(2025, 10, 9)
    assert cal.is_workday(date(2025, 10, 11))  # make-up Saturday


def test_local_date_counts_not_utc_date(seeded: None) -> None:
    # 2026-03-05 20:00 UTC is already Friday 6 March 04:00 in Shanghai.
    from datetime import UTC

    moment = datetime(2026, 3, 5, 20, 0, tzinfo=UTC)
    assert cal.add_working_days(moment, 1) == date(2026, 3, 9)


def test_next_workday_and_counting(seeded: None) -> None:
    assert cal.next_workday(date(2026, 9, 30)) == date(2026, 10, 8)
    assert cal.next_workday(date(2026, 9, 19)) == date(2026, 9, 20)  # make-up Sunday
    assert cal.working_days_between(date(2026, 2, 13), date(2026, 2, 25)) == 3
    assert cal.working_days_between(date(2026, 2, 25), date(2026, 2, 13)) == 0


def test_every_seeded_row_cites_its_notice(seeded: None) -> None:
    rows = CalendarDay.objects.filter(date__year__in=[2025, 2026])
    assert rows.count() == len(cal.state_council_rows())
    assert not rows.filter(source="").exists()
    assert rows.get(date=date(2026, 2, 28)).source == cal.NOTICE_2026
    assert rows.get(date=date(2025, 1, 26)).kind == DayKind.WORKDAY
    # Make-up working days are all weekend days.
    assert all(d.date.weekday() >= 5 for d in rows.filter(kind=DayKind.WORKDAY))


def test_unconfigured_year_falls_back_to_monday_to_friday(seeded: None) -> None:
    assert not cal.year_is_configured(2031)
    assert cal.year_is_configured(2026)
    assert cal.is_workday(date(2031, 1, 1))  # a Wednesday; no holiday is known for 2031
    assert not cal.is_workday(date(2031, 1, 4))  # Saturday
    assert cal.add_working_days(date(2031, 1, 2), 2) == date(2031, 1, 6)


def test_one_query_whatever_the_years_touched(seeded: None, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(1):
        assert cal.add_working_days(at(2026, 2, 13, 10), 3) == date(2026, 2, 25)
    with django_assert_num_queries(1):  # across the new year: every row comes in one read
        assert cal.add_working_days(date(2025, 12, 30), 3) == date(2026, 1, 5)


def test_negative_days_and_naive_datetimes_are_refused(seeded: None) -> None:
    with pytest.raises(ValueError, match="negative"):
        cal.add_working_days(date(2026, 3, 2), -1)
    with pytest.raises(ValueError, match="naive"):
        cal.add_working_days(datetime(2026, 3, 2, 9, 0), 1)


# --------------------------------------------------------------------------- office hours


def test_working_days_deadline_is_close_of_office_hours(seeded: None) -> None:
    deadline = cal.working_days_deadline(at(2026, 2, 13, 10), 3)
    assert deadline == at(2026, 2, 25, 17, 30)
    assert deadline.utcoffset() == timedelta(hours=8)


def test_working_hours_skip_the_lunch_break(seeded: None) -> None:
    # Tuesday 10 March 2026, 11:00 + 2 h: one hour before lunch, one after.
    assert cal.add_working_hours(at(2026, 3, 10, 11), 2) == at(2026, 3, 10, 15)
    # Starting during lunch counts from 14:00.
    assert cal.add_working_hours(at(2026, 3, 10, 12, 30), Decimal("1.5")) == at(2026, 3, 10, 15, 30)
    # Starting before office hours counts from 08:30.
    assert cal.add_working_hours(at(2026, 3, 10, 6), 1) == at(2026, 3, 10, 9, 30)


def test_working_hours_skip_the_weekend_and_holidays(seeded: None) -> None:
    # Friday 13 March 2026 16:30 + 3 h → 1 h on Friday, 2 h on Monday morning.
    assert cal.add_working_hours(at(2026, 3, 13, 16, 30), 3) == at(2026, 3, 16, 10, 30)
    # Thursday 12 Feb 17:00 + 4 h → 0.5 h on Thursday, the whole Friday morning.
    assert cal.add_working_hours(at(2026, 2, 12, 17), 4) == at(2026, 2, 13, 12)
    # + 8 h → 0.5 + 7 h to Friday 17:30, the last half hour on the make-up Saturday 14 Feb.
    assert cal.add_working_hours(at(2026, 2, 12, 17), 8) == at(2026, 2, 14, 9)
    # Friday 13 Feb evening + 8 h: Saturday 14 Feb is a full day (7 h), then 1 h on 24 Feb.
    assert cal.add_working_hours(at(2026, 2, 13, 19), 8) == at(2026, 2, 24, 9, 30)


def test_natural_hours_ignore_the_calendar(seeded: None) -> None:
    assert cal.add_hours(at(2026, 2, 13, 19), 24) == at(2026, 2, 14, 19)
    assert cal.add_hours(at(2026, 2, 13, 19), 0) == at(2026, 2, 13, 19)


def test_office_hours_follow_the_area_rule(seeded: None, personas: Any, mini: Any) -> None:
    admin = personas[Role.DISTRICT_ADMIN]  # 玄武区
    rule_set(
        actor=admin,
        key="office_hours.afternoon",
        area=mini.district_a,
        value=810,
        value_max=1020,
        valid_from=date(2026, 1, 1),
        source="玄武区夏季作息时间通知",
    )
    # 13:30–17:00 in 玄武区 and everything under it; the default elsewhere.
    assert cal.working_days_deadline(at(2026, 3, 10, 9), 1, area=mini.community_a) == at(2026, 3, 11, 17)
    assert cal.working_days_deadline(at(2026, 3, 10, 9), 1, area=mini.community_b) == at(2026, 3, 11, 17, 30)
    assert cal.add_working_hours(at(2026, 3, 10, 11), 2, area=mini.community_a) == at(2026, 3, 10, 14, 30)


# --------------------------------------------------------------------------- the deadline clock


def test_elapsed_fraction_natural_and_working(seeded: None) -> None:
    start = at(2026, 3, 13, 16, 30)  # Friday
    deadline = cal.add_working_hours(start, 3)  # Monday 10:30
    monday_9 = at(2026, 3, 16, 9)
    # In working time: 1 h Friday + 0.5 h Monday of 3 h → half.
    assert cal.elapsed_fraction(start, deadline, monday_9, working=True) == pytest.approx(0.5)
    # In natural time the weekend counts.
    natural = (monday_9 - start) / (deadline - start)
    assert cal.elapsed_fraction(start, deadline, monday_9, working=False) == pytest.approx(natural)
    assert cal.elapsed_fraction(start, deadline, at(2026, 3, 16, 11, 30), working=True) > 1
    assert cal.elapsed_fraction(start, deadline, at(2026, 3, 13, 12), working=True) == 0


def test_deadline_states(seeded: None) -> None:
    start = at(2026, 3, 10, 9)
    deadline = at(2026, 3, 10, 19)  # 10 natural hours
    assert cal.deadline_state(start, deadline, at(2026, 3, 10, 12), yellow_at=0.8) == "green"
    assert cal.deadline_state(start, deadline, at(2026, 3, 10, 17), yellow_at=0.8) == "yellow"
    assert cal.deadline_state(start, deadline, at(2026, 3, 10, 17), yellow_at=0.9) == "green"
    assert cal.deadline_state(start, deadline, at(2026, 3, 10, 19), yellow_at=0.8) == "yellow"
    assert cal.deadline_state(start, deadline, at(2026, 3, 10, 19, 1), yellow_at=0.8) == "red"
    # Without a threshold the deadline.yellow_share rule (0.8) applies.
    assert cal.deadline_state(start, deadline, at(2026, 3, 10, 17)) == "yellow"
    # Working time: 08:30 Tue + 7 h = Tue 17:30; at 16:00 that is 5.5 of 7 h (0.79) → green.
    wd = cal.add_working_hours(at(2026, 3, 10, 8, 30), 7)
    assert wd == at(2026, 3, 10, 17, 30)
    assert cal.deadline_state(at(2026, 3, 10, 8, 30), wd, at(2026, 3, 10, 16), working=True) == "green"
    assert cal.deadline_state(at(2026, 3, 10, 8, 30), wd, at(2026, 3, 10, 16, 10), working=True) == "yellow"


# --------------------------------------------------------------------------- editing the calendar


def test_city_admin_adds_and_removes_days_with_audit(seeded: None, personas: Any) -> None:
    admin = personas[Role.CITY_ADMIN]
    day = cal.calendar_day_set(
        actor=admin, day=date(2031, 1, 1), kind=DayKind.HOLIDAY, name="元旦", source="2031年节假日安排通知"
    )
    assert not cal.is_workday(date(2031, 1, 1))
    assert cal.year_is_configured(2031)
    entry = AuditEntry.objects.get(action="calendar.add")
    assert entry.actor_id == admin.pk
    assert entry.object_id == str(day.pk)
    cal.calendar_day_set(actor=admin, day=date(2031, 1, 1), kind=DayKind.HOLIDAY, name="元旦节")
    assert AuditEntry.objects.get(action="calendar.change").changes["name"] == ["元旦", "元旦节"]
    cal.calendar_day_remove(actor=admin, day=date(2031, 1, 1), reason="录入错误")
    assert cal.is_workday(date(2031, 1, 1))
    assert AuditEntry.objects.get(action="calendar.remove").reason == "录入错误"


def test_calendar_edits_are_validated(seeded: None, personas: Any) -> None:
    admin = personas[Role.SYSTEM_ADMIN]
    with pytest.raises(ValidationError) as err:
        cal.calendar_day_set(actor=admin, day=date(2031, 1, 2), kind=DayKind.WORKDAY)
    assert "周六或周日" in err.value.message_dict["kind"][0]
    with pytest.raises(ValidationError) as err:
        cal.calendar_day_set(actor=admin, day=date(2031, 1, 2), kind="party")
    assert "kind" in err.value.message_dict
    with pytest.raises(ValidationError) as err:
        cal.calendar_day_remove(actor=admin, day=date(2031, 1, 2))
    assert "date" in err.value.message_dict
    assert not CalendarDay.objects.filter(date__year=2031).exists()
    assert not AuditEntry.objects.filter(action__startswith="calendar.").exists()


def test_district_admin_may_not_edit_the_calendar(seeded: None, personas: Any) -> None:
    with pytest.raises(PermissionDenied):
        cal.calendar_day_set(actor=personas[Role.DISTRICT_ADMIN], day=date(2031, 1, 1), kind=DayKind.HOLIDAY)
    with pytest.raises(PermissionDenied):
        cal.calendar_day_remove(actor=personas[Role.DISTRICT_ADMIN], day=date(2026, 1, 1))
    assert not cal.is_workday(date(2026, 1, 1))


# --------------------------------------------------------------------------- the data migration


def _migration() -> Any:
    import importlib

    return importlib.import_module("shequ.core.migrations.0002_seed_reference_data")


def test_data_migration_matches_the_bundled_calendar_and_catalog() -> None:
    mig = _migration()
    frozen = sorted(mig._calendar_rows())
    assert frozen == cal.state_council_rows()
    from shequ.core.rule_catalog import CATALOG

    for key, value, value_max, unit, _valid_from, source, _note in mig.RULES:
        spec = CATALOG[key]
        assert Decimal(value) == spec.default
        assert (Decimal(value_max) if value_max else None) == spec.default_max
        assert unit == spec.unit
        assert source == spec.source


def test_data_migration_is_reversible_and_idempotent(seeded: None) -> None:
    from django.apps import apps

    from shequ.core.models import Rule

    mig = _migration()
    mig.unseed(apps, None)
    assert not CalendarDay.objects.filter(date__year__in=[2025, 2026]).exists()
    keys = [row[0] for row in mig.RULES]  # keys added to the catalog later are seeded by seed_rules
    assert not Rule.objects.filter(area__isnull=True, key__in=keys).exists()
    mig.seed(apps, None)
    mig.seed(apps, None)
    assert CalendarDay.objects.filter(date__year__in=[2025, 2026]).count() == len(cal.state_council_rows())
    assert Rule.objects.filter(area__isnull=True, key__in=keys).count() == len(mig.RULES)
