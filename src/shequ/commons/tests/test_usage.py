"""Usage statistics on a hand-made month (April 2025) with exact figures, page and xlsx export."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import openpyxl
import pytest
from django.utils import timezone

from shequ.accounts.roles import Role
from shequ.commons.factories import make_booking, make_space
from shequ.commons.models import Attendance, BookingStatus
from shequ.commons.selectors import usage_for

pytestmark = pytest.mark.django_db

WEEKDAY_MORNINGS = [[["09:00", "12:00"]]] * 5 + [[], []]


def at(day: int, hour: int, month: int = 4) -> datetime:
    return timezone.make_aware(datetime(2025, month, day, hour))


@pytest.fixture
def april(mini: Any, neighbours: dict[str, Any]) -> Any:
    """Open Monday–Friday 09:00–12:00, closed on public holidays (清明 4 April 2025 is a Friday).

    April 2025: 22 weekdays, one of them a holiday → 21 days × 3 hours = 63 open hours.
    """
    space = make_space(mini.community_a, '=HYPERLINK("x")活动室', opening_hours=WEEKDAY_MORNINGS)
    wang = neighbours["wang"]
    make_booking(space, wang, at(1, 9), attendance=Attendance.ATTENDED)
    make_booking(space, wang, at(1, 10), attendance=Attendance.ATTENDED)
    make_booking(space, wang, at(2, 9), attendance=Attendance.NO_SHOW)
    make_booking(space, wang, at(3, 11))
    make_booking(space, wang, at(7, 9), status=BookingStatus.CANCELLED)
    make_booking(space, wang, at(8, 9), status=BookingStatus.REJECTED)
    make_booking(space, wang, at(9, 10), status=BookingStatus.PENDING)
    make_booking(space, wang, at(31, 9, month=3))  # March: not counted
    make_booking(space, wang, at(1, 9, month=5))  # May: not counted
    return space


def test_usage_figures_are_exact(april: Any, django_assert_max_num_queries: Any) -> None:
    with django_assert_max_num_queries(3):
        (usage,) = usage_for([april], date(2025, 4, 1))
    assert usage.bookings == 4
    assert (usage.pending, usage.cancelled, usage.rejected) == (1, 1, 1)
    assert usage.hours_booked == Decimal("4.00")
    assert usage.open_hours == Decimal("63.00")
    assert usage.utilisation == Decimal("0.0635")  # 4 / 63
    assert (usage.attended, usage.no_show, usage.unmarked) == (2, 1, 1)
    assert usage.attendance_rate == Decimal("0.6667")  # 2 / 3
    assert usage.people == 20


def test_usage_page_and_export(client: Any, april: Any, personas: dict[str, Any], mini: Any) -> None:
    make_space(mini.community_b, "别人的场地")
    client.force_login(personas[Role.COMMUNITY_WORKER])
    page = client.get("/console/commons/usage/?month=2025-04")
    assert page.status_code == 200
    text = page.content.decode()
    table = text[text.index("usage-table") :]
    assert "6.3%" in table, table[:3000]
    assert "66.7%" in table
    assert "63.00" in table
    assert "别人的场地" not in text
    assert client.get("/console/commons/usage/?month=2025-13").status_code == 400
    response = client.get("/console/commons/usage/export/?month=2025-04")
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("场地", "所属区域", "月份", "预约次数")
    assert len(rows) == 2
    name, area, month, bookings, pending, cancelled, rejected, booked, opened, util, *rest = rows[1]
    assert name.startswith("'=HYPERLINK")  # formula-safe
    assert (area, month, bookings, pending, cancelled, rejected) == ("大悲巷社区", "2025-04", 4, 1, 1, 1)
    assert (booked, opened) == (4, 63)
    assert abs(util - 0.0635) < 1e-9
    assert rest == [2, 1, 1, pytest.approx(0.6667)]
