"""Django admin for system administrators: users and posts, with every save audited.

Personal data is shown masked; the encrypted columns are not editable here.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from shequ.core.audit import record

from .models import ApiToken, Post, User


class PostInline(admin.TabularInline):
    model = Post
    extra = 0
    fields = ("role", "area", "organisation", "title", "full_time", "is_active", "valid_from", "valid_to")
    autocomplete_fields = ()
    raw_id_fields = ("area", "organisation")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ("username", "display_name", "kind", "masked_phone", "is_active", "last_login")
    list_filter = ("kind", "is_active", "is_demo")
    search_fields = ("username", "display_name")
    readonly_fields = ("masked_phone", "masked_id_number", "last_login", "date_joined", "totp_confirmed_at")
    fieldsets = (
        (None, {"fields": ("username", "password", "display_name", "kind")}),
        (_("个人信息（脱敏）"), {"fields": ("masked_phone", "id_doc_type", "masked_id_number", "home_area")}),
        (_("状态"), {"fields": ("is_active", "is_superuser", "is_staff", "elder_mode", "totp_confirmed_at")}),
        (_("时间"), {"fields": ("last_login", "date_joined")}),
    )
    raw_id_fields = ("home_area",)
    inlines = (PostInline,)

    @admin.display(description=_("手机号码"))
    def masked_phone(self, obj: User) -> str:
        return str(obj.phone or "")

    @admin.display(description=_("证件号码"))
    def masked_id_number(self, obj: User) -> str:
        return str(obj.id_number or "")

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        record(
            actor=request.user,
            action="user.admin_change" if change else "user.admin_create",
            obj=obj,
            changes={"fields": sorted(form.changed_data)},
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        for post in formset.new_objects + [o for o, _fields in formset.changed_objects]:
            record(actor=request.user, action="post.admin_change", obj=post, area=post.area)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("prefix", "user", "name", "created_at", "last_used_at", "expires_at", "revoked_at")
    readonly_fields = ("prefix", "key_digest", "user", "created_at", "last_used_at")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
