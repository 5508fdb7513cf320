"""The same bad input through every staff and resident channel: a 400 naming the field, no case.

Open311 has its own error format and is held to the same list in
``shequ/open311/tests/test_http_open311_post.py``; the service layer in ``test_cases_intake.py``.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shequ.appeals.models import Case

from .cases_support import OUTSIDE, POINT_A, draw_grids, jpeg_bytes

pytestmark = pytest.mark.django_db

BIG = 30 * 1024 * 1024

#: (name, fields to change, the field whose message must show)
BAD: list[tuple[str, dict[str, Any], str]] = [
    ("missing location", {"lng": "", "lat": "", "address": ""}, "location"),
    ("outside the city", {"lng": str(OUTSIDE[0]), "lat": str(OUTSIDE[1])}, "location"),
    ("10,000 characters", {"text": "长" * 10_000}, "text"),
    ("empty text", {"text": "   "}, "text"),
    ("unknown category", {"category": "NO-SUCH"}, "category"),
    ("30 MB photo", {"photo": b"\xff\xd8" + b"\0" * BIG}, "photos"),
    ("non-image renamed .jpg", {"photo": b"%PDF-1.4 not an image"}, "photos"),
]


@pytest.fixture
def grids(mini: Any) -> Any:
    draw_grids(mini)
    return mini


def _base(fields: dict[str, Any]) -> dict[str, Any]:
    base: dict[str, Any] = {
        "text": "小区门口垃圾堆积好几天没人清运",
        "lng": str(POINT_A[0]),
        "lat": str(POINT_A[1]),
        "address": "",
        "requester_phone": "13912345678",
    }
    base.update(fields)
    return base


def _form(data: dict[str, Any]) -> dict[str, Any]:
    photo = data.pop("photo", None)
    if photo is not None:
        data["photos"] = [SimpleUploadedFile("照片.jpg", photo, content_type="image/jpeg")]
    return {k: v for k, v in data.items() if v is not None}


def portal(client: Any, personas: dict[str, Any], data: dict[str, Any]) -> Any:
    client.force_login(personas["resident"])
    return client.post("/appeals/", _form(data))


def hotline(client: Any, personas: dict[str, Any], data: dict[str, Any]) -> Any:
    client.force_login(personas["community_worker"])
    return client.post("/console/appeals/cases/hotline/", _form(data))


def api(client: Any, personas: dict[str, Any], data: dict[str, Any]) -> Any:
    client.force_login(personas["community_worker"])
    photo = data.pop("photo", None)
    body: dict[str, Any] = {
        "text": data["text"],
        "lng": float(data["lng"]) if data["lng"] else None,
        "lat": float(data["lat"]) if data["lat"] else None,
        "address": data["address"],
        "requester_phone": data["requester_phone"],
        "category": data.get("category", ""),
    }
    if photo is not None:
        body["photos"] = [base64.b64encode(photo).decode()]
    return client.post("/api/v1/appeals/cases", data=json.dumps(body), content_type="application/json")


CHANNELS: dict[str, Callable[[Any, dict[str, Any], dict[str, Any]], Any]] = {
    "portal": portal,
    "hotline": hotline,
    "api": api,
}


@pytest.mark.parametrize("channel", list(CHANNELS))
@pytest.mark.parametrize(("label", "fields", "field"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_is_a_400_with_a_message_and_nothing_is_written(
    client: Any,
    grids: Any,
    personas: dict[str, Any],
    channel: str,
    label: str,
    fields: dict[str, Any],
    field: str,
) -> None:
    if channel == "portal" and field == "category":
        pytest.skip("residents do not choose a category; the classifier suggests one")
    response = CHANNELS[channel](client, personas, _base(dict(fields)))
    assert Case.objects.count() == 0
    if channel == "api":
        if label == "30 MB photo":  # refused before the body is read: larger than any request may be
            assert response.status_code == 413
            assert "请压缩照片" in response.json()["errors"]["body"][0]
            return
        assert response.status_code == 400, (label, response.content[:300])
        messages = response.json()["errors"][field]
    else:
        assert response.status_code == 400, (label, response.status_code)
        body = response.content.decode()
        messages = re.findall(r'role="alert"[^>]*><li>([^<]+)</li>', body)
    assert messages, (channel, label)
    assert all(re.search(r"[\u4e00-\u9fff]", m) for m in messages)  # a Chinese message for the user


@pytest.mark.parametrize("channel", list(CHANNELS))
def test_html_in_the_text_is_stored_as_text(
    client: Any, grids: Any, personas: dict[str, Any], channel: str
) -> None:
    text = '<script>alert("x")</script><b>门口垃圾</b>'
    response = CHANNELS[channel](client, personas, _base({"text": text, "photo": jpeg_bytes()}))
    assert response.status_code in (201, 302), response.content[:300]
    case = Case.objects.get()
    assert case.text == text
    client.force_login(personas["community_worker"])
    page = client.get(f"/console/appeals/cases/{case.pk}/").content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
