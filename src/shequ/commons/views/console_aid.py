"""Console pages for mutual aid: posts of the areas served, matching, moderation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from shequ.console.decorators import staff_required
from shequ.core.access import scoped_object

from .. import selectors, services
from ..access import moderates_area
from ..models import AidKind, AidMatchStatus, AidPostStatus
from ..selectors.aid import display_name
from .common import first_message

PAGE_SIZE = 50


@never_cache
@staff_required
@require_GET
def aid_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    qs = selectors.aid_posts_visible_to(user)
    status = request.GET.get("status", "")
    if status in AidPostStatus.values:
        qs = qs.filter(status=status)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for post in page.object_list:
        post.shown_name = display_name(post.author, None)
    open_posts = selectors.aid_posts_visible_to(user).filter(status=AidPostStatus.OPEN, is_hidden=False)
    proposed = selectors.aid_matches_visible_to(user).filter(status=AidMatchStatus.PROPOSED)[:50]
    return render(
        request,
        "commons/aid_list.html",
        {
            "page_obj": page,
            "status": status,
            "statuses": AidPostStatus.choices,
            "offers": list(open_posts.filter(kind=AidKind.OFFER)[:200]),
            "requests": list(open_posts.filter(kind=AidKind.REQUEST)[:200]),
            "proposed": list(proposed),
        },
    )


@never_cache
@staff_required
@require_GET
@scoped_object("commons.AidPost", "post_id")
def aid_detail(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.aid_post_for(request.user, post_id)
    post.shown_name = display_name(post.author, None)  # type: ignore[attr-defined]
    matches = selectors.aid_matches_visible_to(request.user).filter(
        offer=post
    ) | selectors.aid_matches_visible_to(request.user).filter(request=post)
    return render(
        request,
        "commons/aid_detail.html",
        {"post": post, "matches": list(matches), "moderates": moderates_area(request.user, post.area)},
    )


def _done(request: HttpRequest, action: Any, text: str, back: str) -> HttpResponse:
    try:
        action()
    except ValidationError as exc:
        messages.error(request, first_message(exc))
    else:
        messages.success(request, text)
    return redirect(back)


@staff_required
@require_POST
@scoped_object("commons.AidPost", "post_id")
def aid_hide(request: HttpRequest, post_id: int) -> HttpResponse:
    post = selectors.aid_post_for(request.user, post_id)
    reason = request.POST.get("reason", "")
    return _done(
        request,
        lambda: services.aid_post_hide(actor=request.user, post=post, reason=reason),
        _("已屏蔽该信息。"),
        reverse("commons:aid_post", kwargs={"post_id": post.pk}),
    )


@staff_required
@require_POST
def aid_match(request: HttpRequest) -> HttpResponse:
    visible = selectors.aid_posts_visible_to(request.user)
    offer_id, request_id = request.POST.get("offer", ""), request.POST.get("request", "")
    offer = visible.filter(pk=offer_id).first() if offer_id.isdigit() else None
    wanted = visible.filter(pk=request_id).first() if request_id.isdigit() else None
    if offer is None or wanted is None:
        messages.error(request, _("请选择一条“我能帮”和一条“我需要”信息。"))
        return redirect("commons:aid")
    note = request.POST.get("note", "")
    return _done(
        request,
        lambda: services.aid_match_create(actor=request.user, offer=offer, request=wanted, note=note),
        _("已完成对接，双方将收到短信通知。"),
        "commons:aid",
    )


@staff_required
@require_POST
@scoped_object("commons.AidMatch", "match_id")
def aid_match_confirm(request: HttpRequest, match_id: int) -> HttpResponse:
    match = selectors.aid_match_for(request.user, match_id)
    return _done(
        request,
        lambda: services.aid_match_confirm(actor=request.user, match=match),
        _("已确认对接，双方将收到短信通知。"),
        "commons:aid",
    )


@staff_required
@require_POST
@scoped_object("commons.AidMatch", "match_id")
def aid_match_decline(request: HttpRequest, match_id: int) -> HttpResponse:
    match = selectors.aid_match_for(request.user, match_id)
    reason = request.POST.get("reason", "")
    return _done(
        request,
        lambda: services.aid_match_decline(actor=request.user, match=match, reason=reason),
        _("已不予采纳。"),
        "commons:aid",
    )
