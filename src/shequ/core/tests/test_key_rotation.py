"""Data-key rotation: interrupted runs resume, values decrypt and look-ups match throughout.

``keyring()`` is cached on the settings values, so ``override_settings`` changes the ring.
"""

from __future__ import annotations

import base64
from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from shequ.accounts.models import User
from shequ.core.management.commands import rotate_data_key
from shequ.core.models import AuditEntry
from shequ.core.pii import Sealed, current_key, lookup_candidates, token_kid
from shequ.demo.factories import make_citizen_id, make_staff

KEY_A = base64.b64encode(b"rotation-test-key-A-0123456789ab").decode()
KEY_B = base64.b64encode(b"rotation-test-key-B-0123456789ab").decode()

ring_a = override_settings(SHEQU_DATA_KEY=KEY_A, SHEQU_DATA_KEYS_PREVIOUS=[], SHEQU_CRYPTO_SUITE="sm4")
ring_b_after_a = override_settings(
    SHEQU_DATA_KEY=KEY_B, SHEQU_DATA_KEYS_PREVIOUS=[KEY_A], SHEQU_CRYPTO_SUITE="sm4"
)
ring_b_only = override_settings(SHEQU_DATA_KEY=KEY_B, SHEQU_DATA_KEYS_PREVIOUS=[], SHEQU_CRYPTO_SUITE="sm4")


def kid_of(ring: Any) -> str:
    with ring:
        return current_key().kid


People = list[tuple[int, str, str]]


@pytest.fixture
def people(db: Any) -> People:
    """Five staff written under key A: (pk, phone, ID number)."""
    made: People = []
    with ring_a:
        for i in range(5):
            phone = f"1391234{i:04d}"
            idn = make_citizen_id("320102", date(1970 + i, 3, 1 + i), 100 + i)
            user = make_staff(f"rot{i}", None, phone=phone, id_number=idn, totp_secret=f"JBSWY3DPEHPK3PX{i}")
            made.append((user.pk, phone, idn))
    return made


def tokens(pks: list[int]) -> dict[int, dict[str, str | None]]:
    out: dict[int, dict[str, str | None]] = {}
    for user in User.objects.filter(pk__in=pks).order_by("pk"):
        out[user.pk] = {
            "phone": user.phone.token if isinstance(user.phone, Sealed) else None,
            "phone_digest": user.phone_digest,
            "id_number": user.id_number.token if isinstance(user.id_number, Sealed) else None,
            "id_number_digest": user.id_number_digest,
            "totp_secret": user.totp_secret.token if isinstance(user.totp_secret, Sealed) else None,
        }
    return out


def assert_readable(people: People) -> None:
    """Every value decrypts, and every digest look-up finds its own row."""
    for pk, phone, idn in people:
        user = User.objects.get(pk=pk)
        assert user.phone.plaintext_for_processing() == phone
        assert user.id_number.plaintext_for_processing() == idn
        assert user.totp_secret.plaintext_for_processing().startswith("JBSWY3DPEHPK3PX")
        assert User.objects.get(phone_digest__in=lookup_candidates("phone", phone)).pk == pk
        assert User.objects.get(id_number_digest__in=lookup_candidates("id_number", idn)).pk == pk


def assert_row_consistent(row: dict[str, str | None]) -> None:
    """A token and its digest are always rewritten together."""
    assert token_kid(row["phone"]) == token_kid(row["phone_digest"])
    assert token_kid(row["id_number"]) == token_kid(row["id_number_digest"])


def rotate(*args: str) -> str:
    out = StringIO()
    call_command("rotate_data_key", *args, stdout=out)
    return out.getvalue()


def test_interrupted_rotation_resumes_and_old_key_can_go(people: People) -> None:
    pks = [p[0] for p in people]
    kid_a, kid_b = kid_of(ring_a), kid_of(ring_b_after_a)
    assert kid_a != kid_b
    assert {token_kid(r["phone"]) for r in tokens(pks).values()} == {kid_a}

    with ring_b_after_a:
        with pytest.raises(CommandError, match="5"):
            rotate("--check")

        # Interrupted: one batch of two rows only.
        output = rotate("--max-batches", "1", "--batch-size", "2")
        assert "--max-batches" in output
        rows = tokens(pks)
        kids = {pk: token_kid(r["phone"]) for pk, r in rows.items()}
        assert [kids[pk] for pk in pks] == [kid_b, kid_b, kid_a, kid_a, kid_a]
        for row in rows.values():
            assert_row_consistent(row)
            assert token_kid(row["totp_secret"]) == token_kid(row["phone"])
        assert_readable(people)
        with pytest.raises(CommandError):
            rotate("--check")
        first = AuditEntry.objects.get(action="pii.rotate")
        assert first.changes["rotated"] == {
            "accounts.user.phone": 2,
            "accounts.user.id_number": 2,
            "accounts.user.totp_secret": 2,
        }
        assert first.changes["complete"] is False
        assert first.changes["kid"] == kid_b

        # Resumed: a second run finishes the rest.
        rotate("--batch-size", "2")
        rows = tokens(pks)
        assert {token_kid(r[f]) for r in rows.values() for f in r} == {kid_b}
        assert_readable(people)
        assert kid_b in rotate("--check")
        entries = list(AuditEntry.objects.filter(action="pii.rotate").order_by("id"))
        assert len(entries) == 2
        assert entries[1].changes["rotated"]["accounts.user.phone"] == 3
        assert entries[1].changes["complete"] is True

    # The old key dropped from the ring: nothing needs it any more.
    with ring_b_only:
        assert_readable(people)
        rotate("--check")


