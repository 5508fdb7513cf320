"""Refusals a login step raises: the message is safe to show, with the HTTP status to answer."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _


class AuthRefused(Exception):
    """A login step refused; ``message`` is safe to show, ``status`` is the HTTP status."""

    status = 200

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class LoginLocked(AuthRefused):
    status = 429

    def __init__(self, until: datetime) -> None:
        self.until = until
        super().__init__(lock_message(until))


class ResendTooSoon(AuthRefused):
    status = 429

    def __init__(self, wait_seconds: int) -> None:
        self.wait_seconds = wait_seconds
        super().__init__(_("请于 %(n)d 秒后再重新获取验证码。") % {"n": wait_seconds})


def lock_message(until: datetime) -> str:
    """``登录失败次数过多，请于 14:35 后再试。`` in Shanghai time, rounded up to the minute."""
    local = timezone.localtime(until)
    if local.second or local.microsecond:
        local = (local + timedelta(minutes=1)).replace(second=0, microsecond=0)
    if local.date() != timezone.localdate():
        when = f"{local.month}月{local.day}日 {local:%H:%M}"
    else:
        when = f"{local:%H:%M}"
    return _("登录失败次数过多，请于 %(time)s 后再试。") % {"time": when}
