"""Reads of the outbox: a user's own inbox, and the operators' view of the queue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from shequ.core.access import get_or_404

from . import conf
from .models import Notification, NotificationChannel, NotificationStatus


def inbox_for(user: Any) -> QuerySet[Notification]:
    """The in-app messages delivered to ``user``, newest first (nobody else's)."""
    if not getattr(user, "is_authenticated", False):
        return Notification.objects.none()
    return Notification.objects.filter(
        recipient_id=user.pk, channel=NotificationChannel.IN_APP, status=NotificationStatus.SENT
    ).order_by("-created_at", "-id")


def own_notification(user: Any, notification_id: Any) -> Notification:
    """One message of the user's inbox; any other id is a 404."""
    return get_or_404(inbox_for(user), pk=notification_id)


def unread_count(user: Any) -> int:
    return inbox_for(user).filter(read_at__isnull=True).count()


@dataclass(frozen=True)
class OutboxSummary:
    pending: int
    sending: int
    failed: int
    stuck: int
    oldest_due: datetime | None


def outbox_summary(*, now: datetime | None = None) -> OutboxSummary:
    """For operators and /healthz: counts by state, and how many are overdue.

    ``stuck``: pending longer than the backoff cap past their due time, or sending past the
    claim timeout — i.e. nothing is delivering them (worker or scheduler down).
    """
    now = now or timezone.now()
    late = now - conf.backoff_cap()
    stale = now - conf.claim_timeout()
    row = Notification.objects.filter(
        status__in=[NotificationStatus.PENDING, NotificationStatus.SENDING, NotificationStatus.FAILED]
    ).aggregate(
        pending=Count("pk", filter=Q(status=NotificationStatus.PENDING)),
        sending=Count("pk", filter=Q(status=NotificationStatus.SENDING)),
        failed=Count("pk", filter=Q(status=NotificationStatus.FAILED)),
        stuck=Count(
            "pk",
            filter=Q(status=NotificationStatus.PENDING, next_attempt_at__lt=late)
            | Q(status=NotificationStatus.SENDING, claimed_at__lt=stale),
        ),
        oldest_due=Min("next_attempt_at", filter=Q(status=NotificationStatus.PENDING)),
    )
    return OutboxSummary(**row)


def failed_notifications() -> QuerySet[Notification]:
    """Notifications that ran out of attempts (for an operator; personal data stays sealed)."""
    return Notification.objects.filter(status=NotificationStatus.FAILED).order_by("-created_at")
