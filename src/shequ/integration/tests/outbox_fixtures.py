"""Fixtures and helpers shared by the outbox tests (imported by each test module)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from shequ.integration.outbox.testing import FlakySMSBackend

FLAKY = "shequ.integration.outbox.testing.FlakySMSBackend"


@pytest.fixture
def flaky_sms(settings: Any) -> Iterator[type[FlakySMSBackend]]:
    """The failing-on-demand gateway; delivery only by explicit calls (no worker in these tests)."""
    settings.SHEQU_SMS_BACKEND = FLAKY
    settings.SHEQU_OUTBOX_DISPATCH = "none"
    settings.SHEQU_OUTBOX_MAX_ATTEMPTS = 4
    settings.SHEQU_OUTBOX_BACKOFF_SECONDS = 30
    settings.SHEQU_OUTBOX_BACKOFF_CAP_SECONDS = 600
    settings.SHEQU_OUTBOX_CLAIM_SECONDS = 300
    FlakySMSBackend.reset()
    yield FlakySMSBackend
    FlakySMSBackend.reset()


def resident(phone: str, name: str = "") -> Any:
    from shequ.demo.factories import make_resident

    return make_resident(phone, home_area=None, display_name=name or f"居民{phone[-4:]}")
