"""Registry services: validation field by field, one audit entry each, sealed data at rest, history."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from shequ.accounts.roles import Role
from shequ.core.models import AuditEntry
from shequ.demo.factories import make_citizen_id, make_person, make_staff
from shequ.registry import selectors, services
from shequ.registry.models import Household, Membership, Person, PersonTag, Tag

pytestmark = pytest.mark.django_db

ID_A = make_citizen_id("320102", date(1950, 3, 8), 21)  # male (odd sequence)


def _person(actor: Any, grid: Any, **kwargs: Any) -> Person:
    values = {"name": "王建国", "id_number": ID_A, "phone": "13912345678"} | kwargs
    return services.person_create(actor=actor, grid=grid, **values)


def test_person_create_derives_sex_and_birth_date_and_audits(mini: Any, personas: dict[str, Any]) -> None:
    worker = personas[Role.GRID_WORKER]
    before = AuditEntry.objects.count()
    person = _person(worker, mini.grid_a, registered_address="安徽省合肥市蜀山区长江西路100号")
    assert person.sex == "M"
    assert person.birth_date == date(1950, 3, 8)
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.latest("id")
    assert entry.action == "registry.person.create"
    assert entry.area_id == mini.grid_a.pk
    text = str(entry.changes)
    assert ID_A not in text
    assert "13912345678" not in text
    assert "1950-03-08" not in text
    assert entry.changes["id_number"] == {"sealed": "32**************" + ID_A[-2:]}


def test_raw_tables_hold_no_plaintext(mini: Any, personas: dict[str, Any]) -> None:
    worker = personas[Role.GRID_WORKER]
    person = _person(worker, mini.grid_a, resident_address="玄武区丹凤街12号3栋501室")
    household = services.household_create(
        actor=worker, grid=mini.grid_a, address="玄武区丹凤街12号3栋501室", head=person
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM registry_person WHERE id = %s", [person.pk])
        person_row = " ".join(str(v) for v in cursor.fetchone())
        cursor.execute("SELECT * FROM registry_household WHERE id = %s", [household.pk])
        household_row = " ".join(str(v) for v in cursor.fetchone())
    for plain in (ID_A, "13912345678", "丹凤街"):
        assert plain not in person_row
        assert plain not in household_row
    audit = str(list(AuditEntry.objects.values_list("changes", flat=True)))
    assert "12号" not in audit
    assert "501" not in audit
    assert ID_A not in audit


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"id_number": ID_A[:-1] + ("0" if ID_A[-1] != "0" else "1")}, "id_number"),
        ({"birth_date": date(1951, 3, 8)}, "birth_date"),
        ({"sex": "F"}, "sex"),
        ({"name": "名" * 51}, "name"),
        ({"name": ""}, "name"),
        ({"phone": "12345"}, "phone"),
        ({"name": "王\x00五"}, "name"),
        ({"id_doc_type": "passport", "id_number": "护照"}, "id_number"),
    ],
)
def test_bad_person_input_is_a_field_error_and_writes_nothing(
    mini: Any, personas: dict[str, Any], values: dict[str, Any], field: str
) -> None:
    worker = personas[Role.GRID_WORKER]
    audits = AuditEntry.objects.count()
    with pytest.raises(ValidationError) as caught:
        _person(worker, mini.grid_a, **values)
    assert field in caught.value.message_dict
    assert Person.objects.count() == 0
    assert AuditEntry.objects.count() == audits


def test_duplicate_id_number_is_refused_and_found_again_after_moving_out(
    mini: Any, personas: dict[str, Any]
) -> None:
    worker = personas[Role.GRID_WORKER]
    first = _person(worker, mini.grid_a)
    with pytest.raises(ValidationError) as caught:
        _person(
            worker, mini.grid_a, name="王建国二", id_number=ID_A.lower() if ID_A[-1] == "X" else " " + ID_A
        )
    assert "已登记" in caught.value.message_dict["id_number"][0]
    # a number registered in another area is still a duplicate (the message does not say where)
    other = make_staff("gw_b", Role.GRID_WORKER, area=mini.grid_b)
    with pytest.raises(ValidationError):
        _person(other, mini.grid_b)
    services.person_mark_moved_out(actor=worker, person=first, on=date(2025, 1, 1))
    again = _person(worker, mini.grid_a)
    assert again.pk != first.pk
    assert set(selectors.person_search(worker, q=ID_A)) == {first, again}  # found by the full number


def test_grid_out_of_scope_is_a_field_error(mini: Any, personas: dict[str, Any]) -> None:
    worker = personas[Role.GRID_WORKER]
    with pytest.raises(ValidationError) as caught:
        services.household_create(actor=worker, grid=mini.grid_b, address="夫子庙1号")
    assert "grid" in caught.value.message_dict
    with pytest.raises(ValidationError):
        services.household_create(actor=worker, grid=mini.community_a, address="大悲巷1号")
    supervisor = personas[Role.SUPERVISION_MEMBER]
    with pytest.raises(ValidationError):
        services.household_create(actor=supervisor, grid=mini.grid_a, address="大悲巷1号")
    assert Household.objects.count() == 0


def test_household_membership_head_and_history(mini: Any, personas: dict[str, Any]) -> None:
    worker = personas[Role.GRID_WORKER]
    head = _person(worker, mini.grid_a)
    household = services.household_create(actor=worker, grid=mini.grid_a, address="大悲巷5号", head=head)
    spouse = _person(
        worker, mini.grid_a, name="李秀英", id_number=make_citizen_id("320102", date(1952, 7, 1), 22)
    )
    services.membership_add(actor=worker, household=household, person=spouse, relation="spouse")
    with pytest.raises(ValidationError) as caught:
        services.membership_add(actor=worker, household=household, person=spouse, relation="spouse")
    assert "person" in caught.value.message_dict
    services.household_set_head(
        actor=worker, household=household, person=spouse, former_head_relation="spouse"
    )
    household.refresh_from_db()
    assert household.head_id == spouse.pk
    assert Membership.objects.get(person=head, valid_to__isnull=True).relation == "spouse"
    leader = personas[Role.COMMUNITY_WORKER]
    services.household_update(actor=leader, household=household, kind="registered")
    history = selectors.history_of(household, leader)
    assert [r.action_label for r in history] == ["修改", "变更户主", "加入成员", "登记"]
    assert history[0].actor == leader.display_name
    assert ("户别", "resident → registered") in history[0].changes
    # the deceased leave the household
    services.person_mark_deceased(actor=worker, person=head, on=date(2025, 6, 1))
    assert not Membership.objects.filter(person=head, valid_to__isnull=True).exists()


def test_person_update_history_shows_masked_values(mini: Any, personas: dict[str, Any]) -> None:
    worker = personas[Role.GRID_WORKER]
    person = _person(worker, mini.grid_a)
    services.person_update(actor=worker, person=person, phone="13800001111", name="王建华")
    rows = selectors.history_of(person, worker)
    assert rows[0].action_label == "修改"
    changes = dict(rows[0].changes)
    assert changes["姓名"] == "王建国 → 王建华"
    assert changes["联系电话"] == "139****5678 → 138****1111"
    # out of reach: no history
    assert selectors.history_of(person, make_staff("gw_b", Role.GRID_WORKER, area=mini.grid_b)) == []


def test_sensitive_tags_are_invisible_without_the_permission(mini: Any, personas: dict[str, Any]) -> None:
    worker = personas[Role.GRID_WORKER]
    head = personas[Role.COMMUNITY_HEAD]  # carries core.reveal_sensitive_pii
    person = _person(worker, mini.grid_a)
    services.person_tag_add(actor=worker, person=person, tag=Tag.objects.get(code="elderly_alone"))
    services.person_tag_add(
        actor=head, person=person, tag=Tag.objects.get(code="community_correction"), note="矫正期至2027年"
    )
    assert [t.tag.code for t in selectors.person_tags(worker, person)] == ["elderly_alone"]
    assert [t.tag.code for t in selectors.person_tags(head, person)] == [
        "elderly_alone",
        "community_correction",
    ]
    assert selectors.tag_for(worker, "community_correction") is None
    worker_history = selectors.history_of(person, worker)
    assert "社区矫正" not in str(worker_history)
    assert len(worker_history) == 2
    head_history = selectors.history_of(person, head)
    assert len(head_history) == 3
    assert "社区矫正" in str(head_history[0].changes)
    entry = AuditEntry.objects.latest("id")
    assert "community_correction" not in str(entry.changes)
    assert "矫正期" not in str(entry.changes)
    # An ordinary and a sensitive tag change look alike to anyone reading the audit log.
    ordinary = AuditEntry.objects.filter(action="registry.person.tag_add").order_by("id").first()
    assert ordinary is not None
    assert ordinary.pk != entry.pk
    assert set(ordinary.changes) == set(entry.changes)
    assert "elderly_alone" not in str(ordinary.changes)
    services.person_tag_remove(actor=head, person=person, tag=Tag.objects.get(code="community_correction"))
    assert PersonTag.objects.filter(person=person, removed_on__isnull=True).count() == 1


def test_person_search_by_phone_and_scope(mini: Any, personas: dict[str, Any]) -> None:
    worker = personas[Role.GRID_WORKER]
    person = _person(worker, mini.grid_a)
    make_person(mini.grid_b, "赵六", seq=40)
    assert list(selectors.person_search(worker, q="139 1234 5678")) == [person]
    assert list(selectors.person_search(worker, q="王建")) == [person]
    assert selectors.persons_visible_to(worker).count() == 1
    assert selectors.persons_visible_to(personas[Role.DEPARTMENT_HANDLER]).count() == 0
    assert selectors.persons_visible_to(personas[Role.CITY_ADMIN]).count() == 2
