"""Writes of the Open311 endpoint: client applications and their service requests.

A service request becomes an appeal case through :func:`shequ.appeals.services.case_submit`
(channel ``open311``), which validates the text and the place, puts the point into its
grid and gives the number.  The application is the submitter: its cases carry
``submitter_key = "open311:<id>"``, so an ``Idempotency-Key`` is unique per application and
a repeat returns the first case.  Parameter names in the errors are the Open311 ones.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shequ.appeals.models import CASE_TEXT_MAX, Case, Category, Channel
from shequ.appeals.services import case_submit
from shequ.core.audit import audit_entry, record
from shequ.core.linked_insert import Link

from . import selectors
from .definitions import NO, YES, attributes_of, list_keys
from .models import ApiClient, ClientRequest

#: The spec's limit on ``description`` (the appeals intake allows more; the stricter one wins).
DESCRIPTION_MAX = min(4000, CASE_TEXT_MAX)
KEY_PREFIX = "o311_"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_HAN = re.compile(r"[\u4e00-\u9fff]")

#: Where case_submit's field errors come from, in Open311's words.
FIELD_NAMES = {
    "text": "description",
    "location": "lat/long",
    "area": "address_string",
    "address": "address_string",
    "requester_name": "first_name/last_name",
    "requester_phone": "phone",
    "category": "service_code",
    "idempotency_key": "Idempotency-Key",
    "photos": "media_url",
    "channel": "api_key",
}


class UnknownService(Exception):
    """The ``service_code`` names no active service (the spec answers 404)."""


@dataclass
class RequestInput:
    """A POST Service Request's parameters (already stripped; None when absent or empty)."""

    service_code: str | None = None
    lat: str | None = None
    long: str | None = None
    address_string: str | None = None
    address_id: str | None = None
    description: str | None = None
    attributes: dict[str, list[str]] = field(default_factory=dict)
    media_url: str | None = None
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    phone: str | None = None
    device_id: str | None = None
    account_id: str | None = None


@dataclass
class Filed:
    case: Case
    created: bool
    account_id: str


# --------------------------------------------------------------------------- client applications


@transaction.atomic
def api_client_create(*, actor: Any, name: str) -> tuple[ApiClient, str]:
    """A new application and its key; the key is returned once and only its digest is kept."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": _("此项为必填项。")})
    if len(name) > 60 or _CONTROL.search(name):
        raise ValidationError({"name": _("应用名称不能超过60个字符，且不能包含控制字符。")})
    if selectors.api_client_named(name) is not None:
        raise ValidationError({"name": _("已有同名的接入应用。")})
    key = KEY_PREFIX + secrets.token_urlsafe(24)
    client = ApiClient(name=name, prefix=key[:12], key_digest=selectors.digest_key(key))
    client.full_clean()
    client.save()
    record(actor=actor, action="open311.client.create", obj=client, changes={"prefix": client.prefix})
    return client, key


@transaction.atomic
def api_client_revoke(*, actor: Any, client: ApiClient) -> None:
    """The key stops working at once; the application's cases stay."""
    if not client.is_active:
        return
    client.is_active = False
    client.revoked_at = timezone.now()
    client.save(update_fields=["is_active", "revoked_at"])
    record(actor=actor, action="open311.client.revoke", obj=client)


def api_client_touch(*, client: ApiClient, now: datetime) -> None:
    """Note when a key was last used, at most once a minute (bookkeeping: no audit entry)."""
    if client.last_used_at is None or (now - client.last_used_at).total_seconds() > 60:
        ApiClient.objects.filter(pk=client.pk).update(last_used_at=now)
        client.last_used_at = now
        selectors.HELD_CLIENTS.note_used(client.key_digest, now)


# --------------------------------------------------------------------------- service requests


def _short(errors: dict[str, str], name: str, value: str | None, limit: int) -> str:
    text = value or ""
    if _CONTROL.search(text):
        errors.setdefault(name, _("不能包含控制字符。"))
    elif len(text) > limit:
        errors.setdefault(name, _("不能超过%(n)d个字符。") % {"n": limit})
    return text[:limit]


def _person_name(first: str, last: str) -> str:
    if _HAN.search(first + last):
        return f"{last}{first}"
    return f"{first} {last}".strip()


