from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppealsConfig(AppConfig):
    name = "shequ.appeals"
    label = "appeals"
    verbose_name = _("诉求与事件")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from shequ.console.nav import NavEntry, register
        from shequ.gridwork.hooks import register_need_handler
        from shequ.portal.links import PortalLink
        from shequ.portal.links import register as register_portal_link

        from .hooks import need_to_appeal

        register(NavEntry("appeal_queue", _("诉求分拨与办理"), ("appeals:queue",), "诉求办理", order=10))
        from shequ.accounts.roles import Role

        from .services.common import DISPATCH_ROLES, FIELD_ROLES

        register(
            NavEntry(
                "appeal_hotline",
                _("热线代录"),
                ("appeals:hotline",),
                "诉求办理",
                roles=DISPATCH_ROLES | {Role.SYSTEM_ADMIN},
                order=20,
            )
        )
        register(
            NavEntry(
                "appeal_report",
                _("网格员上报"),
                ("appeals:report",),
                "诉求办理",
                roles=FIELD_ROLES | {Role.SYSTEM_ADMIN},
                order=30,
            )
        )
        register(NavEntry("appeal_rates", _("三率统计与排名"), ("appeals:rates",), "诉求办理", order=40))
        register(
            NavEntry(
                "appeal_categories", _("诉求分类与智能分拨"), ("appeals:categories",), "诉求办理", order=50
            )
        )
        register_portal_link(
            PortalLink("appeal_file", _("我要反映"), "appeals_portal:file", order=20, tab=True)
        )
        register_portal_link(PortalLink("appeal_mine", _("我的诉求"), "appeals_portal:mine", order=21))
        register_portal_link(
            PortalLink("appeal_track", _("诉求进度查询"), "appeals_portal:track", order=22, audience="anyone")
        )
        register_need_handler("appeal", need_to_appeal, label=_("转为诉求（接诉即办）"))
