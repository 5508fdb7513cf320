from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonsConfig(AppConfig):
    name = "shequ.commons"
    label = "commons"
    verbose_name = _("共享空间与邻里互助")
    default_auto_field = "django.db.models.BigAutoField"
