from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommonsConfig(AppConfig):
    name = "shequ.commons"
    label = "commons"
    verbose_name = _("共享空间与邻里互助")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from shequ.console.nav import NavEntry, register
        from shequ.registry.access import REGISTRY_ROLES

        for entry in (
            NavEntry("commons_spaces", _("场地与预约"), ("commons:spaces",), "公共服务", order=40),
            NavEntry("commons_usage", _("场地使用统计"), ("commons:usage",), "公共服务", order=41),
            NavEntry(
                "commons_aid", _("邻里互助"), ("commons:aid",), "公共服务", roles=REGISTRY_ROLES, order=42
            ),
        ):
            register(entry)

        from shequ.portal.links import PortalLink
        from shequ.portal.links import register as register_portal

        for link in (
            PortalLink("commons_spaces", _("场地预约"), "commons_portal:spaces", order=40),
            PortalLink("commons_bookings", _("我的预约"), "commons_portal:bookings", order=41),
            PortalLink("commons_aid", _("邻里互助"), "commons_portal:aid", order=42),
        ):
            register_portal(link)