def test_values_written_during_rotation_use_the_new_key(people: People) -> None:
    with ring_b_after_a:
        rotate("--max-batches", "1", "--batch-size", "1")
        user = User.objects.get(pk=people[4][0])
        user.phone = "13700001111"
        user.save()
        assert user.phone.kid == current_key().kid
        rotate()
        assert User.objects.get(phone_digest__in=lookup_candidates("phone", "13700001111")).pk == user.pk
        rotate("--check")


def test_missing_key_is_a_clear_error_naming_the_key(people: People) -> None:
    pks = [p[0] for p in people]
    kid_a = kid_of(ring_a)
    before = tokens(pks)
    with ring_b_only:
        with pytest.raises(CommandError) as info:
            rotate()
        assert kid_a in str(info.value)
        assert "SHEQU_DATA_KEYS_PREVIOUS" in str(info.value)
        assert tokens(pks) == before
        with pytest.raises(CommandError):
            rotate("--check")
        entry = AuditEntry.objects.get(action="pii.rotate")
        assert kid_a in entry.changes["error"]


def test_check_names_old_keys_not_in_ring(people: People) -> None:
    kid_a = kid_of(ring_a)
    out = StringIO()
    with ring_b_only, pytest.raises(CommandError):
        call_command("rotate_data_key", "--check", stdout=out)
    assert f"accounts.user.phone: 5（{kid_a}:s 5（密钥不在密钥环中））" in out.getvalue()


def test_a_run_killed_mid_batch_leaves_whole_rows_and_resumes(
    people: People, monkeypatch: pytest.MonkeyPatch
) -> None:
    pks = [p[0] for p in people]
    calls = {"n": 0}
    original = rotate_data_key.Command.rotate_row

    def dies_on_third_row(self: Any, *args: Any, **kwargs: Any) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        original(self, *args, **kwargs)

    with ring_b_after_a:
        kid_b = current_key().kid
        monkeypatch.setattr(rotate_data_key.Command, "rotate_row", dies_on_third_row)
        with pytest.raises(KeyboardInterrupt):
            rotate("--batch-size", "2")
        rows = tokens(pks)
        assert [token_kid(rows[pk]["phone"]) == kid_b for pk in pks] == [True, True, False, False, False]
        for row in rows.values():
            assert_row_consistent(row)
        assert_readable(people)
        monkeypatch.setattr(rotate_data_key.Command, "rotate_row", original)
        rotate("--batch-size", "2")
        rotate("--check")
        assert_readable(people)


def test_switching_the_suite_is_handled_by_rotation(people: People) -> None:
    pks = [p[0] for p in people]
    kid_a = kid_of(ring_a)
    with override_settings(SHEQU_DATA_KEY=KEY_A, SHEQU_DATA_KEYS_PREVIOUS=[], SHEQU_CRYPTO_SUITE="aes"):
        assert current_key().kid == kid_a  # same key, another suite
        with pytest.raises(CommandError, match="5"):
            rotate("--check")
        assert_readable(people)  # SM4 values still decrypt and SM3 digests still match
        rotate("--batch-size", "3")
        rows = tokens(pks)
        assert all(r["phone"] and r["phone"].startswith(f"{kid_a}:a:") for r in rows.values())
        assert all(r["id_number"] and r["id_number"].startswith(f"{kid_a}:a:") for r in rows.values())
        assert_readable(people)
        rotate("--check")
    # Back on SM4 the AES values are stale again, and still readable.
    with ring_a:
        assert_readable(people)
        with pytest.raises(CommandError):
            rotate("--check")


@pytest.mark.parametrize("args", [["--batch-size", "0"], ["--max-batches", "0"]])
def test_bad_arguments_are_refused(db: Any, args: list[str]) -> None:
    with pytest.raises(CommandError):
        rotate(*args)
    assert not AuditEntry.objects.filter(action="pii.rotate").exists()


def test_rotation_finds_every_encrypted_model() -> None:
    targets = {t.label: [f.name for f in t.fields] for t in rotate_data_key.encrypted_targets()}
    assert targets["accounts.user"] == ["phone", "id_number", "totp_secret"]


def test_a_duplicate_that_rotation_uncovers_is_a_clear_error(db: Any) -> None:
    """Two residents with one phone under different keys: rotation stops, naming the row."""
    with ring_a:
        first = User(username="dup-a", kind="resident")
        first.phone = "13755556666"
        first.save()
    with ring_b_after_a:
        second = User(username="dup-b", kind="resident")
        second.phone = "13755556666"
        second.save()  # the unique digest differs only because the keys differ
        with pytest.raises(CommandError) as info:
            rotate()
        assert f"accounts.user（主键 {first.pk}）" in str(info.value)
        assert User.objects.get(pk=first.pk).phone.kid == kid_of(ring_a)
