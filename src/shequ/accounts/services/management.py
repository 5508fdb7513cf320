"""Managing staff in served areas: accounts with their first post, posts, (de)activation."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from shequ.core.access import can_write, scope_of
from shequ.core.audit import diff, record
from shequ.core.models import Area, Organisation
from shequ.core.pii import IdDocType, PIIKind, lookup_candidates, validate_id_document

from ..models import Post, User, UserKind
from ..roles import Role
from .staff import _CONTROL_RE, _new_post, _new_staff_user, _post_shape_errors

MANAGE_STAFF = "core.manage_staff"

#: Who may set up (or end) a post of each administrative role, by the roles the actor holds.
_ADMIN_GRANTORS: dict[str, frozenset[str]] = {
    Role.DISTRICT_ADMIN: frozenset({Role.DISTRICT_ADMIN, Role.CITY_ADMIN, Role.SYSTEM_ADMIN}),
    Role.CITY_ADMIN: frozenset({Role.CITY_ADMIN, Role.SYSTEM_ADMIN}),
    Role.SYSTEM_ADMIN: frozenset({Role.SYSTEM_ADMIN}),
}


def area_out_of_reach(area_id: Any) -> str:
    """The answer for an area id that does not exist or lies outside the actor's areas (the same)."""
    return _("编号为%(id)s的区域不存在或不在您的管辖范围内。") % {"id": area_id}


def organisation_out_of_reach(organisation_id: Any) -> str:
    return _("编号为%(id)s的单位不存在或不在您的管辖范围内。") % {"id": organisation_id}


def require_manage_staff(actor: Any) -> None:
    if not getattr(actor, "is_authenticated", False) or not actor.has_perm(MANAGE_STAFF):
        raise PermissionDenied(_("您的岗位没有管理工作人员的权限。"))


def _actor_roles(actor: Any) -> set[str]:
    posts = actor.current_posts()
    roles = {p.role for p in posts}
    if actor.is_superuser and not posts:
        roles.add(Role.SYSTEM_ADMIN)
    return roles


def _authority_errors(
    actor: Any, role: str, area: Area | None, organisation: Organisation | None
) -> dict[str, str]:
    """What stops ``actor`` from setting up (or ending) a post of ``role`` there, by field."""
    errors: dict[str, str] = {}
    grantors = _ADMIN_GRANTORS.get(role)
    if grantors is not None and not (_actor_roles(actor) & grantors):
        errors["role"] = _("您的岗位不能设立或结束“%(role)s”岗位。") % {"role": Role(role).label}
    if area is not None and (not can_write(actor, area) or not area.is_current):
        errors["area"] = area_out_of_reach(area.pk)
    if organisation is not None and (
        not organisation.is_active or not can_write(actor, organisation.home_area)
    ):
        errors["organisation"] = organisation_out_of_reach(organisation.pk)
    return errors


def _post_place(post: Post) -> Area | None:
    if post.area is not None:
        return post.area
    if post.organisation is not None:
        return post.organisation.home_area
    return None


def _may_manage_post(actor: Any, post: Post) -> bool:
    return not _authority_errors(actor, post.role, post.area, post.organisation)


def _id_number_taken(kind: str, doc_type: str, number: str | None, *, exclude_pk: int | None = None) -> bool:
    if not number:
        return False
    qs = User.objects.filter(kind=kind, id_number_digest__in=lookup_candidates(PIIKind.ID_NUMBER, number))
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


def _text_errors(field: str, value: str, *, required: bool, limit: int, label: str) -> dict[str, str]:
    if _CONTROL_RE.search(value or ""):
        return {field: _("不能包含控制字符。")}
    if required and not (value or "").strip():
        return {field: _("请填写%(label)s。") % {"label": label}}
    if len(value or "") > limit:
        return {field: _("%(label)s不能超过%(n)d个字符。") % {"label": label, "n": limit}}
    return {}


@transaction.atomic
def staff_account_create(
    *,
    actor: Any,
    username: str,
    display_name: str,
    password: str,
    phone: str | None = None,
    id_doc_type: str,
    id_number: str | None = None,
    role: str,
    area: Area | None = None,
    organisation: Organisation | None = None,
    title: str = "",
    full_time: bool = True,
) -> User:
    """A staff account and its first post, in one go, in the actor's areas."""
    require_manage_staff(actor)
    errors = _post_shape_errors(role, area, organisation)
    if role in Role.values:
        errors = {**_authority_errors(actor, role, area, organisation), **errors}
    errors.update(_text_errors("title", title or "", required=False, limit=60, label=_("职务")))
    if not password:
        errors["password"] = _("请设置初始密码。")
    if id_doc_type and id_doc_type not in IdDocType.values:
        errors["id_doc_type"] = _("未知的证件类型。")
    elif id_number:
        try:
            number = validate_id_document(id_doc_type, id_number)
        except ValidationError as exc:
            errors["id_number"] = exc.messages[0]
        else:
            if _id_number_taken(UserKind.STAFF, id_doc_type, number):
                errors["id_number"] = _("该证件号码已登记在其他工作人员账户上。")
    user = _new_staff_user(
        username=username,
        display_name=display_name,
        password=password,
        phone=phone,
        id_doc_type=id_doc_type,
        id_number=id_number,
        is_demo=False,
        errors=errors,
    )
    post = _new_post(
        user=user,
        role=role,
        area=area,
        organisation=organisation,
        title=title or "",
        full_time=full_time,
        valid_from=None,
    )
    record(
        actor=actor,
        action="staff.create",
        obj=user,
        area=_post_place(post),
        changes={
            "username": user.username,
            "display_name": user.display_name,
            "phone": user.phone,
            "id_doc_type": user.id_doc_type if user.id_number else "",
            "id_number": user.id_number,
            "post": {"id": post.pk, "role": role, "area": area, "organisation": organisation},
        },
    )
    return user


