"""Read-only admin for system administrators: registry rows as stored (sealed values masked)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import (
    Building,
    Courtyard,
    Household,
    Membership,
    NaturalVillage,
    Person,
    PersonTag,
    Place,
    Room,
    Tag,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Changes go through the services (audited), never through the admin."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Person)
class PersonAdmin(ReadOnlyAdmin):
    list_display = ("id", "name", "grid", "residence_status")
    list_filter = ("residence_status",)
    exclude = ("id_number_digest", "phone_digest")


@admin.register(Household)
class HouseholdAdmin(ReadOnlyAdmin):
    list_display = ("id", "grid", "kind", "head", "moved_out_on")


@admin.register(Tag)
class TagAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "sensitive", "order")


for model in (Building, Room, Courtyard, NaturalVillage, Place, Membership, PersonTag):
    admin.site.register(model, ReadOnlyAdmin)
