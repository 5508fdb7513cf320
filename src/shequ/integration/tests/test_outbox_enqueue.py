"""Enqueueing: the row commits with the business change or not at all; one row per event."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from shequ.core.audit import record
from shequ.core.models import AuditEntry
from shequ.core.pii import Sealed
from shequ.integration.outbox import Notification, NotificationStatus, enqueue, notify
from shequ.integration.outbox.tasks import deliver_notification

from . import outbox_fixtures
from .outbox_fixtures import resident

flaky_sms = outbox_fixtures.flaky_sms

pytestmark = pytest.mark.django_db


class BusinessError(Exception):
    pass


@transaction.atomic
def business_change(*, user: Any, fail: bool) -> None:
    """Stands for a domain service: an audited change, then its notification, then maybe a failure."""
    record(actor=None, action="test.change", reason="outbox test")
    enqueue(channel="sms", recipient=user, text="您的诉求已受理。", dedup_key=f"case:1:accepted:{fail}")
    if fail:
        raise BusinessError


def test_a_rolled_back_business_transaction_leaves_no_notification(flaky_sms: Any) -> None:
    user = resident("13900000001")
    audits = AuditEntry.objects.count()
    with pytest.raises(BusinessError):
        business_change(user=user, fail=True)
    assert Notification.objects.count() == 0
    assert AuditEntry.objects.count() == audits

    business_change(user=user, fail=False)
    assert Notification.objects.count() == 1
    assert AuditEntry.objects.count() == audits + 1


def test_delivery_is_triggered_only_after_commit(
    flaky_sms: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SHEQU_OUTBOX_DISPATCH = "inline"
    user = resident("13900000002")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        with transaction.atomic():
            n = enqueue(channel="sms", recipient=user, text="已受理", dedup_key="k1")
        assert flaky_sms.calls == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    callbacks[0]()
    n.refresh_from_db()
    assert n.status == NotificationStatus.SENT
    assert n.provider_message_id.startswith("flaky-")
    assert flaky_sms.last_to("13900000002").text == "已受理"


def test_celery_mode_hands_the_id_to_the_task_after_commit(
    flaky_sms: Any, settings: Any, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SHEQU_OUTBOX_DISPATCH = "celery"
    queued: list[int] = []
    monkeypatch.setattr(deliver_notification, "delay", lambda pk: queued.append(pk))
    with django_capture_on_commit_callbacks(execute=True):
        n = enqueue(channel="sms", phone="13900000003", text="已受理", dedup_key="k2")
    assert queued == [n.pk]
    # the worker runs the task with that id
    assert deliver_notification.run(n.pk) == 1
    assert flaky_sms.last_to("13900000003") is not None


def test_the_same_event_twice_stores_one_row(flaky_sms: Any, django_capture_on_commit_callbacks: Any) -> None:
    user = resident("13900000004")
    with django_capture_on_commit_callbacks() as callbacks:
        first = enqueue(channel="sms", recipient=user, text="已受理", dedup_key="appeal:9:accepted")
        again = enqueue(channel="sms", recipient=user, text="已受理（重复）", dedup_key="appeal:9:accepted")
    assert again.pk == first.pk
    assert Notification.objects.filter(dedup_key="appeal:9:accepted").count() == 1
    assert len(callbacks) == 1
    # the same key on another channel is another notification
    inbox = enqueue(channel="in_app", recipient=user, text="已受理", dedup_key="appeal:9:accepted")
    assert inbox.pk != first.pk


def test_personal_data_is_sealed_at_rest(flaky_sms: Any) -> None:
    user = resident("13900000005")
    n = enqueue(channel="sms", recipient=user, text="邻居电话13911112222", dedup_key="k5")
    stored = Notification.objects.get(pk=n.pk)
    assert isinstance(stored.phone, Sealed)
    assert str(stored.phone) == "139****0005"
    assert isinstance(stored.text, Sealed)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT phone, text FROM integration_notification WHERE id = %s", [n.pk])
        phone, text = cursor.fetchone()
    assert "13900000005" not in phone
    assert "13911112222" not in text


def test_in_app_messages_are_delivered_by_the_commit_itself(flaky_sms: Any) -> None:
    user = resident("13900000006")
    n = enqueue(channel="in_app", recipient=user, text="您的预约已通过。", dedup_key="booking:1")
    assert n.status == NotificationStatus.SENT
    assert n.sent_at is not None
    assert flaky_sms.calls == []


def test_notify_uses_every_channel_the_user_can_receive(flaky_sms: Any) -> None:
    with_phone = resident("13900000007")
    rows = notify(user=with_phone, text="已办结", dedup_key="case:7:closed")
    assert sorted(r.channel for r in rows) == ["in_app", "sms"]
    staff = resident("13900000008")
    staff.phone = None
    staff.save()
    assert [r.channel for r in notify(user=staff, text="已办结", dedup_key="case:8:closed")] == ["in_app"]


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"channel": "fax", "phone": "13900000009", "text": "x", "dedup_key": "a"}, "channel"),
        ({"channel": "sms", "phone": "13900000009", "text": "  ", "dedup_key": "a"}, "text"),
        ({"channel": "sms", "phone": "13900000009", "text": "长" * 1001, "dedup_key": "a"}, "text"),
        ({"channel": "sms", "phone": "13900000009", "text": "x", "dedup_key": ""}, "dedup_key"),
        ({"channel": "sms", "phone": "12345", "text": "x", "dedup_key": "a"}, "phone"),
        ({"channel": "sms", "text": "x", "dedup_key": "a"}, "phone"),
        ({"channel": "in_app", "text": "x", "dedup_key": "a"}, "recipient"),
    ],
)
def test_bad_input_is_refused_field_by_field(flaky_sms: Any, kwargs: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as exc:
        enqueue(**kwargs)
    assert field in exc.value.message_dict
    assert Notification.objects.count() == 0
