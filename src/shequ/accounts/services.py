"""Writes for accounts: users, posts, API tokens. Each writes one audit entry."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shequ.core.audit import record
from shequ.core.models import Area, Organisation
from shequ.core.pii import IdDocType, validate_id_document, validate_mobile

from .api_auth import digest_token, new_token_value
from .models import ApiToken, Post, User, UserKind
from .roles import ORGANISATION_ROLES, ROLE_AREA_LEVELS, Role


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
    errors: dict[str, str] = {}
    if not username or len(username) > 150:
        errors["username"] = _("请填写登录名（不超过150个字符）。")
    elif User.objects.filter(username=username).exists():
        errors["username"] = _("该登录名已被使用。")
    if not display_name or len(display_name) > 50:
        errors["display_name"] = _("请填写姓名（不超过50个字符）。")
    user = User(username=username, display_name=display_name, kind=UserKind.STAFF, is_demo=is_demo)
    if phone:
        try:
            user.phone = validate_mobile(phone)
        except ValidationError as exc:
            errors["phone"] = exc.messages[0]
    if id_number:
        try:
            user.id_doc_type = id_doc_type
            user.id_number = validate_id_document(id_doc_type, id_number)
        except ValidationError as exc:
            errors["id_number"] = exc.messages[0]
    if password:
        from .auth_services import password_policy_errors  # Chinese messages for Django's validators

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
    record(actor=actor, action="user.create", obj=user, changes={"username": username, "kind": "staff"})
    return user


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
    if role not in Role.values:
        raise ValidationError({"role": _("未知岗位。")})
    if role in ORGANISATION_ROLES:
        if organisation is None or area is not None:
            raise ValidationError({"organisation": _("该岗位须属于一个单位。")})
    elif role == Role.SYSTEM_ADMIN:
        if area is not None or organisation is not None:
            raise ValidationError({"role": _("系统管理员岗位不属于具体区域。")})
    else:
        levels = ROLE_AREA_LEVELS[role]
        if area is None:
            raise ValidationError({"area": _("该岗位须指定区域。")})
        if area.level not in levels:
            raise ValidationError(
                {"area": _("该岗位须设在以下层级：%(levels)s。") % {"levels": "、".join(levels)}}
            )
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
    record(
        actor=actor, action="post.assign", obj=post, area=area, changes={"role": role, "user": user.username}
    )
    return post


@transaction.atomic
def api_token_create(
    *, actor: Any, user: User, name: str = "", days: int | None = None
) -> tuple[ApiToken, str]:
    """Create a token; the plain value is returned once and never stored."""
    value = new_token_value()
    expires: datetime | None = timezone.now() + timedelta(days=days) if days else None
    token = ApiToken.objects.create(
        user=user, name=name[:60], prefix=value[:10], key_digest=digest_token(value), expires_at=expires
    )
    record(
        actor=actor,
        action="api_token.create",
        obj=token,
        changes={"user": user.username, "prefix": token.prefix},
    )
    return token, value


@transaction.atomic
def api_token_revoke(*, actor: Any, token: ApiToken) -> None:
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(actor=actor, action="api_token.revoke", obj=token)


def api_token_touch(*, token: ApiToken, now: datetime) -> None:
    """Note when a token was last used, at most once a minute (bookkeeping: no audit entry)."""
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
