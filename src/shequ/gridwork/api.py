"""Grid work API under /api/v1/gridwork/."""

from ninja import Router

router = Router(tags=["gridwork"])
