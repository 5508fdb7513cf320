"""Login throttling: failures counted per account, phone and address; locks while over the limit.

Failures are counted in :class:`~shequ.accounts.models.LoginThrottle` rows under three kinds
of key: the account name tried (``user:…``), the phone tried (``phone:…``, a keyed digest,
never the number) and the client address (``ip:…``).  Once a key reaches its limit inside
:data:`FAILURE_WINDOW` it is locked for ``SHEQU_LOGIN_LOCK_MINUTES``; while locked, even the
right password or code is refused.  A completed login clears the account's (or phone's)
counter, not the address's.

* account and phone keys lock after ``SHEQU_LOGIN_MAX_FAILURES`` failures;
* an address locks only after ``SHEQU_LOGIN_MAX_FAILURES × IP_LIMIT_FACTOR`` failures, so
  that one person mistyping in an office that shares a public address cannot quickly lock
  out everyone else there, while a guesser spraying many accounts from one address is
  still stopped.

Wrong passwords, wrong TOTP codes and wrong SMS codes all count.  Counters are incremented
with a single ``UPDATE … SET failures = failures + 1`` inside a transaction that holds the
row (``select_for_update``), so concurrent failures are all counted.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from shequ.core.audit import record
from shequ.core.pii import PIIKind, lookup_digest

from ..models import LoginThrottle, User
from .refusals import LoginLocked

#: An address may fail this many times the per-account limit before it is locked.
IP_LIMIT_FACTOR = 5
#: Failures older than this (counted from the first one) start a fresh count.
FAILURE_WINDOW = timedelta(hours=1)


# --------------------------------------------------------------------------- keys and masks


def mask_login_name(name: str) -> str:
    """A login name as the audit log keeps it for failed attempts: ``di***********a``."""
    name = (name or "").strip()[:40]
    if len(name) <= 2:
        return "*" * len(name)
    if len(name) <= 5:
        return name[0] + "*" * (len(name) - 1)
    return name[:2] + "*" * (len(name) - 3) + name[-1]


def account_key(username: str) -> str:
    name = (username or "").strip().casefold()
    if re.fullmatch(r"[\w.@+-]{1,100}", name):
        return f"user:{name}"
    return "user#" + hashlib.sha256(name.encode("utf-8", "replace")).hexdigest()


def phone_key(phone: str) -> str:
    return "phone:" + lookup_digest(PIIKind.PHONE, phone).split(":", 1)[1][:64]


def ip_key(ip: str | None) -> str:
    return f"ip:{ip or 'unknown'}"[:120]


def _account_limit() -> int:
    return int(settings.SHEQU_LOGIN_MAX_FAILURES)


def _ip_limit() -> int:
    return int(settings.SHEQU_LOGIN_MAX_FAILURES) * IP_LIMIT_FACTOR


# --------------------------------------------------------------------------- throttle


def locked_until(keys: list[str]) -> datetime | None:
    """The latest lock still in force on any of ``keys``, or None."""
    now = timezone.now()
    rows = LoginThrottle.objects.filter(key__in=keys, locked_until__gt=now).values_list(
        "locked_until", flat=True
    )
    found = [until for until in rows if until is not None]
    return max(found) if found else None


def ensure_not_locked(keys: list[str]) -> None:
    until = locked_until(keys)
    if until is not None:
        raise LoginLocked(until)


@dataclass(frozen=True)
class FailureResult:
    key: str
    failures: int
    locked_until: datetime | None
    newly_locked: bool


@transaction.atomic
def register_failure(key: str, *, limit: int) -> FailureResult:
    """Count one failure on ``key``; lock it once it reaches ``limit``."""
    now = timezone.now()
    row = LoginThrottle.objects.select_for_update().filter(key=key).first()
    if row is None:
        try:
            with transaction.atomic():
                row = LoginThrottle.objects.create(key=key, failures=0, first_failure_at=now)
        except IntegrityError:
            pass
        row = LoginThrottle.objects.select_for_update().get(key=key)
    lock_over = row.locked_until is not None and row.locked_until <= now
    window_over = row.first_failure_at is None or row.first_failure_at + FAILURE_WINDOW <= now
    if lock_over or (window_over and row.locked_until is None):
        LoginThrottle.objects.filter(pk=row.pk).update(failures=0, first_failure_at=now, locked_until=None)
    LoginThrottle.objects.filter(pk=row.pk).update(failures=F("failures") + 1)
    row.refresh_from_db()
    newly_locked = False
    if row.failures >= limit and (row.locked_until is None or row.locked_until <= now):
        row.locked_until = now + timedelta(minutes=int(settings.SHEQU_LOGIN_LOCK_MINUTES))
        LoginThrottle.objects.filter(pk=row.pk).update(locked_until=row.locked_until)
        newly_locked = True
    current = row.locked_until if row.locked_until and row.locked_until > now else None
    return FailureResult(key=key, failures=row.failures, locked_until=current, newly_locked=newly_locked)


def clear_failures(key: str) -> None:
    LoginThrottle.objects.filter(key=key).delete()


def record_failure(
    *,
    identity_key: str,
    identity_label: str,
    ip: str | None,
    method: str,
    user: User | None = None,
) -> datetime | None:
    """Count a failed login on the account (or phone) and the address; audit it and any lock.

    Returns when the attempt's keys are now locked until, if they are.
    """
    results = [
        register_failure(identity_key, limit=_account_limit()),
        register_failure(ip_key(ip), limit=_ip_limit()),
    ]
    record(
        actor=None,
        action="auth.login_failed",
        obj=user,
        object_repr=identity_label,
        changes={"login": identity_label, "method": method},
    )
    for result in results:
        if result.newly_locked:
            scope = "ip" if result.key.startswith("ip:") else "account"
            record(
                actor=None,
                action="auth.lock",
                obj=user if scope == "account" else None,
                object_repr=identity_label if scope == "account" else result.key,
                changes={
                    "scope": scope,
                    "login": identity_label if scope == "account" else "",
                    "failures": result.failures,
                    "until": result.locked_until,
                },
            )
    locks = [r.locked_until for r in results if r.locked_until is not None]
    return max(locks) if locks else None
