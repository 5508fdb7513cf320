"""Seeding: the platform defaults of the catalog, and rules that a city's own documents set."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from ..audit import record_batch
from ..models import Area, AreaLevel, Rule
from ..rule_catalog import CATALOG, CATALOG_LIST
from .services import _create_version


@transaction.atomic
def seed_default_rules(*, audit: bool = True) -> int:
    """Create the platform default of every catalog key that has none yet (idempotent).

    One audit entry names the rows it wrote (``audit=False`` for test fixtures re-adding them).
    """
    have = set(Rule.objects.filter(area__isnull=True).values_list("key", flat=True).distinct())
    created: list[int] = []
    for spec in CATALOG_LIST:
        if spec.key in have:
            continue
        rule = Rule.objects.create(
            key=spec.key,
            area=None,
            value=spec.default,
            value_max=spec.default_max,
            unit=spec.unit,
            valid_from=spec.valid_from,
            version=1,
            source=spec.source,
            note=spec.note,
        )
        created.append(rule.pk)
    if created and audit:
        record_batch(
            actor=None, action="rule.seed_defaults", object_type="core.rule", object_ids=created, area=None
        )
    return len(created)


NANJING_PAY_KEY = "pay.urban_other.share_of_city_average_wage"
NANJING_PAY_TIERS: tuple[tuple[Decimal, tuple[str, ...]], ...] = (
    (Decimal("0.8"), ("玄武", "秦淮", "建邺", "鼓楼", "栖霞", "雨花台")),
    (Decimal("0.7"), ("江北新区", "江宁", "浦口", "六合", "溧水", "高淳")),
)
NANJING_SOURCE = CATALOG[NANJING_PAY_KEY].source


def _short(name: str) -> str:
    return name if name.endswith("新区") else name.removesuffix("区")


@transaction.atomic
def seed_area_rules(city: Area) -> list[Rule]:
    """District-level rules the city's own documents set (南京市: the pay tiers). Idempotent."""
    if city.name != "南京市":
        return []
    districts = {
        _short(a.name): a
        for a in Area.objects.current()
        .filter(parent=city, level__in=(AreaLevel.DISTRICT, AreaLevel.ZONE))
        .select_related("parent")
    }
    have = set(
        Rule.objects.filter(key=NANJING_PAY_KEY, area__in=list(districts.values())).values_list(
            "area_id", flat=True
        )
    )
    created: list[Rule] = []
    valid_from = CATALOG[NANJING_PAY_KEY].valid_from
    for share, names in NANJING_PAY_TIERS:
        for name in names:
            area = districts.get(name)
            if area is None or area.pk in have:
                continue
            created.append(
                _create_version(
                    actor=None,
                    key=NANJING_PAY_KEY,
                    area=area,
                    value=share,
                    value_max=None,
                    valid_from=valid_from,
                    valid_to=None,
                    source=NANJING_SOURCE,
                    note=_(
                        "%(name)s其他城市社区工作者报酬不低于上年度全市城镇非私营单位从业人员平均工资的%(pct)s%%。"
                    )
                    % {"name": area.name, "pct": int(share * 100)},
                    reason=_("按市级文件设定区级报酬标准"),
                    supersede=False,
                    action="rule.seed_area",
                )
            )
    return created
