"""Credentials (and Open311's services) already looked up, held per process for a few seconds.

Every API call names a credential (a bearer token, an Open311 key), and looking it up is a query
and a model instance or two: about a sixth of an intake's CPU.  A :class:`HeldLookups` keeps what
it found for ``SHEQU_TOKEN_RECHECK_SECONDS`` (5 s by default; 0 asks the database every time,
which the test settings choose).  Open311's service look-up (an appeal category by code) is held
the same way, for ``SHEQU_REFERENCE_RECHECK_SECONDS`` like the other reference data.

A change saved *in this process* to one of the models a holder watches (a token revoked, a user
deactivated, a key withdrawn, a category edited) drops its whole copy at once and again after
commit; other processes stop accepting a revoked credential within the recheck time.  Unknown
keys are never remembered, so guessing cannot fill the memory.

Callers get their own copies (``hand_out``): a per-request cache set on one never leaks into the
next request.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Any, Generic, TypeVar

from django.conf import settings
from django.db import models

T = TypeVar("T", bound=models.Model)

MAX_ENTRIES = 10_000


class HeldLookups(Generic[T]):
    """``key → row`` answers of ``load``, trusted for as many seconds as the setting ``recheck`` says."""

    def __init__(
        self,
        name: str,
        load: Callable[[str], T | None],
        hand_out: Callable[[T], T],
        *,
        recheck: str = "SHEQU_TOKEN_RECHECK_SECONDS",
    ) -> None:
        self.name = name
        self._load = load
        self._hand_out = hand_out
        self._recheck = recheck
        self._lock = threading.Lock()
        self._found: dict[str, tuple[float, T]] = {}

    def recheck_seconds(self) -> float:
        return float(getattr(settings, self._recheck, 5))

    def get(self, key: str) -> T | None:
        ttl = self.recheck_seconds()
        hit = self._found.get(key)
        if hit is not None and time.monotonic() - hit[0] < ttl:
            return self._hand_out(hit[1])
        found = self._load(key)
        if found is None or ttl <= 0:
            return found
        with self._lock:
            if len(self._found) >= MAX_ENTRIES:
                self._found.clear()
            self._found[key] = (time.monotonic(), found)
        return self._hand_out(found)

    def note_used(self, key: str, at: datetime) -> None:
        """Keep the held row's ``last_used_at`` in step, so "once a minute" stays once a minute."""
        hit = self._found.get(key)
        if hit is not None:
            hit[1].last_used_at = at  # type: ignore[attr-defined]

    def forget_all(self, **_kwargs: Any) -> None:
        with self._lock:
            self._found.clear()

    def watch(self, watched: Iterable[type[models.Model]]) -> None:
        """Forget everything when a row of any of these models is saved or deleted here."""
        from django.db import transaction
        from django.db.models.signals import post_delete, post_save

        def changed(**_kwargs: Any) -> None:
            self.forget_all()
            transaction.on_commit(self.forget_all)  # a copy reloaded before the commit held the old row

        for model in watched:
            uid = f"held-{self.name}-{model._meta.label_lower}"
            post_save.connect(changed, sender=model, weak=False, dispatch_uid=f"{uid}-save")
            post_delete.connect(changed, sender=model, weak=False, dispatch_uid=f"{uid}-delete")
