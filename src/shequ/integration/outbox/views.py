"""The resident portal's 我的消息: the in-app inbox, newest first, unread marked."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from shequ.core.access import scoped_object

from . import selectors, services
from .models import Notification
from .templating import render_page

PAGE_SIZE = 20


def signed_in(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            from shequ.portal.views import resident_login_url

            return redirect(f"{resident_login_url()}?next={quote(request.get_full_path())}")
        return view(request, *args, **kwargs)

    return wrapped


def message_view(n: Notification) -> dict[str, Any]:
    """What a page shows of one message (its text is the recipient's own)."""
    return {
        "id": n.pk,
        "text": n.text.plaintext_for_processing() if n.text else "",
        "created_at": n.created_at,
        "unread": n.read_at is None,
    }


@never_cache
@signed_in
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(selectors.inbox_for(request.user), PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render_page(
        request,
        "inbox.html",
        {
            "page": page,
            "items": [message_view(n) for n in page.object_list],
            "unread": selectors.unread_count(request.user),
        },
    )


@never_cache
@signed_in
@scoped_object("integration.Notification", "notification_id")
def message(request: HttpRequest, notification_id: int) -> HttpResponse:
    """One message; opening it (or posting to it) marks it read."""
    n = selectors.own_notification(request.user, notification_id)
    item = message_view(n)
    services.mark_read(actor=request.user, notification=n)
    if request.method == "POST":
        return redirect("inbox:list")
    return render_page(request, "message.html", {"item": item})


@never_cache
@signed_in
@require_POST
def read_all(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(actor=request.user)
    if count:
        messages.success(request, _("已将%(n)d条消息标为已读。") % {"n": count})
    return redirect("inbox:list")
