"""``manage.py train_classifier``: train, evaluate and activate a classifier version now (no worker)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "训练并启用新的诉求分拨模型版本，输出评测集上的准确率。"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--no-activate", action="store_true", help="只训练和评测，不启用")
        parser.add_argument("--reason", default="", help="记录在审计日志中的原因")

    def handle(self, *args: Any, **options: Any) -> None:
        from shequ.appeals.services import classifier_retrain

        version = classifier_retrain(
            actor=None, activate=not options["no_activate"], reason=options["reason"]
        )
        self.stdout.write(
            f"v{version.version}: {version.examples_count} examples "
            f"({version.learned_count} from dispatches), "
            f"top-1 {version.top1_percent}, top-3 {version.top3_percent} on {version.eval_count} appeals"
            + (" — active" if version.is_active else "")
        )
