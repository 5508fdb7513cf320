from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridworkConfig(AppConfig):
    name = "shequ.gridwork"
    label = "gridwork"
    verbose_name = _("网格工作")
    default_auto_field = "django.db.models.BigAutoField"
