"""The demo content: built on the small demo city, through the services."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_seed_demo_links_the_demo_resident_and_fills_the_queue() -> None:
    from shequ.accounts.models import User
    from shequ.demo.builder import RESIDENT_PHONE, build_demo_city
    from shequ.onewindow import selectors
    from shequ.onewindow.demo import seed_demo
    from shequ.onewindow.models import Application, CertificateRefusal, Status

    built = build_demo_city(scale="small").counts  # the builder runs seed_demo
    counts = {k.removeprefix("onewindow_"): n for k, n in built.items() if k.startswith("onewindow_")}
    assert counts["items"] >= 20
    assert counts["applications"] >= 3
    assert counts["certificates"] == 1
    statuses = set(Application.objects.values_list("status", flat=True))
    assert {Status.DELIVERED, Status.IN_PROCESS, Status.RETURNED} <= statuses
    assert CertificateRefusal.objects.count() == 2
    resident = User.objects.get_by_phone(RESIDENT_PHONE)
    assert selectors.prefill_for_resident(resident, None).found
    assert seed_demo()["applications"] == 0  # a second run adds nothing
    assert Application.objects.count() == counts["applications"]
