"""Open311 client applications in the Django admin: read-only, revoked through the service.

Keys are made with ``python manage.py open311_keys create NAME`` (the key is shown once).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import ApiClient
from .services import api_client_revoke


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    list_display = ("name", "prefix", "is_active", "created_at", "last_used_at", "revoked_at")
    list_filter = ("is_active",)
    search_fields = ("name", "prefix")
    readonly_fields = ("name", "prefix", "is_active", "created_at", "last_used_at", "revoked_at")
    actions = ("revoke",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=gettext_lazy("吊销所选应用的密钥"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        count = 0
        for client in queryset:
            if client.is_active:
                api_client_revoke(actor=request.user, client=client)
                count += 1
        self.message_user(request, _("已吊销%(n)d个应用的密钥。") % {"n": count}, messages.SUCCESS)
