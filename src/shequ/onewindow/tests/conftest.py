"""Fixtures of the one-window tests: the catalogue, an applicant with a matching account, window staff."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def catalogue(db: Any) -> None:
    from shequ.onewindow.factories import ensure_catalogue

    ensure_catalogue()


@pytest.fixture
def applicant(mini: Any, catalogue: Any) -> tuple[Any, Any]:
    """王秀英, 81, in grid A of community A, with a resident account that matches her record."""
    from shequ.onewindow.factories import make_applicant

    return make_applicant(mini.grid_a, home_area=mini.community_a)


@pytest.fixture
def worker(personas: Any) -> Any:
    return personas["community_worker"]


@pytest.fixture
def colleague(mini: Any) -> Any:
    from shequ.accounts.roles import Role
    from shequ.demo.factories import make_staff

    return make_staff("colleague_a", Role.COMMUNITY_WORKER, area=mini.community_a, display_name="李社工")


@pytest.fixture
def devices(settings: Any) -> Iterator[Any]:
    from shequ.onewindow import devices

    settings.SHEQU_IDCARD_BACKEND = "shequ.onewindow.devices.RecordingIdCardReader"
    settings.SHEQU_CAMERA_BACKEND = "shequ.onewindow.devices.RecordingDocumentCamera"
    devices.RecordingIdCardReader.clear()
    devices.RecordingDocumentCamera.clear()
    yield devices
    devices.RecordingIdCardReader.clear()
    devices.RecordingDocumentCamera.clear()
