"""API schemas of courtyards, natural villages, rooms and household membership changes."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal

from ninja import Field, Path, Schema

from .schemas import MAX_ID, Id, PageFilters

CourtyardIdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="院落编号")]
VillageIdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="自然村编号")]
Name = Annotated[str, Field(max_length=200, description="名称（不超过100字）")]


class ElementFilters(PageFilters):
    q: str | None = Field(None, max_length=100, description="名称（包含）")


class CourtyardOut(Schema):
    id: int
    grid_id: int
    grid_name: str
    name: str
    household_count: int = Field(description="在住住户数")


class CourtyardPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[CourtyardOut]


class CourtyardIn(Schema):
    grid_id: Id = Field(..., description="所在网格编号")
    name: Name


class CourtyardPatch(Schema):
    grid_id: Id | None = Field(None, description="所在网格编号（院落内有住户时不能更换）")
    name: Name | None = None


class VillageOut(Schema):
    id: int
    grid_id: int
    grid_name: str
    name: str


class VillagePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[VillageOut]


class VillageIn(Schema):
    grid_id: Id = Field(..., description="所在网格编号")
    name: Name


class VillagePatch(Schema):
    grid_id: Id | None = Field(None, description="所在网格编号")
    name: Name | None = None


class RoomOut(Schema):
    id: int
    building_id: int
    unit: str
    floor: int
    number: str
    label: str
    household_ids: list[int] = Field(description="在住住户编号")


class RoomPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[RoomOut]


class RoomPageFilters(Schema):
    limit: Annotated[int, Field(ge=1, le=200)] = 200
    offset: Annotated[int, Field(ge=0, le=10**9)] = 0


class RoomIn(Schema):
    unit: str = Field("", max_length=40, description="单元（如 1；单单元楼栋可不填）")
    floor: int = Field(..., ge=-5, le=200, description="楼层")
    number: str = Field(..., max_length=40, description="室号（如 101）")


class RoomsGenerateIn(Schema):
    per_floor: int = Field(..., ge=1, le=30, description="每层户数")
    units: int | None = Field(None, ge=1, le=99, description="单元数，默认为楼栋的单元数")
    floors: int | None = Field(None, ge=1, le=200, description="层数，默认为楼栋的层数")


class RoomsGenerateOut(Schema):
    created: int
    room_count: int = Field(description="楼栋现有户室数")


class MemberPersonIn(Schema):
    """A person registered with joining (in the household's grid)."""

    name: str = Field(..., max_length=200, description="姓名（不超过50字）")
    id_doc_type: str = Field("cn_id", max_length=40, description="证件类型")
    id_number: str | None = Field(None, max_length=100, description="证件号码")
    sex: str = Field("", max_length=4, description="M 或 F；居民身份证可不填，由号码得出")
    birth_date: date | None = None
    phone: str | None = Field(None, max_length=100)
    residence_status: str = Field(
        "resident", max_length=40, description="resident、registered_away、floating"
    )


class MemberAddIn(Schema):
    person_id: Id | None = Field(None, description="已登记的人员（与 person 二选一）")
    person: MemberPersonIn | None = Field(None, description="新登记的人员（与 person_id 二选一）")
    relation: str = Field(..., max_length=40, description="与户主关系（不能为 head；变更户主另行办理）")
    valid_from: date | None = Field(None, description="加入日期，默认为今天")


class MemberEndIn(Schema):
    person_id: Id = Field(..., description="成员的人员编号")
    reason: Literal["left", "moved_away"] = Field(
        "left", description="left：离开本户（仍在本地）；moved_away：迁出本地（人员同时登记迁出）"
    )
    valid_to: date | None = Field(None, description="终止日期，默认为今天")


class HeadChangeIn(Schema):
    person_id: Id = Field(..., description="新户主（须为该户现有成员）")
    former_head_relation: str = Field("other_relative", max_length=40, description="原户主改为的与户主关系")


class HouseholdMoveOutIn(Schema):
    on: date = Field(..., description="迁出日期")
