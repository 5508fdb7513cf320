"""Background jobs of the outbox: deliver one after commit, and everything due periodically."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="shequ.integration.outbox.tasks.deliver_notification", ignore_result=True)
def deliver_notification(notification_id: int) -> int:
    """Right after the business transaction commits: deliver that notification."""
    from .delivery import deliver_one

    return len(deliver_one(notification_id).sent)


@shared_task(name="shequ.integration.outbox.tasks.deliver_due_notifications", ignore_result=True)
def deliver_due_notifications() -> dict[str, int]:
    """Every minute (beat): whatever is due — retries, and anything a lost message left behind."""
    from .delivery import deliver_due

    report = deliver_due()
    return {"sent": len(report.sent), "retried": len(report.retried), "failed": len(report.failed)}
