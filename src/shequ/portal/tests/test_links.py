"""The portal's service links: contributed by modules, shown only when they resolve."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser

from shequ.portal import links


@pytest.fixture
def scratch_links() -> Any:
    saved = dict(links._registry)
    yield
    links._registry.clear()
    links._registry.update(saved)


@pytest.mark.django_db
def test_links_resolve_in_order_and_follow_their_audience(scratch_links: Any, personas: Any) -> None:
    links.register(links.PortalLink("b", "乙", "portal:me", order=2, tab=True))
    links.register(links.PortalLink("a", "甲", "portal:home", order=1))
    links.register(links.PortalLink("x", "无", "no_such_app:page", order=0))
    links.register(links.PortalLink("pub", "公开", "portal:home", order=3, audience="anyone"))
    keys = [link.key for link in links.links_for(personas["resident"])]
    assert keys.index("a") < keys.index("b") < keys.index("pub")
    assert "x" not in keys
    for visitor in (AnonymousUser(), personas["community_worker"]):
        shown = [link.key for link in links.links_for(visitor)]
        assert "pub" in shown
        assert "a" not in shown


@pytest.mark.django_db
def test_home_shows_registered_module_links_to_residents(client: Any, personas: Any) -> None:
    resident = personas["resident"]
    client.force_login(resident)
    body = client.get("/").content.decode()
    assert 'id="portal-link-commons_spaces"' in body
    assert "/commons/" in body
    client.logout()
    assert 'id="portal-link-commons_spaces"' not in client.get("/").content.decode()
    client.force_login(personas["community_worker"])  # staff work in the console
    assert 'id="portal-link-commons_spaces"' not in client.get("/").content.decode()
