"""The portal's service links: contributed by modules, shown only when they resolve."""

from __future__ import annotations

from typing import Any

import pytest

from shequ.portal import links


@pytest.fixture
def scratch_links() -> Any:
    saved = dict(links._registry)
    yield
    links._registry.clear()
    links._registry.update(saved)


def test_links_resolve_in_order_and_unknown_names_are_left_out(scratch_links: Any) -> None:
    links.register(links.PortalLink("b", "乙", "portal:me", order=2, tab=True))
    links.register(links.PortalLink("a", "甲", "portal:home", order=1))
    links.register(links.PortalLink("x", "无", "no_such_app:page", order=0))
    links.register(links.PortalLink("pub", "公开", "portal:home", order=3, signed_in_only=False))
    shown = links.links_for(signed_in=True)
    keys = [link.key for link in shown]
    assert keys.index("a") < keys.index("b") < keys.index("pub")
    assert "x" not in keys
    anonymous = [link.key for link in links.links_for(signed_in=False)]
    assert "pub" in anonymous
    assert "a" not in anonymous


@pytest.mark.django_db
def test_home_shows_registered_module_links_to_residents(client: Any, personas: Any) -> None:
    resident = personas["resident"]
    client.force_login(resident)
    body = client.get("/").content.decode()
    assert 'id="portal-link-commons_spaces"' in body
    assert "/commons/" in body
    client.logout()
    assert 'id="portal-link-commons_spaces"' not in client.get("/").content.decode()
