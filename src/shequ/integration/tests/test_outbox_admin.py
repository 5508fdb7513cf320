"""Operators see failed notifications in the admin (sealed values masked) and resend them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from shequ.core.models import AuditEntry
from shequ.integration.outbox import Notification, NotificationStatus, delivery, enqueue

from . import outbox_fixtures

flaky_sms = outbox_fixtures.flaky_sms

pytestmark = pytest.mark.django_db

CHANGELIST = "/system/django-admin/integration/notification/"


def fail_for_good(flaky: Any, *phones: str) -> list[Notification]:
    rows = [
        enqueue(channel="sms", phone=p, text="邻居电话13911112222", dedup_key=f"admin:{i}")
        for i, p in enumerate(phones)
    ]
    flaky.go_down()
    now = timezone.now() + timedelta(seconds=1)
    for _ in range(4):  # the fixture allows four attempts
        delivery.deliver_due(now=now)
        now += timedelta(hours=1)
    flaky.recover()
    return rows


def test_failed_notifications_are_listed_and_resent(
    client: Any, flaky_sms: Any, django_assert_max_num_queries: Any
) -> None:
    from shequ.demo.factories import make_staff

    rows = fail_for_good(flaky_sms, "13900004001", "13900004002")
    enqueue(channel="sms", phone="13900004003", text="正常", dedup_key="admin:ok")
    admin_user = make_staff("outbox_root", None)
    admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)

    with django_assert_max_num_queries(15):
        html = client.get(CHANGELIST, {"status__exact": "failed"}).content.decode()
    assert html.count('name="_selected_action"') == 2
    assert "GatewayUnavailable" in html
    assert "13900004001" not in html
    assert "13911112222" not in html

    response = client.post(
        CHANGELIST, {"action": "resend_failed", "_selected_action": [str(r.pk) for r in rows]}, follow=True
    )
    assert "已重发2条通知。" in response.content.decode()
    assert AuditEntry.objects.filter(action="notification.retry").count() == 2
    assert sorted(delivery.deliver_due(now=timezone.now() + timedelta(seconds=1)).sent) == sorted(
        [r.pk for r in rows] + [Notification.objects.get(dedup_key="admin:ok").pk]
    )
    assert Notification.objects.filter(status=NotificationStatus.SENT).count() == 3


def test_a_resident_cannot_open_the_outbox_admin(client: Any, flaky_sms: Any) -> None:
    client.force_login(outbox_fixtures.resident("13900004009"))
    assert client.get(CHANGELIST).status_code in (302, 403)
