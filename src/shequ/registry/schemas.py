"""API schemas of the registry (personal data only masked; an age, never a birth date)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from ninja import Field, Path, Schema

MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
BuildingIdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="楼栋编号")]
PlaceIdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="场所编号")]
HouseholdIdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="住户编号")]
PersonIdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="人员编号")]
Latitude = Annotated[float, Field(ge=-90, le=90, description="纬度（WGS-84）")]
Longitude = Annotated[float, Field(ge=-180, le=180, description="经度（WGS-84）")]


class BuildingOut(Schema):
    id: int
    grid_id: int
    grid_name: str
    name: str
    number: str
    address: str
    units: int
    floors: int
    kind: str
    kind_label: str
    latitude: float | None
    longitude: float | None


class BuildingPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[BuildingOut]


class BuildingIn(Schema):
    grid_id: Id = Field(..., description="所在网格编号")
    name: str = Field(..., description="楼栋名称（不超过100字）")
    number: str = ""
    address: str = ""
    units: Annotated[int, Field(ge=1, le=99)] = 1
    floors: Annotated[int, Field(ge=1, le=200)] = 1
    kind: str = Field("residential", description="residential、mixed、public、office、other")
    latitude: Latitude | None = None
    longitude: Longitude | None = None


class BuildingPatch(Schema):
    name: str | None = None
    number: str | None = None
    address: str | None = None
    units: Annotated[int, Field(ge=1, le=99)] | None = None
    floors: Annotated[int, Field(ge=1, le=200)] | None = None
    kind: str | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None


class PlaceOut(Schema):
    id: int
    grid_id: int
    grid_name: str
    kind: str
    kind_label: str
    name: str
    address: str
    contact_phone_masked: str
    latitude: float | None
    longitude: float | None


class PlacePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[PlaceOut]


class PlaceIn(Schema):
    grid_id: Id = Field(..., description="所在网格编号")
    name: str = Field(..., description="名称")
    kind: str = Field("shop", description="shop、institution、facility、other")
    address: str = ""
    contact_phone: str | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None


class PlacePatch(Schema):
    name: str | None = None
    kind: str | None = None
    address: str | None = None
    contact_phone: str | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None


class TagOut(Schema):
    code: str
    name: str


class PersonBrief(Schema):
    id: int
    name: str


class PersonOut(Schema):
    id: int
    grid_id: int
    grid_name: str
    name: str
    id_doc_type: str
    id_doc_type_label: str
    id_number_masked: str
    sex: str
    sex_label: str
    age: int | None
    phone_masked: str
    residence_status: str
    residence_status_label: str
    tags: list[TagOut]


class PersonDetailOut(PersonOut):
    registered_address_masked: str
    resident_address_masked: str
    household_id: int | None
    relation: str | None
    deceased_on: date | None
    moved_out_on: date | None


class PersonPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[PersonOut]


class PersonIn(Schema):
    grid_id: Id = Field(..., description="所在网格编号")
    name: str = Field(..., description="姓名（不超过50字）")
    id_doc_type: str = Field("cn_id", description="证件类型")
    id_number: str | None = Field(None, description="证件号码")
    sex: str = Field("", description="M 或 F；居民身份证可不填，由号码得出")
    birth_date: date | None = Field(None, description="出生日期；居民身份证可不填")
    phone: str | None = None
    residence_status: str = Field("resident", description="resident、registered_away、floating")
    registered_address: str | None = None
    resident_address: str | None = None


class PersonPatch(Schema):
    grid_id: Id | None = None
    name: str | None = None
    id_doc_type: str | None = None
    id_number: str | None = None
    sex: str | None = None
    birth_date: date | None = None
    phone: str | None = None
    residence_status: str | None = None
    registered_address: str | None = None
    resident_address: str | None = None


class MemberOut(Schema):
    person: PersonBrief
    relation: str
    relation_label: str
    valid_from: date


class HouseholdOut(Schema):
    id: int
    grid_id: int
    grid_name: str
    kind: str
    kind_label: str
    address_masked: str
    room_id: int | None
    courtyard_id: int | None
    head: PersonBrief | None
    member_count: int
    moved_in_on: date | None
    moved_out_on: date | None


class HouseholdDetailOut(HouseholdOut):
    members: list[MemberOut]


class HouseholdPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[HouseholdOut]


class HouseholdIn(Schema):
    grid_id: Id = Field(..., description="所在网格编号")
    kind: str = Field("resident", description="registered、resident、floating")
    room_id: Id | None = None
    courtyard_id: Id | None = None
    address: str = Field("", description="详细地址（未选户室或院落时必填）")
    moved_in_on: date | None = None
    head_person_id: Id | None = Field(None, description="户主（须为本网格未入户的人员）")


class HouseholdPatch(Schema):
    kind: str | None = None
    room_id: Id | None = None
    courtyard_id: Id | None = None
    address: str | None = None
    moved_in_on: date | None = None


class ChangeOut(Schema):
    field: str
    value: str


class HistoryOut(Schema):
    at: datetime
    actor: str
    action: str
    action_label: str
    changes: list[ChangeOut]


class TagAddIn(Schema):
    tag: str = Field(..., max_length=40, description="标签代码")
    since: date | None = None
    note: str = ""


class TagRemoveIn(Schema):
    tag: str = Field(..., max_length=40, description="标签代码")
    on: date | None = None


class PageFilters(Schema):
    grid_id: Id | None = Field(None, description="网格编号")
    limit: Annotated[int, Field(ge=1, le=200)] = 50
    offset: Annotated[int, Field(ge=0, le=10**9)] = 0


class PersonFilters(PageFilters):
    q: str | None = Field(None, max_length=100, description="姓名，或完整证件号码、电话")


class HouseholdFilters(PageFilters):
    kind: str | None = Field(None, max_length=16, description="registered、resident、floating")
    include_moved_out: bool = False


class PlaceFilters(PageFilters):
    kind: str | None = Field(None, max_length=16, description="shop、institution、facility、other")
    q: str | None = Field(None, max_length=100, description="名称（包含）")
