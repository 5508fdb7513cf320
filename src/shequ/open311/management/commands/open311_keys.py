"""Open311 API keys (one per client application) from the command line.

python manage.py open311_keys create NAME     # prints only the key (shown this once)
python manage.py open311_keys list
python manage.py open311_keys revoke NAME
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from shequ.open311.selectors import api_client_named, api_clients
from shequ.open311.services import api_client_create, api_client_revoke


class Command(BaseCommand):
    help = "创建、列出或吊销 Open311 接入应用的 api_key（create / list / revoke）。"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        create = sub.add_parser("create", help="创建接入应用；标准输出只打印密钥本身")
        create.add_argument("name")
        sub.add_parser("list", help="列出接入应用")
        revoke = sub.add_parser("revoke", help="按名称吊销接入应用的密钥")
        revoke.add_argument("name")

    def handle(self, *args: Any, **options: Any) -> None:
        action = options["action"]
        if action == "create":
            try:
                _client, key = api_client_create(actor=None, name=options["name"])
            except ValidationError as exc:
                raise CommandError("；".join(str(m) for m in exc.messages)) from exc
            self.stdout.write(key)
        elif action == "list":
            self._list()
        else:
            client = api_client_named(options["name"])
            if client is None:
                raise CommandError(_("没有名为 %(name)s 的接入应用。") % {"name": options["name"]})
            if not client.is_active:
                raise CommandError(_("接入应用 %(name)s 的密钥已吊销。") % {"name": client.name})
            api_client_revoke(actor=None, client=client)
            self.stdout.write(_("已吊销接入应用 %(name)s 的密钥。") % {"name": client.name})

    def _list(self) -> None:
        clients = list(api_clients())
        if not clients:
            self.stderr.write(_("还没有接入应用。"))
            return
        for client in clients:
            state = _("有效") if client.is_active else _("已吊销")
            created = timezone.localtime(client.created_at).strftime("%Y-%m-%d %H:%M")
            used = "-"
            if client.last_used_at:
                used = timezone.localtime(client.last_used_at).strftime("%Y-%m-%d %H:%M")
            self.stdout.write(f"{client.name}\t{client.prefix}\t{state}\t{created}\t{used}")
