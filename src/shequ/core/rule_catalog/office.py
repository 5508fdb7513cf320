"""Office hours and deadline warnings (platform defaults that each jurisdiction adjusts)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .spec import DOWN, FREE, G_TIME, MIN, D, R, RuleSpec

SPECS: tuple[RuleSpec, ...] = (
    # ---- office hours and deadline warnings
    RuleSpec(
        "office_hours.morning",
        _("上午办公时间"),
        G_TIME,
        "分钟（自零时起）",
        MIN,
        FREE,
        D(510),
        "平台默认作息时间 08:30—12:00，各地按本级作息时间调整",
        default_max=D(720),
        note="510 = 08:30，720 = 12:00。",
    ),
    RuleSpec(
        "office_hours.afternoon",
        _("下午办公时间"),
        G_TIME,
        "分钟（自零时起）",
        MIN,
        FREE,
        D(840),
        "平台默认作息时间 14:00—17:30，各地按本级作息时间调整",
        default_max=D(1050),
        note="840 = 14:00，1050 = 17:30。",
    ),
    RuleSpec(
        "deadline.yellow_share",
        _("办理时限黄色预警点（已用时间占比）"),
        G_TIME,
        "比例",
        R,
        DOWN,
        D("0.8"),
        "平台默认：已用时限达到该比例时黄色预警，超过时限红色预警",
    ),
)
