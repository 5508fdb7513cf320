"""Add the platform's default rules that are missing and, for a city, the district rules its documents set."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from shequ.core.models import Area, AreaLevel
from shequ.core.rules import seed_area_rules, seed_default_rules


class Command(BaseCommand):
    help = "补充缺少的平台默认规则；指定城市时，按该市文件设定各区的规则（可重复执行）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--city-code", help="城市的统计用区划代码，如 320100（南京市）。")

    def handle(self, *args: Any, **options: Any) -> None:
        created = seed_default_rules()
        self.stdout.write(f"默认规则：新增 {created} 条。")
        code = options.get("city_code")
        if not code:
            return
        city = Area.objects.current().filter(code=code, level=AreaLevel.CITY).first()
        if city is None:
            raise CommandError(f"没有区划代码为 {code} 的现有城市。")
        rules = seed_area_rules(city)
        self.stdout.write(f"{city.name}区级规则：新增 {len(rules)} 条。")
        for rule in rules:
            area_name = rule.area.name if rule.area else ""
            self.stdout.write(f"  {area_name} {rule.key} = {rule.value.normalize()}（第{rule.version}版）")
