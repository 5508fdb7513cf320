"""The catalogue: seeded, searchable in Chinese, versioned; eligibility rules as data."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from shequ.onewindow import selectors
from shequ.onewindow.eligibility import Facts, evaluate, validate_rule
from shequ.onewindow.models import ItemVersion, ServiceCategory, ServiceItem

pytestmark = pytest.mark.django_db


def test_seeded_catalogue_has_twenty_realistic_items_in_many_categories(catalogue: Any) -> None:
    items = list(selectors.items_in_force())
    assert len(items) >= 20
    assert {i.category for i in items} >= {
        ServiceCategory.EMPLOYMENT,
        ServiceCategory.SOCIAL_SECURITY,
        ServiceCategory.SOCIAL_ASSISTANCE,
        ServiceCategory.ELDERLY,
        ServiceCategory.HEALTH,
        ServiceCategory.EDUCATION,
        ServiceCategory.CULTURE,
        ServiceCategory.HOUSING,
        ServiceCategory.LEGAL,
    }
    for version in ItemVersion.objects.all():
        assert version.legal_basis
        assert version.responsible_unit
        assert version.time_limit_days > 0
        assert validate_rule(version.eligibility) == []
        assert version.item_materials.exists()


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("低保", "dibao"),
        ("津贴", "elderly-allowance"),
        ("法律", "legal-aid"),
        ("养老", "home-care-subsidy"),
        ("公租房", "public-rental-housing"),
    ],
)
def test_search_in_chinese_by_name_keywords_or_category(catalogue: Any, q: str, expected: str) -> None:
    codes = [i.code for i in selectors.catalogue_search(q)]
    assert expected in codes


def test_search_finds_nothing_for_nonsense(catalogue: Any) -> None:
    assert list(selectors.catalogue_search("火星移民")) == []


def test_an_item_no_longer_in_force_leaves_the_catalogue(catalogue: Any) -> None:
    ItemVersion.objects.filter(item__code="meal-aid").update(
        effective_to=timezone.localdate() - timedelta(days=1)
    )
    assert "meal-aid" not in [i.code for i in selectors.catalogue_search()]
    assert ServiceItem.objects.filter(code="meal-aid").exists()


def test_eligibility_interpreter_explains_each_failing_condition(catalogue: Any) -> None:
    rule: list[dict[str, Any]] = [
        {"fact": "age", "op": "gte", "value": 60},
        {"fact": "tags", "op": "any", "value": ["disabled", "dibao"]},
        {"fact": "residence_status", "op": "in", "value": ["resident"]},
        {"fact": "household_kind", "op": "in", "value": ["registered"]},
    ]
    verdict = evaluate(
        rule,
        Facts(age=45, tags=frozenset({"veteran"}), residence_status="floating", household_kind="floating"),
    )
    assert not verdict.eligible
    assert verdict.failures == [
        "年龄须满60周岁（当前45周岁）。",
        "须属于以下人群之一：残疾人、低保。",
        "居住状态须为：常住。",
        "户别须为：户籍户。",
    ]
    ok = evaluate(
        rule,
        Facts(age=70, tags=frozenset({"dibao"}), residence_status="resident", household_kind="registered"),
    )
    assert ok.eligible
    assert ok.failures == []
    assert evaluate([{"fact": "age", "op": "lte", "value": 17}], Facts(age=30)).failures == [
        "年龄须不超过17周岁（当前30周岁）。"
    ]
    assert evaluate([{"fact": "age", "op": "gte", "value": 1}], Facts(age=None)).failures == [
        "人口信息库中没有出生日期，无法核对年龄。"
    ]
    assert validate_rule([{"fact": "income", "op": "gte", "value": 1}]) == ["第1个条件无法识别。"]
    assert validate_rule("x") == ["申请条件应为条件列表。"]


def test_facts_come_from_the_registry(applicant: Any) -> None:
    from shequ.onewindow.eligibility import facts_of

    person, _resident = applicant
    facts = facts_of(person, date(2026, 11, 22))
    assert facts.age == 81
    assert facts.household_kind == "registered"
    assert facts.residence_status == "resident"


def test_publishing_a_version_closes_the_previous_one(personas: Any, catalogue: Any, applicant: Any) -> None:
    from django.core.exceptions import PermissionDenied, ValidationError

    from shequ.onewindow import services

    item = ServiceItem.objects.get(code="meal-aid")
    today = timezone.localdate()
    with pytest.raises(PermissionDenied):
        services.item_version_publish(
            actor=personas["community_worker"],
            item=item,
            effective_from=today,
            changes={"time_limit_days": 2},
        )
    with pytest.raises(ValidationError) as exc:
        services.item_version_publish(
            actor=personas["district_admin"],
            item=item,
            effective_from=today,
            changes={"eligibility": [{"fact": "income"}]},
            materials=[("no_such", True, False)],
        )
    assert set(exc.value.message_dict) == {"eligibility", "materials"}
    new = services.item_version_publish(
        actor=personas["district_admin"],
        item=item,
        effective_from=today,
        changes={"time_limit_days": 2},
        materials=[("id_card", True, False), ("photo", False, False)],
    )
    old = ItemVersion.objects.get(item=item, version=1)
    assert old.effective_to == today - timedelta(days=1)
    assert new.version == 2
    assert new.time_limit_days == 2
    assert new.legal_basis == old.legal_basis
    assert [link.material.code for link in new.item_materials.all()] == ["id_card", "photo"]
    assert selectors.version_detail(item) == new
    # an application made before keeps its version; a new one binds to version 2
    from shequ.onewindow.factories import make_application

    person, resident = applicant
    earlier = make_application(person, resident=resident)
    assert earlier.version == new  # made today: the version in force today
    with pytest.raises(ValidationError):
        services.item_withdraw(
            actor=personas["district_admin"], item=item, last_day=today - timedelta(days=1)
        )
    services.item_withdraw(actor=personas["district_admin"], item=item, last_day=today)
    tomorrow = today + timedelta(days=1)
    assert "meal-aid" in [i.code for i in selectors.catalogue_search()]
    assert "meal-aid" not in [i.code for i in selectors.catalogue_search(on=tomorrow)]


def test_publish_over_the_api(client: Any, personas: Any, catalogue: Any) -> None:
    import json

    item = ServiceItem.objects.get(code="legal-aid")
    client.force_login(personas["city_admin"])
    response = client.post(
        f"/api/v1/onewindow/items/{item.pk}/versions",
        data=json.dumps(
            {"effective_from": str(timezone.localdate() + timedelta(days=10)), "time_limit_days": 5}
        ),
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["version"] == 1  # still version 1 today; version 2 starts in ten days
    client.force_login(personas["community_worker"])
    denied = client.post(
        f"/api/v1/onewindow/items/{item.pk}/withdraw",
        data=json.dumps({"last_day": str(timezone.localdate())}),
        content_type="application/json",
    )
    assert denied.status_code == 403
