"""Audit retention: deleting entries past the retention period, never younger than six months.

Entries are kept ``SHEQU_AUDIT_RETENTION_DAYS`` days (default one year) and never less
than six months (183 days, Cybersecurity Law Art. 21); the database itself refuses to
delete younger ones. The purge writes one audit entry naming how many it deleted and
the cut-off. Run daily by Celery beat and on demand by ``manage.py purge_audit``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .audit import record
from .models import AuditEntry

#: The legal floor of retention in days (six months); the database triggers hold the same.
LEGAL_MINIMUM_DAYS = 183


@dataclass(frozen=True)
class PurgeResult:
    cutoff: datetime
    days: int
    count: int
    dry_run: bool


def audit_purge(*, actor: Any, days: int | None = None, dry_run: bool = False) -> PurgeResult:
    """Delete the entries older than ``days`` (default: the configured retention)."""
    if days is None:
        days = int(settings.SHEQU_AUDIT_RETENTION_DAYS)
    if days < LEGAL_MINIMUM_DAYS:
        raise ValidationError(
            _(
                "保留天数不能少于 %(floor)d 天（审计记录依法至少保存六个月），"
                "收到的是 %(days)d 天；未删除任何记录。"
            )
            % {"floor": LEGAL_MINIMUM_DAYS, "days": days}
        )
    cutoff = timezone.now() - timedelta(days=days)
    expired = AuditEntry.objects.filter(at__lt=cutoff)
    if dry_run:
        return PurgeResult(cutoff=cutoff, days=days, count=expired.count(), dry_run=True)
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    column = connection.ops.quote_name(AuditEntry._meta.get_field("at").column)
    with transaction.atomic():
        # The ORM refuses deletes of audit entries; this is the one place that deletes, and
        # the database triggers still refuse anything younger than the legal floor.
        with connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {table} WHERE {column} < %s",  # noqa: S608 - names quoted, value bound
                [connection.ops.adapt_datetimefield_value(cutoff)],
            )
            count = cursor.rowcount
        record(
            actor=actor,
            action="audit.purge",
            changes={"deleted": count, "cutoff": cutoff, "retention_days": days},
            reason=_("删除超过保留期限的审计记录"),
            object_repr=_("审计记录 %(count)d 条") % {"count": count},
        )
    return PurgeResult(cutoff=cutoff, days=days, count=count, dry_run=False)
