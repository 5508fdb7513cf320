"""Turning one cell of a roster into a clean value, or a Chinese message saying what is wrong."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from shequ.core.pii import CitizenId, IdDocType, parse_citizen_id, validate_id_document, validate_phone

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SCIENTIFIC = re.compile(r"[0-9](?:\.[0-9]+)?[eE]\+?[0-9]+")
_DECIMAL_TAIL = re.compile(r"[0-9]+\.0+")
_DATE_PATTERNS = (
    re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})"),
    re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})"),
    re.compile(r"(\d{4})\.(\d{1,2})\.(\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)


class CellError(Exception):
    """A cell's value is wrong; the message is for the user."""


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def looks_like_formula(value: Any) -> bool:
    return isinstance(value, str) and value.lstrip().startswith("=")


def text(value: Any, *, max_length: int) -> str:
    if is_blank(value):
        return ""
    if isinstance(value, bool):
        result = _("是") if value else _("否")
    elif isinstance(value, float) and value.is_integer():
        result = str(int(value))
    elif isinstance(value, datetime | date):
        result = value.strftime("%Y-%m-%d")
    else:
        result = str(value).strip()
    if _CONTROL.search(result):
        raise CellError(_("不能包含控制字符。"))
    if len(result) > max_length:
        raise CellError(_("不能超过%(n)d个字符。") % {"n": max_length})
    return result


def _mangled(shown: str) -> CellError:
    return CellError(
        _(
            "证件号码被表格软件转成了数字（显示为 %(shown)s），后几位可能已经丢失。"
            "请把该列设置为“文本”格式，重新填写完整号码后再上传。"
        )
        % {"shown": shown}
    )


def id_number(value: Any, doc_type: str) -> str | None:
    """The normalised document number; numbers a spreadsheet made of an ID are refused."""
    parsed = citizen_id(value, doc_type)
    return parsed.number if isinstance(parsed, CitizenId) else parsed


def citizen_id(value: Any, doc_type: str, *, today: date | None = None) -> CitizenId | str | None:
    """Like :func:`id_number`, but a citizen ID comes back parsed (birth date and sex) for the row."""
    if isinstance(value, bool):
        raise CellError(_("证件号码格式不正确。"))
    if isinstance(value, int | float):
        shown = f"{value:.5E}".replace("E+", "E+") if abs(value) >= 1e11 else f"{value:g}"
        raise _mangled(shown)
    raw = "" if is_blank(value) else unicodedata.normalize("NFKC", str(value)).strip()
    if _SCIENTIFIC.fullmatch(raw) or _DECIMAL_TAIL.fullmatch(raw):
        raise _mangled(raw)
    try:
        if doc_type == IdDocType.CITIZEN_ID and raw:
            return parse_citizen_id(
                raw, today=today
            )  # what validate_id_document does for this type, kept parsed
        number = validate_id_document(doc_type, raw or None)
    except ValidationError as exc:
        if (
            exc.code == "id_check_digit"
            and doc_type == IdDocType.CITIZEN_ID
            and raw.upper().replace(" ", "").endswith("000")
        ):
            raise CellError(
                _(
                    "证件号码末三位为000且校验位不正确，可能是表格软件把号码转成数字后丢失了末几位。"
                    "请把该列设置为“文本”格式，重新填写完整号码。"
                )
            ) from exc
        raise CellError(exc.messages[0]) from exc
    return number


def a_date(value: Any) -> date | None:
    """A date from a date cell, 2026-11-22, 2026/11/22, 2026.11.22, 2026年11月22日 or 20261122."""
    if is_blank(value):
        return None
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        value = str(int(value))
    if isinstance(value, str):
        raw = unicodedata.normalize("NFKC", value).strip()
        raw = re.sub(r"\s+0{1,2}:0{2}(:0{2})?$", "", raw)  # "2026-11-22 00:00:00"
        for pattern in _DATE_PATTERNS:
            m = pattern.fullmatch(raw)
            if m:
                try:
                    return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
                except ValueError:
                    break
    raise CellError(
        _("“%(value)s”不是有效的日期，请按 2026-11-22、2026/11/22 或 2026年11月22日 填写。")
        % {"value": str(value)[:30]}
    )


def past_date(value: date | None) -> date | None:
    if value is None:
        return None
    if value > timezone.localdate():
        raise CellError(_("日期不能晚于今天。"))
    if value.year < 1890:
        raise CellError(_("日期不合理。"))
    return value


def choice(value: Any, mapping: dict[str, str], allowed: list[str], default: str = "") -> str:
    if is_blank(value):
        return default
    raw = str(value).strip()
    if raw in mapping:
        return mapping[raw]
    raise CellError(
        _("“%(value)s”不是可选的值，可填：%(allowed)s。") % {"value": raw[:30], "allowed": "、".join(allowed)}
    )


def phone(value: Any) -> str | None:
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = str(int(value))
    try:
        return validate_phone(str(value))
    except ValidationError as exc:
        raise CellError(exc.messages[0]) from exc


def integer(value: Any, *, low: int, high: int, default: int) -> int:
    if is_blank(value):
        return default
    try:
        number = Decimal(str(value).strip())
        if number != number.to_integral_value():
            raise InvalidOperation
        result = int(number)
    except (InvalidOperation, ValueError) as exc:
        raise CellError(_("请填写整数。")) from exc
    if not low <= result <= high:
        raise CellError(_("应在%(low)d到%(high)d之间。") % {"low": low, "high": high})
    return result


def coordinate(value: Any, *, limit: int) -> Decimal | None:
    if is_blank(value):
        return None
    try:
        result = Decimal(str(value).strip()).quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError) as exc:
        raise CellError(_("请填写有效的坐标。")) from exc
    if not result.is_finite() or abs(result) > limit:
        raise CellError(_("坐标超出范围（WGS-84）。"))
    return result
