"""Reads of users, always scoped to the acting user.

A staff member sees the staff whose current posts sit in their areas (or in an
organisation based there) and the residents whose community lies in their areas.
Residents see no other users.  Personal data leaves here sealed: callers print masks,
and plaintext only comes out of :func:`reveal_user_field`, which is audited.
"""

from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shequ.core.access import area_q, get_or_404, scope_of
from shequ.core.held import HeldLookups
from shequ.core.models import Area, Organisation
from shequ.core.pii import IdDocType, PIIKind, Sealed, lookup_candidates, parse_citizen_id, reveal

from .models import ApiToken, Post, User, UserKind

#: The fields a user page may reveal, with their labels.
REVEALABLE_FIELDS: dict[str, Any] = {
    "phone": gettext_lazy("手机号码"),
    "id_number": gettext_lazy("证件号码"),
}

#: Document types whose number carries a birth date and sex (GB 11643 layout).
_DATED_DOCUMENTS = {IdDocType.CITIZEN_ID, IdDocType.HK_MO_TW_RESIDENCE, ""}

MAX_LIMIT = 200


def current_posts_qs() -> QuerySet[Post]:
    today = timezone.localdate()
    return (
        Post.objects.filter(is_active=True, valid_from__lte=today)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
        .select_related("area", "organisation")
        .order_by("id")
    )


def pending_login_user(user_id: Any) -> User | None:
    """The active staff account a half-finished login (password checked, TOTP to come) names.

    Nobody is logged in yet, so there is no actor to scope by: the id comes from the server-side
    session that the password step wrote, never from the request.
    """
    try:
        pk = int(user_id or 0)
    except (TypeError, ValueError):
        return None
    return User.objects.filter(pk=pk, kind=UserKind.STAFF, is_active=True).first()


def api_token_by_digest(key_digest: str) -> ApiToken | None:
    """The unrevoked token of an active user with this digest (expiry is the caller's to check).

    The bearer is not known until the token is, so there is no actor to scope by.  Each process
    holds what it found for a few seconds (:mod:`shequ.core.held`).
    """
    return HELD_TOKENS.get(key_digest)


def _load_token(key_digest: str) -> ApiToken | None:
    found = list(
        ApiToken.objects.select_related("user").filter(
            key_digest=key_digest, revoked_at__isnull=True, user__is_active=True
        )[:1]
    )  # the digest is unique: no ordering needed
    return found[0] if found else None


def _own_copy(token: ApiToken) -> ApiToken:
    mine = copy.copy(token)
    mine.user = copy.copy(token.user)
    return mine


HELD_TOKENS = HeldLookups("api-tokens", _load_token, _own_copy)


def users_visible_to(actor: Any) -> QuerySet[User]:
    """Every user ``actor`` may see; nothing for residents and anonymous visitors."""
    if actor is None or not getattr(actor, "is_authenticated", False) or actor.kind != UserKind.STAFF:
        return User.objects.none()
    scope = scope_of(actor)
    if scope.everything:
        return User.objects.all()
    if scope.empty:
        return User.objects.none()
    posts_here = current_posts_qs().filter(area_q(actor, "area") | area_q(actor, "organisation__home_area"))
    return User.objects.filter(
        Q(kind=UserKind.STAFF, pk__in=posts_here.values("user_id"))
        | (Q(kind=UserKind.RESIDENT) & area_q(actor, "home_area"))
    )


def _with_related(qs: QuerySet[User]) -> QuerySet[User]:
    return qs.select_related("home_area").prefetch_related(
        Prefetch("posts", queryset=current_posts_qs(), to_attr="listed_posts")
    )


def _looks_like_a_number(q: str) -> bool:
    return len(re.sub(r"[^0-9Xx]", "", q)) >= 7


def user_list(actor: Any, *, kind: str | None = None, q: str | None = None) -> QuerySet[User]:
    """Users ``actor`` may see, filtered, with home areas and current posts loaded."""
    errors: dict[str, str] = {}
    if kind and kind not in UserKind.values:
        errors["kind"] = _("账户类型只能是“工作人员”（staff）或“居民”（resident）。")
    if q is not None and len(q) > 100:
        errors["q"] = _("搜索词不能超过100个字符。")
    if errors:
        raise ValidationError(errors)
    qs = users_visible_to(actor)
    if kind:
        qs = qs.filter(kind=kind)
    q = (q or "").strip()
    if q:
        match = Q(display_name__icontains=q) | Q(username__icontains=q)
        if _looks_like_a_number(q):
            # A full phone or ID number finds its owner through the look-up digests.
            match |= Q(phone_digest__in=lookup_candidates(PIIKind.PHONE, q))
            match |= Q(id_number_digest__in=lookup_candidates(PIIKind.ID_NUMBER, q))
        qs = qs.filter(match)
    return _with_related(qs).order_by("kind", "username", "pk")


