"""Identity documents (GB 11643 citizen IDs and the other document types) and phone numbers."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from shequ.core.pii import (
    IdDocType,
    citizen_id_check_char,
    parse_citizen_id,
    validate_id_document,
    validate_mobile,
    validate_phone,
)


def with_check(first17: str) -> str:
    return first17 + citizen_id_check_char(first17)


def with_wrong_check(first17: str) -> str:
    right = citizen_id_check_char(first17)
    return first17 + ("1" if right != "1" else "2")


def code_of(exc: pytest.ExceptionInfo[ValidationError]) -> str | None:
    return exc.value.code


# --------------------------------------------------------------------------- citizen IDs


@pytest.mark.parametrize(
    ("number", "birth", "sex"),
    [
        ("320102198506151834", date(1985, 6, 15), "M"),
        ("11010119900307125X", date(1990, 3, 7), "M"),
        ("11010119900307125x", date(1990, 3, 7), "M"),  # a lower-case x is accepted and upper-cased
        (" 3201 0219 8506 1518 34 ", date(1985, 6, 15), "M"),  # spaces as people type them
        ("３２０１０２１９８５０６１５１８３４", date(1985, 6, 15), "M"),  # full-width digits from an IME
    ],
)
def test_valid_citizen_ids(number: str, birth: date, sex: str) -> None:
    parsed = parse_citizen_id(number, today=date(2026, 11, 22))
    assert parsed.birth_date == birth
    assert parsed.sex == sex
    assert len(parsed.number) == 18
    assert parsed.number.isascii()
    assert parsed.number[-1] in "0123456789X"


def test_check_digit_x_and_female() -> None:
    number = with_check("11010119900307124")
    parsed = parse_citizen_id(number)
    assert parsed.sex == "F"
    assert parsed.region_code == "110101"


def test_age_counts_birthdays() -> None:
    parsed = parse_citizen_id("320102198506151834")
    assert parsed.age_on(date(2026, 6, 14)) == 40
    assert parsed.age_on(date(2026, 6, 15)) == 41


def test_wrong_check_digit() -> None:
    with pytest.raises(ValidationError) as exc:
        parse_citizen_id(with_wrong_check("32010219850615183"))
    assert code_of(exc) == "id_check_digit"
    assert "校验位" in exc.value.messages[0]


@pytest.mark.parametrize("birth", ["19900230", "19890229", "19901301", "19900001", "19900431"])
def test_impossible_birth_date(birth: str) -> None:
    with pytest.raises(ValidationError) as exc:
        parse_citizen_id(with_check(f"110101{birth}123"))
    assert code_of(exc) == "id_birth_date"
    assert "出生日期" in exc.value.messages[0]


def test_leap_day_exists_in_leap_years() -> None:
    assert parse_citizen_id(with_check("11010119880229123")).birth_date == date(1988, 2, 29)


def test_birth_date_in_the_future_or_too_old() -> None:
    with pytest.raises(ValidationError) as exc:
        parse_citizen_id(with_check("11010120300101123"), today=date(2026, 11, 22))
    assert code_of(exc) == "id_birth_date"
    with pytest.raises(ValidationError):
        parse_citizen_id(with_check("11010118800101123"))


@pytest.mark.parametrize("number", ["32010219850615183", "3201021985061518344", "", "1234"])
def test_wrong_length(number: str) -> None:
    with pytest.raises(ValidationError) as exc:
        parse_citizen_id(number)
    assert code_of(exc) == "id_length"
    assert "18位" in exc.value.messages[0]


@pytest.mark.parametrize(
    "number",
    [
        "32010219850615A834",
        "X20102198506151834",
        "3201021985061518Y4",
        "32010219850615183Ⅳ",
        "٣٢٠١٠٢١٩٨٥٠٦١٥١٨٣٤",
    ],
)
def test_letters_and_foreign_digits(number: str) -> None:
    with pytest.raises(ValidationError) as exc:
        parse_citizen_id(number)
    assert code_of(exc) in {"id_format", "id_length"}


def test_unknown_region() -> None:
    with pytest.raises(ValidationError) as exc:
        parse_citizen_id(with_check("00010119900101123"))
    assert code_of(exc) == "id_region"


def test_fifteen_digit_id_is_converted() -> None:
    parsed = parse_citizen_id("320102850615183")
    assert parsed.number == with_check("32010219850615183")
    assert parsed.birth_date == date(1985, 6, 15)
    assert parsed.sex == "M"


def test_fifteen_digit_id_with_letters() -> None:
    with pytest.raises(ValidationError) as exc:
        parse_citizen_id("32010285061518X")
    assert code_of(exc) == "id_format"


# --------------------------------------------------------------------------- other documents


@pytest.mark.parametrize(
    ("doc_type", "number", "expected"),
    [
        (IdDocType.CITIZEN_ID, "320102198506151834", "320102198506151834"),
        (IdDocType.CITIZEN_ID, "320102850615183", with_check("32010219850615183")),
        (IdDocType.HK_MO_PERMIT, "H12345678", "H12345678"),
        (IdDocType.HK_MO_PERMIT, "m1234567890", "M1234567890"),
        (IdDocType.TW_PERMIT, "12345678", "12345678"),
        (IdDocType.TW_PERMIT, "1234567890", "1234567890"),
        (IdDocType.HK_MO_TW_RESIDENCE, with_check("81000019900101000"), with_check("81000019900101000")),
        (IdDocType.HK_MO_TW_RESIDENCE, with_check("82000019850202001"), with_check("82000019850202001")),
        (IdDocType.HK_MO_TW_RESIDENCE, with_check("83000020000303002"), with_check("83000020000303002")),
        (IdDocType.PASSPORT, "E12345678", "E12345678"),
        (IdDocType.PASSPORT, "ea1234567", "EA1234567"),
        (IdDocType.PASSPORT, "X1234567", "X1234567"),
        (IdDocType.FOREIGN_PERMANENT, "USA110085061512", "USA110085061512"),
        (IdDocType.FOREIGN_PERMANENT, with_check("93384019850615001"), with_check("93384019850615001")),
        (IdDocType.NONE_NEWBORN, None, None),
        (IdDocType.NONE_NEWBORN, "  ", None),
        ("", "320102198506151834", "320102198506151834"),  # blank type: the citizen ID default
    ],
)
def test_documents_accepted(doc_type: str, number: str | None, expected: str | None) -> None:
    assert validate_id_document(doc_type, number) == expected


@pytest.mark.parametrize(
    ("doc_type", "number", "code"),
    [
        (IdDocType.CITIZEN_ID, "320102198506151835", "id_check_digit"),
        (IdDocType.CITIZEN_ID, None, "required"),
        (IdDocType.CITIZEN_ID, "   ", "required"),
        (IdDocType.HK_MO_PERMIT, "C12345678", "id_format"),
        (IdDocType.HK_MO_PERMIT, "H1234", "id_format"),
        (IdDocType.TW_PERMIT, "123456789", "id_format"),
        (IdDocType.TW_PERMIT, "T1234567", "id_format"),
        (IdDocType.HK_MO_TW_RESIDENCE, "320102198506151834", "id_region"),
        (IdDocType.HK_MO_TW_RESIDENCE, with_wrong_check("81000019900101000"), "id_check_digit"),
        (IdDocType.PASSPORT, "E12", "id_format"),
        (IdDocType.PASSPORT, "E1234-5678", "id_format"),
        (IdDocType.FOREIGN_PERMANENT, "US110085061512", "id_format"),
        (IdDocType.FOREIGN_PERMANENT, with_check("93384019850615001")[:-1] + "Y", "id_format"),
        (IdDocType.FOREIGN_PERMANENT, with_wrong_check("93384019850615001"), "id_check_digit"),
        (IdDocType.NONE_NEWBORN, "320102198506151834", "id_unexpected"),
        ("driving_licence", "320102198506151834", "id_doc_type"),
    ],
)
def test_documents_refused(doc_type: str, number: str | None, code: str) -> None:
    with pytest.raises(ValidationError) as exc:
        validate_id_document(doc_type, number)
    assert code_of(exc) == code
    message = exc.value.messages[0]
    assert any("\u4e00" <= ch <= "\u9fff" for ch in message), message  # a Chinese message


# --------------------------------------------------------------------------- phones


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("19912345678", "19912345678"),
        ("025-84561234", "02584561234"),
        ("(025) 8456 1234", "02584561234"),
        ("010-12345678", "01012345678"),
        ("0516-8123456", "05168123456"),
    ],
)
def test_phones_accepted(value: str, expected: str) -> None:
    assert validate_phone(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "",
        "abc",
        "1381234567",
        "138123456789",
        "12812345678",
        "23812345678",
        "25-84561234",
        "138****5678",
        "13812345678 转 8001",
        "tel:13812345678",
    ],
)
def test_phones_refused(value: str) -> None:
    with pytest.raises(ValidationError) as exc:
        validate_phone(value)
    assert exc.value.code == "phone_format"


@pytest.mark.parametrize("value", ["13812345678", "+86 150-0000-1111"])
def test_mobiles_accepted(value: str) -> None:
    assert validate_mobile(value).startswith("1")


@pytest.mark.parametrize("value", ["025-84561234", "1381234567", "138abc45678", "12012345678"])
def test_mobiles_refused(value: str) -> None:
    with pytest.raises(ValidationError) as exc:
        validate_mobile(value)
    assert exc.value.code == "mobile_format"
    assert "手机号码" in exc.value.messages[0]
