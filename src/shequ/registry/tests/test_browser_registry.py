"""In a real browser: a community worker registers a courtyard household, adds members, changes the head."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from playwright.sync_api import expect

from shequ.accounts.roles import Role
from shequ.core.testing import open_page_as
from shequ.demo.factories import make_citizen_id, make_person
from shequ.registry.models import Household, Relation

pytestmark = pytest.mark.browser

HEAD_ID = make_citizen_id("320102", date(1956, 6, 6), 11)
CHILD_ID = make_citizen_id("320102", date(1988, 8, 8), 22)
MOTHER_ID = make_citizen_id("320102", date(1931, 1, 31), 44)


def test_courtyard_household_members_and_head_change(
    browser: Any, live_server: Any, client: Any, mini: Any, personas: dict[str, Any]
) -> None:
    worker = personas[Role.COMMUNITY_WORKER]
    make_person(mini.grid_a, "陈老太", id_number=MOTHER_ID)  # registered earlier, in no household
    page = open_page_as(browser, live_server, client, worker)
    try:
        # a courtyard in the community's grid
        page.goto("/console/registry/")
        page.locator('[data-nav="registry_courtyards"]').click()
        page.locator("#courtyard-new").click()
        page.get_by_label("网格").select_option(label=mini.grid_a.name)
        page.get_by_label("名称").fill("大悲巷12号院")
        page.get_by_role("button", name="保存").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("大悲巷12号院")

        # a household in it, with its head
        page.locator("#courtyard-add-household").click()
        expect(page.get_by_label("院落")).to_have_value(re.compile(r"^\d+$"))
        page.get_by_label("户主姓名").fill("陈建国")
        page.get_by_label("证件号码").fill(HEAD_ID)
        page.get_by_role("button", name="保存").click()
        expect(page.get_by_role("status")).to_contain_text("已新增住户并登记户主。")
        household_url = page.url

        # a new person as the first member
        page.locator("#member-add").click()
        new = page.locator("#member-new-form")
        new.get_by_label("与户主关系").select_option(Relation.CHILD)
        new.get_by_label("姓名").fill("陈小明")
        new.get_by_label("证件号码").fill(CHILD_ID)
        new.get_by_role("button", name="登记并加入").click()
        expect(page.locator("#member-table")).to_contain_text("陈小明")

        # a registered person, found by the full ID number, as the second
        page.locator("#member-add").click()
        page.locator("#member-search").get_by_label("证件号码").fill(MOTHER_ID)
        page.get_by_role("button", name="按证件号码查找").click()
        found = page.locator("#member-existing-form")
        expect(found).to_contain_text("找到：陈老太")
        expect(page.locator("body")).not_to_contain_text(MOTHER_ID[2:-2])  # the ID shows masked only
        found.get_by_label("与户主关系").select_option(Relation.PARENT)
        found.get_by_role("button", name="加入本户").click()
        expect(page.locator("#member-table tbody tr")).to_have_count(3)

        # the son becomes the head; the father becomes his parent
        page.locator("#head-change").click()
        page.get_by_label("新户主").select_option(label="陈小明（子女）")
        page.get_by_label("原户主改为").select_option(Relation.PARENT)
        page.get_by_role("button", name="确认变更").click()
        expect(page).to_have_url(household_url)
        head_row = page.locator("#member-table tr", has_text="陈小明")
        expect(head_row.locator(".relation")).to_have_text("户主")
        expect(page.locator("#member-table tr", has_text="陈建国").locator(".relation")).to_have_text("父母")

        # and the household's history tells who did what
        history = page.locator("#history")
        expect(history.locator("tbody tr")).to_have_count(4)
        expect(history.locator("tbody tr").nth(0)).to_contain_text("变更户主")
        expect(history.locator("tbody tr").nth(0)).to_contain_text("陈建国 → 陈小明")
        expect(history.locator("tbody tr").nth(0)).to_contain_text(worker.display_name)
        expect(history.locator("tbody tr").nth(1)).to_contain_text("陈老太")
        expect(history.locator("tbody tr").nth(2)).to_contain_text("陈小明")
        expect(history.locator("tbody tr").nth(3)).to_contain_text("登记")
    finally:
        page.context.close()
    household = Household.objects.get()
    assert household.courtyard is not None
    assert household.head is not None
    assert household.head.name == "陈小明"
