"""The calendar console page: a year's days, the warning for an empty year, adding and removing."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from shequ.accounts.roles import Role
from shequ.core import calendar as cal
from shequ.core.models import AuditEntry, CalendarDay, DayKind
from shequ.core.rules import seed_default_rules

NOT_CONFIGURED = "尚未配置节假日和调休安排"


@pytest.fixture
def seeded(db: Any) -> None:
    seed_default_rules()
    cal.seed_calendar()


def test_year_page_lists_days_and_warns_for_an_empty_year(client: Any, seeded: None, personas: Any) -> None:
    client.force_login(personas[Role.CITY_ADMIN])
    html = client.get("/console/calendar/", {"year": 2026}).content.decode()
    assert NOT_CONFIGURED not in html
    assert 'data-date="2026-02-14"' in html
    assert "春节调休上班" in html
    assert "国办发明电〔2025〕7号" in html
    assert 'action="/console/calendar/add/"' in html
    empty = client.get("/console/calendar/", {"year": 2031})
    assert empty.status_code == 200
    assert NOT_CONFIGURED in empty.content.decode()


def test_year_page_is_read_only_without_permission(client: Any, seeded: None, personas: Any) -> None:
    client.force_login(personas[Role.DISTRICT_ADMIN])
    html = client.get("/console/calendar/", {"year": 2026}).content.decode()
    assert 'data-date="2026-02-14"' in html
    assert 'action="/console/calendar/add/"' not in html
    assert client.post("/console/calendar/add/", {"date": "2031-01-01", "kind": "holiday"}).status_code == 403
    assert client.post("/console/calendar/remove/", {"date": "2026-02-14"}).status_code == 403
    assert CalendarDay.objects.filter(date=date(2026, 2, 14)).exists()


def test_add_and_remove_through_the_page(client: Any, seeded: None, personas: Any) -> None:
    client.force_login(personas[Role.CITY_ADMIN])
    response = client.post(
        "/console/calendar/add/",
        {
            "date": "2031-01-01",
            "kind": DayKind.HOLIDAY,
            "name": "元旦",
            "source": "2031年通知",
            "year": "2031",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/console/calendar/?year=2031"
    html = client.get("/console/calendar/", {"year": 2031}).content.decode()
    assert NOT_CONFIGURED not in html
    assert "元旦" in html
    bad = client.post(
        "/console/calendar/add/", {"date": "2031-01-02", "kind": DayKind.WORKDAY, "year": "2031"}
    )
    assert bad.status_code == 400
    assert "调休上班日应为周六或周日" in bad.content.decode()
    missing = client.post("/console/calendar/add/", {"date": "", "kind": DayKind.WORKDAY, "year": "2031"})
    assert missing.status_code == 400
    removed = client.post(
        "/console/calendar/remove/", {"date": "2031-01-01", "year": "2031", "reason": "录错"}
    )
    assert removed.status_code == 302
    again = client.post("/console/calendar/remove/", {"date": "2031-01-01", "year": "2031"})
    assert again.status_code == 400
    assert "不在日历中" in again.content.decode()
    assert not CalendarDay.objects.filter(date__year=2031).exists()
    assert AuditEntry.objects.filter(action__in=["calendar.add", "calendar.remove"]).count() == 2


def test_year_page_query_count(
    client: Any, seeded: None, personas: Any, django_assert_max_num_queries: Any
) -> None:
    client.force_login(personas[Role.CITY_ADMIN])
    client.get("/console/calendar/")
    with django_assert_max_num_queries(10):
        response = client.get("/console/calendar/", {"year": 2025})
    assert response.status_code == 200
    assert response.content.decode().count('class="day-') == len(
        [r for r in cal.state_council_rows() if r[0].year == 2025]
    )
