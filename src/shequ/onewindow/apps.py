from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnewindowConfig(AppConfig):
    name = "shequ.onewindow"
    label = "onewindow"
    verbose_name = _("一窗通办")
    default_auto_field = "django.db.models.BigAutoField"
