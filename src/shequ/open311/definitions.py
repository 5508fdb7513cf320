"""What each Open311 service asks beyond the spec's own fields: the service definition.

Every appeal category is one service with the same three optional list attributes
(``danger``, ``is_public``, ``crs``); a category that hands over to an emergency line also
shows an informational attribute (``variable`` false) telling the caller to ring that line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from shequ.appeals.models import Category, EmergencyLine

YES, NO = "yes", "no"
CRS_VALUES = ("wgs84", "gcj02", "bd09")

#: Category code prefixes → the Open311 ``group`` of the service.
GROUPS: dict[str, Any] = {
    "ENV": gettext_lazy("市容环境"),
    "INF": gettext_lazy("市政设施"),
    "HOU": gettext_lazy("住房物业"),
    "SAF": gettext_lazy("公共安全"),
    "SOC": gettext_lazy("民生服务"),
    "DSP": gettext_lazy("矛盾纠纷"),
    "COM": gettext_lazy("社区事务"),
}


@dataclass(frozen=True)
class Attribute:
    code: str
    datatype: str
    values: tuple[tuple[str, str], ...] = ()
    required: bool = False
    variable: bool = True


def group_of(category: Category) -> str | None:
    """The group's name (translated), from the category code's prefix (``ENV-WASTE`` → 市容环境)."""
    name = GROUPS.get(category.code.split("-", 1)[0].upper())
    return str(name) if name else None


def _yes_no() -> tuple[tuple[str, str], ...]:
    return ((NO, _("否")), (YES, _("是")))


def attributes_of(category: Category) -> list[dict[str, Any]]:
    """The ``attributes`` of the service definition, in display order."""
    items: list[dict[str, Any]] = []
    if category.emergency_line:
        line = EmergencyLine(category.emergency_line).label
        items.append(
            {
                "variable": False,
                "code": "emergency_notice",
                "datatype": "string",
                "required": False,
                "datatype_description": None,
                "description": _("如遇正在发生的险情，请立即拨打%(line)s。") % {"line": line},
                "values": [],
            }
        )
    items.append(
        {
            "variable": True,
            "code": "danger",
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": _("选择“是”时诉求按紧急件办理并立即转应急处置。"),
            "description": _("是否危及生命财产安全"),
            "values": [{"key": key, "name": name} for key, name in _yes_no()],
        }
    )
    items.append(
        {
            "variable": True,
            "code": "is_public",
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": _("公开时隐去姓名、电话、证件号码和门牌号等个人信息；默认不公开。"),
            "description": _("是否同意公开诉求内容"),
            "values": [{"key": key, "name": name} for key, name in _yes_no()],
        }
    )
    items.append(
        {
            "variable": True,
            "code": "crs",
            "datatype": "singlevaluelist",
            "required": False,
            "datatype_description": _("lat/long 默认为 WGS-84；高德、腾讯地图为 GCJ-02，百度地图为 BD-09。"),
            "description": _("坐标系"),
            "values": [
                {"key": "wgs84", "name": _("WGS-84（GPS）")},
                {"key": "gcj02", "name": _("GCJ-02（高德、腾讯）")},
                {"key": "bd09", "name": _("BD-09（百度）")},
            ],
        }
    )
    for order, item in enumerate(items, start=1):
        item["order"] = order
    return items


def list_keys(category: Category, attributes: list[dict[str, Any]] | None = None) -> dict[str, set[str]]:
    """For each list attribute the keys it accepts (``attribute[code]`` must be one of them)."""
    return {
        item["code"]: {value["key"] for value in item["values"]}
        for item in (attributes if attributes is not None else attributes_of(category))
        if item["variable"] and item["datatype"] in ("singlevaluelist", "multivaluelist")
    }
