"""Resident portal pages under /commons/: book a space, my bookings, mutual aid."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any
from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from shequ.core.access import scoped_object

from .. import selectors, services
from ..access import is_resident
from ..forms import AidPostForm, put_errors
from ..models import AidCategory, AidKind
from .common import messages_of, parse_start, week_of


def resident_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Visitors sign in first; staff have no resident pages here (an id answers 404)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user: Any = request.user
        if not user.is_authenticated:
            from shequ.portal.views import resident_login_url

            return redirect(f"{resident_login_url()}?next={quote(request.get_full_path())}")
        if not is_resident(user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


@never_cache
@resident_required
@require_GET
def space_list(request: HttpRequest) -> HttpResponse:
    return render(
        request, "commons/portal/spaces.html", {"spaces": list(selectors.spaces_for_resident(request.user))}
    )


@never_cache
@resident_required
@require_http_methods(["GET", "POST"])
@scoped_object("commons.ResidentSpace", "space_id")
def space_book(request: HttpRequest, space_id: int) -> HttpResponse:
    user = request.user
    space = selectors.resident_space_for(user, space_id)
    errors: dict[str, list[str]] = {}
    chosen = parse_start(request.POST.get("starts_at") or request.GET.get("slot", ""))
    status = 200
    if request.method == "POST":
        try:
            result = services.booking_submit(
                actor=user,
                space=space,
                starts_at=chosen,
                attendees=request.POST.get("attendees", "1"),
                purpose=request.POST.get("purpose", ""),
                idempotency_key=request.POST.get("idempotency_key", ""),
            )
        except ValidationError as exc:
            errors = messages_of(exc)
            status = 400
        else:
            booking = result.booking
            if booking.status == "pending":
                messages.success(request, _("预约已提交，请等待社区审核。"))
            else:
                messages.success(request, _("预约成功。"))
            url = reverse("commons_portal:space", kwargs={"space_id": space.pk})
            return redirect(f"{url}?week={week_of_date(booking.starts_at).isoformat()}")
    monday = week_of(request) if chosen is None else week_of_date(chosen)
    return render(
        request,
        "commons/portal/space.html",
        {
            "space": space,
            "days": selectors.week_grid(space, monday, user),
            "monday": monday,
            "prev_week": monday - timedelta(days=7),
            "next_week": monday + timedelta(days=7),
            "chosen": chosen,
            "errors": errors,
            "form": request.POST if request.method == "POST" else {},
            "idempotency_key": request.POST.get("idempotency_key") or uuid.uuid4().hex,
        },
        status=status,
    )


def week_of_date(moment: Any) -> Any:
    from ..hours import local, week_start

    return week_start(local(moment).date())


@never_cache
@resident_required
@require_GET
def booking_list(request: HttpRequest) -> HttpResponse:
    bookings = selectors.own_bookings(request.user)[:100]
    return render(request, "commons/portal/bookings.html", {"bookings": list(bookings)})


@require_POST
@resident_required
@scoped_object("commons.Booking", "booking_id")
def booking_cancel(request: HttpRequest, booking_id: int) -> HttpResponse:
    booking = selectors.get_own_booking(request.user, booking_id)
    try:
        services.booking_cancel(actor=request.user, booking=booking)
    except ValidationError as exc:
        for texts in messages_of(exc).values():
            for text in texts:
                messages.error(request, text)
    else:
        messages.success(request, _("已取消预约。"))
    return redirect("commons_portal:bookings")


# --------------------------------------------------------------------------- mutual aid


@never_cache
@resident_required
@require_http_methods(["GET", "POST"])
def aid(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = AidPostForm(request.POST or None, auto_id="aid_%s")
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                services.aid_post_create(actor=user, **form.cleaned_data)
            except ValidationError as exc:
                put_errors(form, exc)
            else:
                messages.success(request, _("已发布，本社区居民可以看到。"))
                return redirect("commons_portal:aid")
    kind = request.GET.get("kind", "")
    category = request.GET.get("category", "")
    view = selectors.resident_aid_view(
        user,
        kind=kind if kind in AidKind.values else None,
        category=category if category in AidCategory.values else None,
    )
    return render(
        request,
        "commons/portal/aid.html",
        {
            "form": form,
            "view": view,
            "kinds": AidKind.choices,
            "categories": AidCategory.choices,
            "kind": kind,
        },
        status=status,
    )


def _aid_action(request: HttpRequest, action: Callable[[], Any], text: str) -> HttpResponse:
    try:
        action()
    except ValidationError as exc:
        for texts in messages_of(exc).values():
            for message in texts:
                messages.error(request, message)
    else:
        messages.success(request, text)
    return redirect("commons_portal:aid")


@require_POST
@resident_required
@scoped_object("commons.AidPost", "post_id")
def aid_respond(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.resident_aid_post_for(request.user, post_id)
    note = request.POST.get("note", "")
    return _aid_action(
        request,
        lambda: services.aid_respond(actor=request.user, post=post, note=note),
        _("已响应，社区确认后会通知双方。"),
    )


@require_POST
@resident_required
@scoped_object("commons.AidPost", "post_id")
def aid_close(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.resident_aid_post_for(request.user, post_id)
    return _aid_action(request, lambda: services.aid_post_close(actor=request.user, post=post), _("已关闭。"))


@require_POST
@resident_required
@scoped_object("commons.AidMatch", "match_id")
def aid_done(request: HttpRequest, match_id: int) -> HttpResponse:
    match = selectors.resident_aid_match_for(request.user, match_id)
    return _aid_action(
        request, lambda: services.aid_match_done(actor=request.user, match=match), _("已确认完成。")
    )


@require_POST
@resident_required
@scoped_object("commons.AidMatch", "match_id")
def aid_thanks(request: HttpRequest, match_id: int) -> HttpResponse:
    match = selectors.resident_aid_match_for(request.user, match_id)
    message = request.POST.get("message", "")
    public = request.POST.get("is_public") == "1"
    return _aid_action(
        request,
        lambda: services.aid_thanks_create(
            actor=request.user, match=match, message=message, is_public=public
        ),
        _("感谢留言已记录。"),
    )
