"""Numbers that stay unique under concurrency: a counter row per prefix, taken under a lock."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F

from .models import DailyCounter


def next_in_sequence(key: str) -> int:
    """The next number for ``key`` (1, 2, …); callers hold a transaction, so the lock lasts to commit."""
    for _attempt in range(3):
        try:
            with transaction.atomic():
                counter, _new = DailyCounter.objects.select_for_update().get_or_create(key=key)
                DailyCounter.objects.filter(pk=counter.pk).update(last=F("last") + 1)
                counter.refresh_from_db(fields=["last"])
                return counter.last
        except IntegrityError:  # another transaction created the row first: lock it and go on
            continue
    raise RuntimeError(f"could not take a number for {key}")
