"""Fixtures of the grid-work tests: the checklist catalogue (a flushed database lacks it), households."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _checklists(request: Any) -> None:
    if (
        "db" in request.fixturenames
        or "transactional_db" in request.fixturenames
        or "live_server" in request.fixturenames
    ):
        from shequ.gridwork.checklists import ensure_checklist_templates

        ensure_checklist_templates()


@pytest.fixture
def homes(mini: Any) -> dict[str, Any]:
    """A household with its head in grid A and one in grid B."""
    from shequ.demo.factories import make_household, make_person

    head_a = make_person(mini.grid_a, "王秀英", seq=21)
    head_b = make_person(mini.grid_b, "李建国", seq=22)
    return {
        "a": make_household(mini.grid_a, head=head_a),
        "b": make_household(mini.grid_b, head=head_b, address="钓鱼台8号"),
        "head_a": head_a,
    }


@pytest.fixture
def no_need_handlers(monkeypatch: Any) -> None:
    """As if no module that takes referred needs were installed (appeals registers one)."""
    from shequ.gridwork import hooks

    monkeypatch.setattr(hooks, "_handlers", {})
