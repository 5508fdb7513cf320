"""Two deliverers at once (PostgreSQL): every notification reaches the gateway exactly once."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, connections
from django.utils import timezone

from shequ.integration.outbox import Notification, NotificationStatus, delivery, enqueue

from . import outbox_fixtures

flaky_sms = outbox_fixtures.flaky_sms

pytestmark = pytest.mark.django_db(transaction=True)


def run_in_threads(*targets: Any) -> list[BaseException]:
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(targets))

    def wrap(target: Any) -> None:
        try:
            barrier.wait(timeout=30)
            target()
        except BaseException as exc:  # reported to the test below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=wrap, args=(t,)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return errors


def test_two_workers_and_the_after_commit_path_never_send_one_notification_twice(flaky_sms: Any) -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs concurrent writers: SQLite takes one writer at a time, and its conditional-UPDATE "
            "claim is checked in test_outbox_delivery::test_one_claim_per_row_on_any_database"
        )
    rows = [
        enqueue(channel="sms", phone=f"1370000{i:04d}", text=f"通知{i}", dedup_key=f"race:{i}")
        for i in range(60)
    ]
    ids = [r.pk for r in rows]
    flaky_sms.fail_next(7)  # a few attempts fail and come back later
    t0 = timezone.now() + timedelta(seconds=1)

    def worker() -> None:
        for _ in range(30):
            if not delivery.deliver_due(now=t0, batch=4).claimed:
                break

    def after_commit_path() -> None:
        for pk in ids:
            delivery.deliver_one(pk, now=t0)

    assert run_in_threads(worker, worker, after_commit_path) == []
    # the failed ones come due again; two workers race for them too
    later = t0 + timedelta(minutes=5)

    def late_worker() -> None:
        delivery.deliver_due(now=later, batch=2)

    assert run_in_threads(late_worker, late_worker) == []

    statuses = Counter(Notification.objects.filter(pk__in=ids).values_list("status", flat=True))
    assert statuses == {NotificationStatus.SENT: 60}
    accepted = Counter(c.reference for c in flaky_sms.calls if c.outcome == "accepted")
    assert len(accepted) == 60
    assert set(accepted.values()) == {1}
    assert [c for c in flaky_sms.calls if c.outcome == "duplicate"] == []  # never even offered twice
    assert sum(1 for c in flaky_sms.calls if c.outcome == "failed") == 7
    assert Counter(m.phone for m in flaky_sms.outbox) == Counter(f"1370000{i:04d}" for i in range(60))
