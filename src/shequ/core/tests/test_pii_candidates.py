"""A masked ID shown next to what else a page shows must leave at least 1,000 candidates."""

from __future__ import annotations

from datetime import date, timedelta

from shequ.core.pii import CitizenId, citizen_id_check_char, mask_id_number, parse_citizen_id

TODAY = date(2026, 11, 22)
PERSON = "320102198506151834"  # fictional; masked it reads 32**************34


def consistent_ids(*, masked: str, age: int, district: str, sex: str, today: date) -> list[str]:
    """Every valid 18-digit citizen ID that would show ``masked``, ``age`` and ``sex``."""
    head, tail = masked[:2], masked[-2:]
    if not district.startswith(head):
        return []
    order_digit, check = tail[0], tail[1]
    if (int(order_digit) % 2 == 1) != (sex == "M"):
        return []
    found: list[str] = []
    day = date(today.year - age - 1, 1, 1)
    while day <= today:
        if CitizenId(number="", region_code=district, birth_date=day, sex=sex).age_on(today) == age:
            for seq in range(100):
                first17 = f"{district}{day:%Y%m%d}{seq:02d}{order_digit}"
                if citizen_id_check_char(first17) == check:
                    found.append(first17 + check)
        day += timedelta(days=1)
    return found


def test_masked_id_with_age_district_and_sex_leaves_a_thousand_candidates() -> None:
    """What a page shows must not narrow a person down to a handful of ID numbers.

    A person page shows the masked ID ``32**************34``, the age in years (never the
    birth date), the sex, and the community they live in; assume the attacker also knows
    the community's district code (320102).  The unknown parts of the 18 characters are:

    * characters 7–14, the birth date: the age pins it to a 365- or 366-day window;
    * characters 15–16, the first two digits of the order code: 100 possibilities;
    * character 17, the last order digit, is shown ("3") and already tells the sex (odd:
      male), so the sex removes nothing more;
    * character 18, the check character, is shown ("4"); the GB 11643 check is a weighted
      sum modulo 11, so about one combination in 11 yields "4".

    That leaves about 365 × 100 / 11 ≈ 3,300 valid IDs, every one of which masks to the
    same string; the test enumerates them and asserts at least 1,000 remain.  Showing the
    birth date instead of the age would cut this to about 100 / 11 ≈ 9, which is why pages
    show an age, and why a mask shows no more than the first 2 and last 2 characters.
    """
    parsed = parse_citizen_id(PERSON, today=TODAY)
    shown_mask = mask_id_number(PERSON)
    shown_age = parsed.age_on(TODAY)
    shown_sex = parsed.sex
    assert shown_mask == "32**************34"

    candidates = consistent_ids(
        masked=shown_mask, age=shown_age, district="320102", sex=shown_sex, today=TODAY
    )

    assert PERSON in candidates
    assert len(set(candidates)) == len(candidates)
    for number in candidates:
        again = parse_citizen_id(number, today=TODAY)  # each one is a valid ID…
        assert mask_id_number(number) == shown_mask  # …that shows the same mask,
        assert again.age_on(TODAY) == shown_age  # the same age,
        assert again.sex == shown_sex  # and the same sex.
    assert len(candidates) >= 1000


def test_a_birth_date_next_to_the_mask_would_leave_a_handful() -> None:
    """The counter-example: with the birth date shown the candidates drop below 20."""
    parsed = parse_citizen_id(PERSON, today=TODAY)
    narrowed = [
        c
        for c in consistent_ids(
            masked=mask_id_number(PERSON),
            age=parsed.age_on(TODAY),
            district="320102",
            sex=parsed.sex,
            today=TODAY,
        )
        if parse_citizen_id(c, today=TODAY).birth_date == parsed.birth_date
    ]
    assert PERSON in narrowed
    assert len(narrowed) < 20
