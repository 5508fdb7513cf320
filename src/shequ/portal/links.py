"""The resident portal's service links, contributed by each module.

A module adds its resident pages with :func:`register` (in its ``AppConfig.ready``); the
home page shows, in order, those whose URL name reverses and whose audience matches the
visitor (``"resident"``: signed-in residents, the default — staff use the console;
``"anyone"``: every visitor).  ``tab`` entries also appear in the bottom tab bar.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise


@dataclass(frozen=True)
class PortalLink:
    key: str
    label: str | Promise
    url_name: str
    order: int = 100
    tab: bool = False
    audience: str = "resident"


@dataclass(frozen=True)
class ShownLink:
    key: str
    label: str | Promise
    url: str
    tab: bool


_registry: dict[str, PortalLink] = {}


def register(link: PortalLink) -> PortalLink:
    """Add (or replace, by key) a portal link."""
    _registry[link.key] = link
    return link


def unregister(key: str) -> None:
    _registry.pop(key, None)


def _is_resident(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "kind", "") == "resident")


def links_for(user: Any) -> list[ShownLink]:
    resident = _is_resident(user)
    shown = []
    for link in sorted(_registry.values(), key=lambda item: (item.order, item.key)):
        if link.audience == "resident" and not resident:
            continue
        try:
            url = reverse(link.url_name)
        except NoReverseMatch:
            continue
        shown.append(ShownLink(link.key, link.label, url, link.tab))
    return shown


def context(request: object) -> dict[str, list[ShownLink]]:
    """Template context: ``portal_links`` for the visitor of the request."""
    return {"portal_links": links_for(getattr(request, "user", None))}
