"""API tokens from the command line.

python manage.py api_token create USERNAME [--name NAME] [--days DAYS]   # prints only the token
python manage.py api_token list USERNAME
python manage.py api_token revoke PREFIX
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from shequ.accounts.models import ApiToken, User
from shequ.accounts.services import api_token_create, api_token_revoke

MAX_DAYS = 3650
#: Characters of a token kept in clear as its prefix (see services.api_token_create).
PREFIX_LENGTH = 10


def _user(username: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        raise CommandError(_("用户不存在：%(username)s（unknown user）") % {"username": username})
    return user


class Command(BaseCommand):
    help = "创建、列出或吊销接口令牌（create / list / revoke）。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="为用户创建令牌；标准输出只打印令牌本身")
        create.add_argument("username")
        create.add_argument("--name", default="", help="令牌名称（不超过60个字符）")
        create.add_argument("--days", type=int, default=None, help="有效天数（不填则长期有效）")
        listing = sub.add_parser("list", help="列出用户的令牌")
        listing.add_argument("username")
        revoke = sub.add_parser("revoke", help="按前缀吊销令牌")
        revoke.add_argument("prefix")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            self._create(options["username"], options["name"], options["days"])
        elif action == "list":
            self._list(options["username"])
        else:
            self._revoke(options["prefix"])

    def _create(self, username: str, name: str, days: int | None) -> None:
        user = _user(username)
        if not user.is_active:
            raise CommandError(_("该用户已停用：%(username)s（inactive user）") % {"username": username})
        if days is not None and not 1 <= days <= MAX_DAYS:
            raise CommandError(_("有效天数须在1到%(max)d之间（--days）。") % {"max": MAX_DAYS})
        if len(name) > 60:
            raise CommandError(_("令牌名称不能超过60个字符（--name）。"))
        _token, value = api_token_create(actor=None, user=user, name=name, days=days)
        self.stdout.write(value)

    def _list(self, username: str) -> None:
        user = _user(username)
        now = timezone.now()
        tokens = ApiToken.objects.filter(user=user).order_by("-created_at", "-id")
        if not tokens:
            self.stderr.write(_("该用户没有接口令牌。"))
            return
        for token in tokens:
            if token.revoked_at is not None:
                state = _("已吊销")
            elif token.expires_at is not None and token.expires_at <= now:
                state = _("已过期")
            else:
                state = _("有效")
            expires = timezone.localtime(token.expires_at).strftime("%Y-%m-%d") if token.expires_at else "-"
            created = timezone.localtime(token.created_at).strftime("%Y-%m-%d %H:%M")
            self.stdout.write(f"{token.prefix}\t{state}\t{created}\t{expires}\t{token.name}")

    def _revoke(self, prefix: str) -> None:
        prefix = prefix.strip()
        if len(prefix) < 6:
            raise CommandError(_("请提供至少6个字符的令牌前缀。"))
        active = ApiToken.objects.filter(revoked_at__isnull=True)
        if len(prefix) >= PREFIX_LENGTH:  # the listed prefix, or a whole token
            matches = list(active.filter(prefix=prefix[:PREFIX_LENGTH]))
        else:
            matches = list(active.filter(prefix__startswith=prefix))
        if not matches:
            raise CommandError(_("没有找到有效的令牌：%(prefix)s（no such token）") % {"prefix": prefix})
        if len(matches) > 1:
            raise CommandError(_("前缀 %(prefix)s 对应多个令牌，请提供更长的前缀。") % {"prefix": prefix})
        api_token_revoke(actor=None, token=matches[0])
        self.stdout.write(_("已吊销令牌 %(prefix)s。") % {"prefix": matches[0].prefix})
