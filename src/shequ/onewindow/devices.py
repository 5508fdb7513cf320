"""Window devices behind adapters: an ID-card reader and a document camera (高拍仪).

The backend is named in settings (``SHEQU_IDCARD_BACKEND``, ``SHEQU_CAMERA_BACKEND``), as the
SMS adapter does; a real device (usually a local agent on the window PC, reached over HTTP)
is plugged in by naming a class with the same method, without changing application code.
The demo backends answer with fictional data; the recording doubles keep every call.
"""

from __future__ import annotations

import base64
import io
import threading
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

DEFAULT_IDCARD = "shequ.onewindow.devices.DemoIdCardReader"
DEFAULT_CAMERA = "shequ.onewindow.devices.DemoDocumentCamera"


@dataclass(frozen=True)
class IdCardData:
    name: str
    id_number: str
    address: str
    photo: bytes = b""


@dataclass(frozen=True)
class DeviceCall:
    device: str
    window: str
    kwargs: dict[str, Any] = field(default_factory=dict)


class IdCardReader(Protocol):
    def read(self, *, window: str = "") -> IdCardData: ...


class DocumentCamera(Protocol):
    def capture(self, *, window: str = "") -> bytes: ...


class DeviceError(Exception):
    """The device did not answer (not connected, no card on the reader)."""


def _png(text_colour: tuple[int, int, int] = (40, 40, 40)) -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (320, 200), (250, 250, 245))
    ImageDraw.Draw(image).rectangle((10, 10, 310, 190), outline=text_colour, width=3)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


class DemoIdCardReader:
    """Answers with the card set in ``SHEQU_DEMO_IDCARD`` (name, number, address) or a fixed fictional one."""

    def read(self, *, window: str = "") -> IdCardData:
        name, number, address = getattr(
            settings, "SHEQU_DEMO_IDCARD", ("王秀英", "32010219450317002X", "南京市玄武区丹凤街12号")
        )
        return IdCardData(name=name, id_number=number, address=address, photo=_png())


class DemoDocumentCamera:
    def capture(self, *, window: str = "") -> bytes:
        return _png((20, 60, 120))


class RecordingIdCardReader:
    """Test double: returns the cards queued with :meth:`put` and records every call."""

    cards: ClassVar[list[IdCardData]] = []
    calls: ClassVar[list[DeviceCall]] = []
    _lock = threading.Lock()

    def read(self, *, window: str = "") -> IdCardData:
        with self._lock:
            type(self).calls.append(DeviceCall("id_card", window))
            if not type(self).cards:
                raise DeviceError("no card")
            return type(self).cards.pop(0)

    @classmethod
    def put(cls, card: IdCardData) -> None:
        with cls._lock:
            cls.cards.append(card)

    @classmethod
    def clear(cls) -> None:
        with cls._lock:
            cls.cards.clear()
            cls.calls.clear()


class RecordingDocumentCamera:
    calls: ClassVar[list[DeviceCall]] = []
    _lock = threading.Lock()

    def capture(self, *, window: str = "") -> bytes:
        with self._lock:
            type(self).calls.append(DeviceCall("camera", window))
        return _png((0, 0, 0))

    @classmethod
    def clear(cls) -> None:
        with cls._lock:
            cls.calls.clear()


def id_card_reader() -> IdCardReader:
    return import_string(getattr(settings, "SHEQU_IDCARD_BACKEND", DEFAULT_IDCARD))()


def document_camera() -> DocumentCamera:
    return import_string(getattr(settings, "SHEQU_CAMERA_BACKEND", DEFAULT_CAMERA))()


def as_base64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
