from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    name = "shequ.open311"
    label = "open311"
    verbose_name = _("Open311 开放接口")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from shequ.appeals.models import Category

        from .models import ApiClient
        from .selectors import HELD_CLIENTS, HELD_SERVICES

        HELD_CLIENTS.watch((ApiClient,))
        HELD_SERVICES.watch((Category,))
