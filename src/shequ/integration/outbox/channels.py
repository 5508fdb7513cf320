"""Channel senders: how a claimed notification leaves the building.

A sender has ``send(notification) -> str`` returning the provider's message id, raises
:class:`PermanentSendError` for a message that can never go out (retrying cannot help), and
any other exception for a failure worth retrying.  ``on_commit`` senders (the in-app
inbox) deliver by the commit itself: the row is visible the moment the business change is.
A module adds a channel with :func:`register_channel`.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Protocol

from .models import NotificationChannel

if TYPE_CHECKING:
    from .models import Notification


class PermanentSendError(Exception):
    """The message can never be delivered (no phone, a number the gateway rejects for good)."""


class Sender(Protocol):
    def __call__(self, notification: Notification) -> str: ...


@dataclass(frozen=True)
class Channel:
    name: str
    send: Sender
    on_commit: bool = False


_channels: dict[str, Channel] = {}


def register_channel(channel: Channel) -> Channel:
    _channels[channel.name] = channel
    return channel


def channel_for(name: str) -> Channel:
    try:
        return _channels[name]
    except KeyError:
        raise PermanentSendError(f"unknown channel {name!r}") from None


def known_channels() -> list[str]:
    return sorted(_channels)


@lru_cache(maxsize=32)
def _takes_reference(send: Any) -> bool:
    try:
        parameters = inspect.signature(send).parameters
    except (TypeError, ValueError):
        return False
    return "reference" in parameters or any(p.kind is p.VAR_KEYWORD for p in parameters.values())


def send_sms(notification: Notification) -> str:
    """Through the configured SMS backend, with the notification's reference as client message id.

    A backend whose ``send`` takes ``reference=`` gets it (real gateways drop a repeated
    client message id, so a resend after a crash does not reach the phone twice); an older
    backend with ``send(phone, text)`` is called without it.
    """
    from shequ.integration.sms import get_backend

    if notification.phone is None:
        raise PermanentSendError("no phone")
    phone = notification.phone.plaintext_for_processing()
    text = notification.text.plaintext_for_processing() if notification.text else ""
    backend = get_backend()
    send: Any = backend.send
    if _takes_reference(type(backend).send):
        result = send(phone, text, reference=str(notification.reference))
    else:
        result = send(phone, text)
    return str(result or "")


def show_in_app(notification: Notification) -> str:
    """The inbox shows the row itself: being committed is being delivered."""
    return f"inbox:{notification.reference}"


register_channel(Channel(NotificationChannel.SMS, send_sms))
register_channel(Channel(NotificationChannel.IN_APP, show_in_app, on_commit=True))
