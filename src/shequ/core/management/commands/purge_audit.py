"""``manage.py purge_audit [--days N] [--dry-run]``: delete audit entries past retention.

Entries are kept ``SHEQU_AUDIT_RETENTION_DAYS`` days (default one year) and never less
than six months (183 days, Cybersecurity Law Art. 21); the database itself refuses to
delete younger ones. The purge writes one audit entry naming how many it deleted and
the cut-off.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from shequ.core.audit_retention import LEGAL_MINIMUM_DAYS, PurgeResult, audit_purge

__all__ = ["LEGAL_MINIMUM_DAYS", "Command", "PurgeResult", "audit_purge"]


class Command(BaseCommand):
    help = "删除超过保留期限的审计记录（保留期限不少于 183 天）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="保留天数（默认取 SHEQU_AUDIT_RETENTION_DAYS，不得少于 183）",
        )
        parser.add_argument("--dry-run", action="store_true", help="只统计将删除的条数，不删除")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            result = audit_purge(actor=None, days=options["days"], dry_run=options["dry_run"])
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        cutoff = timezone.localtime(result.cutoff).strftime("%Y-%m-%d %H:%M")
        if result.dry_run:
            self.stdout.write(
                _("试运行：将删除 %(count)d 条早于 %(cutoff)s 的审计记录（保留 %(days)d 天）。")
                % {"count": result.count, "cutoff": cutoff, "days": result.days}
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    _("已删除 %(count)d 条早于 %(cutoff)s 的审计记录（保留 %(days)d 天）。")
                    % {"count": result.count, "cutoff": cutoff, "days": result.days}
                )
            )
