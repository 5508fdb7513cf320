"""The columns of each roster kind: their Chinese headers (as written in the sheet), aliases and rules.

Headers are data, not interface text: a sheet says 姓名 whatever language the page is in,
so they are matched and reported in Chinese (marked with ``gettext_noop`` for the catalogue).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_noop as N_

from shequ.core.pii import IdDocType

from ..models import BuildingKind, HouseholdKind, ImportKind, PlaceKind, Relation, ResidenceStatus, Sex


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    kind: str = "text"  # text, id, date, choice, grid, int, decimal, phone
    choices: type[models.TextChoices] | None = None
    max_length: int = 100
    aliases: tuple[str, ...] = ()
    help: str = ""
    example: Any = ""
    width: int = 14
    extra: dict[str, Any] = field(default_factory=dict)

    def allowed_labels(self) -> list[str]:
        if self.choices is None:
            return []
        with translation.override("zh-hans"):
            return [str(label) for label in self.choices.labels]


def choice_map(choices: type[models.TextChoices]) -> dict[str, str]:
    """Chinese label (and the code itself) → code."""
    with translation.override("zh-hans"):
        found = {str(label): value for value, label in choices.choices}
    found.update({value: value for value in choices.values})
    return found


GRID = Column(
    "grid",
    N_("所在网格"),
    required=True,
    kind="grid",
    aliases=(N_("网格"), N_("网格名称"), N_("网格编码")),
    help=N_("网格名称或网格编码，须是您管辖范围内的网格"),
    example="大悲巷第一网格",
    width=18,
)
NAME = Column("name", N_("姓名"), required=True, max_length=50, example="张三", width=10)
ID_TYPE = Column(
    "id_doc_type",
    N_("证件类型"),
    kind="choice",
    choices=IdDocType,
    help=N_("不填即为居民身份证"),
    example="居民身份证",
)
ID_NUMBER = Column(
    "id_number",
    N_("证件号码"),
    kind="id",
    max_length=40,
    aliases=(N_("身份证号"), N_("身份证号码"), N_("公民身份号码")),
    help=N_("请保持“文本”格式；15位旧号码会自动转换为18位"),
    example="32010219600517001X",
    width=22,
)
SEX = Column("sex", N_("性别"), kind="choice", choices=Sex, help=N_("可不填，按身份证号码核对"), width=8)
BIRTH = Column(
    "birth_date",
    N_("出生日期"),
    kind="date",
    help=N_("可不填；格式如 2026-11-22、2026/11/22、2026年11月22日、20261122"),
    width=14,
)
PHONE = Column(
    "phone", N_("联系电话"), kind="phone", aliases=(N_("手机号码"), N_("电话")), example="13812345678"
)
STATUS = Column(
    "residence_status",
    N_("居住状态"),
    kind="choice",
    choices=ResidenceStatus,
    help=N_("不填即为常住；已迁出、已故请在系统中办理"),
    extra={"exclude": ("moved_out", "deceased")},
)
REG_ADDRESS = Column("registered_address", N_("户籍地址"), max_length=200, width=30)
RES_ADDRESS = Column("resident_address", N_("现居住地址"), max_length=200, width=30)
LATITUDE = Column("latitude", N_("纬度"), kind="decimal", help=N_("WGS-84，可不填"), extra={"limit": 90})
LONGITUDE = Column("longitude", N_("经度"), kind="decimal", help=N_("WGS-84，可不填"), extra={"limit": 180})

PEOPLE = (NAME, ID_TYPE, ID_NUMBER, SEX, BIRTH, PHONE, GRID, STATUS, REG_ADDRESS, RES_ADDRESS)

HOUSEHOLDS = (
    Column(
        "household_no",
        N_("户号"),
        required=True,
        max_length=40,
        help=N_("同一户的各行填写相同户号（仅用于本表分组）"),
        example="1",
        width=8,
    ),
    Column(
        "relation",
        N_("与户主关系"),
        required=True,
        kind="choice",
        choices=Relation,
        help=N_("每户须有且只有一名户主"),
        example="户主",
    ),
    NAME,
    ID_TYPE,
    ID_NUMBER,
    SEX,
    BIRTH,
    PHONE,
    STATUS,
    Column(
        "grid",
        N_("所在网格"),
        kind="grid",
        aliases=GRID.aliases,
        help=N_("户主行必填；其他成员行可不填"),
        example="大悲巷第一网格",
        width=18,
    ),
    Column(
        "household_kind",
        N_("户别"),
        kind="choice",
        choices=HouseholdKind,
        help=N_("户主行填写；不填即为常住户"),
    ),
    Column(
        "address",
        N_("详细地址"),
        max_length=200,
        help=N_("户主行必填"),
        example="丹凤街12号3栋2单元501室",
        width=30,
    ),
    Column("moved_in_on", N_("入住日期"), kind="date", help=N_("户主行填写，可不填")),
)

PLACES = (
    Column("name", N_("名称"), required=True, max_length=100, example="便民超市", width=20),
    Column("kind", N_("类型"), kind="choice", choices=PlaceKind, help=N_("不填即为商铺")),
    GRID,
    Column("address", N_("地址"), max_length=200, width=30),
    Column("contact_phone", N_("联系电话"), kind="phone", aliases=PHONE.aliases),
    LATITUDE,
    LONGITUDE,
)

BUILDINGS = (
    Column("name", N_("楼栋名称"), required=True, max_length=100, example="3栋", width=16),
    Column("number", N_("楼栋号"), max_length=20, width=10),
    GRID,
    Column("address", N_("地址"), max_length=200, width=30),
    Column("units", N_("单元数"), kind="int", help=N_("1至99，不填为1"), extra={"low": 1, "high": 99}),
    Column("floors", N_("层数"), kind="int", help=N_("1至200，不填为1"), extra={"low": 1, "high": 200}),
    Column("kind", N_("类型"), kind="choice", choices=BuildingKind, help=N_("不填即为住宅")),
    LATITUDE,
    LONGITUDE,
)

COLUMNS: dict[str, tuple[Column, ...]] = {
    ImportKind.PEOPLE: PEOPLE,
    ImportKind.HOUSEHOLDS: HOUSEHOLDS,
    ImportKind.PLACES: PLACES,
    ImportKind.BUILDINGS: BUILDINGS,
}

#: The sheet name of each kind's template (also accepted as a title).
SHEET_TITLES: dict[str, str] = {
    ImportKind.PEOPLE: N_("人员花名册"),
    ImportKind.HOUSEHOLDS: N_("住户花名册"),
    ImportKind.PLACES: N_("场所名册"),
    ImportKind.BUILDINGS: N_("楼栋名册"),
}
