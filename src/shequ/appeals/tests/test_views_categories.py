"""The console pages: the catalogue for all staff, the edit form for rule managers, retraining."""

from __future__ import annotations

from typing import Any

import pytest

from shequ.accounts.roles import Role
from shequ.appeals.models import Category
from shequ.core.models import AuditEntry

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_classifier")]

LIST = "/console/appeals/categories/"
EDIT = "/console/appeals/categories/ENV-WASTE/"


def _form(category: Category, **changes: Any) -> dict[str, Any]:
    data = {
        "name": category.name,
        "name_en": category.name_en,
        "responsible_unit": category.responsible_unit,
        "unit_level": category.unit_level,
        "urgency": category.urgency,
        "response_hours": category.response_hours,
        "resolve_hours": category.resolve_hours,
        "emergency_line": category.emergency_line,
        "order": category.order,
        "reason": "",
    }
    if category.is_active:
        data["is_active"] = "on"
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_every_staff_member_reads_the_catalogue(
    client: Any, personas: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    client.force_login(personas[Role.GRID_WORKER])
    with django_assert_max_num_queries(12):
        page = client.get(LIST)
    assert page.status_code == 200
    html = page.content.decode()
    assert html.count('<tr id="category-') == 32
    assert "街道综合行政执法队" in html
    assert "96333" in html
    assert EDIT not in html  # no edit links without the permission
    assert client.get(EDIT).status_code == 403


def test_residents_go_to_the_portal_and_anonymous_to_login(client: Any, personas: dict[str, Any]) -> None:
    assert client.get(LIST).status_code == 302
    client.force_login(personas["resident"])
    response = client.get(LIST)
    assert response.status_code == 302
    assert "/accounts/" not in response["Location"]


def test_a_rule_manager_edits_a_category_with_an_audit_entry(client: Any, personas: dict[str, Any]) -> None:
    admin = personas[Role.DISTRICT_ADMIN]
    client.force_login(admin)
    assert EDIT in client.get(LIST).content.decode()
    category = Category.objects.get(code="ENV-WASTE")
    assert client.get(EDIT).status_code == 200
    response = client.post(EDIT, _form(category, response_hours=12, reason="区里要求加快"))
    assert response.status_code == 302
    category.refresh_from_db()
    assert category.response_hours == 12
    entry = AuditEntry.objects.get(action="appeals.category.update")
    assert (entry.actor, entry.changes, entry.reason) == (admin, {"response_hours": [24, 12]}, "区里要求加快")
    # switching a category off
    client.post(EDIT, _form(category, is_active=None))
    category.refresh_from_db()
    assert not category.is_active


def test_bad_values_are_shown_on_the_form_and_nothing_is_saved(client: Any, personas: dict[str, Any]) -> None:
    client.force_login(personas[Role.SYSTEM_ADMIN])
    category = Category.objects.get(code="ENV-WASTE")
    response = client.post(EDIT, _form(category, response_hours=100, resolve_hours=48, name=""))
    assert response.status_code == 400
    html = response.content.decode()
    assert "办结时限不能短于响应时限。" in html or "此字段是必填项" in html or "这个字段是必填项" in html
    response = client.post(EDIT, _form(category, response_hours=100, resolve_hours=48))
    assert response.status_code == 400
    assert "办结时限不能短于响应时限。" in response.content.decode()
    category.refresh_from_db()
    assert (category.response_hours, category.resolve_hours, category.name) == (24, 48, "垃圾清运与乱堆乱放")
    assert not AuditEntry.objects.filter(action="appeals.category.update").exists()
    assert client.get("/console/appeals/categories/NO-SUCH/").status_code == 404


def test_trying_the_classifier_on_the_page(client: Any, personas: dict[str, Any]) -> None:
    client.force_login(personas[Role.STREET_STAFF])
    response = client.post(LIST, {"text": "电梯困人了，快来"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="classify-suggestions"' in html
    assert html.index("HOU-ELEV 电梯故障与困人", html.index("classify-suggestions")) > 0
    assert client.post(LIST, {"text": "  "}).status_code == 400


def test_retraining_is_queued_for_managers_only(
    client: Any, personas: dict[str, Any], monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    from shequ.appeals import tasks

    queued: list[dict[str, Any]] = []
    monkeypatch.setattr(tasks.retrain_classifier, "delay", lambda **kw: queued.append(kw))
    client.force_login(personas[Role.STREET_STAFF])
    assert client.post("/console/appeals/classifier/retrain/", {"reason": "x"}).status_code == 403
    admin = personas[Role.CITY_ADMIN]
    client.force_login(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/console/appeals/classifier/retrain/", {"reason": "新增派单样本"})
    assert response.status_code == 302
    assert queued == [{"actor_id": admin.pk, "reason": "新增派单样本"}]
