"""Reference data that nearly every request reads, held per process: the policy rules and the
calendar's special days.

Both tables are small (tens to a few hundred rows) and change rarely, yet a deadline alone
reads several rules and a year of calendar days.  Each process keeps one copy of each table
and trusts it for ``SHEQU_REFERENCE_RECHECK_SECONDS`` (5 s by default; 0 reloads on every
use, which the test settings choose so that a rolled-back write is never remembered).  A
rule or calendar day saved or deleted in this process marks the copy stale at once (after
commit); other processes reload within the recheck time.  Writers that bypass model
signals (``bulk_create``, ``QuerySet.update``) call :func:`mark_stale` themselves.

Readers: :func:`shequ.core.rules.rule_values` and :class:`shequ.core.calendar.WorkCalendar`.
"""

from __future__ import annotations

import threading
import time
from datetime import date
from typing import Any

from django.conf import settings

from .models import CalendarDay, Rule

_lock = threading.Lock()
_rules: dict[str, list[Rule]] | None = None
_rules_at: float | None = None
_days: dict[date, str] | None = None
_days_at: float | None = None


def recheck_seconds() -> float:
    return float(getattr(settings, "SHEQU_REFERENCE_RECHECK_SECONDS", 5))


def _fresh(at: float | None) -> bool:
    return at is not None and time.monotonic() - at < recheck_seconds()


def rules_by_key() -> dict[str, list[Rule]]:
    """Every rule version (with its area), by key; read-only for callers."""
    global _rules, _rules_at
    current = _rules
    if current is not None and _fresh(_rules_at):
        return current
    loaded: dict[str, list[Rule]] = {}
    for rule in Rule.objects.select_related("area").order_by("pk"):
        loaded.setdefault(rule.key, []).append(rule)
    with _lock:
        _rules, _rules_at = loaded, time.monotonic()
    return loaded


def special_days() -> dict[date, str]:
    """Every calendar row as date → kind (holiday or make-up working day); read-only for callers."""
    global _days, _days_at
    current = _days
    if current is not None and _fresh(_days_at):
        return current
    loaded = dict(CalendarDay.objects.values_list("date", "kind"))
    with _lock:
        _days, _days_at = loaded, time.monotonic()
    return loaded


def mark_stale(**_kwargs: Any) -> None:
    """Reload both tables on their next use."""
    global _rules_at, _days_at
    with _lock:
        _rules_at = None
        _days_at = None


def connect_signals() -> None:
    from django.db import transaction
    from django.db.models.signals import post_delete, post_save

    def changed(**_kwargs: Any) -> None:
        mark_stale()
        transaction.on_commit(mark_stale)

    for model in (Rule, CalendarDay):
        for name, signal in (("save", post_save), ("delete", post_delete)):
            uid = f"core.refdata.{model.__name__}.{name}"
            signal.connect(changed, sender=model, weak=False, dispatch_uid=uid)
