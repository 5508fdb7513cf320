"""Accounts API: who am I, the users an actor may see (masked), and the audited reveal."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import Router, Schema

from . import selectors
from .models import Post, User, UserKind

router = Router(tags=["accounts"])

SCOPED_USER = {"x-scoped-model": "accounts.User"}


class PostOut(Schema):
    id: int
    role: str
    role_label: str
    area_id: int | None
    organisation_id: int | None
    scope_label: str


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    kind: str
    phone_masked: str
    id_number_masked: str
    posts: list[PostOut]


def _post_out(p: Post) -> PostOut:
    return PostOut(
        id=p.pk,
        role=p.role,
        role_label=str(p.get_role_display()),
        area_id=p.area_id,
        organisation_id=p.organisation_id,
        scope_label=p.scope_label,
    )


@router.get("/me", response=MeOut, summary="当前用户")
def me(request: HttpRequest) -> MeOut:
    user: Any = request.user
    return MeOut(
        id=user.pk,
        username=user.username,
        display_name=user.display_name,
        kind=user.kind,
        phone_masked=str(user.phone or ""),
        id_number_masked=str(user.id_number or ""),
        posts=[_post_out(p) for p in user.active_posts()],
    )


# --------------------------------------------------------------------------- users


class UserOut(Schema):
    id: int
    username: str
    display_name: str
    kind: str
    kind_label: str
    phone_masked: str
    id_doc_type: str
    id_doc_type_label: str
    id_number_masked: str
    home_area_id: int | None
    home_area_name: str | None
    posts: list[PostOut]


class UserPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[UserOut]


class UserDetailOut(UserOut):
    is_active: bool
    age: int | None
    sex: str | None
    sex_label: str
    can_reveal: bool


class RevealIn(Schema):
    field: str = ""
    reason: str = ""


class RevealOut(Schema):
    field: str
    value: str


def _user_out(user: User) -> dict[str, Any]:
    return {
        "id": user.pk,
        "username": user.username,
        "display_name": user.display_name,
        "kind": user.kind,
        "kind_label": str(user.get_kind_display()),
        "phone_masked": selectors.masked(user.phone),
        "id_doc_type": user.id_doc_type,
        "id_doc_type_label": str(user.get_id_doc_type_display()) if user.id_doc_type else "",
        "id_number_masked": selectors.masked(user.id_number),
        "home_area_id": user.home_area_id,
        "home_area_name": user.home_area.name if user.home_area_id and user.home_area else None,
        "posts": [_post_out(p) for p in selectors.listed_posts(user)],
    }


def _staff_only(request: HttpRequest) -> Any:
    user: Any = request.user
    if getattr(user, "kind", "") != UserKind.STAFF:
        raise Http404
    return user


@router.get("/users", response=UserPage, summary="可见用户列表（信息已脱敏）")
def list_users(
    request: HttpRequest, kind: str | None = None, q: str | None = None, limit: int = 50, offset: int = 0
) -> UserPage:
    actor = _staff_only(request)
    selectors.check_page(limit, offset)
    qs = selectors.user_list(actor, kind=kind, q=q)
    items = [UserOut(**_user_out(u)) for u in qs[offset : offset + limit]]
    return UserPage(count=qs.count(), limit=limit, offset=offset, items=items)


@router.get(
    "/users/{user_id}", response=UserDetailOut, summary="用户详情（信息已脱敏）", openapi_extra=SCOPED_USER
)
def get_user(request: HttpRequest, user_id: int) -> UserDetailOut:
    actor = _staff_only(request)
    user = selectors.user_for(actor, user_id)
    people = selectors.demographics(user)
    return UserDetailOut(
        **_user_out(user),
        is_active=user.is_active,
        age=people.age,
        sex=people.sex,
        sex_label=people.sex_label,
        can_reveal=selectors.can_reveal(actor),
    )


@router.post(
    "/users/{user_id}/reveal",
    response=RevealOut,
    summary="查看完整个人信息（须填写事由，留审计记录）",
    openapi_extra=SCOPED_USER,
)
def reveal_user_field(
    request: HttpRequest, response: HttpResponse, user_id: int, payload: RevealIn
) -> RevealOut:
    actor = _staff_only(request)
    user = selectors.user_for(actor, user_id)
    value = selectors.reveal_user_field(actor=actor, user=user, field=payload.field, reason=payload.reason)
    response["Cache-Control"] = "no-store"
    return RevealOut(field=payload.field, value=value)
