"""Properties of masks and sealed values, for any input hypothesis can think of."""

from __future__ import annotations

import base64
import re
import unicodedata
from datetime import date, timedelta

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from shequ.core.pii import (
    DataKeyError,
    DecryptionError,
    PIIKind,
    Sealed,
    citizen_id_check_char,
    decrypt,
    encrypt,
    mask,
    mask_id_number,
    mask_phone,
)

fast = hsettings(deadline=None, max_examples=200, suppress_health_check=[HealthCheck.too_slow])

ascii_digits = st.text(alphabet="0123456789", min_size=1, max_size=1)
mobiles = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)


@st.composite
def citizen_ids(draw: st.DrawFn) -> str:
    region = draw(st.sampled_from(["110101", "320102", "320104", "440305", "810000", "510107"]))
    birth = date(1900, 1, 1) + timedelta(days=draw(st.integers(0, 45_000)))
    seq = draw(st.integers(0, 999))
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    return first17 + citizen_id_check_char(first17)


def visible_positions(masked: str) -> list[int]:
    return [i for i, ch in enumerate(masked) if ch != "*"]


@fast
@given(st.text(max_size=40))
def test_id_mask_shows_at_most_first_two_and_last_two(value: str) -> None:
    masked = mask_id_number(value)
    plain = value.strip()
    assert len(masked) == len(plain)
    shown = visible_positions(masked)
    assert all(i < 2 or i >= len(plain) - 2 for i in shown)
    assert len(shown) <= 4
    assert all(masked[i] == plain[i] for i in shown)


@fast
@given(citizen_ids())
def test_id_mask_of_a_citizen_id(number: str) -> None:
    masked = mask(PIIKind.ID_NUMBER, number)
    assert masked == number[:2] + "*" * 14 + number[-2:]
    assert str(Sealed.seal(number, kind=PIIKind.ID_NUMBER, label="t.id")) == masked


@fast
@given(
    mobiles,
    st.sampled_from(
        ["{}", "+86 {}", "{0[0]}{0[1]}{0[2]} {0[3]}{0[4]}{0[5]}{0[6]} {0[7]}{0[8]}{0[9]}{0[10]}"]
    ),
)
def test_mobile_mask_is_three_stars_four(number: str, layout: str) -> None:
    masked = mask_phone(layout.format(number))
    assert re.fullmatch(r"[0-9]{3}\*{4}[0-9]{4}", masked)
    assert masked == number[:3] + "****" + number[-4:]
    assert str(Sealed.seal(number, kind=PIIKind.PHONE, label="t.phone")) == masked


@fast
@given(st.text(max_size=30))
def test_phone_mask_never_shows_the_middle(value: str) -> None:
    masked = mask_phone(value)
    given_digits = re.sub(r"[^0-9]", "", unicodedata.normalize("NFKC", value))
    assert len(re.sub(r"[^0-9]", "", masked)) <= 7
    if len(given_digits) >= 8:
        assert masked.count("*") >= 4


@pytest.mark.parametrize("suite", ["sm4", "aes"])
@fast
@given(text=st.text(max_size=200))
def test_sealing_round_trips_any_unicode(suite: str, text: str) -> None:
    with override_settings(SHEQU_CRYPTO_SUITE=suite):
        token = encrypt(text, label="accounts.user.note")
        assert token.split(":")[1] == ("s" if suite == "sm4" else "a")
        assert decrypt(token, label="accounts.user.note") == text
        sealed = Sealed(token, kind=PIIKind.TEXT, label="accounts.user.note")
        assert sealed.plaintext_for_processing() == text
        assert str(sealed) in ("", "••••")


@fast
@given(text=st.text(max_size=60), data=st.data())
def test_a_tampered_token_fails_authentication(text: str, data: st.DataObject) -> None:
    token = encrypt(text, label="accounts.user.phone")
    kid, suite, blob = token.split(":", 2)
    raw = bytearray(base64.b64decode(blob))
    position = data.draw(st.integers(0, len(raw) - 1), label="position")
    flip = data.draw(st.integers(1, 255), label="xor")
    raw[position] ^= flip
    tampered = f"{kid}:{suite}:{base64.b64encode(bytes(raw)).decode()}"
    with pytest.raises(DecryptionError):
        decrypt(tampered, label="accounts.user.phone")


@fast
@given(text=st.text(max_size=60), cut=st.integers(1, 40))
def test_a_truncated_token_fails(text: str, cut: int) -> None:
    token = encrypt(text, label="a.b")
    kid, suite, blob = token.split(":", 2)
    raw = base64.b64decode(blob)[:-cut]
    with pytest.raises(DecryptionError):
        decrypt(f"{kid}:{suite}:{base64.b64encode(raw).decode()}", label="a.b")


def test_a_token_moved_to_another_column_fails() -> None:
    """The column's name is authenticated: a phone pasted into the ID column does not open."""
    token = encrypt("13812345678", label="accounts.user.phone")
    with pytest.raises(DecryptionError):
        decrypt(token, label="accounts.user.id_number")


def test_a_token_under_an_unknown_key_names_it() -> None:
    token = encrypt("13812345678", label="a.b")
    _kid, suite, blob = token.split(":", 2)
    with pytest.raises(DataKeyError, match="deadbeef"):
        decrypt(f"deadbeef:{suite}:{blob}", label="a.b")


@pytest.mark.parametrize("token", ["", "garbage", "abc:s:", "abc:s:!!!notbase64", "k:z:AAAA", "k:s:AAAA"])
def test_malformed_tokens_fail(token: str) -> None:
    with pytest.raises((DecryptionError, DataKeyError)):
        decrypt(token, label="a.b")
