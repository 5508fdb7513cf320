"""Mutual aid: residents post offers and requests; the community matches them; both sides
record completion; thanks; moderation.  Each write one audit entry."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shequ.core.audit import record
from shequ.core.models import AreaLevel

from ..access import is_resident, moderates_area
from ..models import AidCategory, AidKind, AidMatch, AidMatchStatus, AidPost, AidPostStatus, AidThanks
from . import common as c

COMMUNITY_LEVELS = (AreaLevel.COMMUNITY, AreaLevel.VILLAGE)


def _resident_community(actor: Any) -> Any:
    if not is_resident(actor) or actor.home_area is None or actor.home_area.level not in COMMUNITY_LEVELS:
        raise ValidationError({"area": _("请先在“我的”中确认所在社区，再参与邻里互助。")})
    return actor.home_area


@transaction.atomic
def aid_post_create(*, actor: Any, kind: str, category: str, title: str, body: str = "") -> AidPost:
    area = _resident_community(actor)
    errors: c.Errors = {}
    kind = c.choice(errors, "kind", kind, AidKind)
    category = c.choice(errors, "category", category, AidCategory)
    title = c.text(errors, "title", title, max_length=60, required=True)
    body = c.text(errors, "body", body, max_length=500)
    c.raise_if(errors)
    post = AidPost.objects.create(
        area=area, author=actor, kind=kind, category=category, title=title, body=body
    )
    record(
        actor=actor,
        action="commons.aid.post",
        obj=post,
        changes={"kind": kind, "category": category, "title": title},
    )
    return post


@transaction.atomic
def aid_post_close(*, actor: Any, post: AidPost) -> AidPost:
    post = AidPost.objects.select_for_update().get(pk=post.pk)
    if post.author_id != getattr(actor, "pk", None):
        raise ValidationError({"post": _("只能关闭自己发布的信息。")})
    if post.status != AidPostStatus.OPEN:
        raise ValidationError({"post": _("只有待对接的信息可以关闭。")})
    post.status = AidPostStatus.CLOSED
    post.save(update_fields=["status", "updated_at"])
    AidMatch.objects.filter(status=AidMatchStatus.PROPOSED).filter(offer=post).update(
        status=AidMatchStatus.DECLINED
    )
    AidMatch.objects.filter(status=AidMatchStatus.PROPOSED).filter(request=post).update(
        status=AidMatchStatus.DECLINED
    )
    record(
        actor=actor,
        action="commons.aid.close",
        obj=post,
        changes={"status": [AidPostStatus.OPEN, post.status]},
    )
    return post


def _open(post: AidPost, field: str, errors: c.Errors) -> None:
    if post.is_hidden or post.status != AidPostStatus.OPEN:
        errors.setdefault(field, _("该信息已对接、已关闭或已被屏蔽。"))


@transaction.atomic
def aid_respond(*, actor: Any, post: AidPost, note: str = "") -> AidMatch:
    """A resident answers a post: their answer becomes a post of the other kind, and a match
    proposed to the community, which confirms it."""
    area = _resident_community(actor)
    post = AidPost.objects.select_for_update().get(pk=post.pk)
    errors: c.Errors = {}
    note = c.text(errors, "note", note, max_length=200)
    if post.area_id != area.pk:
        errors["post"] = _("只能响应本社区的互助信息。")
    elif post.author_id == actor.pk:
        errors["post"] = _("不能响应自己发布的信息。")
    else:
        _open(post, "post", errors)
        already = AidMatch.objects.filter(status=AidMatchStatus.PROPOSED)
        if post.kind == AidKind.OFFER:
            already = already.filter(offer=post, request__author=actor)
        else:
            already = already.filter(request=post, offer__author=actor)
        if already.exists():
            errors["post"] = _("您已响应过该信息，请等待社区确认。")
    c.raise_if(errors)
    counterpart = AidPost.objects.create(
        area=area,
        author=actor,
        kind=AidKind.REQUEST if post.kind == AidKind.OFFER else AidKind.OFFER,
        category=post.category,
        title=(_("响应：%(title)s") % {"title": post.title})[:60],
        body=note,
    )
    offer, request = (post, counterpart) if post.kind == AidKind.OFFER else (counterpart, post)
    match = AidMatch.objects.create(
        area=area, offer=offer, request=request, status=AidMatchStatus.PROPOSED, note=note, proposed_by=actor
    )
    record(
        actor=actor,
        action="commons.aid.respond",
        obj=match,
        changes={"post": post, "counterpart": counterpart, "note": note},
    )
    return match


def _confirm(actor: Any, match: AidMatch) -> AidMatch:
    now = timezone.now()
    try:
        with transaction.atomic():
            match.status = AidMatchStatus.CONFIRMED
            match.confirmed_by = actor
            match.confirmed_at = now
            match.save(update_fields=["status", "confirmed_by", "confirmed_at"])
    except IntegrityError as exc:
        raise ValidationError({"match": _("该信息已与他人对接。")}) from exc
    for post in (match.offer, match.request):
        post.status = AidPostStatus.MATCHED
        post.save(update_fields=["status", "updated_at"])
    AidMatch.objects.filter(status=AidMatchStatus.PROPOSED).exclude(pk=match.pk).filter(
        offer=match.offer
    ).update(status=AidMatchStatus.DECLINED)
    AidMatch.objects.filter(status=AidMatchStatus.PROPOSED).exclude(pk=match.pk).filter(
        request=match.request
    ).update(status=AidMatchStatus.DECLINED)
    text = _("社区已为您对接邻里互助“%(title)s”，对方联系电话：%(phone)s。")
    c.notify(
        match.offer.author, text % {"title": match.request.title, "phone": c.phone_of(match.request.author)}
    )
    c.notify(
        match.request.author, text % {"title": match.offer.title, "phone": c.phone_of(match.offer.author)}
    )
    return match


def _moderator(actor: Any, area: Any) -> None:
    if not moderates_area(actor, area):
        raise ValidationError({"area": _("您没有管理该社区邻里互助的权限。")})


@transaction.atomic
def aid_match_create(*, actor: Any, offer: AidPost, request: AidPost, note: str = "") -> AidMatch:
    """The community pairs an offer with a request (confirmed at once)."""
    posts = {p.pk: p for p in AidPost.objects.select_for_update().filter(pk__in=[offer.pk, request.pk])}
    offer, request = posts[offer.pk], posts[request.pk]
    _moderator(actor, offer.area)
    errors: c.Errors = {}
    note = c.text(errors, "note", note, max_length=200)
    if offer.kind != AidKind.OFFER:
        errors["offer_id"] = _("请选择一条“我能帮”信息。")
    if request.kind != AidKind.REQUEST:
        errors["request_id"] = _("请选择一条“我需要”信息。")
    if offer.area_id != request.area_id:
        errors["request_id"] = _("只能对接同一社区的信息。")
    if offer.author_id == request.author_id:
        errors["request_id"] = _("不能对接同一人发布的信息。")
    _open(offer, "offer_id", errors)
    _open(request, "request_id", errors)
    c.raise_if(errors)
    match = AidMatch.objects.create(
        area=offer.area,
        offer=offer,
        request=request,
        status=AidMatchStatus.PROPOSED,
        note=note,
        proposed_by=actor,
    )
    _confirm(actor, match)
    record(actor=actor, action="commons.aid.match", obj=match, changes={"offer": offer, "request": request})
    return match


def _locked_match(match: AidMatch) -> AidMatch:
    return (
        AidMatch.objects.select_for_update()
        .select_related("offer__author", "request__author", "area")
        .get(pk=match.pk)
    )


@transaction.atomic
def aid_match_confirm(*, actor: Any, match: AidMatch) -> AidMatch:
    match = _locked_match(match)
    _moderator(actor, match.area)
    errors: c.Errors = {}
    if match.status != AidMatchStatus.PROPOSED:
        errors["match"] = _("只有待确认的对接可以确认。")
    else:
        _open(match.offer, "match", errors)
        _open(match.request, "match", errors)
    c.raise_if(errors)
    _confirm(actor, match)
    record(
        actor=actor, action="commons.aid.confirm", obj=match, changes={"status": ["proposed", "confirmed"]}
    )
    return match


@transaction.atomic
def aid_match_decline(*, actor: Any, match: AidMatch, reason: str) -> AidMatch:
    match = _locked_match(match)
    _moderator(actor, match.area)
    errors: c.Errors = {}
    reason = c.text(errors, "reason", reason, max_length=200, required=True)
    if match.status != AidMatchStatus.PROPOSED:
        errors["match"] = _("只有待确认的对接可以不予采纳。")
    c.raise_if(errors)
    match.status = AidMatchStatus.DECLINED
    match.save(update_fields=["status"])
    record(actor=actor, action="commons.aid.decline", obj=match, reason=reason)
    return match


@transaction.atomic
def aid_match_done(*, actor: Any, match: AidMatch) -> AidMatch:
    """One side of the pair records that the help was given; with both, the match is complete."""
    match = _locked_match(match)
    side = match.side_of(getattr(actor, "pk", None))
    if side is None:
        raise ValidationError({"match": _("只有对接双方可以确认完成。")})
    if match.status != AidMatchStatus.CONFIRMED:
        raise ValidationError({"match": _("该对接尚未确认或已经完成。")})
    now = timezone.now()
    field = "offer_done_at" if side == "offer" else "request_done_at"
    if getattr(match, field) is not None:
        raise ValidationError({"match": _("您已确认完成，请等待对方确认。")})
    setattr(match, field, now)
    fields = [field]
    if match.offer_done_at and match.request_done_at:
        match.status = AidMatchStatus.COMPLETED
        match.completed_at = now
        fields += ["status", "completed_at"]
        for post in (match.offer, match.request):
            post.status = AidPostStatus.COMPLETED
            post.save(update_fields=["status", "updated_at"])
    match.save(update_fields=fields)
    record(actor=actor, action="commons.aid.done", obj=match, changes={"side": side, "status": match.status})
    return match


@transaction.atomic
def aid_thanks_create(*, actor: Any, match: AidMatch, message: str, is_public: bool = False) -> AidThanks:
    match = _locked_match(match)
    errors: c.Errors = {}
    if match.side_of(getattr(actor, "pk", None)) is None:
        raise ValidationError({"match": _("只有对接双方可以留言感谢。")})
    if match.status not in (AidMatchStatus.CONFIRMED, AidMatchStatus.COMPLETED):
        errors["match"] = _("对接确认后才能留言感谢。")
    message = c.text(errors, "message", message, max_length=200, required=True)
    if not errors and AidThanks.objects.filter(match=match, author=actor).exists():
        errors["message"] = _("您已经留过言了。")
    c.raise_if(errors)
    thanks = AidThanks.objects.create(match=match, author=actor, message=message, is_public=bool(is_public))
    record(
        actor=actor,
        action="commons.aid.thanks",
        obj=thanks,
        area=match.area,
        changes={"message": message, "is_public": bool(is_public)},
    )
    return thanks


@transaction.atomic
def aid_post_hide(*, actor: Any, post: AidPost, reason: str) -> AidPost:
    post = AidPost.objects.select_for_update().select_related("area").get(pk=post.pk)
    _moderator(actor, post.area)
    errors: c.Errors = {}
    reason = c.text(errors, "reason", reason, max_length=200, required=True)
    if post.is_hidden:
        errors["post"] = _("该信息已被屏蔽。")
    c.raise_if(errors)
    post.is_hidden = True
    post.hidden_reason = reason
    post.hidden_by = actor
    post.hidden_at = timezone.now()
    post.save(update_fields=["is_hidden", "hidden_reason", "hidden_by", "hidden_at", "updated_at"])
    AidMatch.objects.filter(status=AidMatchStatus.PROPOSED).filter(offer=post).update(
        status=AidMatchStatus.DECLINED
    )
    AidMatch.objects.filter(status=AidMatchStatus.PROPOSED).filter(request=post).update(
        status=AidMatchStatus.DECLINED
    )
    record(
        actor=actor, action="commons.aid.hide", obj=post, changes={"is_hidden": [False, True]}, reason=reason
    )
    return post
