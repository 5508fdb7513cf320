"""Delivery: retried with backoff while the gateway fails, delivered once it recovers, never twice."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from shequ.core.models import AuditEntry
from shequ.integration.outbox import Notification, NotificationStatus, delivery, enqueue, notification_retry
from shequ.integration.outbox.selectors import outbox_summary
from shequ.integration.outbox.tasks import deliver_due_notifications

from . import outbox_fixtures
from .outbox_fixtures import resident

flaky_sms = outbox_fixtures.flaky_sms

pytestmark = pytest.mark.django_db


def make_sms(n: int, start: int = 0) -> list[Notification]:
    return [
        enqueue(
            channel="sms",
            phone=f"1390000{start + i:04d}",
            text=f"第{i}条通知",
            dedup_key=f"event:{start + i}",
        )
        for i in range(n)
    ]


def test_while_the_gateway_is_down_each_attempt_waits_longer_then_all_arrive_once(flaky_sms: Any) -> None:
    rows = make_sms(3)
    t0 = timezone.now() + timedelta(seconds=1)
    flaky_sms.go_down()

    report = delivery.deliver_due(now=t0)
    assert sorted(report.retried) == sorted(r.pk for r in rows)
    assert not report.sent
    for r in rows:
        r.refresh_from_db()
        assert r.status == NotificationStatus.PENDING
        assert r.attempts == 1
        assert r.next_attempt_at == t0 + timedelta(seconds=30)
        assert "GatewayUnavailable" in r.last_error

    # not due yet: nothing is tried before the backoff has passed
    assert delivery.deliver_due(now=t0 + timedelta(seconds=29)).claimed == 0
    calls_before = len(flaky_sms.calls)

    t1 = t0 + timedelta(seconds=30)
    assert len(delivery.deliver_due(now=t1).retried) == 3
    assert len(flaky_sms.calls) == calls_before + 3
    rows[0].refresh_from_db()
    assert rows[0].attempts == 2
    assert rows[0].next_attempt_at == t1 + timedelta(seconds=60)

    flaky_sms.recover()
    assert delivery.deliver_due(now=t1 + timedelta(seconds=59)).claimed == 0
    report = delivery.deliver_due(now=t1 + timedelta(seconds=60))
    assert sorted(report.sent) == sorted(r.pk for r in rows)
    for r in rows:
        r.refresh_from_db()
        assert r.status == NotificationStatus.SENT
        assert r.attempts == 3
        assert r.last_error == ""
    # every phone got its message exactly once, and later runs send nothing more
    assert sorted(m.phone for m in flaky_sms.outbox) == sorted(f"1390000{i:04d}" for i in range(3))
    assert delivery.deliver_due(now=t1 + timedelta(days=1)).claimed == 0
    assert len(flaky_sms.outbox) == 3


def test_backoff_is_capped(flaky_sms: Any, settings: Any) -> None:
    settings.SHEQU_OUTBOX_MAX_ATTEMPTS = 20
    (row,) = make_sms(1)
    flaky_sms.go_down()
    now = timezone.now() + timedelta(seconds=1)
    waits = []
    for _ in range(8):
        delivery.deliver_due(now=now)
        row.refresh_from_db()
        waits.append((row.next_attempt_at - now).total_seconds())
        now = row.next_attempt_at
    assert waits == [30, 60, 120, 240, 480, 600, 600, 600]


def test_after_the_last_attempt_it_is_failed_and_visible_then_an_operator_retries(
    flaky_sms: Any, mini: Any
) -> None:
    from shequ.demo.factories import make_staff

    (row,) = make_sms(1)
    flaky_sms.go_down()
    now = timezone.now() + timedelta(seconds=1)
    outcomes = []
    for _ in range(4):
        report = delivery.deliver_due(now=now)
        outcomes.append("failed" if report.failed else "retried")
        row.refresh_from_db()
        now = max(now, row.next_attempt_at)
    assert outcomes == ["retried", "retried", "retried", "failed"]
    assert row.status == NotificationStatus.FAILED
    assert row.attempts == 4
    assert delivery.deliver_due(now=now + timedelta(days=7)).claimed == 0
    summary = outbox_summary(now=now)
    assert summary.failed == 1
    assert summary.pending == 0

    flaky_sms.recover()
    with pytest.raises(PermissionDenied):
        notification_retry(actor=resident("13800009999"), notification=row)
    admin = make_staff("outbox_admin", None)
    admin.is_superuser = True
    admin.save()
    audits = AuditEntry.objects.filter(action="notification.retry").count()
    notification_retry(actor=admin, notification=row, reason="网关已恢复")
    assert AuditEntry.objects.filter(action="notification.retry").count() == audits + 1
    with pytest.raises(ValidationError):
        notification_retry(actor=admin, notification=row)  # only failed ones
    assert delivery.deliver_due(now=timezone.now() + timedelta(seconds=1)).sent == [row.pk]
    assert len(flaky_sms.outbox) == 1


def test_a_new_channel_plugs_in_and_a_permanent_refusal_fails_at_once(
    flaky_sms: Any, monkeypatch: Any
) -> None:
    from shequ.integration.outbox import channels

    sent: list[str] = []

    def wecom(notification: Notification) -> str:
        if "拒收" in notification.text.plaintext_for_processing():
            raise channels.PermanentSendError("recipient blocked the account")
        sent.append(notification.text.plaintext_for_processing())
        return "wecom-1"

    monkeypatch.setitem(channels._channels, "wecom", channels.Channel("wecom", wecom))
    user = resident("13900000010")
    ok = enqueue(channel="wecom", recipient=user, text="您好", dedup_key="w1")
    refused = enqueue(channel="wecom", recipient=user, text="拒收", dedup_key="w2")
    report = delivery.deliver_due(now=timezone.now() + timedelta(seconds=1))
    assert report.sent == [ok.pk]
    assert report.failed == [refused.pk]
    assert sent == ["您好"]
    refused.refresh_from_db()
    assert refused.status == NotificationStatus.FAILED
    assert refused.attempts == 1
    assert "PermanentSendError" in refused.last_error


def test_a_worker_dying_after_the_gateway_took_it_does_not_reach_the_phone_twice(flaky_sms: Any) -> None:
    """The remaining window: sent, but the row was never marked (the worker died, or the ack was lost)."""
    (row,) = make_sms(1)
    t0 = timezone.now() + timedelta(seconds=1)

    # 1. the worker claims it and the gateway takes it; the worker dies before marking it sent
    _token, ids = delivery.claim(now=t0, limit=10)
    assert ids == [row.pk]
    provider_id = flaky_sms().send("13900000000", "第0条通知", reference=str(row.reference))
    row.refresh_from_db()
    assert row.status == NotificationStatus.SENDING

    # 2. while the claim is fresh nobody else touches it
    assert delivery.deliver_due(now=t0 + timedelta(seconds=299)).claimed == 0
    summary = outbox_summary(now=t0 + timedelta(seconds=301))
    assert summary.sending == 1
    assert summary.stuck == 1

    # 3. after the claim timeout it is taken again; the gateway drops the repeated reference
    report = delivery.deliver_due(now=t0 + timedelta(seconds=301))
    assert report.sent == [row.pk]
    row.refresh_from_db()
    assert row.status == NotificationStatus.SENT
    assert row.provider_message_id == provider_id
    assert [c.outcome for c in flaky_sms.calls_for(str(row.reference))] == ["accepted", "duplicate"]
    assert len(flaky_sms.outbox) == 1


def test_a_lost_acknowledgement_is_retried_without_a_second_message(flaky_sms: Any) -> None:
    (row,) = make_sms(1)
    flaky_sms.lose_ack_next()
    t0 = timezone.now() + timedelta(seconds=1)
    assert delivery.deliver_due(now=t0).retried == [row.pk]
    assert delivery.deliver_due(now=t0 + timedelta(seconds=30)).sent == [row.pk]
    assert [c.outcome for c in flaky_sms.calls_for(str(row.reference))] == ["lost-ack", "duplicate"]
    assert len(flaky_sms.outbox) == 1


def test_a_late_success_wins_over_a_newer_claims_failure(flaky_sms: Any) -> None:
    (row,) = make_sms(1)
    t0 = timezone.now() + timedelta(seconds=1)
    old_token, _ = delivery.claim(now=t0, limit=1)
    new_token, ids = delivery.claim(now=t0 + timedelta(seconds=301), limit=1)  # the first looked dead
    assert ids == [row.pk]
    assert new_token != old_token
    delivery._mark_sent(row.pk, "late-1", timezone.now())  # the first worker's send returns after all
    row.refresh_from_db()
    assert delivery._mark_failed_attempt(row, new_token, "boom", now=t0, permanent=False) == "retried"
    row.refresh_from_db()
    assert row.status == NotificationStatus.SENT
    assert row.provider_message_id == "late-1"


def test_the_periodic_task_delivers_whatever_is_due(flaky_sms: Any) -> None:
    make_sms(2)
    flaky_sms.fail_next(1)
    assert deliver_due_notifications.run() == {"sent": 1, "retried": 1, "failed": 0}
    assert len(flaky_sms.outbox) == 1


def test_one_claim_per_row_on_any_database(flaky_sms: Any) -> None:
    rows = make_sms(5)
    now = timezone.now() + timedelta(seconds=1)
    _, first = delivery.claim(now=now, limit=3)
    _, second = delivery.claim(now=now, limit=10)
    assert len(first) == 3
    assert len(second) == 2
    assert sorted(first + second) == sorted(r.pk for r in rows)
    assert delivery.claim(now=now, limit=10)[1] == []
