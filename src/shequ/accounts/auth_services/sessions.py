"""Logging in with a staff password, and completing a login (counters cleared, audited)."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils.translation import gettext as _

from shequ.core.audit import record

from ..models import User, UserKind
from .refusals import AuthRefused, LoginLocked
from .throttling import (
    account_key,
    clear_failures,
    ip_key,
    locked_until,
    mask_login_name,
    phone_key,
    record_failure,
)

# --------------------------------------------------------------------------- staff password


def staff_check_password(*, request: HttpRequest, username: str, password: str, ip: str | None) -> User:
    """The staff account for ``username``/``password``, or a refusal that names no account."""
    key = account_key(username)
    label = mask_login_name(username)
    until = locked_until([key, ip_key(ip)])
    if until is not None:
        record(
            actor=None,
            action="auth.login_failed",
            object_repr=label,
            changes={"login": label, "method": "password", "refused": "locked"},
        )
        raise LoginLocked(until)
    user = authenticate(request, username=username, password=password)
    if isinstance(user, User) and user.kind == UserKind.STAFF and user.is_active:
        return user
    known = User.objects.filter(username=username, kind=UserKind.STAFF).first()
    lock = record_failure(identity_key=key, identity_label=label, ip=ip, method="password", user=known)
    if lock is not None:
        raise LoginLocked(lock)
    raise AuthRefused(_("用户名或密码错误。"))


# --------------------------------------------------------------------------- completing a login


def record_login(*, user: User, method: str) -> None:
    clear_failures(account_key(user.username))
    if user.phone:
        clear_failures(phone_key(user.phone.plaintext_for_processing()))
    record(actor=user, action="auth.login", obj=user, changes={"method": method, "kind": user.kind})
