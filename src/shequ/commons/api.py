"""API under /api/v1/commons/."""

from ninja import Router

router = Router(tags=["commons"])
