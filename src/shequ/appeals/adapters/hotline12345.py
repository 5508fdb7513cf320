"""The city's 12345 platform: cases in (转办工单), status back (办理状态回传).

:func:`receive` turns one work order from the platform into a case (its order id is the
idempotency key, so a re-sent order never makes two cases).  Every transition of such a
case pushes its new state back after commit through the backend named in the setting
``SHEQU_12345_BACKEND`` (a class with ``send_status(order_id, status, note)``); the default
logs it, and :class:`RecordingBackend` keeps what was sent, for tests.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any, ClassVar

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

from ..models import Case, CaseState, Channel

logger = logging.getLogger("shequ.appeals.12345")

#: Our states in the platform's words (办理状态).
STATUS_OUT: dict[str, str] = {
    CaseState.SUBMITTED: "已接收",
    CaseState.EMERGENCY: "已转应急",
    CaseState.DISPATCHED: "已派单",
    CaseState.RETURN_REQUESTED: "退单审核中",
    CaseState.ACCEPTED: "办理中",
    CaseState.HANDLED: "已办理待核查",
    CaseState.VERIFIED: "已核查",
    CaseState.CLOSED: "已办结",
    CaseState.MERGED: "已合并",
}


class LogBackend:
    def send_status(self, order_id: str, status: str, note: str = "") -> None:
        logger.info("12345 status %s → %s", order_id, status)


@dataclass
class SentStatus:
    order_id: str
    status: str
    note: str = ""


class RecordingBackend:
    """Test double: every status sent, in order."""

    sent: ClassVar[list[SentStatus]] = []
    _lock = threading.Lock()

    def send_status(self, order_id: str, status: str, note: str = "") -> None:
        with self._lock:
            type(self).sent.append(SentStatus(order_id, status, note))

    @classmethod
    def clear(cls) -> None:
        with cls._lock:
            cls.sent.clear()


def backend() -> Any:
    path = getattr(settings, "SHEQU_12345_BACKEND", "shequ.appeals.adapters.hotline12345.LogBackend")
    return import_string(path)()


def push_status_on_commit(case: Case, note: str = "") -> None:
    order_id, status = case.external_ref, STATUS_OUT.get(case.state, case.state)
    if not order_id:
        return
    transaction.on_commit(lambda: backend().send_status(order_id, status, note[:200]))


def receive(order: dict[str, Any]) -> Case:
    """One work order from the platform → one case (a repeat returns the first)."""
    from ..services import case_submit

    order_id = str(order.get("order_id") or "")[:64]
    result = case_submit(
        actor=None,
        channel=Channel.HOTLINE_12345,
        text=order.get("content", ""),
        lng=order.get("lng"),
        lat=order.get("lat"),
        crs=str(order.get("crs") or "wgs84"),
        address=order.get("address", ""),
        area=order.get("area"),
        category=order.get("category") or None,
        danger=bool(order.get("danger")),
        requester_name=order.get("caller_name", ""),
        requester_phone=order.get("caller_phone", ""),
        idempotency_key=order_id,
        external_ref=order_id,
        submitter_key="12345",
    )
    if result.created:
        push_status_on_commit(result.case)
    return result.case
