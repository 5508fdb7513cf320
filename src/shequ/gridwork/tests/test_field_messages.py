"""The field script's texts come from the catalogue, in the reader's language."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _messages(html: str) -> dict[str, str]:
    match = re.search(r'<script id="field-messages" type="application/json">(.*?)</script>', html, re.S)
    assert match, "the field page carries its script texts"
    return json.loads(match.group(1))


def test_field_script_texts_follow_the_language(client: Any, personas: dict[str, Any]) -> None:
    client.force_login(personas["grid_worker"])
    zh = _messages(client.get(reverse("gridwork:visit_create")).content.decode())
    assert zh["waiting"] == "待发送 %(n)s 条"
    assert zh["sent"] == "已发送"
    client.cookies["django_language"] = "en"
    en = _messages(client.get(reverse("gridwork:visit_create")).content.decode())
    assert en["sent"] == "Sent"
    assert "%(n)s" in en["waiting"]
    assert not re.search(r"[\u4e00-\u9fff]", "".join(en.values()))
