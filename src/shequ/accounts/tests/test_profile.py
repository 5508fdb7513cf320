"""A person completes their own name and identity document: ``PATCH /api/v1/me`` and “我的”.

Bad input answers with a Chinese message on the right field and writes nothing; a citizen ID
already bound to another resident is refused without saying whose it is.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from shequ.accounts.models import Post, User
from shequ.accounts.roles import Role
from shequ.core.models import AuditEntry
from shequ.demo.factories import make_resident

from .staff_inputs import BAD_ID_NUMBERS, GOOD_ID, OTHER_ID, is_chinese

pytestmark = pytest.mark.django_db

ME = "/api/v1/me"
PAGE = "/me/"
FORM = "/me/profile/"


def counts() -> tuple[int, int, int]:
    return User.objects.count(), Post.objects.count(), AuditEntry.objects.count()


def patch(client: Any, body: dict[str, Any]) -> Any:
    return client.patch(ME, data=json.dumps(body), content_type="application/json")


@pytest.fixture
def resident(personas: dict[str, Any], client: Any) -> User:
    person = personas["resident"]
    client.force_login(person)
    return person


@pytest.fixture
def neighbour(mini: Any) -> User:
    return make_resident(
        "13600000009", home_area=mini.community_a, display_name="邻居老周", id_number=OTHER_ID
    )


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


# --------------------------------------------------------------------------- API


def test_resident_completes_identity_over_the_api(client: Any, resident: User) -> None:
    before = counts()
    response = patch(client, {"display_name": "王居民", "id_doc_type": "cn_id", "id_number": GOOD_ID})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["display_name"] == "王居民"
    assert data["id_doc_type"] == "cn_id"
    assert data["id_number_masked"] == f"{GOOD_ID[:2]}**************{GOOD_ID[-2:]}"
    person = fresh(resident)
    assert person.id_number.plaintext_for_processing() == GOOD_ID
    assert counts() == (before[0], before[1], before[2] + 1)
    entry = AuditEntry.objects.get(action="user.profile_update")
    assert entry.actor == person
    dumped = json.dumps(entry.changes, ensure_ascii=False)
    assert GOOD_ID not in dumped
    assert entry.changes["id_number"] == [None, {"sealed": data["id_number_masked"]}]
    assert entry.changes["display_name"] == ["居民甲", "王居民"]


def test_nothing_to_change_writes_nothing(client: Any, resident: User) -> None:
    before = counts()
    assert patch(client, {"display_name": "居民甲"}).status_code == 200
    assert counts() == before


@pytest.mark.parametrize(("case", "value", "piece"), BAD_ID_NUMBERS, ids=[c[0] for c in BAD_ID_NUMBERS])
def test_bad_id_number_over_the_api(client: Any, resident: User, case: str, value: str, piece: str) -> None:
    before = counts()
    response = patch(client, {"display_name": "王居民", "id_doc_type": "cn_id", "id_number": value})
    assert response.status_code == 400
    message = response.json()["errors"]["id_number"][0]
    assert is_chinese(message)
    assert piece in message
    assert counts() == before
    person = fresh(resident)
    assert person.id_number is None
    assert person.display_name == "居民甲"


@pytest.mark.parametrize(
    ("body", "field", "piece"),
    [
        ({"display_name": "王" * 51}, "display_name", "不能超过50个字符"),
        ({"display_name": "  "}, "display_name", "请填写姓名"),
        ({"id_doc_type": "library_card", "id_number": GOOD_ID}, "id_doc_type", "未知的证件类型"),
        ({"id_doc_type": "passport", "id_number": "E1"}, "id_number", "护照号码"),
        ({"id_doc_type": "none_newborn", "id_number": GOOD_ID}, "id_number", "不应填写"),
        ({"id_doc_type": "cn_id", "id_number": ""}, "id_number", "请填写证件号码"),
    ],
)
def test_other_bad_profile_input_over_the_api(
    client: Any, resident: User, body: dict[str, Any], field: str, piece: str
) -> None:
    before = counts()
    response = patch(client, body)
    assert response.status_code == 400
    message = response.json()["errors"][field][0]
    assert is_chinese(message)
    assert piece in message
    assert counts() == before


def test_citizen_id_of_another_resident_is_refused_without_saying_whose(
    client: Any, resident: User, neighbour: User
) -> None:
    before = counts()
    response = patch(client, {"id_doc_type": "cn_id", "id_number": OTHER_ID})
    assert response.status_code == 400
    message = response.json()["errors"]["id_number"][0]
    assert "其他居民账户" in message
    body = response.content.decode()
    assert "老周" not in body
    assert "13600000009" not in body
    assert "136****0009" not in body
    assert counts() == before
    assert fresh(resident).id_number is None


def test_staff_member_completes_own_identity(client: Any, personas: dict[str, Any]) -> None:
    client.force_login(personas[Role.GRID_WORKER])
    response = patch(client, {"id_doc_type": "cn_id", "id_number": GOOD_ID})
    assert response.status_code == 200
    assert fresh(personas[Role.GRID_WORKER]).id_number.plaintext_for_processing() == GOOD_ID


def test_anonymous_cannot_patch(client: Any, db: Any) -> None:
    assert patch(client, {"display_name": "某人"}).status_code == 401


# --------------------------------------------------------------------------- “我的”


def test_me_page_shows_unfilled_identity_and_the_form(client: Any, resident: User) -> None:
    html = client.get(PAGE).content.decode()
    assert "完善身份信息" in html
    assert 'id="profile-form"' in html
    assert 'id="id-masked">未填写<' in html
    assert 'name="id_doc_type"' in html


def test_completing_identity_on_the_portal(client: Any, resident: User) -> None:
    response = client.post(FORM, {"display_name": "王居民", "id_doc_type": "cn_id", "id_number": GOOD_ID})
    assert response.status_code == 302
    assert response["Location"] == PAGE
    html = client.get(PAGE).content.decode()
    assert "身份信息已保存。" in html
    masked = f"{GOOD_ID[:2]}**************{GOOD_ID[-2:]}"
    assert masked in html
    assert GOOD_ID not in html
    assert fresh(resident).display_name == "王居民"
    # leaving the number empty keeps the document as it is
    assert (
        client.post(FORM, {"display_name": "王居民", "id_doc_type": "cn_id", "id_number": ""}).status_code
        == 302
    )
    assert fresh(resident).id_number.plaintext_for_processing() == GOOD_ID


@pytest.mark.parametrize(("case", "value", "piece"), BAD_ID_NUMBERS, ids=[c[0] for c in BAD_ID_NUMBERS])
def test_bad_id_number_on_the_portal(client: Any, resident: User, case: str, value: str, piece: str) -> None:
    before = counts()
    response = client.post(FORM, {"display_name": "王居民", "id_doc_type": "cn_id", "id_number": value})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="profile_id_number-error"' in html
    assert piece in html
    assert counts() == before
    assert fresh(resident).display_name == "居民甲"


@pytest.mark.parametrize(
    ("data", "field", "piece"),
    [
        ({"display_name": "王" * 51, "id_doc_type": "cn_id"}, "display_name", "不能超过50个字符"),
        ({"display_name": "王居民", "id_doc_type": "library_card"}, "id_doc_type", "未知的证件类型"),
        (
            {"display_name": "王居民", "id_doc_type": "cn_id", "id_number": OTHER_ID},
            "id_number",
            "其他居民账户",
        ),
    ],
)
def test_other_bad_input_on_the_portal(
    client: Any, resident: User, neighbour: User, data: dict[str, Any], field: str, piece: str
) -> None:
    before = counts()
    response = client.post(FORM, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert f'id="profile_{field}-error"' in html
    assert piece in html
    assert "老周" not in html
    assert counts() == before


def test_visitor_is_sent_to_sign_in(client: Any, db: Any) -> None:
    response = client.post(FORM, {"display_name": "某人"})
    assert response.status_code == 302
    assert "login" in response["Location"]
    assert "完善身份信息" not in client.get(PAGE).content.decode()
