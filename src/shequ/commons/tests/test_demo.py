"""The demo seed: deterministic spaces, bookings and mutual-aid posts per community."""

from __future__ import annotations

import random
from typing import Any

import pytest

from shequ.commons.demo import seed_demo
from shequ.commons.models import AidMatch, AidPost, Booking, Space

pytestmark = pytest.mark.django_db


def test_seed_demo(mini: Any, neighbours: dict[str, Any]) -> None:
    counts = seed_demo(
        communities=[mini.community_a, mini.community_b],
        residents=list(neighbours.values()),
        rng=random.Random(7),
    )
    assert counts["spaces"] == Space.objects.count() == 8
    assert counts["bookings"] == Booking.objects.count() > 0
    assert counts["aid_posts"] == AidPost.objects.count() == 12
    assert counts["aid_matches"] == AidMatch.objects.count()
    assert Space.objects.filter(is_demo=True, requires_approval=True).count() == 4
