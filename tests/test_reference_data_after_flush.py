"""The seeded rules and calendar are there for every test, also after a transactional test's flush."""

from __future__ import annotations

import pytest

from shequ.core.models import CalendarDay, Rule


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_sees_reference_data() -> None:
    assert Rule.objects.filter(area__isnull=True).count() >= 40
    assert CalendarDay.objects.filter(date__year=2026).exists()


@pytest.mark.django_db(transaction=True)
def test_and_so_does_the_next_one() -> None:
    assert Rule.objects.filter(area__isnull=True).count() >= 40
    assert CalendarDay.objects.filter(date__year=2025).exists()
