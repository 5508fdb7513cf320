from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntegrationConfig(AppConfig):
    name = "shequ.integration"
    label = "integration"
    verbose_name = _("对接")

    def ready(self) -> None:
        from .outbox.portal import register_portal_link

        register_portal_link()
