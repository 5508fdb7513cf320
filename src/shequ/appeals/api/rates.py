"""The three rates over the API (filled in by the rates module)."""

from ninja import Router

router = Router(tags=["appeals-rates"])
