from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GridworkConfig(AppConfig):
    name = "shequ.gridwork"
    label = "gridwork"
    verbose_name = _("网格工作")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from shequ.accounts.roles import Role
        from shequ.console.nav import NavEntry, register
        from shequ.registry.access import REGISTRY_ROLES

        # the day page is the grid worker's own; the lists are for everyone who covers grids
        field_roles = frozenset({Role.GRID_WORKER, Role.GRID_LEADER})
        for key, label, url_name, order, roles in (
            ("gridwork_day", _("网格员工作台"), "gridwork:day", 10, field_roles),
            ("gridwork_visits", _("入户走访"), "gridwork:visits", 22, REGISTRY_ROLES),
            ("gridwork_checks", _("隐患排查"), "gridwork:checks", 23, REGISTRY_ROLES),
            ("gridwork_findings", _("隐患整改"), "gridwork:findings", 24, REGISTRY_ROLES),
            ("gridwork_patrols", _("网格巡查"), "gridwork:patrols", 25, REGISTRY_ROLES),
        ):
            register(NavEntry(key, label, (url_name,), "网格工作", roles=roles, order=order))
