"""The notification outbox shared by every module.

Inside a business service's transaction::

    from shequ.integration.outbox import enqueue, notify

    enqueue(channel="sms", recipient=user, text=_("您的诉求已受理。"), dedup_key=f"appeal:{case.pk}:accepted")
    notify(user=user, text=..., dedup_key=...)  # in-app, and SMS where a phone is on file

The row commits with the business change (or not at all); after commit a Celery task
delivers it, and the periodic ``deliver_due_notifications`` retries failures with
exponential backoff and picks up anything a lost task left behind.  See :mod:`.delivery`.
"""

from .channels import Channel, PermanentSendError, register_channel
from .models import Notification, NotificationChannel, NotificationStatus
from .services import enqueue, mark_all_read, mark_read, notification_retry, notify

__all__ = [
    "Channel",
    "Notification",
    "NotificationChannel",
    "NotificationStatus",
    "PermanentSendError",
    "enqueue",
    "mark_all_read",
    "mark_read",
    "notification_retry",
    "notify",
    "register_channel",
]
