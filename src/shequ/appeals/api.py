"""Appeals API under /api/v1/appeals/."""

from ninja import Router

router = Router(tags=["appeals"])
