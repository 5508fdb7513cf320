"""Accounts API: who am I, the users an actor may see (masked), the audited reveal, and staff management.

Staff management (``core.manage_staff``): a staff account with its first post, more posts,
ending a post, deactivating and reactivating an account — all within the caller's areas.
An area or organisation id in a body that does not exist or lies outside the caller's
areas answers the same 400 on its field; a user or post outside them answers 404.
``PATCH /me`` lets anyone signed in complete their own name and identity document.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from ninja import Field, Path, Router, Schema, Status

from shequ.core.api import ERRORS
from shequ.core.models import Area, Organisation

from . import selectors, services
from .models import Post, User, UserKind

router = Router(tags=["accounts"])

SCOPED_USER = {"x-scoped-model": "accounts.User"}
#: Ending a post: the user is the scoped object (the post is then looked up among theirs).
SCOPED_USER_OF_POST = {"x-scoped-model": "accounts.User", "x-scoped-param": "user_id"}
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
UserIdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="用户编号")]
PostIdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="岗位编号")]


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
    id_doc_type: str
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
        id_doc_type=user.id_doc_type or "",
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


# --------------------------------------------------------------------------- staff management


class StaffCreateIn(Schema):
    username: str = Field(..., description="登录名（不超过150个字符）")
    display_name: str = Field(..., description="姓名（不超过50个字符）")
    password: str = Field(..., description="初始密码，须符合密码规则")
    phone: str | None = Field(None, description="11位手机号码")
    id_doc_type: str = Field("cn_id", description="证件类型，如 cn_id、passport")
    id_number: str | None = Field(None, description="证件号码")
    role: str = Field(..., description="岗位，如 community_worker、street_staff")
    area_id: Id | None = Field(None, description="岗位所在区域编号（单位岗位不填）")
    organisation_id: Id | None = Field(None, description="岗位所在单位编号（区域岗位不填）")
    title: str = Field("", description="职务")
    full_time: bool = True


class PostIn(Schema):
    role: str = Field(..., description="岗位")
    area_id: Id | None = None
    organisation_id: Id | None = None
    title: str = ""
    full_time: bool = True
    valid_from: date | None = Field(None, description="任职日期，默认今天")


class PostRecordOut(PostOut):
    title: str
    full_time: bool
    is_active: bool
    valid_from: date
    valid_to: date | None


class PostEndIn(Schema):
    valid_to: date | None = Field(None, description="离任日期，默认今天")
    reason: str = Field(..., description="事由")


class ReasonIn(Schema):
    reason: str = Field(..., description="事由")


class ProfileIn(Schema):
    display_name: str | None = Field(None, description="姓名")
    id_doc_type: str | None = Field(None, description="证件类型")
    id_number: str | None = Field(None, description="证件号码")


_BODY_FIELDS = {"area": "area_id", "organisation": "organisation_id"}


def _post_record(p: Post) -> PostRecordOut:
    return PostRecordOut(
        **_post_out(p).dict(),
        title=p.title,
        full_time=p.full_time,
        is_active=p.is_active,
        valid_from=p.valid_from,
        valid_to=p.valid_to,
    )


def _user_detail(actor: Any, user: User) -> UserDetailOut:
    people = selectors.demographics(user)
    return UserDetailOut(
        **_user_out(user),
        is_active=user.is_active,
        age=people.age,
        sex=people.sex,
        sex_label=people.sex_label,
        can_reveal=selectors.can_reveal(actor),
    )


def _place(
    actor: Any, area_id: int | None, organisation_id: int | None
) -> tuple[Area | None, Organisation | None, dict[str, str]]:
    """The area and organisation a body names, among the actor's areas (same 400 as unknown)."""
    errors: dict[str, str] = {}
    area = organisation = None
    if area_id is not None:
        area = selectors.post_area_for(actor, area_id)
        if area is None:
            errors["area_id"] = services.area_out_of_reach(area_id)
    if organisation_id is not None:
        organisation = selectors.organisation_for(actor, organisation_id)
        if organisation is None:
            errors["organisation_id"] = services.organisation_out_of_reach(organisation_id)
    return area, organisation, errors


def _as_body_errors(exc: ValidationError, first: dict[str, str]) -> ValidationError:
    """A service's field errors under the body's field names; ``first`` wins over them."""
    found: dict[str, list[str]] = {}
    if hasattr(exc, "error_dict"):
        for name, messages in exc.message_dict.items():
            found[_BODY_FIELDS.get(name, name)] = list(messages)
    else:
        found["__all__"] = list(exc.messages)
    for name, message in first.items():
        found[name] = [message]
    return ValidationError(found)