def _attributes(errors: dict[str, str], category: Category, given: dict[str, list[str]]) -> dict[str, str]:
    """The chosen key of each list attribute; a value outside the list is an error."""
    attributes = attributes_of(category)
    accepted = list_keys(category, attributes)
    multi = {a["code"] for a in attributes if a["datatype"] == "multivaluelist"}
    chosen: dict[str, str] = {}
    for code, keys in accepted.items():
        values = given.get(code, [])
        name = f"attribute[{code}]"
        if len(values) > 1 and code not in multi:
            errors[name] = _("只能选择一个值。")
        elif values and values[0] not in keys:
            errors[name] = _("取值无效，可选：%(keys)s。") % {"keys": "、".join(sorted(keys))}
        elif values:
            chosen[code] = values[0]
    return chosen


def _remap(exc: ValidationError) -> ValidationError:
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError(
        {
            FIELD_NAMES.get(key, key): [m for e in errs for m in e.messages]
            for key, errs in exc.error_dict.items()
        }
    )


def request_submit(*, client: ApiClient, data: RequestInput, idempotency_key: str = "") -> Filed:
    """File one service request as a case (a repeated ``Idempotency-Key`` returns the first).

    The client record and its audit entry are inserted with the case (``also``), and the day's
    number is taken before, as on every channel.
    """
    if not data.service_code:
        raise ValidationError({"service_code": _("此项为必填项。")})
    category = selectors.open_service(data.service_code)
    if category is None:
        raise UnknownService(data.service_code)
    errors: dict[str, str] = {}
    key = _short(errors, "Idempotency-Key", idempotency_key.strip(), 64)
    text = data.description or ""
    if len(text) > DESCRIPTION_MAX:
        errors["description"] = _("诉求内容不能超过%(n)d个字。") % {"n": DESCRIPTION_MAX}
    chosen = _attributes(errors, category, data.attributes)
    address = _short(errors, "address_string", data.address_string, 200)
    media_url = _short(errors, "media_url", data.media_url, 500)
    if media_url and "media_url" not in errors:
        try:
            URLValidator(schemes=["http", "https"])(media_url)
        except ValidationError:
            errors["media_url"] = _("请提供以 http:// 或 https:// 开头的有效链接。")
    account_id = _short(errors, "account_id", data.account_id, 64)
    device_id = _short(errors, "device_id", data.device_id, 64)
    first = _short(errors, "first_name", data.first_name, 25)
    last = _short(errors, "last_name", data.last_name, 25)
    area = None
    has_point = data.lat is not None or data.long is not None
    if not has_point:
        if address:
            area = selectors.area_for_address(address)
            if area is None and "address_string" not in errors:
                errors["address_string"] = _(
                    "无法根据地址确定所在社区，请提供经纬度（lat/long）或在地址中写明社区名称。"
                )
        elif data.address_id:
            errors["address_id"] = _(
                "暂不支持 address_id，请提供经纬度（lat/long）或地址（address_string）。"
            )
        else:
            errors["lat/long"] = _("请提供位置：经纬度（lat/long）或地址（address_string）。")
    if errors:
        raise ValidationError(errors)
    if not text:
        text = f"{category.name}：{address}" if address else category.name

    def client_record(case: Case) -> list[Link]:
        kept = ClientRequest(
            case=case, client=client, media_url=media_url, account_id=account_id, device_id=device_id
        )
        entry = audit_entry(
            actor=None,
            action="open311.request.submit",
            obj=case,
            changes={"client": client.name, "service_code": category.code, "idempotency_key": bool(key)},
        )
        return [
            Link(kept, "case_id"),
            Link(entry, "object_id", as_text=True, copies={"object_repr": "number"}),
        ]

    try:
        submitted = case_submit(
            actor=None,
            channel=Channel.OPEN311,
            text=text,
            lng=data.long,
            lat=data.lat,
            crs=chosen.get("crs", "wgs84"),
            address=address,
            area=area,
            is_public=chosen.get("is_public", NO) == YES,
            category=category,
            danger=chosen.get("danger", NO) == YES,
            requester_name=_person_name(first, last),
            requester_phone=data.phone or "",
            idempotency_key=key,
            submitter_key=client.submitter_key,
            also=client_record,
        )
    except ValidationError as exc:
        raise _remap(exc) from exc
    case = submitted.case
    if not submitted.created:
        existing = ClientRequest.objects.filter(case=case).first()
        return Filed(case, False, existing.account_id if existing else "")
    return Filed(case, True, account_id)
