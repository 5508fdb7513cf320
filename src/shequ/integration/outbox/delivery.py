"""Delivering the outbox: claim due notifications, send each once, record the outcome.

Claiming.  A notification is *due* when it is pending and its ``next_attempt_at`` has come,
or when it has sat in ``sending`` longer than the claim timeout (the worker that claimed it
died).  On PostgreSQL a worker locks due rows with ``SELECT … FOR UPDATE SKIP LOCKED`` and
marks them ``sending`` with its claim token in the same transaction, so two workers never
hold the same row.  On SQLite (one writer at a time) each row is claimed by a conditional
``UPDATE … WHERE id = … AND version = …``: only one claimant sees its row count as 1.

Sending happens outside any transaction (no lock is held across a network call).  Success
marks the row sent whoever holds the claim now; a failure reschedules it (exponential
backoff, capped) or, after the last attempt, marks it failed; both only while the row is
still ``sending`` under this worker's token.

The window that remains: a worker that dies after the gateway accepted a message and
before the row is marked sent leaves it in ``sending``; after the claim timeout it is sent
again.  The SMS channel passes the notification's ``reference`` to the gateway as its
client message id, and gateways (and the test double) drop a repeated one, so the phone
still gets one message; for a gateway without that feature the guarantee is at least once.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from . import conf
from .channels import PermanentSendError, channel_for
from .models import Notification, NotificationStatus

log = logging.getLogger("shequ.outbox")

MAX_BATCHES_PER_RUN = 20


@dataclass
class DeliveryReport:
    sent: list[int] = field(default_factory=list)
    retried: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)

    def merge(self, other: DeliveryReport) -> None:
        self.sent += other.sent
        self.retried += other.retried
        self.failed += other.failed

    @property
    def claimed(self) -> int:
        return len(self.sent) + len(self.retried) + len(self.failed)


def due_q(now: datetime) -> Q:
    stale = now - conf.claim_timeout()
    return Q(status=NotificationStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=NotificationStatus.SENDING, claimed_at__lte=stale
    )


def _claim_values(token: uuid.UUID, now: datetime) -> dict[str, object]:
    return {
        "status": NotificationStatus.SENDING,
        "claim_token": token,
        "claimed_at": now,
        "attempts": F("attempts") + 1,
        "version": F("version") + 1,
    }


def claim(*, now: datetime, limit: int, ids: list[int] | None = None) -> tuple[uuid.UUID, list[int]]:
    """Claim up to ``limit`` due notifications (of ``ids`` if given) for this worker."""
    token = uuid.uuid4()
    qs = Notification.objects.filter(due_q(now))
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    qs = qs.order_by("next_attempt_at", "id")
    if connection.vendor == "postgresql":
        with transaction.atomic():
            picked = list(qs.select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit])
            if picked:
                Notification.objects.filter(pk__in=picked).update(**_claim_values(token, now))
        return token, picked
    claimed = []
    for pk, version in list(qs.values_list("pk", "version")[:limit]):
        won = Notification.objects.filter(due_q(now), pk=pk, version=version).update(
            **_claim_values(token, now)
        )
        if won:
            claimed.append(pk)
    return token, claimed


def _mark_sent(pk: int, provider_id: str, at: datetime) -> None:
    # Whoever holds the claim now: once the gateway took it, it must never be tried again.
    Notification.objects.filter(pk=pk).exclude(status=NotificationStatus.SENT).update(
        status=NotificationStatus.SENT,
        sent_at=at,
        provider_message_id=provider_id[:120],
        last_error="",
        claim_token=None,
        version=F("version") + 1,
    )


def _mark_failed_attempt(
    row: Notification, token: uuid.UUID, error: str, *, now: datetime, permanent: bool
) -> str:
    final = permanent or row.attempts >= conf.max_attempts()
    values: dict[str, object] = {"last_error": error[:500], "claim_token": None, "version": F("version") + 1}
    if final:
        values["status"] = NotificationStatus.FAILED
    else:
        values["status"] = NotificationStatus.PENDING
        values["next_attempt_at"] = now + conf.backoff(row.attempts)
    Notification.objects.filter(pk=row.pk, claim_token=token, status=NotificationStatus.SENDING).update(
        **values
    )
    return "failed" if final else "retried"


def _attempt_claimed(token: uuid.UUID, ids: list[int], now: datetime) -> DeliveryReport:
    report = DeliveryReport()
    rows = Notification.objects.filter(pk__in=ids, claim_token=token).order_by("next_attempt_at", "id")
    for row in rows:
        try:
            provider_id = channel_for(row.channel).send(row)
        except PermanentSendError as exc:
            log.warning("notification %s cannot be delivered: %s", row.pk, exc)
            outcome = _mark_failed_attempt(
                row, token, f"{type(exc).__name__}: {exc}", now=now, permanent=True
            )
        except Exception as exc:  # a failure worth another attempt
            log.warning("notification %s attempt %s failed: %s", row.pk, row.attempts, exc)
            outcome = _mark_failed_attempt(
                row, token, f"{type(exc).__name__}: {exc}", now=now, permanent=False
            )
        else:
            _mark_sent(row.pk, provider_id, timezone.now())
            outcome = "sent"
        getattr(report, outcome).append(row.pk)
    return report


def deliver_one(notification_id: int, *, now: datetime | None = None) -> DeliveryReport:
    """Deliver one notification now if it is due (the after-commit path)."""
    now = now or timezone.now()
    token, ids = claim(now=now, limit=1, ids=[notification_id])
    return _attempt_claimed(token, ids, now) if ids else DeliveryReport()


def deliver_due(*, now: datetime | None = None, batch: int | None = None) -> DeliveryReport:
    """Deliver everything due (the periodic path), a batch at a time."""
    now = now or timezone.now()
    batch = batch or conf.batch_size()
    report = DeliveryReport()
    for _ in range(MAX_BATCHES_PER_RUN):
        token, ids = claim(now=now, limit=batch)
        if not ids:
            break
        report.merge(_attempt_claimed(token, ids, now))
    return report
