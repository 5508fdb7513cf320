"""In a real browser on a phone-sized screen: a community worker imports a roster with deliberate
errors, sees each with its row and column, fixes the file, imports it and finds the people."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from shequ.accounts.roles import Role
from shequ.core.testing import sign_in_browser
from shequ.registry.models import Person

from .imports_helpers import PEOPLE_HEADER, bad_check_digit, cid, person_row, xlsx_bytes

pytestmark = pytest.mark.django_db(transaction=True)


def test_community_worker_fixes_a_roster_and_imports_it(
    phone_page: Any, live_server: Any, client: Any, mini: Any, personas: dict[str, Any], tmp_path: Path
) -> None:
    page = phone_page
    worker = personas[Role.COMMUNITY_WORKER]
    sign_in_browser(page.context, client, worker, live_server.url)
    grid = mini.grid_a.name
    good = [person_row("周晓梅", cid(2), grid, phone="13912345678"), person_row("吴志强", cid(5), grid)]
    broken = [
        good[0],
        person_row("郑红", bad_check_digit(cid(8)), grid),
        person_row("吴志强", 3.2010219700308e17, "月亮网格"),
    ]
    first = tmp_path / "花名册.xlsx"
    first.write_bytes(xlsx_bytes(PEOPLE_HEADER, broken))

    page.goto("/console/registry/imports/")
    page.get_by_label("人员", exact=True).check()
    page.set_input_files("#id_file", str(first))
    page.click("#upload-submit")
    table = page.locator("#problem-table")
    table.wait_for()
    rows = [r.split("\t") for r in table.locator("tbody tr").all_inner_texts()]
    assert ["第3行", "证件号码", "身份证号码校验位不正确，请核对后重新输入。"] in rows
    assert any(r[0] == "第4行" and r[1] == "证件号码" and "3.20102E+17" in r[2] for r in rows)
    assert any(r[0] == "第4行" and r[1] == "所在网格" and "月亮网格" in r[2] for r in rows)
    assert Person.objects.count() == 0

    fixed = tmp_path / "花名册（已修改）.xlsx"
    fixed.write_bytes(xlsx_bytes(PEOPLE_HEADER, [*good, person_row("郑红", cid(8), grid)]))
    page.click("#upload-again")
    page.get_by_label("人员", exact=True).check()
    page.set_input_files("#id_file", str(fixed))
    page.click("#upload-submit")
    page.locator("#import-all-good").wait_for()
    page.get_by_label("全部无问题才导入").check()
    page.click("#confirm-submit")
    page.locator("#import-summary").wait_for()
    assert "新增 3 条" in page.inner_text("#import-summary")
    names = page.locator("#imported-people a").all_inner_texts()
    assert sorted(names) == sorted(["周晓梅", "吴志强", "郑红"])
    page.locator("#imported-people a", has_text="周晓梅").click()
    page.wait_for_url("**/console/registry/persons/*/")
    assert page.inner_text("h1") == "周晓梅"
    assert page.inner_text("#person-phone") == "139****5678"
    assert Person.objects.count() == 3

    # and by the person search, by name and by the full ID number
    page.goto("/console/registry/persons/")
    page.fill("#id_q", "郑红")
    page.locator("#person-search button[type=submit]").first.click()
    page.locator("#person-table a", has_text="郑红").wait_for()
    page.fill("#id_q", cid(5))
    page.locator("#person-search button[type=submit]").first.click()
    page.locator("#person-table a", has_text="吴志强").wait_for()
    assert page.locator("#person-table tbody tr").count() == 1
