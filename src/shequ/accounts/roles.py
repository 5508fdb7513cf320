"""Roles (岗位) and what each may do. Role names are product concepts, not policy numbers."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from shequ.core.models import AreaLevel


class Role(models.TextChoices):
    GRID_WORKER = "grid_worker", _("网格员")
    GRID_LEADER = "grid_leader", _("网格长")
    COMMUNITY_WORKER = "community_worker", _("社区工作者")
    COMMUNITY_HEAD = "community_head", _("社区书记/主任")
    STREET_STAFF = "street_staff", _("街道（镇）工作人员")
    DEPARTMENT_HANDLER = "department_handler", _("职能部门经办人")
    DISTRICT_ADMIN = "district_admin", _("区级管理员")
    CITY_ADMIN = "city_admin", _("市级管理员")
    SUPERVISION_MEMBER = "supervision_member", _("村（居）务监督委员会成员")
    PROVIDER_STAFF = "provider_staff", _("服务商工作人员")
    SYSTEM_ADMIN = "system_admin", _("系统管理员")


#: Which level of area a post of each role sits on (None: an organisation post or none).
ROLE_AREA_LEVELS: dict[str, tuple[str, ...]] = {
    Role.GRID_WORKER: (AreaLevel.GRID,),
    Role.GRID_LEADER: (AreaLevel.GRID,),
    Role.COMMUNITY_WORKER: (AreaLevel.COMMUNITY, AreaLevel.VILLAGE),
    Role.COMMUNITY_HEAD: (AreaLevel.COMMUNITY, AreaLevel.VILLAGE),
    Role.SUPERVISION_MEMBER: (AreaLevel.COMMUNITY, AreaLevel.VILLAGE),
    Role.STREET_STAFF: (AreaLevel.STREET, AreaLevel.TOWN),
    Role.DISTRICT_ADMIN: (AreaLevel.DISTRICT, AreaLevel.ZONE),
    Role.CITY_ADMIN: (AreaLevel.CITY,),
    Role.SYSTEM_ADMIN: (),
    Role.DEPARTMENT_HANDLER: (),
    Role.PROVIDER_STAFF: (),
}
ORGANISATION_ROLES = frozenset({Role.DEPARTMENT_HANDLER, Role.PROVIDER_STAFF})

#: Roles whose accounts must use a second factor when the policy is "admins".
ADMIN_ROLES = frozenset({Role.DISTRICT_ADMIN, Role.CITY_ADMIN, Role.SYSTEM_ADMIN})

#: Roles that only read (they may not change area data).
READ_ONLY_ROLES = frozenset({Role.SUPERVISION_MEMBER})

#: Permissions each role carries, granted through accounts.backends.RolePermissionBackend.
ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.GRID_WORKER: frozenset(),
    Role.GRID_LEADER: frozenset(),
    Role.COMMUNITY_WORKER: frozenset({"core.reveal_pii"}),
    Role.COMMUNITY_HEAD: frozenset({"core.reveal_pii", "core.reveal_sensitive_pii", "core.view_audit"}),
    Role.STREET_STAFF: frozenset({"core.reveal_pii", "core.view_audit", "core.manage_staff"}),
    Role.DEPARTMENT_HANDLER: frozenset(),
    Role.DISTRICT_ADMIN: frozenset(
        {"core.view_audit", "core.manage_rules", "core.manage_areas", "core.reveal_pii", "core.manage_staff"}
    ),
    Role.CITY_ADMIN: frozenset(
        {
            "core.view_audit",
            "core.manage_rules",
            "core.manage_calendar",
            "core.manage_areas",
            "core.reveal_pii",
            "core.manage_staff",
        }
    ),
    Role.SUPERVISION_MEMBER: frozenset(),
    Role.PROVIDER_STAFF: frozenset(),
    Role.SYSTEM_ADMIN: frozenset(
        {
            "core.view_audit",
            "core.manage_rules",
            "core.manage_calendar",
            "core.manage_areas",
            "core.manage_staff",
            "integration.resend_notification",
        }
    ),
}
