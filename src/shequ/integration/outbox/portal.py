"""The portal link to 我的消息 (called from ``IntegrationConfig.ready``)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

URL_NAME = "inbox:list"


def register_portal_link() -> None:
    from shequ.portal.links import PortalLink, register

    register(PortalLink("messages", _("我的消息"), URL_NAME, order=5, tab=True))