def check_page(limit: int, offset: int) -> None:
    errors: dict[str, str] = {}
    if not 1 <= limit <= MAX_LIMIT:
        errors["limit"] = _("每页条数须在1至%(max)d之间。") % {"max": MAX_LIMIT}
    if offset < 0:
        errors["offset"] = _("起始位置不能小于0。")
    if errors:
        raise ValidationError(errors)


def user_for(actor: Any, user_id: Any) -> User:
    """One user ``actor`` may see, else 404."""
    return get_or_404(_with_related(users_visible_to(actor)), pk=user_id)


# --------------------------------------------------------------------------- presentation


@dataclass(frozen=True)
class Demographics:
    """What a page may show next to a masked ID: an age, never a birth date."""

    age: int | None
    sex: str | None  # "M" / "F"

    @property
    def sex_label(self) -> str:
        return {"M": _("男"), "F": _("女")}.get(self.sex or "", "")


def demographics(user: User, *, today: date | None = None) -> Demographics:
    value = user.id_number
    if not isinstance(value, Sealed) or (user.id_doc_type or "") not in _DATED_DOCUMENTS:
        return Demographics(age=None, sex=None)
    today = today or timezone.localdate()
    try:
        parsed = parse_citizen_id(value.plaintext_for_processing(), today=today)
    except ValidationError:
        return Demographics(age=None, sex=None)
    return Demographics(age=parsed.age_on(today), sex=parsed.sex)


def masked(value: Any) -> str:
    return str(value) if isinstance(value, Sealed) else ""


def listed_posts(user: User) -> list[Post]:
    posts = getattr(user, "listed_posts", None)
    return list(posts) if posts is not None else list(current_posts_qs().filter(user=user))


def user_area(user: User) -> Area | None:
    """The area a user belongs to, for filing audit entries about them."""
    if user.home_area_id:
        return user.home_area
    for post in listed_posts(user):
        if post.area is not None:
            return post.area
        if post.organisation is not None:
            return post.organisation.home_area
    return None


def can_reveal(actor: Any) -> bool:
    from shequ.core.pii import REVEAL_PERMISSION

    return bool(actor.has_perm(REVEAL_PERMISSION))


# --------------------------------------------------------------------------- audited reveal


@transaction.atomic
def reveal_user_field(*, actor: Any, user: User, field: str, reason: str) -> str:
    """The plaintext of one of ``user``'s protected fields, with one audit entry.

    ``user`` must come from :func:`user_for` (scoped to ``actor``).  Raises
    ``ValidationError`` for an unknown field or a missing reason, ``PermissionDenied``
    when the actor may not reveal personal data.
    """
    if field not in REVEALABLE_FIELDS:
        raise ValidationError({"field": _("只能查看手机号码或证件号码。")})
    if getattr(user, field) is None:
        raise ValidationError({"field": _("该用户没有登记此项信息。")})
    return reveal(actor=actor, obj=user, field=field, reason=reason, area=user_area(user))


# --------------------------------------------------------------------------- staff management


def can_manage_staff(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and actor.has_perm("core.manage_staff"))


def staff_for(actor: Any, user_id: Any) -> User:
    """One staff member ``actor`` may see, else 404 (a resident's id is a 404 too)."""
    return get_or_404(_with_related(users_visible_to(actor).filter(kind=UserKind.STAFF)), pk=user_id)


def post_for(actor: Any, user: User, post_id: Any) -> Post:
    """One of ``user``'s posts (current or ended); ``user`` comes from :func:`staff_for`."""
    qs = Post.objects.filter(user=user).select_related("area", "organisation", "organisation__home_area")
    return get_or_404(qs, pk=post_id)


def ended_posts(user: User, *, limit: int = 20) -> list[Post]:
    """The posts a staff member no longer holds, latest first."""
    today = timezone.localdate()
    return list(
        Post.objects.filter(user=user)
        .filter(Q(is_active=False) | Q(valid_to__lt=today))
        .select_related("area", "organisation")
        .order_by("-valid_to", "-id")[:limit]
    )


def post_area_for(actor: Any, area_id: Any) -> Area | None:
    """A current area ``actor`` may set up posts on, or None — whether it exists elsewhere or not."""
    try:
        pk = int(area_id)
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**63:
        return None
    return Area.objects.current().filter(area_q(actor, "", write=True), pk=pk).first()


def organisation_for(actor: Any, organisation_id: Any) -> Organisation | None:
    """An active organisation based in ``actor``'s areas, or None (unknown and elsewhere alike)."""
    try:
        pk = int(organisation_id)
    except (TypeError, ValueError):
        return None
    if not 0 < pk < 2**63:
        return None
    return (
        Organisation.objects.filter(area_q(actor, "home_area", write=True), is_active=True, pk=pk)
        .select_related("home_area")
        .first()
    )


def organisation_choices(actor: Any, *, limit: int = 500) -> list[Organisation]:
    """Active organisations based in ``actor``'s areas, for a menu."""
    return list(
        Organisation.objects.filter(area_q(actor, "home_area", write=True), is_active=True)
        .order_by("home_area__path", "name")
        .only("pk", "name")[:limit]
    )
