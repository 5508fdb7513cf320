from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "shequ.registry"
    label = "registry"
    verbose_name = _("基础信息")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from shequ.console.nav import NavEntry, register

        from .access import REGISTRY_ROLES

        register(
            NavEntry(
                "registry",
                _("住户与人口"),
                ("registry:households",),
                "区域与网格",
                roles=REGISTRY_ROLES,
                order=20,
            )
        )
        for key, label, url_name, order in (
            ("registry_persons", _("人员查询"), "registry:persons", 22),
            ("registry_buildings", _("楼栋与户室"), "registry:buildings", 23),
            ("registry_courtyards", _("院落"), "registry:courtyards", 24),
            ("registry_villages", _("自然村"), "registry:villages", 25),
            ("registry_places", _("场所"), "registry:places", 26),
            ("registry_imports", _("花名册导入导出"), "registry:import_home", 27),
        ):
            register(NavEntry(key, label, (url_name,), "区域与网格", roles=REGISTRY_ROLES, order=order))
        register(
            NavEntry(
                "registry_staffing",
                _("人员配备与网格覆盖"),
                ("registry:staffing",),
                "区域与网格",
                roles=REGISTRY_ROLES,
                order=21,
            )
        )
