"""Grid work's visit needs become appeals (registered in :class:`~shequ.appeals.apps.AppealsConfig`)."""

from __future__ import annotations

from typing import Any

from .models import Channel


def need_to_appeal(*, actor: Any, need: Any) -> str:
    """File the need as a grid worker's report in the need's grid; the tracking number is the reference."""
    from .services import case_submit

    text = f"{need.get_kind_display()}：{need.description}"
    result = case_submit(
        actor=actor,
        channel=Channel.GRID_WORKER,
        text=text,
        area=need.grid,
        address=str(need.grid.name),
        idempotency_key=f"need-{need.pk}",
    )
    return result.case.number
