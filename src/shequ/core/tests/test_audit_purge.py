"""``manage.py purge_audit``: expired entries go, young ones stay, the purge is recorded."""

from __future__ import annotations

from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from shequ.core.models import AuditEntry
from shequ.core.testing import audit_maintenance_enabled, make_audit_entry

pytestmark = pytest.mark.django_db


def _ages() -> list[int]:
    now = timezone.now()
    return sorted(
        (now - at).days
        for at in AuditEntry.objects.exclude(action="audit.purge").values_list("at", flat=True)
    )


@pytest.fixture
def aged() -> dict[int, AuditEntry]:
    now = timezone.now()
    return {
        days: make_audit_entry(at=now - timedelta(days=days, hours=1))
        for days in (1, 100, 190, 200, 400, 800)
    }


def test_purge_with_default_retention_removes_only_expired_entries(aged: dict[int, AuditEntry]) -> None:
    out = StringIO()
    with override_settings(SHEQU_AUDIT_RETENTION_DAYS=195):
        call_command("purge_audit", stdout=out)
    assert _ages() == [1, 100, 190]
    assert "已删除 3 条" in out.getvalue()
    assert not audit_maintenance_enabled()

    purge = AuditEntry.objects.get(action="audit.purge")
    assert purge.changes["deleted"] == 3
    assert purge.changes["retention_days"] == 195
    assert purge.actor_label == "system"
    cutoff = datetime.fromisoformat(purge.changes["cutoff"])
    assert abs((timezone.now() - cutoff) - timedelta(days=195)) < timedelta(minutes=5)


def test_purge_down_to_the_legal_floor(aged: dict[int, AuditEntry]) -> None:
    call_command("purge_audit", "--days", "183", stdout=StringIO())
    assert _ages() == [1, 100]
    assert AuditEntry.objects.get(action="audit.purge").changes["deleted"] == 4


def test_dry_run_counts_and_deletes_nothing(aged: dict[int, AuditEntry]) -> None:
    out = StringIO()
    call_command("purge_audit", "--days", "300", "--dry-run", stdout=out)
    assert "将删除 2 条" in out.getvalue()
    assert _ages() == [1, 100, 190, 200, 400, 800]
    assert not AuditEntry.objects.filter(action="audit.purge").exists()


@pytest.mark.parametrize("days", ["182", "30", "0", "-5"])
def test_purge_below_the_legal_floor_is_refused(aged: dict[int, AuditEntry], days: str) -> None:
    with pytest.raises(CommandError, match="不能少于 183 天"):
        call_command("purge_audit", "--days", days, stdout=StringIO())
    assert _ages() == [1, 100, 190, 200, 400, 800]
    assert not AuditEntry.objects.filter(action="audit.purge").exists()


def test_non_numeric_days_is_a_command_error(aged: dict[int, AuditEntry]) -> None:
    with pytest.raises(CommandError):
        call_command("purge_audit", "--days", "一年", stdout=StringIO())
    assert len(_ages()) == 6


def test_purge_with_nothing_expired_still_records_itself() -> None:
    make_audit_entry()
    call_command("purge_audit", stdout=StringIO())
    assert AuditEntry.objects.count() == 2
    assert AuditEntry.objects.get(action="audit.purge").changes["deleted"] == 0


def test_the_daily_job_purges_with_the_configured_retention(aged: dict[int, AuditEntry]) -> None:
    from config.celery import app
    from shequ.core.tasks import purge_expired_audit

    with override_settings(SHEQU_AUDIT_RETENTION_DAYS=365):
        assert purge_expired_audit() == 2
    assert _ages() == [1, 100, 190, 200]
    app.loader.import_default_modules()
    schedule = app.conf.beat_schedule
    assert schedule["purge-expired-audit"]["task"] == "shequ.core.tasks.purge_expired_audit"
