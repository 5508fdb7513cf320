"""Fixtures of the appeals tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture
def fresh_classifier() -> Iterator[None]:
    """No model cached from another test (versions live in the rolled-back database)."""
    from shequ.appeals.classifier import runtime

    runtime.invalidate()
    yield
    runtime.invalidate()


@pytest.fixture(autouse=True)
def _catalogue_present(request: Any) -> None:
    """The seeded categories, also after an earlier transactional test flushed them."""
    if request.node.get_closest_marker("django_db") is None and "db" not in request.fixturenames:
        return
    request.getfixturevalue("db") if "transactional_db" not in request.fixturenames else None
    from shequ.appeals.catalogue import ensure_categories
    from shequ.appeals.models import Category

    if Category.objects.count() < 32:
        ensure_categories()
