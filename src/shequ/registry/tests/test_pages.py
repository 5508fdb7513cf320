"""Registry console pages: scope, masks, sensitive tags, history, forms with field errors, query counts."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from shequ.accounts.roles import Role
from shequ.demo.factories import make_citizen_id, make_household, make_person
from shequ.registry import services
from shequ.registry.models import Household, Person, PersonTag, Tag

pytestmark = pytest.mark.django_db

ID_A = make_citizen_id("320102", date(1961, 2, 3), 44)  # female (even sequence)


def test_household_list_is_scoped_and_paginated(
    client: Any, mini: Any, personas: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    for i in range(55):
        make_household(mini.grid_a, head=make_person(mini.grid_a, f"户主{i}", seq=200 + i))
    make_household(mini.grid_b, address="夫子庙贡院街1号")
    client.force_login(personas[Role.GRID_WORKER])
    with django_assert_max_num_queries(14):
        response = client.get("/console/registry/")
    assert response.status_code == 200
    text = response.content.decode()
    assert "共 55 户" in text
    assert "贡院街" not in text
    assert "丹凤街12号" not in text
    assert 'rel="next"' in text
    assert client.get("/console/registry/?kind=bogus").status_code == 400


def test_household_and_person_pages(client: Any, mini: Any, personas: dict[str, Any]) -> None:
    worker = personas[Role.GRID_WORKER]
    person = make_person(mini.grid_a, "钱芳", id_number=ID_A, phone="13512345678")
    household = make_household(mini.grid_a, head=person)
    other = make_household(mini.grid_b, head=make_person(mini.grid_b, "孙", seq=3))
    services.person_update(actor=worker, person=person, name="钱芳芳")
    client.force_login(worker)
    page = client.get(f"/console/registry/households/{household.pk}/").content.decode()
    assert "钱芳芳" in page
    assert "丹凤街*号" in page
    page = client.get(f"/console/registry/persons/{person.pk}/").content.decode()
    assert "32**************" + ID_A[-2:] in page
    assert "135****5678" in page
    assert ID_A not in page
    assert "1961-02-03" not in page
    assert "岁" in page
    assert "钱芳 → 钱芳芳" in page
    assert worker.display_name in page
    assert client.get(f"/console/registry/households/{other.pk}/").status_code == 404
    assert client.get(f"/console/registry/persons/{other.head_id}/").status_code == 404


def test_sensitive_tag_on_the_person_page(client: Any, mini: Any, personas: dict[str, Any]) -> None:
    person = make_person(mini.grid_a, "甲", seq=5)
    PersonTag.objects.create(person=person, tag=Tag.objects.get(code="key_attention"), since=date(2024, 1, 1))
    PersonTag.objects.create(person=person, tag=Tag.objects.get(code="empty_nest"), since=date(2024, 1, 1))
    client.force_login(personas[Role.GRID_WORKER])
    page = client.get(f"/console/registry/persons/{person.pk}/").content.decode()
    assert "空巢老人" in page
    assert "重点关注" not in page
    client.force_login(personas[Role.COMMUNITY_HEAD])
    page = client.get(f"/console/registry/persons/{person.pk}/").content.decode()
    assert "空巢老人" in page
    assert "重点关注" in page


def test_add_household_with_head(client: Any, mini: Any, personas: dict[str, Any]) -> None:
    client.force_login(personas[Role.GRID_WORKER])
    form = {
        "grid": mini.grid_a.pk,
        "kind": "resident",
        "address": "大悲巷3号",
        "name": "吴丽",
        "id_doc_type": "cn_id",
        "id_number": ID_A,
        "residence_status": "resident",
    }
    response = client.post("/console/registry/households/new/", form)
    assert response.status_code == 302
    household = Household.objects.get()
    assert household.head is not None
    assert household.head.sex == "F"
    # the same number again: a field error, nothing written
    response = client.post("/console/registry/households/new/", form | {"name": "吴丽二"})
    assert response.status_code == 400
    assert "已登记" in response.content.decode()
    response = client.post(
        "/console/registry/households/new/", form | {"grid": mini.grid_b.pk, "id_number": ""}
    )
    assert response.status_code == 400
    assert Household.objects.count() == 1
    assert Person.objects.count() == 1


def test_edit_person_keeps_sealed_values_when_left_blank(
    client: Any, mini: Any, personas: dict[str, Any]
) -> None:
    person = make_person(mini.grid_a, "甲", id_number=ID_A, phone="13512345678")
    client.force_login(personas[Role.GRID_WORKER])
    page = client.get(f"/console/registry/persons/{person.pk}/edit/").content.decode()
    assert ID_A not in page
    assert "13512345678" not in page
    base = {"name": "甲乙", "id_doc_type": "cn_id", "residence_status": "resident"}
    response = client.post(
        f"/console/registry/persons/{person.pk}/edit/", base | {"birth_date": "1961-02-04"}
    )
    assert response.status_code == 400
    assert "出生日期与证件号码不符" in response.content.decode()
    response = client.post(f"/console/registry/persons/{person.pk}/edit/", base)
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.name == "甲乙"
    assert person.id_number.plaintext_for_processing() == ID_A
    assert person.phone.plaintext_for_processing() == "13512345678"
    client.force_login(personas[Role.SUPERVISION_MEMBER])
    assert client.get(f"/console/registry/persons/{person.pk}/edit/").status_code == 403


def test_navigation_entry(client: Any, mini: Any, personas: dict[str, Any]) -> None:
    client.force_login(personas[Role.GRID_WORKER])
    assert 'data-nav="registry"' in client.get("/console/").content.decode()
    client.force_login(personas[Role.DEPARTMENT_HANDLER])
    assert 'data-nav="registry"' not in client.get("/console/").content.decode()
