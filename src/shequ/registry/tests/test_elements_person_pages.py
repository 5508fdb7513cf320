"""Console pages of persons: the list and search, sensitive tags, tags on the person page, history."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from shequ.accounts.roles import Role
from shequ.core.models import AreaLevel, AuditEntry
from shequ.demo.factories import make_area, make_citizen_id, make_household, make_person
from shequ.registry.models import PersonTag, Tag

pytestmark = pytest.mark.django_db

R = "/console/registry"
ID_A = make_citizen_id("320102", date(1958, 9, 9), 81)


def _text(response: Any) -> str:
    return response.content.decode()


# --------------------------------------------------------------------------- persons


def test_person_list_search_filters_masks_and_queries(
    client: Any, mini: Any, personas: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    second = make_area("大悲巷第二网格", AreaLevel.GRID, mini.community_a)
    target = make_person(mini.grid_a, "周桂兰", id_number=ID_A, phone="13612345678")
    make_household(mini.grid_a, head=target)
    empty_nest = Tag.objects.get(code="empty_nest")
    for i in range(60):
        p = make_person(mini.grid_a if i % 2 else second, f"居民{i:02d}", seq=300 + i)
        PersonTag.objects.create(person=p, tag=empty_nest, since=date(2024, 1, 1))
    make_person(mini.grid_b, "夫子庙居民", seq=500)
    client.force_login(personas[Role.COMMUNITY_WORKER])
    with django_assert_max_num_queries(16):
        response = client.get(f"{R}/persons/")
    text = _text(response)
    assert "共 61 人" in text
    assert "夫子庙居民" not in text
    assert 'rel="next"' in text
    assert "空巢老人" in text
    for q, expected in ((ID_A, 1), ("13612345678", 1), ("周桂", 1), (ID_A[:-1], 0)):
        text = _text(client.post(f"{R}/persons/", {"q": q}))
        assert f"共 {expected} 人" in text, q
    text = _text(client.post(f"{R}/persons/", {"q": ID_A}))
    assert "32**************" + ID_A[-2:] in text
    assert "136****5678" in text
    assert ID_A not in text.replace(f'value="{ID_A}"', "")  # only the search box echoes it
    assert "1958-09-09" not in text
    assert f"/console/registry/households/{target.memberships.get().household_id}/" in text
    assert "共 30 人" in _text(client.get(f"{R}/persons/", {"grid": second.pk}))
    assert "共 60 人" in _text(client.get(f"{R}/persons/", {"tag": "empty_nest"}))
    with django_assert_max_num_queries(16):
        client.get(f"{R}/persons/", {"tag": "empty_nest", "page": "2"})
    client.force_login(personas[Role.GRID_WORKER])
    assert "共 31 人" in _text(client.get(f"{R}/persons/"))
    assert client.get(f"{R}/persons/", {"grid": second.pk}).status_code == 400


def test_sensitive_tags_on_the_person_list(client: Any, mini: Any, personas: dict[str, Any]) -> None:
    watched = make_person(mini.grid_a, "被关注者", seq=601)
    PersonTag.objects.create(
        person=watched, tag=Tag.objects.get(code="key_attention"), since=date(2024, 1, 1)
    )
    make_person(mini.grid_a, "普通居民", seq=603)
    client.force_login(personas[Role.GRID_WORKER])  # without the permission
    text = _text(client.get(f"{R}/persons/"))
    assert "被关注者" in text
    assert "重点关注" not in text
    assert 'value="key_attention"' not in text
    response = client.get(f"{R}/persons/", {"tag": "key_attention"})
    assert response.status_code == 400  # a tag they may not see does not exist for them
    assert "重点关注" not in _text(response)
    client.force_login(personas[Role.COMMUNITY_HEAD])  # with it
    text = _text(client.get(f"{R}/persons/", {"tag": "key_attention"}))
    assert "共 1 人" in text
    assert "被关注者" in text
    assert "重点关注" in text


def test_person_tags_on_the_person_page(client: Any, mini: Any, personas: dict[str, Any]) -> None:
    person = make_person(mini.grid_a, "甲", seq=701)
    client.force_login(personas[Role.GRID_WORKER])
    text = _text(client.get(f"{R}/persons/{person.pk}/"))
    assert 'id="tag-add"' in text
    assert 'value="drug_user"' not in text
    url = f"{R}/persons/{person.pk}/tags/"
    assert client.post(url, {"action": "add", "tag": "drug_user"}).status_code == 400
    assert client.post(url, {"action": "add", "tag": "disabled"}).status_code == 302
    assert client.post(url, {"action": "add", "tag": "disabled"}).status_code == 400  # already has it
    assert PersonTag.objects.filter(person=person, removed_on__isnull=True).count() == 1
    text = _text(client.get(f"{R}/persons/{person.pk}/"))
    assert "添加标签" in text
    assert "残疾人" in text
    assert client.post(url, {"action": "remove", "tag": "disabled"}).status_code == 302
    assert not PersonTag.objects.filter(person=person, removed_on__isnull=True).exists()
    assert "解除标签" in _text(client.get(f"{R}/persons/{person.pk}/"))
    client.force_login(personas[Role.SUPERVISION_MEMBER])
    assert client.post(url, {"action": "add", "tag": "disabled"}).status_code == 403
    assert 'id="tag-add"' not in _text(client.get(f"{R}/persons/{person.pk}/"))


def test_editing_a_person_shows_who_changed_what_and_when(
    client: Any, mini: Any, personas: dict[str, Any]
) -> None:
    person = make_person(mini.grid_a, "王建国", id_number=ID_A, phone="13912345678")
    worker = personas[Role.GRID_WORKER]
    client.force_login(worker)
    form = {"name": "王建华", "id_doc_type": "cn_id", "residence_status": "resident", "phone": "13800001111"}
    assert client.post(f"{R}/persons/{person.pk}/edit/", form).status_code == 302
    entry = AuditEntry.objects.get(action="registry.person.update", object_id=str(person.pk))
    client.force_login(personas[Role.COMMUNITY_HEAD])  # another reader sees the same history
    text = _text(client.get(f"{R}/persons/{person.pk}/"))
    history = text[text.index('id="history"') :]
    assert worker.display_name in history
    assert "王建国 → 王建华" in history
    assert "139****5678 → 138****1111" in history
    assert timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M") in history
    assert "13800001111" not in text


def test_navigation_links(client: Any, mini: Any, personas: dict[str, Any]) -> None:
    client.force_login(personas[Role.GRID_WORKER])
    text = _text(client.get("/console/"))
    for key in (
        "registry_persons",
        "registry_buildings",
        "registry_courtyards",
        "registry_villages",
        "registry_places",
    ):
        assert f'data-nav="{key}"' in text
    client.force_login(personas[Role.DEPARTMENT_HANDLER])
    assert 'data-nav="registry_persons"' not in _text(client.get("/console/"))
