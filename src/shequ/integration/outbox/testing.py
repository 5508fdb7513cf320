"""A gateway double that fails on demand and drops repeated client message ids.

``SHEQU_SMS_BACKEND = "shequ.integration.outbox.testing.FlakySMSBackend"``.  It shares the
recording double's ``outbox`` (what reached phones, so the ``sms_outbox`` fixture sees it)
and keeps ``calls`` (every call, duplicates included, to check nothing was sent twice).
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass

from shequ.integration.sms import RecordingSMSBackend, SentSMS


class GatewayUnavailable(Exception):
    """The gateway did not take the message (a timeout, a 5xx)."""


@dataclass(frozen=True)
class GatewayCall:
    phone: str
    text: str
    reference: str | None
    outcome: str  # "accepted", "duplicate", "failed", "lost-ack"


class FlakySMSBackend(RecordingSMSBackend):
    calls: list[GatewayCall] = []
    _fail_next = 0
    _down = False
    _lose_ack_next = 0
    _accepted: dict[str, str] = {}
    _ids = itertools.count(1)
    _state_lock = threading.Lock()

    # --- switches for tests
    @classmethod
    def reset(cls) -> None:
        with cls._state_lock:
            cls.calls.clear()
            cls._accepted.clear()
            cls._fail_next = 0
            cls._down = False
            cls._lose_ack_next = 0
        cls.clear()

    @classmethod
    def fail_next(cls, count: int) -> None:
        with cls._state_lock:
            cls._fail_next = count

    @classmethod
    def go_down(cls) -> None:
        with cls._state_lock:
            cls._down = True

    @classmethod
    def recover(cls) -> None:
        with cls._state_lock:
            cls._down = False
            cls._fail_next = 0

    @classmethod
    def lose_ack_next(cls, count: int = 1) -> None:
        """The gateway takes the next message(s) but the answer never arrives (a timeout)."""
        with cls._state_lock:
            cls._lose_ack_next = count

    @classmethod
    def calls_for(cls, reference: str) -> list[GatewayCall]:
        with cls._state_lock:
            return [c for c in cls.calls if c.reference == reference]

    # --- the gateway
    def send(self, phone: str, text: str, *, reference: str | None = None) -> str:  # type: ignore[override,unused-ignore]
        cls = type(self)
        with cls._state_lock:
            if cls._down or cls._fail_next > 0:
                cls._fail_next = max(0, cls._fail_next - 1)
                cls.calls.append(GatewayCall(phone, text, reference, "failed"))
                raise GatewayUnavailable("短信网关暂不可用")
            if reference is not None and reference in cls._accepted:
                cls.calls.append(GatewayCall(phone, text, reference, "duplicate"))
                return cls._accepted[reference]
            provider_id = f"flaky-{next(cls._ids)}"
            if reference is not None:
                cls._accepted[reference] = provider_id
            lose_ack = cls._lose_ack_next > 0
            cls._lose_ack_next = max(0, cls._lose_ack_next - 1)
            cls.calls.append(GatewayCall(phone, text, reference, "lost-ack" if lose_ack else "accepted"))
            with cls._lock:
                cls.outbox.append(SentSMS(phone=phone, text=text))
        if lose_ack:
            raise TimeoutError("网关应答超时")
        return provider_id
