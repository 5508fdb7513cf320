"""Identity documents (GB 11643 citizen IDs, permits, passports) and phone numbers."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .crypto import normalise
from .kinds import PIIKind


class IdDocType(models.TextChoices):
    CITIZEN_ID = "cn_id", gettext_lazy("居民身份证")
    HK_MO_PERMIT = "hkmo_permit", gettext_lazy("港澳居民来往内地通行证")
    TW_PERMIT = "tw_permit", gettext_lazy("台湾居民来往大陆通行证")
    HK_MO_TW_RESIDENCE = "hmt_residence", gettext_lazy("港澳台居民居住证")
    FOREIGN_PERMANENT = "foreign_pr", gettext_lazy("外国人永久居留身份证")
    PASSPORT = "passport", gettext_lazy("护照")
    NONE_NEWBORN = "none_newborn", gettext_lazy("暂无证件（新生儿未落户）")


ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"


def citizen_id_check_char(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


@dataclass(frozen=True)
class CitizenId:
    number: str
    region_code: str
    birth_date: date
    sex: str  # "M" or "F"

    def age_on(self, day: date) -> int:
        years = day.year - self.birth_date.year
        if (day.month, day.day) < (self.birth_date.month, self.birth_date.day):
            years -= 1
        return years


def parse_citizen_id(value: str, *, today: date | None = None) -> CitizenId:
    """Validate an 18-digit citizen ID (GB 11643) or convert a 15-digit one.

    Raises ``ValidationError`` with a Chinese message naming what is wrong.
    """
    number = normalise(PIIKind.ID_NUMBER, value)
    if len(number) == 15:
        if not re.fullmatch(r"[0-9]{15}", number):
            raise ValidationError(_("15位身份证号码只能包含数字。"), code="id_format")
        first17 = number[:6] + "19" + number[6:]
        number = first17 + citizen_id_check_char(first17)
    if len(number) != 18:
        raise ValidationError(
            _("身份证号码应为18位（或旧式15位），当前为%(n)d位。") % {"n": len(number)}, code="id_length"
        )
    if not re.fullmatch(r"[0-9]{17}[0-9X]", number):
        raise ValidationError(_("身份证号码前17位必须是数字，最后一位是数字或X。"), code="id_format")
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise ValidationError(_("身份证号码中的出生日期不存在。"), code="id_birth_date") from exc
    today = today or timezone.localdate()
    if birth > today or birth.year < 1890:
        raise ValidationError(_("身份证号码中的出生日期不合理。"), code="id_birth_date")
    if number[:2] in {"00", "10"} or not ("11" <= number[:2] <= "91"):
        raise ValidationError(_("身份证号码的地区代码无效。"), code="id_region")
    if citizen_id_check_char(number[:17]) != number[17]:
        raise ValidationError(_("身份证号码校验位不正确，请核对后重新输入。"), code="id_check_digit")
    sex = "M" if int(number[16]) % 2 == 1 else "F"
    return CitizenId(number=number, region_code=number[:6], birth_date=birth, sex=sex)


_DOC_PATTERNS: dict[str, tuple[str, Any]] = {
    IdDocType.HK_MO_PERMIT: (r"[HM]\d{8,10}", gettext_lazy("港澳通行证号码应为H或M开头加8至10位数字。")),
    IdDocType.TW_PERMIT: (r"\d{8}|\d{10}", gettext_lazy("台湾居民来往大陆通行证号码应为8位或10位数字。")),
    IdDocType.PASSPORT: (r"[A-Z0-9]{5,17}", gettext_lazy("护照号码应为5至17位字母或数字。")),
    IdDocType.FOREIGN_PERMANENT: (
        r"[A-Z]{3}\d{12}|9\d{16}[\dX]",
        gettext_lazy(
            "外国人永久居留身份证号码应为3位字母加12位数字（旧版）或以9开头的18位号码（2023年版）。"
        ),
    ),
}


def validate_id_document(doc_type: str, number: str | None) -> str | None:
    """Check a document number against its type; return the normalised number."""
    doc_type = doc_type or IdDocType.CITIZEN_ID
    if doc_type not in IdDocType.values:
        raise ValidationError(_("未知的证件类型。"), code="id_doc_type")
    if doc_type == IdDocType.NONE_NEWBORN:
        if number and number.strip():
            raise ValidationError(_("“暂无证件”时不应填写证件号码。"), code="id_unexpected")
        return None
    if not number or not number.strip():
        raise ValidationError(_("请填写证件号码。"), code="required")
    if doc_type in (IdDocType.CITIZEN_ID, IdDocType.HK_MO_TW_RESIDENCE):
        parsed = parse_citizen_id(number)
        if doc_type == IdDocType.HK_MO_TW_RESIDENCE and parsed.region_code[:2] not in {"81", "82", "83"}:
            raise ValidationError(_("港澳台居民居住证号码应以81、82或83开头。"), code="id_region")
        return parsed.number
    pattern, message = _DOC_PATTERNS[doc_type]
    value = normalise(PIIKind.ID_NUMBER, number)
    if not re.fullmatch(pattern, value, flags=re.ASCII):
        raise ValidationError(str(message), code="id_format")
    # The 2023 card: 9, province, nationality, birth date, sequence, GB 11643 check character.
    if (
        doc_type == IdDocType.FOREIGN_PERMANENT
        and len(value) == 18
        and citizen_id_check_char(value[:17]) != value[17]
    ):
        raise ValidationError(_("外国人永久居留身份证号码校验位不正确。"), code="id_check_digit")
    return value


_MOBILE = re.compile(r"1[3-9][0-9]{9}")
_LANDLINE = re.compile(r"0[0-9]{2,3}[0-9]{7,8}")


def validate_phone(value: str) -> str:
    digits = normalise(PIIKind.PHONE, value)
    if re.search(r"[^0-9+\-\s()]", unicodedata.normalize("NFKC", value).strip()):
        raise ValidationError(_("电话号码只能包含数字。"), code="phone_format")
    if _MOBILE.fullmatch(digits) or _LANDLINE.fullmatch(digits):
        return digits
    raise ValidationError(_("请输入11位手机号码或带区号的固定电话。"), code="phone_format")


def validate_mobile(value: str) -> str:
    digits = normalise(PIIKind.PHONE, value)
    folded = unicodedata.normalize("NFKC", value).strip()
    if re.search(r"[^0-9+\-\s]", folded) or not _MOBILE.fullmatch(digits):
        raise ValidationError(_("请输入正确的11位手机号码。"), code="mobile_format")
    return digits
