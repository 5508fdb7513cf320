"""Fixtures of the commons' tests: a space in community A, residents of A and B."""

from __future__ import annotations

from typing import Any

import pytest

from shequ.commons.factories import make_space


@pytest.fixture
def space(mini: Any) -> Any:
    return make_space(mini.community_a, "多功能活动室", capacity=20, open_on_holidays=True)


@pytest.fixture
def neighbours(mini: Any) -> dict[str, Any]:
    from shequ.demo.factories import make_resident

    return {
        "wang": make_resident("13911110001", home_area=mini.community_a, display_name="王秀英"),
        "li": make_resident("13911110002", home_area=mini.community_a, display_name="李建国"),
        "zhao": make_resident("13911110003", home_area=mini.community_b, display_name="赵明"),
    }
