"""Creating staff users and assigning posts: the shared validation both paths use."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shequ.core.audit import record
from shequ.core.models import Area, Organisation
from shequ.core.pii import IdDocType, validate_id_document, validate_mobile

from ..models import Post, User, UserKind
from ..roles import ORGANISATION_ROLES, ROLE_AREA_LEVELS, Role

_USERNAME_RE = re.compile(r"[\w.@+-]+")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


def _control_errors(**values: Any) -> dict[str, str]:
    """Text with control characters (PostgreSQL cannot even store NUL) is refused on its field."""
    return {
        name: _("不能包含控制字符。")
        for name, value in values.items()
        if isinstance(value, str) and _CONTROL_RE.search(value)
    }


def _new_staff_user(
    *,
    username: str,
    display_name: str,
    password: str | None,
    phone: str | None,
    id_doc_type: str,
    id_number: str | None,
    is_demo: bool,
    errors: dict[str, str] | None = None,
) -> User:
    """Validate and save a staff account (no audit entry: the caller writes it).

    ``errors`` found by the caller are raised together with this function's own.
    """
    errors = dict(errors or {})
    username = username or ""
    display_name = (display_name or "").strip()
    errors.update(_control_errors(username=username, display_name=display_name))
    if "username" in errors:
        pass
    elif not username or len(username) > 150:
        errors["username"] = _("请填写登录名（不超过150个字符）。")
    elif not _USERNAME_RE.fullmatch(username):
        errors["username"] = _("登录名只能包含字母、数字和 @ . + - _ 字符。")
    elif User.objects.filter(username=username).exists():
        errors["username"] = _("该登录名已被使用。")
    if "display_name" in errors:
        pass
    elif not display_name or len(display_name) > 50:
        errors["display_name"] = _("请填写姓名（不超过50个字符）。")
    user = User(username=username, display_name=display_name, kind=UserKind.STAFF, is_demo=is_demo)
    if phone:
        try:
            user.phone = validate_mobile(phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages[0]
    if id_number and "id_number" not in errors:
        if id_doc_type and id_doc_type not in IdDocType.values:
            errors.setdefault("id_doc_type", _("未知的证件类型。"))
        else:
            try:
                user.id_doc_type = id_doc_type
                user.id_number = validate_id_document(id_doc_type, id_number)
            except ValidationError as exc:
                errors["id_number"] = exc.messages[0]
    if password:
        from ..auth_services import password_policy_errors  # Chinese messages for Django's validators

        problems = password_policy_errors(password, user)
        if problems:
            errors["password"] = " ".join(problems)
    if errors:
        raise ValidationError(errors)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    return user


@transaction.atomic
def staff_create(
    *,
    actor: Any,
    username: str,
    display_name: str,
    password: str | None,
    phone: str | None = None,
    id_doc_type: str = IdDocType.CITIZEN_ID,
    id_number: str | None = None,
    is_demo: bool = False,
) -> User:
    user = _new_staff_user(
        username=username,
        display_name=display_name,
        password=password,
        phone=phone,
        id_doc_type=id_doc_type,
        id_number=id_number,
        is_demo=is_demo,
    )
    record(actor=actor, action="user.create", obj=user, changes={"username": username, "kind": "staff"})
    return user


def _post_shape_errors(role: str, area: Area | None, organisation: Organisation | None) -> dict[str, str]:
    """Whether a post of ``role`` may sit on ``area`` / in ``organisation`` (field errors)."""
    if role not in Role.values:
        return {"role": _("未知岗位。")}
    if role in ORGANISATION_ROLES:
        if organisation is None or area is not None:
            return {"organisation": _("该岗位须属于一个单位。")}
    elif role == Role.SYSTEM_ADMIN:
        if area is not None or organisation is not None:
            return {"role": _("系统管理员岗位不属于具体区域。")}
    else:
        levels = ROLE_AREA_LEVELS[role]
        if area is None:
            return {"area": _("该岗位须指定区域。")}
        if area.level not in levels:
            return {"area": _("该岗位须设在以下层级：%(levels)s。") % {"levels": "、".join(levels)}}
    return {}


def _new_post(
    *,
    user: User,
    role: str,
    area: Area | None,
    organisation: Organisation | None,
    title: str,
    full_time: bool,
    valid_from: date | None,
) -> Post:
    """Validate and save a post (no audit entry: the caller writes it)."""
    errors = _post_shape_errors(role, area, organisation)
    if errors:
        raise ValidationError(errors)
    if user.kind != UserKind.STAFF:
        raise ValidationError({"user": _("居民账户不能担任工作岗位。")})
    post = Post(
        user=user,
        role=role,
        area=area,
        organisation=organisation,
        title=title,
        full_time=full_time,
        valid_from=valid_from or timezone.localdate(),
    )
    post.full_clean()
    post.save()
    user.__dict__.pop("_active_posts_cache", None)
    return post


@transaction.atomic
def post_assign(
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
    post = _new_post(
        user=user,
        role=role,
        area=area,
        organisation=organisation,
        title=title,
        full_time=full_time,
        valid_from=valid_from,
    )
    record(
        actor=actor, action="post.assign", obj=post, area=area, changes={"role": role, "user": user.username}
    )
    return post
