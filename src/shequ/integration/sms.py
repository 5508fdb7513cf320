"""SMS through an adapter: a console backend for the demo, a recording double for tests.

A deployment plugs its gateway in by naming a class in ``SHEQU_SMS_BACKEND`` that has
``send(phone: str, text: str, *, reference: str | None = None) -> str | None``: ``reference``
is the caller's client message id (the outbox passes each notification's), which a gateway
uses to drop a repeated submission; the return value is the gateway's message id.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger("shequ.sms")


@dataclass
class SentSMS:
    phone: str
    text: str
    at: datetime = field(default_factory=timezone.now)


class ConsoleSMSBackend:
    """Prints messages where the demo's operator can read them."""

    def send(self, phone: str, text: str, *, reference: str | None = None) -> str | None:
        print(f"[短信 SMS] → {phone}: {text}", flush=True)
        logger.info("sms to %s****%s", phone[:3], phone[-4:])
        return reference


class RecordingSMSBackend:
    """Test double: keeps every message in memory (shared by threads of one process)."""

    outbox: list[SentSMS] = []
    _references: set[str] = set()
    _lock = threading.Lock()

    def send(self, phone: str, text: str, *, reference: str | None = None) -> str | None:
        """Like a real gateway, a repeated client message id is accepted but not sent again."""
        with self._lock:
            if reference is not None:
                if reference in self._references:
                    return reference
                self._references.add(reference)
            type(self).outbox.append(SentSMS(phone=phone, text=text))
        return reference

    @classmethod
    def clear(cls) -> None:
        with cls._lock:
            cls.outbox.clear()
            cls._references.clear()

    @classmethod
    def last_to(cls, phone: str) -> SentSMS | None:
        with cls._lock:
            for message in reversed(cls.outbox):
                if message.phone == phone:
                    return message
        return None


def get_backend() -> ConsoleSMSBackend | RecordingSMSBackend:
    return import_string(settings.SHEQU_SMS_BACKEND)()


def send_sms(phone: str, text: str) -> None:
    get_backend().send(phone, text)
