from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnewindowConfig(AppConfig):
    name = "shequ.onewindow"
    label = "onewindow"
    verbose_name = _("一窗通办")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from shequ.accounts.roles import Role
        from shequ.console import nav, todo

        from .todo import application_todos

        todo.register(application_todos)
        # the window acts for a community: posts on it or above, writable
        window = frozenset(
            {
                Role.COMMUNITY_WORKER,
                Role.COMMUNITY_HEAD,
                Role.STREET_STAFF,
                Role.DISTRICT_ADMIN,
                Role.CITY_ADMIN,
                Role.SYSTEM_ADMIN,
            }
        )
        # those who read applications of the areas they serve
        readers = window | {Role.SUPERVISION_MEMBER, Role.DEPARTMENT_HANDLER, Role.PROVIDER_STAFF}
        group = "公共服务"
        for entry in (
            nav.NavEntry(
                "onewindow_queue", _("办件队列"), ("onewindow:queue",), group, roles=readers, order=10
            ),
            nav.NavEntry(
                "onewindow_window", _("窗口受理"), ("onewindow:window",), group, roles=window, order=20
            ),
            nav.NavEntry(
                "onewindow_certificates",
                _("证明出具"),
                ("onewindow:certificates",),
                group,
                roles=window,
                order=30,
            ),
            nav.NavEntry(
                "onewindow_reports", _("办件统计"), ("onewindow:reports",), group, roles=readers, order=35
            ),
        ):
            nav.register(entry)

        from shequ.portal.links import PortalLink
        from shequ.portal.links import register as register_portal

        for link in (
            PortalLink(
                "onewindow_catalogue",
                _("办事指南"),
                "onewindow_portal:catalogue",
                order=10,
                tab=True,
                audience="anyone",
            ),
            PortalLink("onewindow_mine", _("我的办件"), "onewindow_portal:mine", order=11),
            PortalLink(
                "onewindow_track", _("办件查询"), "onewindow_portal:track", order=12, audience="anyone"
            ),
            PortalLink("onewindow_certificates", _("我的证明"), "onewindow_portal:certificates", order=13),
        ):
            register_portal(link)
