"""The encrypted field: sealed on assignment, masked when printed, digests for look-up,
and nothing readable in the raw tables."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from shequ.accounts.models import User, UserKind
from shequ.accounts.roles import Role
from shequ.accounts.services import staff_create
from shequ.core.models import AuditEntry
from shequ.core.pii import PIIKind, Sealed, lookup_candidates, reveal, with_digest_fields
from shequ.demo.factories import make_citizen_id, make_staff


@pytest.mark.django_db
def test_assigned_value_is_sealed_and_masked() -> None:
    idn = make_citizen_id("320102", date(1980, 5, 17), 123)
    user = make_staff("alice", None, phone="13812345678", id_number=idn)
    fresh = User.objects.get(pk=user.pk)
    assert isinstance(fresh.phone, Sealed)
    assert str(fresh.phone) == "138****5678"
    assert repr(fresh.phone) == "<Sealed phone 138****5678>"
    assert f"{fresh.id_number}" == idn[:2] + "*" * 14 + idn[-2:]
    assert fresh.phone.plaintext_for_processing() == "13812345678"
    found = User.objects.get(phone_digest__in=lookup_candidates("phone", "138 1234 5678"))
    assert found.pk == user.pk
    assert User.objects.get(id_number_digest__in=lookup_candidates("id_number", idn.lower())).pk == user.pk


@pytest.mark.django_db
def test_changing_and_clearing_a_value_keeps_the_digest_in_step() -> None:
    user = make_staff("carol", None, phone="13812345678")
    user.phone = "13987654321"
    user.save(update_fields=with_digest_fields(User, ["phone"]))
    assert not User.objects.filter(phone_digest__in=lookup_candidates("phone", "13812345678")).exists()
    assert User.objects.get(phone_digest__in=lookup_candidates("phone", "13987654321")).pk == user.pk
    user.phone = ""
    user.save(update_fields=with_digest_fields(User, ["phone"]))
    fresh = User.objects.get(pk=user.pk)
    assert fresh.phone is None
    assert fresh.phone_digest is None


def _people() -> list[tuple[User, str, str]]:
    made = []
    for i in range(3):
        phone = f"1581234{i:04d}"
        idn = make_citizen_id("320104", date(1960 + i, 8, 9), 300 + i)
        user = staff_create(
            actor=None,
            username=f"staff{i}",
            display_name=f"员工{i}",
            password=None,
            phone=phone,
            id_number=idn,
        )
        made.append((user, phone, idn))
    for i in range(3):
        phone = f"1367654{i:04d}"
        idn = make_citizen_id("320102", date(1990 + i, 12, 1), 500 + i)
        resident = User(username=f"resident-{i}", display_name=f"居民{i}", kind=UserKind.RESIDENT)
        resident.phone = phone
        resident.id_number = idn
        resident.set_unusable_password()
        resident.save()
        made.append((resident, phone, idn))
    return made


def _forbidden_fragments(people: list[tuple[User, str, str]]) -> set[str]:
    fragments: set[str] = set()
    for _user, phone, idn in people:
        fragments |= {phone, phone[-8:], idn, idn[-8:], idn[:17]}
    return fragments


def _raw_rows(table: str) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
        return list(cursor.fetchall())


@pytest.mark.django_db
def test_raw_table_holds_no_plaintext() -> None:
    people = _people()
    rows = _raw_rows("accounts_user")
    assert len(rows) >= len(people)
    fragments = _forbidden_fragments(people)
    for row in rows:
        for cell in row:
            text = str(cell)
            for fragment in fragments:
                assert fragment not in text, f"{fragment} appears in a raw accounts_user column"
    # The look-ups still work on what is stored.
    for user, phone, idn in people:
        assert User.objects.get(phone_digest__in=lookup_candidates(PIIKind.PHONE, phone)).pk == user.pk
        assert User.objects.get(id_number_digest__in=lookup_candidates(PIIKind.ID_NUMBER, idn)).pk == user.pk


@pytest.mark.django_db
def test_equal_values_seal_to_different_tokens() -> None:
    """Random nonces: two people with the same number do not share a ciphertext."""
    a = make_staff("same1", None, phone="13811112222")
    b = make_staff("same2", None, phone="13811112222")
    a, b = User.objects.get(pk=a.pk), User.objects.get(pk=b.pk)
    assert a.phone.token != b.phone.token
    assert a.phone_digest == b.phone_digest


@pytest.mark.django_db
def test_reveal_is_audited_and_the_audit_holds_no_plaintext(personas: dict[str, Any]) -> None:
    worker = personas[Role.COMMUNITY_WORKER]
    people = _people()
    target, phone, _idn = people[0]
    before = AuditEntry.objects.filter(action="pii.reveal").count()
    assert reveal(actor=worker, obj=target, field="phone", reason="核实联系方式") == phone
    assert AuditEntry.objects.filter(action="pii.reveal").count() == before + 1
    fragments = _forbidden_fragments(people)
    for row in _raw_rows("core_auditentry"):
        for cell in row:
            assert not any(f in str(cell) for f in fragments)


@pytest.mark.django_db
def test_reveal_refusals(personas: dict[str, Any]) -> None:
    target = make_staff("target", None, phone="13812340000")
    with pytest.raises(PermissionDenied, match="权限"):
        reveal(actor=personas[Role.GRID_WORKER], obj=target, field="phone", reason="核实联系方式")
    with pytest.raises(ValidationError) as exc:
        reveal(actor=personas[Role.COMMUNITY_WORKER], obj=target, field="phone", reason=" ")
    assert "reason" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        reveal(actor=personas[Role.COMMUNITY_WORKER], obj=target, field="username", reason="核实联系方式")
    assert "field" in exc.value.error_dict
    with pytest.raises(ValidationError):
        reveal(
            actor=personas[Role.COMMUNITY_WORKER], obj=target, field="no_such_field", reason="核实联系方式"
        )
    with pytest.raises(ValidationError) as exc:
        reveal(actor=personas[Role.COMMUNITY_HEAD], obj=target, field="totp_secret", reason="核实联系方式")
    assert "field" in exc.value.error_dict
    assert not AuditEntry.objects.filter(action="pii.reveal").exists()
