"""Writes of the outbox: enqueue (inside the business transaction), read marks, retry.

``enqueue`` is meant to be called from a domain service's ``@transaction.atomic`` body, so
the notification row commits with the business change or not at all.  It writes no audit
entry of its own: the business service that calls it records the change it makes.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shequ.core.audit import record
from shequ.core.pii import Sealed
from shequ.core.pii.documents import validate_mobile

from . import conf
from .channels import channel_for, known_channels
from .models import Notification, NotificationChannel, NotificationStatus

log = logging.getLogger("shequ.outbox")

MAX_TEXT = 1000
MAX_DEDUP_KEY = 160


def _phone_of(recipient: Any, phone: str | Sealed | None) -> str | None:
    if isinstance(phone, Sealed):
        phone = phone.plaintext_for_processing()
    if phone:
        return validate_mobile(phone)
    sealed = getattr(recipient, "phone", None) if recipient is not None else None
    if isinstance(sealed, Sealed):
        return sealed.plaintext_for_processing()
    return None


def _validated(
    *, channel: str, recipient: Any, phone: str | Sealed | None, text: str, dedup_key: str
) -> tuple[str, str, str | None]:
    errors: dict[str, str] = {}
    if channel not in known_channels():
        errors["channel"] = _("未知的通知渠道。")
    text = (text or "").strip()
    if not text:
        errors["text"] = _("通知内容不能为空。")
    elif len(text) > MAX_TEXT:
        errors["text"] = _("通知内容不能超过%(n)d个字。") % {"n": MAX_TEXT}
    dedup_key = (dedup_key or "").strip()
    if not dedup_key or len(dedup_key) > MAX_DEDUP_KEY:
        errors["dedup_key"] = _("去重键必填，且不超过%(n)d个字符。") % {"n": MAX_DEDUP_KEY}
    plain_phone: str | None = None
    try:
        plain_phone = _phone_of(recipient, phone)
    except ValidationError as exc:
        errors["phone"] = exc.messages[0]
    if channel == NotificationChannel.SMS and not plain_phone and "phone" not in errors:
        errors["phone"] = _("短信通知需要接收人的手机号码。")
    if channel == NotificationChannel.IN_APP and recipient is None:
        errors["recipient"] = _("站内消息需要指定接收人。")
    if errors:
        raise ValidationError(errors)
    return text, dedup_key, plain_phone


@transaction.atomic
def enqueue(
    *,
    channel: str,
    text: str,
    dedup_key: str,
    recipient: Any = None,
    phone: str | Sealed | None = None,
    template_key: str = "",
    context: Mapping[str, Any] | None = None,
    not_before: Any = None,
) -> Notification:
    """Store one notification; after commit it is delivered (and retried until it is).

    The same ``(channel, dedup_key)`` twice stores one row and returns the first.  An SMS goes
    to ``phone``, or else to the recipient's phone on file (copied now, sealed).  ``context``
    holds template parameters for the record: put no personal data there, nor in ``dedup_key``
    (``text`` and the phone are sealed; ``context`` and ``dedup_key`` are not, and the admin shows
    them). A good key names the event: ``"appeal:<id>:accepted"``.
    """
    text, dedup_key, plain_phone = _validated(
        channel=channel, recipient=recipient, phone=phone, text=text, dedup_key=dedup_key
    )
    existing = Notification.objects.filter(channel=channel, dedup_key=dedup_key).first()
    if existing is not None:
        return existing
    spec = channel_for(channel)
    now = timezone.now()
    row = Notification(
        channel=channel,
        recipient=recipient,
        template_key=template_key[:80],
        text=text,
        context=dict(context or {}),
        dedup_key=dedup_key,
        next_attempt_at=not_before or now,
        created_at=now,
    )
    if channel == NotificationChannel.SMS and plain_phone:
        row.phone = plain_phone
    if spec.on_commit:
        row.status = NotificationStatus.SENT
        row.sent_at = now
        row.provider_message_id = spec.send(row)
    try:
        with transaction.atomic():
            row.save(force_insert=True)
    except IntegrityError:
        # another transaction stored the same event first (it has committed by now)
        return Notification.objects.get(channel=channel, dedup_key=dedup_key)
    if not spec.on_commit:
        pk = row.pk
        transaction.on_commit(lambda: dispatch(pk), robust=True)
    return row


def notify(
    *,
    user: Any,
    text: str,
    dedup_key: str,
    channels: Iterable[str] = (NotificationChannel.IN_APP, NotificationChannel.SMS),
    template_key: str = "",
    context: Mapping[str, Any] | None = None,
) -> list[Notification]:
    """One event to one user on several channels (SMS only where a phone is on file)."""
    rows = []
    for channel in channels:
        if channel == NotificationChannel.SMS and _phone_of(user, None) is None:
            continue
        rows.append(
            enqueue(
                channel=channel,
                recipient=user,
                text=text,
                dedup_key=dedup_key,
                template_key=template_key,
                context=context,
            )
        )
    return rows


def dispatch(notification_id: int) -> None:
    """After commit: hand the notification to a worker (or deliver it here, in ``inline`` mode)."""
    mode = conf.dispatch_mode()
    if mode == "inline":
        from .delivery import deliver_one

        deliver_one(notification_id)
    elif mode == "celery":
        from .tasks import deliver_notification

        deliver_notification.delay(notification_id)
    # "none": the periodic run picks it up


def mark_read(*, actor: Any, notification: Notification) -> Notification:
    """The recipient has seen the message (no audit entry: nothing of the case changes)."""
    if notification.recipient_id != getattr(actor, "pk", None):
        raise PermissionDenied
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def mark_all_read(*, actor: Any) -> int:
    from .selectors import inbox_for

    return inbox_for(actor).filter(read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def notification_retry(*, actor: Any, notification: Notification, reason: str = "") -> Notification:
    """An operator sends a failed notification again (attempts start afresh)."""
    if not (getattr(actor, "is_superuser", False) or actor.has_perm("integration.resend_notification")):
        raise PermissionDenied(_("您没有重发通知的权限。"))
    updated = Notification.objects.filter(pk=notification.pk, status=NotificationStatus.FAILED).update(
        status=NotificationStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), claim_token=None
    )
    if not updated:
        raise ValidationError({"status": _("只有发送失败的通知可以重发。")})
    notification.refresh_from_db()
    record(
        actor=actor,
        action="notification.retry",
        obj=notification,
        changes={"status": [NotificationStatus.FAILED, NotificationStatus.PENDING]},
        reason=reason,
    )
    pk = notification.pk
    transaction.on_commit(lambda: dispatch(pk), robust=True)
    return notification
