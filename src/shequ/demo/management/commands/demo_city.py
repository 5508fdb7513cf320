"""``manage.py demo_city --scale small|city [--rebuild]``: build the demo city and print its accounts."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from shequ.demo.builder import (
    SCALES,
    SEED,
    DemoRefused,
    build_demo_city,
    check_database_is_demo,
    demo_state,
    print_accounts,
    wipe_demo_data,
)


class Command(BaseCommand):
    help = "生成演示城市（南京市的真实区和街道，生成的社区、村、网格与人员）并打印演示账户。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scale", choices=SCALES, default="small", help="small：数秒内完成；city：全市规模"
        )
        parser.add_argument("--rebuild", action="store_true", help="清除已有演示数据后重新生成")
        parser.add_argument("--seed", type=int, default=SEED, help="随机种子（默认固定值，保证结果可重现）")
        parser.add_argument(
            "--people-per-grid",
            type=int,
            default=None,
            help="每个网格生成的实有人口数（默认：small 24，city 84，全市约一百万人；0：不生成）",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        scale: str = options["scale"]
        seed: int = options["seed"]
        try:
            check_database_is_demo()
            state = demo_state()
            if state is not None and not options["rebuild"]:
                if state.get("scale") == scale and state.get("seed") == seed:
                    self.stdout.write(
                        _("演示城市已生成（规模 %(scale)s，%(at)s），无需重复生成。")
                        % {"scale": state.get("scale"), "at": state.get("built_at", "")}
                    )
                else:
                    self.stdout.write(
                        self.style.WARNING(
                            _(
                                "演示城市已按规模 %(old)s（种子 %(seed)s）生成；"
                                "如需改为 %(new)s，请加 --rebuild。"
                            )
                            % {"old": state.get("scale"), "seed": state.get("seed"), "new": scale}
                        )
                    )
                print_accounts(self.stdout.write)
                return
            if options["rebuild"]:
                rows = wipe_demo_data()
                self.stdout.write(_("已清除演示数据 %(n)s 行（审计记录保留）。") % {"n": rows})
            started = time.monotonic()
            people = options["people_per_grid"]
            if people is not None and not 0 <= people <= 1000:
                raise CommandError(_("--people-per-grid 应在 0 到 1000 之间。"))
            result = build_demo_city(scale=scale, seed=seed, people_per_grid=people)
        except DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.monotonic() - started
        counts = "，".join(f"{k} {v}" for k, v in result.counts.items())
        self.stdout.write(
            self.style.SUCCESS(
                _("演示城市已生成：规模 %(scale)s，用时 %(s).1f 秒（%(counts)s）。")
                % {"scale": scale, "s": elapsed, "counts": counts}
            )
        )
        print_accounts(self.stdout.write)
