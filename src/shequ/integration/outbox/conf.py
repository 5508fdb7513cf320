"""The outbox's settings, each with a default (a deployment sets them in config/settings).

``SHEQU_OUTBOX_MAX_ATTEMPTS``       attempts before a notification is marked failed (8)
``SHEQU_OUTBOX_BACKOFF_SECONDS``    wait after the first failed attempt, doubled each time (30)
``SHEQU_OUTBOX_BACKOFF_CAP_SECONDS`` the longest wait between two attempts (3600)
``SHEQU_OUTBOX_CLAIM_SECONDS``      a claim older than this is taken as a crashed worker's and
                                    the notification is tried again (300; longer than a send)
``SHEQU_OUTBOX_BATCH``              notifications one periodic run claims at a time (100)
``SHEQU_OUTBOX_DISPATCH``           ``celery``: a task delivers each notification after commit;
                                    ``inline``: the commit callback delivers it in-process (tests,
                                    or a deployment without a worker); ``none``: only the periodic
                                    run delivers.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DISPATCH_MODES = ("celery", "inline", "none")


def _int(name: str, default: int, minimum: int) -> int:
    value = getattr(settings, name, default)
    if not isinstance(value, int) or value < minimum:
        raise ImproperlyConfigured(f"{name} must be an integer ≥ {minimum}, not {value!r}")
    return value


def max_attempts() -> int:
    return _int("SHEQU_OUTBOX_MAX_ATTEMPTS", 8, 1)


def backoff_base() -> timedelta:
    return timedelta(seconds=_int("SHEQU_OUTBOX_BACKOFF_SECONDS", 30, 1))


def backoff_cap() -> timedelta:
    return timedelta(seconds=_int("SHEQU_OUTBOX_BACKOFF_CAP_SECONDS", 3600, 1))


def claim_timeout() -> timedelta:
    return timedelta(seconds=_int("SHEQU_OUTBOX_CLAIM_SECONDS", 300, 10))


def batch_size() -> int:
    return _int("SHEQU_OUTBOX_BATCH", 100, 1)


def dispatch_mode() -> str:
    mode = getattr(settings, "SHEQU_OUTBOX_DISPATCH", "celery")
    if mode not in DISPATCH_MODES:
        raise ImproperlyConfigured(f"SHEQU_OUTBOX_DISPATCH must be one of {DISPATCH_MODES}, not {mode!r}")
    return str(mode)


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed attempt: base · 2^(attempts−1), capped."""
    base, cap = backoff_base(), backoff_cap()
    exponent = max(0, min(attempts - 1, 30))
    return min(base * (2**exponent), cap)
