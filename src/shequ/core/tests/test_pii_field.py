"""The encrypted field: sealed on assignment, masked when printed, digests for look-up."""

from __future__ import annotations

import pytest
from django.db import connection

from shequ.accounts.models import User
from shequ.core.pii import Sealed, lookup_candidates
from shequ.demo.factories import make_citizen_id, make_staff


@pytest.mark.django_db
def test_assigned_value_is_sealed_and_masked() -> None:
    from datetime import date

    idn = make_citizen_id("320102", date(1980, 5, 17), 123)
    user = make_staff("alice", None, phone="13812345678", id_number=idn)
    fresh = User.objects.get(pk=user.pk)
    assert isinstance(fresh.phone, Sealed)
    assert str(fresh.phone) == "138****5678"
    assert str(fresh.id_number) == idn[:2] + "*" * 14 + idn[-2:]
    assert fresh.phone.plaintext_for_processing() == "13812345678"
    found = User.objects.get(phone_digest__in=lookup_candidates("phone", "138 1234 5678"))
    assert found.pk == user.pk


@pytest.mark.django_db
def test_raw_table_holds_no_plaintext() -> None:
    make_staff("bob", None, phone="13912345678")
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, phone_digest FROM accounts_user WHERE username = 'bob'")
        phone, digest = cursor.fetchone()
    assert "13912345678" not in phone
    assert digest and "13912345678" not in digest
