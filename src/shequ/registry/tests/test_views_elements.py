"""Console pages of elements, membership, the person list and tags: scope, forms, history, queries."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from shequ.accounts.roles import Role
from shequ.core.models import AreaLevel, AuditEntry
from shequ.demo.factories import (
    make_area,
    make_building,
    make_citizen_id,
    make_household,
    make_person,
    make_place,
)
from shequ.registry.models import (
    Building,
    Courtyard,
    Household,
    Membership,
    NaturalVillage,
    Person,
    Place,
    Room,
)

pytestmark = pytest.mark.django_db

R = "/console/registry"
ID_A = make_citizen_id("320102", date(1958, 9, 9), 81)
ID_B = make_citizen_id("320102", date(1985, 3, 3), 82)


def _text(response: Any) -> str:
    return response.content.decode()


# --------------------------------------------------------------------------- courtyards and villages


def test_courtyard_pages_scope_create_edit(
    client: Any, mini: Any, personas: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    for i in range(55):
        Courtyard.objects.create(grid=mini.grid_a, name=f"甲{i:02d}院")
    foreign = Courtyard.objects.create(grid=mini.grid_b, name="钓鱼台院")
    worker = personas[Role.GRID_WORKER]
    client.force_login(worker)
    with django_assert_max_num_queries(16):
        response = client.get(f"{R}/courtyards/")
    text = _text(response)
    assert response.status_code == 200
    assert "共 55 个" in text
    assert "钓鱼台院" not in text
    assert 'rel="next"' in text
    assert client.get(f"{R}/courtyards/?grid=bogus").status_code == 400
    assert client.get(f"{R}/courtyards/{foreign.pk}/").status_code == 404
    assert client.get(f"{R}/courtyards/{foreign.pk}/edit/").status_code == 404
    assert (
        client.post(f"{R}/courtyards/{foreign.pk}/edit/", {"grid": mini.grid_a.pk, "name": "x"}).status_code
        == 404
    )

    response = client.post(f"{R}/courtyards/new/", {"grid": mini.grid_a.pk, "name": "大悲巷7号院"})
    assert response.status_code == 302
    courtyard = Courtyard.objects.get(name="大悲巷7号院")
    response = client.post(f"{R}/courtyards/new/", {"grid": mini.grid_a.pk, "name": "大悲巷7号院"})
    assert response.status_code == 400
    assert "该网格已有同名院落。" in _text(response)
    response = client.post(f"{R}/courtyards/new/", {"grid": mini.grid_b.pk, "name": "越界院"})
    assert response.status_code == 400
    assert not Courtyard.objects.filter(name="越界院").exists()
    response = client.post(f"{R}/courtyards/{courtyard.pk}/edit/", {"grid": mini.grid_a.pk, "name": "七号院"})
    assert response.status_code == 302
    page = _text(client.get(f"{R}/courtyards/{courtyard.pk}/"))
    assert "大悲巷7号院 → 七号院" in page
    assert worker.display_name in page
    # the supervision committee reads, but does not get the forms
    client.force_login(personas[Role.SUPERVISION_MEMBER])
    assert client.get(f"{R}/courtyards/{courtyard.pk}/").status_code == 200
    assert client.get(f"{R}/courtyards/{courtyard.pk}/edit/").status_code == 403
    assert 'id="courtyard-new"' not in _text(client.get(f"{R}/courtyards/"))


def test_village_pages(
    client: Any, mini: Any, personas: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    grid = make_area("东湖村第一网格", AreaLevel.GRID, mini.village_a)
    client.force_login(personas[Role.STREET_STAFF])
    response = client.post(f"{R}/villages/new/", {"grid": grid.pk, "name": "王家庄"})
    assert response.status_code == 302
    village = NaturalVillage.objects.get()
    assert (
        client.post(f"{R}/villages/{village.pk}/edit/", {"grid": grid.pk, "name": "王庄"}).status_code == 302
    )
    with django_assert_max_num_queries(14):
        text = _text(client.get(f"{R}/villages/"))
    assert "王庄" in text
    assert "王家庄 → 王庄" in _text(client.get(f"{R}/villages/{village.pk}/"))
    client.force_login(personas[Role.COMMUNITY_WORKER])  # the village is not under their community
    assert client.get(f"{R}/villages/{village.pk}/").status_code == 404
    assert "王庄" not in _text(client.get(f"{R}/villages/"))


# --------------------------------------------------------------------------- buildings, rooms, places


def test_building_pages_rooms_and_households(
    client: Any, mini: Any, personas: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    worker = personas[Role.GRID_WORKER]
    client.force_login(worker)
    form = {"grid": mini.grid_a.pk, "name": "8栋", "units": "2", "floors": "3", "kind": "residential"}
    assert client.post(f"{R}/buildings/new/", form | {"latitude": "32.05"}).status_code == 400
    response = client.post(f"{R}/buildings/new/", form)
    assert response.status_code == 302
    building = Building.objects.get(name="8栋")
    audits = AuditEntry.objects.count()
    response = client.post(
        f"{R}/buildings/{building.pk}/rooms/",
        {"op": "generate", "units": "2", "floors": "3", "per_floor": "2"},
    )
    assert response.status_code == 302
    assert Room.objects.filter(building=building).count() == 12
    assert AuditEntry.objects.count() == audits + 1
    response = client.post(
        f"{R}/buildings/{building.pk}/rooms/", {"op": "add", "unit": "1", "floor": "1", "number": "101"}
    )
    assert response.status_code == 400
    assert "该单元已有此室号。" in _text(response)
    room = Room.objects.get(building=building, unit="2", number="302")
    make_household(mini.grid_a, room=room, head=make_person(mini.grid_a, "住302", seq=91))
    for i in range(5):
        make_household(
            mini.grid_a,
            room=Room.objects.get(building=building, unit="1", number=f"{1 + i // 2}0{1 + i % 2}"),
        )
    with django_assert_max_num_queries(16):
        response = client.get(f"{R}/buildings/{building.pk}/")
    text = _text(response)
    assert "2单元" in text
    assert "3层" in text
    assert "住302" in text
    assert "批量生成户室" in text  # the history
    foreign = make_building(mini.grid_b, "乙8栋")
    for url in (
        f"{R}/buildings/{foreign.pk}/",
        f"{R}/buildings/{foreign.pk}/edit/",
        f"{R}/buildings/{foreign.pk}/rooms/",
    ):
        assert client.get(url).status_code == 404
    for i in range(60):
        make_building(mini.grid_a, f"批{i}栋")
    with django_assert_max_num_queries(14):
        text = _text(client.get(f"{R}/buildings/"))
    assert "共 61 栋" in text
    assert "乙8栋" not in text
    response = client.post(f"{R}/buildings/{building.pk}/edit/", form | {"name": "八栋", "floors": "4"})
    assert response.status_code == 302
    assert Building.objects.get(pk=building.pk).floors == 4


def test_place_pages_kind_filter_masks_and_edit(
    client: Any, mini: Any, personas: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    worker = personas[Role.GRID_WORKER]
    client.force_login(worker)
    form = {"grid": mini.grid_a.pk, "kind": "institution", "name": "区档案馆", "contact_phone": "13912345678"}
    assert client.post(f"{R}/places/new/", form | {"contact_phone": "12"}).status_code == 400
    assert client.post(f"{R}/places/new/", form).status_code == 302
    place = Place.objects.get(name="区档案馆")
    for i in range(12):
        make_place(mini.grid_a, f"小店{i}")
    make_place(mini.grid_b, "夫子庙小店")
    with django_assert_max_num_queries(14):
        text = _text(client.get(f"{R}/places/?kind=institution"))
    assert "区档案馆" in text
    assert "小店" not in text
    assert "139****5678" in text
    assert "13912345678" not in text
    assert "共 13 处" in _text(client.get(f"{R}/places/"))
    assert client.get(f"{R}/places/?kind=bogus").status_code == 400
    response = client.post(
        f"{R}/places/{place.pk}/edit/", form | {"name": "区档案馆（新馆）", "contact_phone": ""}
    )
    assert response.status_code == 302
    place.refresh_from_db()
    assert place.name == "区档案馆（新馆）"
    assert place.contact_phone.plaintext_for_processing() == "13912345678"  # blank keeps it
    text = _text(client.get(f"{R}/places/{place.pk}/edit/"))
    assert "区档案馆 → 区档案馆（新馆）" in text
    foreign = Place.objects.get(name="夫子庙小店")
    assert client.get(f"{R}/places/{foreign.pk}/edit/").status_code == 404


# --------------------------------------------------------------------------- households and membership


def test_household_in_a_courtyard_and_in_a_room(client: Any, mini: Any, personas: dict[str, Any]) -> None:
    client.force_login(personas[Role.GRID_WORKER])
    courtyard = Courtyard.objects.create(grid=mini.grid_a, name="甲院")
    foreign = Courtyard.objects.create(grid=mini.grid_b, name="乙院")
    text = _text(client.get(f"{R}/households/new/?courtyard={courtyard.pk}"))
    assert f'<option value="{courtyard.pk}" selected>' in text
    assert "乙院" not in text
    head = {
        "name": "院主",
        "id_doc_type": "cn_id",
        "id_number": ID_A,
        "residence_status": "resident",
        "kind": "resident",
    }
    response = client.post(f"{R}/households/new/", head | {"grid": mini.grid_a.pk, "courtyard": foreign.pk})
    assert response.status_code == 400
    response = client.post(f"{R}/households/new/", head | {"grid": mini.grid_a.pk})
    assert response.status_code == 400
    assert "请选择户室或院落，或填写详细地址。" in _text(response)
    assert Person.objects.count() == 0
    response = client.post(f"{R}/households/new/", head | {"grid": mini.grid_a.pk, "courtyard": courtyard.pk})
    assert response.status_code == 302
    household = Household.objects.get()
    assert household.courtyard_id == courtyard.pk
    assert "院主" in _text(client.get(f"{R}/courtyards/{courtyard.pk}/"))
    building = make_building(mini.grid_a, "9栋", units=1, floors=2)
    room = Room.objects.create(building=building, unit="", floor=2, number="201")
    assert "户室：9栋201" in _text(client.get(f"{R}/households/new/?room={room.pk}"))
    response = client.post(
        f"{R}/households/new/",
        head | {"grid": mini.grid_a.pk, "room": room.pk, "name": "室主", "id_number": ID_B},
    )
    assert response.status_code == 302
    in_room = Household.objects.get(room=room)
    assert in_room.head is not None
    assert in_room.head.name == "室主"


def test_membership_pages_add_head_end_move_out(client: Any, mini: Any, personas: dict[str, Any]) -> None:
    worker = personas[Role.GRID_WORKER]
    client.force_login(worker)
    head = make_person(mini.grid_a, "户主", seq=101)
    household = make_household(mini.grid_a, head=head)
    known = make_person(mini.grid_a, "老母亲", id_number=ID_A)
    url = f"{R}/households/{household.pk}"
    response = client.post(f"{url}/members/add/", {"mode": "search", "id_number": ID_A})
    assert response.status_code == 200
    text = _text(response)
    assert "找到：老母亲" in text
    assert ID_A not in text.replace(f'value="{ID_A}"', "")  # only the search box echoes it
    assert "未找到" in _text(client.post(f"{url}/members/add/", {"mode": "search", "id_number": ID_B}))
    response = client.post(
        f"{url}/members/add/", {"mode": "existing", "person": known.pk, "relation": "parent"}
    )
    assert response.status_code == 302
    new = {
        "mode": "new",
        "new-relation": "child",
        "new-name": "小孙",
        "new-id_doc_type": "cn_id",
        "new-residence_status": "resident",
    }
    response = client.post(f"{url}/members/add/", new | {"new-id_number": ID_A})  # already registered
    assert response.status_code == 400
    assert "已登记" in _text(response)
    response = client.post(f"{url}/members/add/", new | {"new-id_number": ID_B})
    assert response.status_code == 302
    child = Person.objects.get(name="小孙")
    assert Membership.objects.filter(household=household, valid_to__isnull=True).count() == 3
    response = client.post(f"{url}/head/", {"person": head.pk, "former_head_relation": "child"})
    assert response.status_code == 400  # the head is not among the choices
    response = client.post(f"{url}/head/", {"person": known.pk, "former_head_relation": "child"})
    assert response.status_code == 302
    assert Household.objects.get(pk=household.pk).head_id == known.pk
    response = client.post(
        f"{url}/members/end/", {"person": child.pk, "reason": "left", "valid_to": "2099-01-01"}
    )
    assert response.status_code == 400
    assert "日期不能晚于今天。" in _text(response)
    response = client.post(f"{url}/members/end/", {"person": child.pk, "reason": "left"})
    assert response.status_code == 302
    text = _text(client.get(f"{url}/"))
    assert "曾经的成员" in text
    for label in ("移出成员", "变更户主", "加入成员"):
        assert label in text
    assert "户主 → 老母亲" in text
    assert "离开本户" in text
    response = client.post(f"{url}/moved-out/", {"on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    text = _text(client.get(f"{url}/"))
    assert "整户迁出" in text
    assert 'id="member-add"' not in text  # a household that moved out takes no more changes
    client.force_login(personas[Role.SUPERVISION_MEMBER])
    assert client.get(f"{url}/members/add/").status_code == 403