def _manager(request: HttpRequest) -> Any:
    actor = _staff_only(request)
    services.require_manage_staff(actor)
    return actor


@router.post("/users", response={201: UserDetailOut, **ERRORS}, summary="新增工作人员（账户及第一个岗位）")
def create_staff(request: HttpRequest, payload: StaffCreateIn) -> Status[UserDetailOut]:
    actor = _manager(request)
    area, organisation, errors = _place(actor, payload.area_id, payload.organisation_id)
    try:
        with transaction.atomic():
            user = services.staff_account_create(
                actor=actor,
                username=payload.username,
                display_name=payload.display_name,
                password=payload.password,
                phone=payload.phone,
                id_doc_type=payload.id_doc_type,
                id_number=payload.id_number,
                role=payload.role,
                area=area,
                organisation=organisation,
                title=payload.title,
                full_time=payload.full_time,
            )
            if errors:  # a place the caller may not name, even where the post needs none: undo
                raise ValidationError({})
    except ValidationError as exc:
        raise _as_body_errors(exc, errors) from exc
    return Status(201, _user_detail(actor, user))


@router.post(
    "/users/{user_id}/posts",
    response={201: PostRecordOut, **ERRORS},
    summary="为工作人员新增岗位",
    openapi_extra=SCOPED_USER,
)
def add_post(request: HttpRequest, user_id: UserIdPath, payload: PostIn) -> Status[PostRecordOut]:
    actor = _staff_only(request)
    user = selectors.staff_for(actor, user_id)
    services.require_manage_staff(actor)
    area, organisation, errors = _place(actor, payload.area_id, payload.organisation_id)
    try:
        with transaction.atomic():
            post = services.post_add(
                actor=actor,
                user=user,
                role=payload.role,
                area=area,
                organisation=organisation,
                title=payload.title,
                full_time=payload.full_time,
                valid_from=payload.valid_from,
            )
            if errors:
                raise ValidationError({})
    except ValidationError as exc:
        raise _as_body_errors(exc, errors) from exc
    return Status(201, _post_record(post))


@router.post(
    "/users/{user_id}/posts/{post_id}/end",
    response={200: PostRecordOut, **ERRORS},
    summary="结束岗位（岗位记录保留）",
    openapi_extra=SCOPED_USER_OF_POST,
)
def end_post(
    request: HttpRequest, user_id: UserIdPath, post_id: PostIdPath, payload: PostEndIn
) -> PostRecordOut:
    actor = _staff_only(request)
    user = selectors.staff_for(actor, user_id)
    post = selectors.post_for(actor, user, post_id)
    post = services.post_end(actor=actor, post=post, valid_to=payload.valid_to, reason=payload.reason)
    return _post_record(post)


@router.post(
    "/users/{user_id}/deactivate",
    response={200: UserDetailOut, **ERRORS},
    summary="停用工作人员账户",
    openapi_extra=SCOPED_USER,
)
def deactivate_staff(request: HttpRequest, user_id: UserIdPath, payload: ReasonIn) -> UserDetailOut:
    actor = _staff_only(request)
    user = selectors.staff_for(actor, user_id)
    user = services.staff_deactivate(actor=actor, user=user, reason=payload.reason)
    return _user_detail(actor, user)


@router.post(
    "/users/{user_id}/reactivate",
    response={200: UserDetailOut, **ERRORS},
    summary="重新启用工作人员账户",
    openapi_extra=SCOPED_USER,
)
def reactivate_staff(request: HttpRequest, user_id: UserIdPath, payload: ReasonIn) -> UserDetailOut:
    actor = _staff_only(request)
    user = selectors.staff_for(actor, user_id)
    user = services.staff_reactivate(actor=actor, user=user, reason=payload.reason)
    return _user_detail(actor, user)


@router.patch("/me", response={200: MeOut, **ERRORS}, summary="完善本人姓名和身份信息")
def update_me(request: HttpRequest, payload: ProfileIn) -> MeOut:
    user: Any = request.user
    services.profile_update(
        actor=user,
        display_name=payload.display_name,
        id_doc_type=payload.id_doc_type,
        id_number=payload.id_number,
    )
    return me(request)
