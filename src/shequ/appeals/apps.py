from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "shequ.appeals"
    label = "appeals"
    verbose_name = _("诉求与事件")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from shequ.console.nav import NavEntry, register

        # Shown once config/urls.py mounts shequ.appeals.urls at console/appeals/.
        register(
            NavEntry(
                "appeal_categories", _("诉求分类与智能分拨"), ("appeals:categories",), "诉求办理", order=50
            )
        )
