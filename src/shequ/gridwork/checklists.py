"""The checklist catalogue (fire, e-bike charging, escape routes, gas), seeded as data.

The data migration ``0002_seed_checklists`` calls :func:`ensure_checklist_templates`; tests
whose database was flushed call it again (it is idempotent and keeps edited rows).
"""

from __future__ import annotations

from typing import Any

#: (code, name, order, [(item code, text), ...]) — names are stored data, in Chinese.
CATALOGUE: list[tuple[str, str, int, list[tuple[str, str]]]] = [
    (
        "fire",
        "消防安全",
        10,
        [
            ("extinguisher", "灭火器配置到位且在有效期内"),
            ("smoke_alarm", "独立式烟感报警器完好"),
            ("wiring", "无私拉乱接电线、无超负荷用电"),
            ("flammables", "无违规存放易燃易爆物品"),
        ],
    ),
    (
        "ebike",
        "电动自行车充电",
        20,
        [
            ("no_indoor_charging", "无电动自行车进楼入户、室内充电"),
            ("no_flying_lead", "无“飞线”充电"),
            ("charging_point", "集中充电设施完好、可正常使用"),
            ("no_corridor_parking", "楼道、门厅无电动自行车停放"),
        ],
    ),
    (
        "escape",
        "疏散通道",
        30,
        [
            ("corridor_clear", "疏散通道、楼梯间无堆物"),
            ("exit_open", "安全出口畅通、未锁闭"),
            ("signs_lights", "应急照明和疏散指示标志完好"),
            ("fire_lane", "消防车通道未被占用"),
        ],
    ),
    (
        "gas",
        "燃气",
        40,
        [
            ("hose", "燃气软管无老化、无破损，长度符合要求"),
            ("alarm", "安装燃气泄漏报警装置"),
            ("no_private_pipe", "无私接、改装燃气管道"),
            ("cylinder", "液化气钢瓶来源合规、不超期使用"),
        ],
    ),
]


def ensure_checklist_templates(apps: Any = None) -> int:
    """Create the catalogue's templates and items that are missing; return how many rows were added."""
    if apps is None:
        from django.apps import apps as installed

        apps = installed
    template_model = apps.get_model("gridwork", "ChecklistTemplate")
    item_model = apps.get_model("gridwork", "ChecklistItem")
    added = 0
    for code, name, order, items in CATALOGUE:
        template, created = template_model.objects.get_or_create(
            code=code, defaults={"name": name, "order": order}
        )
        added += int(created)
        for position, (item_code, text) in enumerate(items, start=1):
            _item, created = item_model.objects.get_or_create(
                template=template, code=item_code, defaults={"text": text, "order": position * 10}
            )
            added += int(created)
    return added


def remove_checklist_templates(apps: Any) -> None:
    """Reverse of the seeding: remove the catalogue's templates that no check has used."""
    template_model = apps.get_model("gridwork", "ChecklistTemplate")
    result_model = apps.get_model("gridwork", "CheckResult")
    used = set(result_model.objects.values_list("item__template_id", flat=True))
    template_model.objects.filter(code__in=[c[0] for c in CATALOGUE]).exclude(pk__in=used).delete()
