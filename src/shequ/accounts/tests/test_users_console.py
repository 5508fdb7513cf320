"""/console/users/: masked list and detail, and the reveal form (reason required, audited)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.urls import resolve
from playwright.sync_api import expect

from shequ.accounts.models import User
from shequ.accounts.roles import Role
from shequ.core.models import AuditEntry
from shequ.demo.factories import DEMO_PASSWORD, make_citizen_id, make_persona, make_staff

LIST = "/console/users/"
PHONE = "13912345678"
IDN = "320102198506151834"


def make_person(username: str, *, area: Any, phone: str, idn: str | None, name: str) -> User:
    user = User(username=username, display_name=name, kind="resident", home_area=area)
    user.phone = phone
    if idn:
        user.id_number = idn
    user.set_unusable_password()
    user.save()
    return user


@pytest.fixture
def ann(personas: dict[str, Any], mini: Any) -> User:
    return make_person("ann", area=mini.community_a, phone=PHONE, idn=IDN, name="王安")


@pytest.fixture
def bob(mini: Any) -> User:
    return make_person(
        "bob",
        area=mini.community_b,
        phone="13612345678",
        idn=make_citizen_id("320104", date(1970, 3, 4), 21),
        name="张博",
    )


def detail(user: User) -> str:
    return f"/console/users/{user.pk}/"


def as_user(client: Any, user: User) -> Any:
    client.force_login(user)
    return client


def test_list_is_masked_and_scoped(client: Any, personas: dict[str, Any], ann: User, bob: User) -> None:
    response = as_user(client, personas[Role.COMMUNITY_WORKER]).get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert "王安" in html
    assert "139****5678" in html
    assert "32**************34" in html
    assert PHONE not in html
    assert IDN not in html
    assert PHONE[-8:] not in html
    assert IDN[-8:] not in html
    assert "张博" not in html
    assert f'href="{detail(ann)}"' in html


def test_list_filters(client: Any, personas: dict[str, Any], ann: User) -> None:
    worker = personas[Role.COMMUNITY_WORKER]
    c = as_user(client, worker)
    html = c.get(LIST, {"kind": "staff"}).content.decode()
    assert detail(ann) not in html
    assert detail(worker) in html
    html = c.get(LIST, {"q": "王"}).content.decode()
    assert detail(ann) in html
    assert detail(worker) not in html
    assert "王安" in c.get(LIST, {"q": PHONE}).content.decode()
    bad = c.get(LIST, {"kind": "robot"})
    assert bad.status_code == 400
    assert 'id="kind-errors"' in bad.content.decode()


def test_list_has_no_n_plus_one(
    client: Any, personas: dict[str, Any], mini: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(30):
        make_person(
            f"bulk{i}",
            area=mini.community_a,
            phone=f"1501111{i:04d}",
            idn=make_citizen_id("320102", date(1960 + i, 5, 6), i),
            name=f"居民{i}",
        )
        make_staff(f"gw{i}", Role.GRID_WORKER, area=mini.grid_a)
    c = as_user(client, personas[Role.STREET_STAFF])
    c.get(LIST)
    with django_assert_max_num_queries(20):
        response = c.get(LIST)
    assert response.status_code == 200
    assert response.content.decode().count("150****") == 30


def test_detail_is_masked_with_age(client: Any, personas: dict[str, Any], ann: User) -> None:
    response = as_user(client, personas[Role.COMMUNITY_WORKER]).get(detail(ann))
    assert response.status_code == 200
    html = response.content.decode()
    assert "139****5678" in html
    assert "32**************34" in html
    assert "岁" in html
    assert "19850615" not in html
    assert "1985" not in html
    assert PHONE not in html
    assert IDN not in html
    assert 'name="reason"' in html
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]


def test_reveal_shows_plaintext_once_and_audits(client: Any, personas: dict[str, Any], ann: User) -> None:
    worker = personas[Role.COMMUNITY_WORKER]
    c = as_user(client, worker)
    response = c.post(detail(ann), {"field": "phone", "reason": "核实联系方式"})
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<p class="value" id="revealed-value">{PHONE}</p>' in html
    assert html.count(PHONE) == 1
    assert "no-store" in response["Cache-Control"]
    entry = AuditEntry.objects.get(action="pii.reveal")
    assert entry.actor_id == worker.pk
    assert entry.reason == "核实联系方式"
    assert entry.object_id == str(ann.pk)
    # The plaintext is shown once: the next visit is masked again.
    assert PHONE not in c.get(detail(ann)).content.decode()
    assert AuditEntry.objects.filter(action="pii.reveal").count() == 1


def test_reveal_id_number(client: Any, personas: dict[str, Any], ann: User) -> None:
    response = as_user(client, personas[Role.COMMUNITY_HEAD]).post(
        detail(ann), {"field": "id_number", "reason": "办理证明核对身份"}
    )
    assert response.status_code == 200
    assert IDN in response.content.decode()


def test_reveal_needs_a_reason(client: Any, personas: dict[str, Any], ann: User) -> None:
    for reason in ("", " ", "查"):
        response = as_user(client, personas[Role.COMMUNITY_WORKER]).post(
            detail(ann), {"field": "phone", "reason": reason}
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert "查看完整信息须填写事由。" in html
        assert PHONE not in html
    assert not AuditEntry.objects.filter(action="pii.reveal").exists()


def test_reveal_of_an_unknown_field(client: Any, personas: dict[str, Any], ann: User) -> None:
    response = as_user(client, personas[Role.COMMUNITY_WORKER]).post(
        detail(ann), {"field": "totp_secret", "reason": "核实身份"}
    )
    assert response.status_code == 400
    assert "只能查看手机号码或证件号码。" in response.content.decode()


def test_reveal_without_permission_shows_the_chinese_error(
    client: Any, personas: dict[str, Any], mini: Any
) -> None:
    gina = make_person("gina", area=mini.grid_a, phone="13800001111", idn=None, name="高娜")
    response = as_user(client, personas[Role.GRID_WORKER]).post(
        detail(gina), {"field": "phone", "reason": "上门走访联系"}
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "您没有查看完整个人信息的权限。" in html
    assert "13800001111" not in html
    assert not AuditEntry.objects.filter(action="pii.reveal").exists()


def test_out_of_scope_is_404(client: Any, personas: dict[str, Any], bob: User) -> None:
    c = as_user(client, personas[Role.COMMUNITY_WORKER])
    assert c.get(detail(bob)).status_code == 404
    assert c.post(detail(bob), {"field": "phone", "reason": "核实联系方式"}).status_code == 404
    assert not AuditEntry.objects.filter(action="pii.reveal").exists()


def test_residents_get_404_and_visitors_the_login(client: Any, personas: dict[str, Any], ann: User) -> None:
    anonymous = client.get(LIST)
    assert anonymous.status_code == 302
    assert "/accounts/login/" in anonymous["Location"]
    assert client.get(detail(ann)).status_code == 302
    c = as_user(client, personas["resident"])
    assert c.get(LIST).status_code == 404
    assert c.get(detail(ann)).status_code == 404
    assert c.get(detail(personas["resident"])).status_code == 404


def test_detail_route_declares_its_scoped_model(ann: User) -> None:
    view = resolve(detail(ann)).func
    assert view.scoped_model == ("accounts.User", "user_id")  # type: ignore[attr-defined]


@pytest.mark.browser
def test_reveal_in_a_browser(page: Any, mini: Any) -> None:
    worker = make_persona(mini, Role.COMMUNITY_WORKER)
    person = make_person("ann", area=mini.community_a, phone=PHONE, idn=IDN, name="王安")
    page.goto("/accounts/login/")
    page.get_by_label("用户名").fill(worker.username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page).to_have_url(re.compile(r"/console/$"))
    page.goto(LIST)
    expect(page.get_by_text("139****5678")).to_be_visible()
    page.get_by_role("link", name="王安").click()
    expect(page).to_have_url(re.compile(rf"/console/users/{person.pk}/$"))
    expect(page.locator("#phone-masked")).to_have_text("139****5678")
    page.get_by_label("查看项目").select_option("phone")
    page.get_by_role("button", name="查看").click()
    expect(page.get_by_text("查看完整信息须填写事由。")).to_be_visible()
    page.get_by_label("查看事由").fill("核实联系方式")
    page.get_by_role("button", name="查看").click()
    expect(page.locator("#revealed-value")).to_have_text(PHONE)
    page.goto(f"/console/users/{person.pk}/")  # a fresh visit: the plaintext is gone
    expect(page.locator("#revealed-value")).to_have_count(0)
    expect(page.locator("#phone-masked")).to_have_text("139****5678")
