"""Bad input shared by the staff-management and profile tests (API and forms alike)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from shequ.core.pii import citizen_id_check_char
from shequ.demo.factories import make_citizen_id

GOOD_PASSWORD = "Jiedao#2026-xin"
GOOD_ID = make_citizen_id("320102", date(1988, 4, 12), 37)
OTHER_ID = make_citizen_id("320102", date(1979, 9, 3), 58)


def wrong_check_digit(number: str) -> str:
    last = number[-1]
    replacement = "0" if last != "0" else "1"
    return number[:-1] + replacement


def impossible_birth_date() -> str:
    """30 February 1990, with the check character computed for it (only the date is wrong)."""
    first17 = "320102" + "19900230" + "123"
    return first17 + citizen_id_check_char(first17)


#: (case, field, value, a piece of the Chinese message)
BAD_ID_NUMBERS: list[tuple[str, str, str]] = [
    ("wrong_check_digit", wrong_check_digit(GOOD_ID), "校验位不正确"),
    ("impossible_birth_date", impossible_birth_date(), "出生日期不存在"),
    ("seventeen_digits", GOOD_ID[:17], "应为18位"),
    ("letters", "32010219880412AB3X", "前17位必须是数字"),
]
BAD_PHONES: list[tuple[str, str, str]] = [
    ("five_digits", "12345", "11位手机号码"),
    ("letter_inside", "1381234567a", "11位手机号码"),
    ("twelve_digits", "138123456789", "11位手机号码"),
]

CJK = re.compile(r"[\u4e00-\u9fff]")


def is_chinese(message: Any) -> bool:
    return bool(CJK.search(str(message)))
