"""The hook that turns a need found on a visit into an appeal or a service application.

The appeals (C3) and services (C4) modules do not exist yet.  When they do, each registers
a handler at start-up (in its ``AppConfig.ready``)::

    from shequ.gridwork.hooks import register_need_handler

    def need_to_appeal(*, actor, need):
        case = appeal_submit(actor=actor, channel="grid_worker", ...)
        return case.tracking_number          # recorded on the need as its reference

    register_need_handler("appeal", need_to_appeal, label=_("转为诉求（接诉即办）"))

:func:`shequ.gridwork.services.need_refer` calls the handler in the same transaction and
records the reference it returns; with no handler registered for a target, the pages say
the module is not installed and the API answers 400 on ``target``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

#: A handler gets the acting user and the need, and returns the new record's reference.
NeedHandler = Callable[..., str]


@dataclass(frozen=True)
class NeedTarget:
    code: str
    label: str | Promise
    handler: NeedHandler | None = None

    @property
    def installed(self) -> bool:
        return self.handler is not None


#: The targets a need can be referred to, whether or not their module is installed.
KNOWN_TARGETS: dict[str, str | Promise] = {
    "appeal": _("转为诉求（接诉即办）"),
    "service_application": _("转为服务申请（一门式）"),
}

_handlers: dict[str, NeedTarget] = {}


def register_need_handler(target: str, handler: NeedHandler, *, label: str | Promise | None = None) -> None:
    """Register (or replace) the handler that turns a need into a record of ``target``."""
    _handlers[target] = NeedTarget(target, label or KNOWN_TARGETS.get(target, target), handler)


def unregister_need_handler(target: str) -> None:
    _handlers.pop(target, None)


def need_handler(target: str) -> NeedHandler | None:
    found = _handlers.get(target)
    return found.handler if found else None


def need_targets() -> list[NeedTarget]:
    """Every known or registered target; ``handler`` is None where the module is not installed."""
    codes = list(KNOWN_TARGETS) + [c for c in _handlers if c not in KNOWN_TARGETS]
    return [_handlers.get(code) or NeedTarget(code, KNOWN_TARGETS[code]) for code in codes]


def call_handler(target: str, *, actor: Any, need: Any) -> str:
    handler = need_handler(target)
    if handler is None:
        raise LookupError(target)
    return str(handler(actor=actor, need=need))
