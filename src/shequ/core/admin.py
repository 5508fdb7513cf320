"""Django admin for system administrators: a read-only window on kernel tables.

Changes to areas, rules, the calendar and organisations go through the console's service
functions (validation + audit), so the admin never saves these objects itself.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Area, AreaChange, AuditEntry, CalendarDay, JobHeartbeat, Organisation, PlatformFlag, Rule


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Area)
class AreaAdmin(ReadOnlyAdmin):
    list_display = (
        "name",
        "level",
        "code",
        "parent",
        "stat_parent",
        "committee_type",
        "valid_from",
        "valid_to",
    )
    list_filter = ("level", "committee_type", "urban_rural_code", "heavy_load", "is_demo")
    search_fields = ("name", "code")
    list_select_related = ("parent", "stat_parent")


@admin.register(AreaChange)
class AreaChangeAdmin(ReadOnlyAdmin):
    list_display = ("kind", "effective_on", "document", "recorded_at")


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "generic_unit", "home_area", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "generic_unit")
    list_select_related = ("home_area",)


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    list_display = ("at", "actor_label", "post_label", "action", "object_type", "object_repr", "ip")
    list_filter = ("action", "object_type")
    search_fields = ("actor_label", "object_repr", "action")
    date_hierarchy = "at"


@admin.register(Rule)
class RuleAdmin(ReadOnlyAdmin):
    list_display = ("key", "area", "value", "value_max", "unit", "valid_from", "valid_to", "version")
    list_filter = ("key",)
    list_select_related = ("area",)


@admin.register(CalendarDay)
class CalendarDayAdmin(ReadOnlyAdmin):
    list_display = ("date", "kind", "name", "source")
    list_filter = ("kind",)


@admin.register(JobHeartbeat)
class JobHeartbeatAdmin(ReadOnlyAdmin):
    list_display = ("name", "beat_at", "hostname", "count")


@admin.register(PlatformFlag)
class PlatformFlagAdmin(ReadOnlyAdmin):
    list_display = ("key", "set_at")