@transaction.atomic
def post_add(
    *,
    actor: Any,
    user: User,
    role: str,
    area: Area | None = None,
    organisation: Organisation | None = None,
    title: str = "",
    full_time: bool = True,
    valid_from: date | None = None,
) -> Post:
    """Another post for a staff member (``user`` comes from a selector scoped to ``actor``)."""
    require_manage_staff(actor)
    if user.kind != UserKind.STAFF:
        raise ValidationError({"user": _("居民账户不能担任工作岗位。")})
    errors = _post_shape_errors(role, area, organisation)
    if role in Role.values:
        errors = {**_authority_errors(actor, role, area, organisation), **errors}
    errors.update(_text_errors("title", title or "", required=False, limit=60, label=_("职务")))
    if not errors:
        today = timezone.localdate()
        same = (
            Post.objects.filter(user=user, role=role, area=area, organisation=organisation, is_active=True)
            .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today))
            .exists()
        )
        if same:
            errors["role"] = _("该人员已在此处担任这一岗位。")
    if errors:
        raise ValidationError(errors)
    post = _new_post(
        user=user,
        role=role,
        area=area,
        organisation=organisation,
        title=title or "",
        full_time=full_time,
        valid_from=valid_from,
    )
    record(
        actor=actor,
        action="post.assign",
        obj=post,
        area=_post_place(post),
        changes={"role": role, "user": user.username, "title": post.title, "valid_from": post.valid_from},
    )
    return post


@transaction.atomic
def post_end(*, actor: Any, post: Post, valid_to: date | None, reason: str) -> Post:
    """End a post (posts are kept, with the day they ended); from today on it grants nothing."""
    require_manage_staff(actor)
    if not _may_manage_post(actor, post):
        raise PermissionDenied(_("该岗位不在您的管辖范围内。"))
    today = timezone.localdate()
    errors = _text_errors("reason", reason or "", required=True, limit=500, label=_("事由"))
    if post.user_id == actor.pk:
        errors["__all__"] = _("不能结束自己的岗位，请由上级管理员办理。")
    if not post.is_active or (post.valid_to is not None and post.valid_to < today):
        errors["__all__"] = _("该岗位已经结束。")
    valid_to = valid_to or today
    if valid_to < post.valid_from:
        errors["valid_to"] = _("离任日期不能早于任职日期（%(day)s）。") % {"day": post.valid_from.isoformat()}
    elif valid_to > today:
        errors["valid_to"] = _("离任日期不能晚于今天。")
    if errors:
        raise ValidationError(errors)
    post = Post.objects.select_for_update().get(pk=post.pk)
    before = {"valid_to": post.valid_to, "is_active": post.is_active}
    post.valid_to = valid_to
    post.is_active = False
    post.save(update_fields=["valid_to", "is_active"])
    record(
        actor=actor,
        action="post.end",
        obj=post,
        area=_post_place(post),
        changes=diff(before, {"valid_to": post.valid_to, "is_active": post.is_active}),
        reason=reason.strip(),
    )
    return post


def _require_authority_over(actor: Any, user: User, message: str) -> None:
    require_manage_staff(actor)
    if user.kind != UserKind.STAFF:
        raise ValidationError({"user": _("只能停用或启用工作人员账户。")})
    if user.pk == actor.pk:
        raise ValidationError({"user": _("不能停用或启用自己的账户。")})
    if user.is_superuser and not actor.is_superuser:
        raise PermissionDenied(message)
    posts = list(user.active_posts())
    if not posts and not scope_of(actor).everything:
        raise PermissionDenied(message)
    if not all(_may_manage_post(actor, p) for p in posts):
        raise PermissionDenied(message)


def _set_active(*, actor: Any, user: User, active: bool, reason: str) -> User:
    _require_authority_over(actor, user, _("该人员有岗位不在您的管辖范围内，请由共同的上级管理员办理。"))
    errors = _text_errors("reason", reason or "", required=True, limit=500, label=_("事由"))
    if user.is_active == active:
        errors["__all__"] = _("该账户已启用。") if active else _("该账户已停用。")
    if errors:
        raise ValidationError(errors)
    user.is_active = active
    user.save(update_fields=["is_active"])
    posts = user.active_posts()
    record(
        actor=actor,
        action="user.reactivate" if active else "user.deactivate",
        obj=user,
        area=_post_place(posts[0]) if posts else None,
        changes={"is_active": [not active, active]},
        reason=reason.strip(),
    )
    return user


@transaction.atomic
def staff_deactivate(*, actor: Any, user: User, reason: str) -> User:
    """Stop a staff account from signing in (its sessions and API tokens stop working too)."""
    return _set_active(actor=actor, user=user, active=False, reason=reason)


@transaction.atomic
def staff_reactivate(*, actor: Any, user: User, reason: str) -> User:
    return _set_active(actor=actor, user=user, active=True, reason=reason)


# --------------------------------------------------------------------------- one's own identity
