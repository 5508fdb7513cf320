"""Reads of mutual aid.  Staff on area posts see their areas' posts (hidden ones too);
residents see their own community's visible posts.  A phone is shown in full only to the
other side of a confirmed match; everywhere else it is masked, and names are masked too."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from shequ.core.access import get_or_404
from shequ.core.pii import mask_name

from ..access import is_resident, is_staff, staff_aid_q
from ..models import AidMatch, AidMatchStatus, AidPost, AidPostStatus, AidThanks

LIVE_MATCH = (AidMatchStatus.CONFIRMED, AidMatchStatus.COMPLETED)


def aid_posts_visible_to(user: Any) -> QuerySet[AidPost]:
    if is_staff(user):
        q = staff_aid_q(user)
    elif is_resident(user) and user.home_area_id is not None:
        q = Q(area_id=user.home_area_id) & (Q(is_hidden=False) | Q(author=user))
    else:
        q = Q(pk__in=[])
    return AidPost.objects.filter(q).select_related("area", "author")


def aid_post_for(user: Any, post_id: Any) -> AidPost:
    """A post for staff (console and API)."""
    qs = aid_posts_visible_to(user) if is_staff(user) else AidPost.objects.none()
    return get_or_404(qs, pk=post_id)


def resident_aid_post_for(user: Any, post_id: Any) -> AidPost:
    """A post for a resident of its community (portal)."""
    qs = aid_posts_visible_to(user) if is_resident(user) else AidPost.objects.none()
    return get_or_404(qs, pk=post_id)


def aid_matches_visible_to(user: Any) -> QuerySet[AidMatch]:
    if is_staff(user):
        q = staff_aid_q(user)
    elif is_resident(user):
        q = Q(offer__author=user) | Q(request__author=user)
    else:
        q = Q(pk__in=[])
    return AidMatch.objects.filter(q).select_related("area", "offer__author", "request__author")


def aid_match_for(user: Any, match_id: Any) -> AidMatch:
    """A match for staff (console and API)."""
    qs = aid_matches_visible_to(user) if is_staff(user) else AidMatch.objects.none()
    return get_or_404(qs, pk=match_id)


def resident_aid_match_for(user: Any, match_id: Any) -> AidMatch:
    """A match for one of its pair (portal)."""
    qs = aid_matches_visible_to(user) if is_resident(user) else AidMatch.objects.none()
    return get_or_404(qs, pk=match_id)


def public_thanks(area_id: int, limit: int = 10) -> list[AidThanks]:
    return list(
        AidThanks.objects.filter(is_public=True, match__area_id=area_id)
        .select_related("author", "match__offer", "match__request")
        .order_by("-created_at")[:limit]
    )


def display_name(user: Any, viewer_id: int | None) -> str:
    name = getattr(user, "display_name", "") or _("居民")
    return name if user.pk == viewer_id else mask_name(name)


@dataclass
class MatchView:
    match: AidMatch
    side: str
    counterpart_name: str
    counterpart_phone: str  # in full: this viewer is one of the pair and the match is confirmed
    my_done: bool
    other_done: bool
    thanked: bool


@dataclass
class AidView:
    posts: list[AidPost] = field(default_factory=list)
    matches: list[MatchView] = field(default_factory=list)
    thanks: list[AidThanks] = field(default_factory=list)


def resident_aid_view(user: Any, *, kind: str | None = None, category: str | None = None) -> AidView:
    """What a resident's mutual-aid page shows (a fixed number of queries)."""
    if not is_resident(user) or user.home_area_id is None:
        return AidView()
    posts = aid_posts_visible_to(user).filter(Q(status=AidPostStatus.OPEN) | Q(author=user))
    if kind:
        posts = posts.filter(kind=kind)
    if category:
        posts = posts.filter(category=category)
    post_list = list(posts[:100])
    for post in post_list:
        post.shown_name = display_name(post.author, user.pk)  # type: ignore[attr-defined]
        post.shown_phone = str(post.author.phone or "")  # type: ignore[attr-defined]  # masked
    matches = (
        aid_matches_visible_to(user)
        .exclude(status=AidMatchStatus.DECLINED)
        .prefetch_related(Prefetch("thanks", queryset=AidThanks.objects.filter(author=user), to_attr="mine"))
    )
    views: list[MatchView] = []
    for match in matches:
        side = match.side_of(user.pk) or "offer"
        other = match.request.author if side == "offer" else match.offer.author
        live = match.status in LIVE_MATCH
        phone = other.phone.plaintext_for_processing() if (live and other.phone) else str(other.phone or "")
        views.append(
            MatchView(
                match=match,
                side=side,
                counterpart_name=other.display_name if live else mask_name(other.display_name or _("居民")),
                counterpart_phone=phone,
                my_done=bool(match.offer_done_at if side == "offer" else match.request_done_at),
                other_done=bool(match.request_done_at if side == "offer" else match.offer_done_at),
                thanked=bool(match.mine),
            )
        )
    return AidView(posts=post_list, matches=views, thanks=public_thanks(user.home_area_id))
