"""API under /api/v1/onewindow/."""

from ninja import Router

router = Router(tags=["onewindow"])
