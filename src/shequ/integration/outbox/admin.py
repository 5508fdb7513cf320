"""The operators' view of the outbox in Django's admin (system administrators only).

Registered by ``integration/admin.py`` (``from .outbox import admin as _outbox_admin``).
Read-only: phones and texts stay sealed (masked); the one action resends failed
notifications through :func:`~.services.notification_retry` (audited).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import Notification
from .services import notification_retry


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "channel",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "sent_at",
        "dedup_key",
    )
    list_filter = ("status", "channel")
    search_fields = ("dedup_key", "template_key", "=reference")
    ordering = ("-created_at",)
    list_select_related = ()
    actions = ["resend_failed"]
    exclude = ("context",)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description=gettext_lazy("重发所选的发送失败的通知"))
    def resend_failed(self, request: HttpRequest, queryset: QuerySet[Notification]) -> None:
        resent = 0
        for notification in queryset:
            try:
                notification_retry(actor=request.user, notification=notification, reason=_("管理后台重发"))
            except ValidationError:
                continue
            except PermissionDenied as exc:
                self.message_user(request, str(exc), messages.ERROR)
                return
            resent += 1
        self.message_user(request, _("已重发%(n)d条通知。") % {"n": resent}, messages.SUCCESS)
