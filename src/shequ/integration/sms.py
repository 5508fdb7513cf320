"""SMS through an adapter: a console backend for the demo, a recording double for tests.

A deployment plugs its gateway in by naming a class in ``SHEQU_SMS_BACKEND`` that has
``send(phone: str, text: str) -> None``.
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

    def send(self, phone: str, text: str) -> None:
        print(f"[短信 SMS] → {phone}: {text}", flush=True)
        logger.info("sms to %s****%s", phone[:3], phone[-4:])


class RecordingSMSBackend:
    """Test double: keeps every message in memory (shared by threads of one process)."""

    outbox: list[SentSMS] = []
    _lock = threading.Lock()

    def send(self, phone: str, text: str) -> None:
        with self._lock:
            type(self).outbox.append(SentSMS(phone=phone, text=text))

    @classmethod
    def clear(cls) -> None:
        with cls._lock:
            cls.outbox.clear()

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
