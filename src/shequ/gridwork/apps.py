from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridworkConfig(AppConfig):
    name = "shequ.gridwork"
    label = "gridwork"
    verbose_name = _("网格工作")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from shequ.console.nav import NavEntry, register
        from shequ.registry.access import REGISTRY_ROLES

        for key, label, url_name, order in (
            ("gridwork_day", _("网格员工作台"), "gridwork:day", 10),
            ("gridwork_visits", _("入户走访"), "gridwork:visits", 22),
            ("gridwork_checks", _("隐患排查"), "gridwork:checks", 23),
            ("gridwork_findings", _("隐患整改"), "gridwork:findings", 24),
            ("gridwork_patrols", _("网格巡查"), "gridwork:patrols", 25),
        ):
            register(NavEntry(key, label, (url_name,), "区域与网格", roles=REGISTRY_ROLES, order=order))
