"""Print the current TOTP code of a demo account, so a tester can sign in without an app.

    python manage.py totp_code USERNAME

Refuses every account that is not demo data (``is_demo``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from shequ.accounts.auth_services import totp_current_code
from shequ.accounts.models import User


class Command(BaseCommand):
    help = "打印演示账户当前的动态口令（仅限演示账户）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, **options: Any) -> None:
        username = options["username"]
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("用户不存在：%(username)s（unknown user）") % {"username": username})
        try:
            code = totp_current_code(user)
        except ValidationError as exc:
            raise CommandError(f"{exc.messages[0]}（{username}）") from exc
        self.stdout.write(code)
