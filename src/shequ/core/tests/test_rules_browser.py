"""Rules and calendar pages in a real browser: Chinese field errors, adding a holiday to an empty year."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from shequ.accounts.roles import Role
from shequ.core import calendar as cal
from shequ.core.models import Rule
from shequ.core.rules import seed_default_rules
from shequ.core.testing import open_page_as as open_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_district_admin_adds_a_stricter_rule(
    browser: Any, live_server: Any, client: Any, mini: Any, personas: dict[str, Any]
) -> None:
    seed_default_rules()  # a transactional test starts from empty tables after an earlier flush
    page = open_as(browser, live_server, client, personas[Role.DISTRICT_ADMIN])
    try:
        page.goto("/console/rules/")
        row = page.locator('tr[data-key="pay.urban_other.share_of_city_average_wage"]')
        assert "70%" in row.locator(".rule-value").inner_text()
        page.goto(
            f"/console/rules/new/?key=pay.urban_other.share_of_city_average_wage&area={mini.district_a.pk}"
        )
        page.fill("#id_value", "0.6")
        page.fill("#id_valid_from", "2026-01-01")
        page.fill("#id_source", "玄武区社区工作者薪酬办法")
        page.click("form.rule-form button[type=submit]")
        error = page.locator("#id_value-errors")
        assert "不得比上级规定宽松" in error.inner_text()
        assert "70%" in error.inner_text()
        page.fill("#id_value", "0.8")
        with page.expect_navigation():
            page.click("form.rule-form button[type=submit]")
        row = page.locator('tr[data-key="pay.urban_other.share_of_city_average_wage"]')
        assert "80%" in row.locator(".rule-value").inner_text()
        assert "玄武区" in row.inner_text()
        assert Rule.objects.filter(area=mini.district_a).count() == 1
    finally:
        page.context.close()


def test_city_admin_fills_an_empty_year(
    browser: Any, live_server: Any, client: Any, mini: Any, personas: dict[str, Any]
) -> None:
    seed_default_rules()
    cal.seed_calendar()
    page = open_as(browser, live_server, client, personas[Role.CITY_ADMIN])
    try:
        page.goto("/console/calendar/?year=2031")
        assert page.locator("#year-not-configured").is_visible()
        page.fill("#id_date", "2031-01-04")
        page.select_option("#id_kind", "workday")
        page.fill("#id_name", "调休上班")
        with page.expect_navigation():
            page.click("form.calendar-form button[type=submit]")
        page.wait_for_selector('tr[data-date="2031-01-04"]')
        assert page.locator("#year-not-configured").count() == 0
        assert cal.is_workday(date(2031, 1, 4))  # a Saturday, now a make-up working day
    finally:
        page.context.close()
