"""Models of the integration app: the notification outbox (defined in :mod:`.outbox.models`)."""

from .outbox import tasks as _outbox_tasks  # noqa: F401  (registers the Celery tasks with the worker)
from .outbox.models import Notification, NotificationChannel, NotificationStatus

__all__ = ["Notification", "NotificationChannel", "NotificationStatus"]
