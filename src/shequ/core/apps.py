from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "shequ.core"
    label = "core"
    verbose_name = _("核心")

    def ready(self) -> None:
        from django.db import transaction
        from django.db.models.signals import post_save

        from .geo.placement import mark_stale
        from .models import Area

        def area_saved(**kwargs: object) -> None:
            transaction.on_commit(mark_stale)

        post_save.connect(area_saved, sender=Area, weak=False, dispatch_uid="core.geo.placement.mark_stale")

        from .refdata import connect_signals

        connect_signals()
