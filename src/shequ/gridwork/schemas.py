"""API schemas of grid work. Every class name starts with ``Gridwork`` (names are global in the API)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated

from ninja import Field, Path, Schema

MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
Key = Annotated[uuid.UUID, Field(description="客户端生成的幂等键（UUID）；重复提交返回首次的结果")]
Lat = Annotated[float, Field(ge=-90, le=90, description="纬度（WGS-84）")]
Lng = Annotated[float, Field(ge=-180, le=180, description="经度（WGS-84）")]
VisitIdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="走访编号")]
CheckIdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="排查编号")]
FindingIdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="隐患编号")]
NeedIdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="需求编号")]
PatrolIdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="巡查编号")]
Limit = Annotated[int, Field(ge=1, le=200)]
Offset = Annotated[int, Field(ge=0, le=10**9)]


class GridworkPhotoIn(Schema):
    data: str = Field(
        ..., max_length=12_000_000, description="照片：data:image/jpeg;base64,…（浏览器已加水印）"
    )
    taken_at: datetime | None = Field(None, description="拍摄时间")
    lat: Lat | None = None
    lng: Lng | None = None
    watermark: str = Field("", max_length=200, description="水印文字")


class GridworkPhotoOut(Schema):
    id: int
    url: str
    taken_at: datetime
    lat: float | None
    lng: float | None
    watermark: str
    width: int
    height: int


class GridworkNeedIn(Schema):
    kind: str = Field(..., max_length=20, description="需求类别：elderly_care、assistance、health、…")
    description: str = Field(..., max_length=500)


class GridworkNeedOut(Schema):
    id: int
    kind: str
    kind_label: str
    description: str
    status: str
    status_label: str
    referred_target: str
    reference: str


class GridworkVisitIn(Schema):
    key: Key
    grid_id: Id
    household_id: Id
    person_id: Id | None = None
    visited_at: datetime | None = None
    summary: str = Field(..., max_length=2000)
    needs: list[GridworkNeedIn] = Field(default_factory=list, max_length=20)
    photos: list[GridworkPhotoIn] = Field(default_factory=list, max_length=3)


class GridworkVisitOut(Schema):
    id: int
    key: uuid.UUID
    grid_id: int
    grid_name: str
    household_id: int
    household_label: str
    person_name: str
    visited_at: datetime
    worker_name: str
    summary: str
    needs: list[GridworkNeedOut]
    photos: list[GridworkPhotoOut]


class GridworkVisitBrief(Schema):
    id: int
    grid_id: int
    grid_name: str
    household_id: int
    household_label: str
    visited_at: datetime
    worker_name: str
    need_count: int
    photo_count: int


class GridworkVisitPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[GridworkVisitBrief]


class GridworkListFilters(Schema):
    grid_id: Id | None = None
    limit: Limit = 50
    offset: Offset = 0


class GridworkFindingFilters(GridworkListFilters):
    status: str | None = Field(None, max_length=10, description="open、rectified、verified")
    overdue: bool = False


class GridworkChecklistItemOut(Schema):
    id: int
    code: str
    text: str


class GridworkChecklistOut(Schema):
    id: int
    code: str
    name: str
    items: list[GridworkChecklistItemOut]


class GridworkResultIn(Schema):
    item_id: Id
    result: str = Field(..., max_length=4, description="pass、fail、na")
    note: str = Field("", max_length=200)


class GridworkFindingIn(Schema):
    item_id: Id | None = None
    description: str = Field("", max_length=500)
    severity: str = Field("low", max_length=8, description="low（一般）、medium（较大）、high（重大）")
    due_on: date | None = None
    photo: GridworkPhotoIn | None = None


class GridworkCheckIn(Schema):
    key: Key
    grid_id: Id
    place_id: Id | None = None
    building_id: Id | None = None
    household_id: Id | None = None
    location: str = Field("", max_length=200)
    checked_at: datetime | None = None
    notes: str = Field("", max_length=2000)
    results: list[GridworkResultIn] = Field(..., max_length=200)
    findings: list[GridworkFindingIn] = Field(default_factory=list, max_length=30)
    photos: list[GridworkPhotoIn] = Field(default_factory=list, max_length=3)


class GridworkResultOut(Schema):
    item_id: int
    template: str
    text: str
    result: str
    result_label: str
    note: str


class GridworkFindingOut(Schema):
    id: int
    check_id: int
    grid_id: int
    grid_name: str
    item_id: int | None
    description: str
    severity: str
    severity_label: str
    due_on: date
    status: str
    status_label: str
    rectify_note: str
    verify_note: str
    photos: list[GridworkPhotoOut]


class GridworkFindingPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[GridworkFindingOut]


class GridworkCheckOut(Schema):
    id: int
    key: uuid.UUID
    grid_id: int
    grid_name: str
    location: str
    checked_at: datetime
    worker_name: str
    notes: str
    results: list[GridworkResultOut]
    findings: list[GridworkFindingOut]
    photos: list[GridworkPhotoOut]


class GridworkCheckBrief(Schema):
    id: int
    grid_id: int
    grid_name: str
    location: str
    checked_at: datetime
    worker_name: str
    finding_count: int


class GridworkCheckPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[GridworkCheckBrief]


class GridworkRectifyIn(Schema):
    note: str = Field(..., max_length=1000)
    photo: GridworkPhotoIn | None = None


class GridworkVerifyIn(Schema):
    passed: bool
    note: str = Field("", max_length=1000)


class GridworkNeedReferIn(Schema):
    target: str = Field(..., max_length=40, description="appeal（诉求）或 service_application（服务申请）")


class GridworkPatrolStartIn(Schema):
    key: Key
    grid_id: Id
    started_at: datetime | None = None


class GridworkPatrolStopIn(Schema):
    notes: str = Field("", max_length=2000)
    ended_at: datetime | None = None


class GridworkPatrolOut(Schema):
    id: int
    key: uuid.UUID
    grid_id: int
    grid_name: str
    worker_name: str
    started_at: datetime
    ended_at: datetime | None
    notes: str
    distance_m: int
    point_count: int


class GridworkPatrolPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[GridworkPatrolOut]


class GridworkPointIn(Schema):
    key: str = Field(..., max_length=36, description="客户端为每个轨迹点生成的UUID；重复上传的点被忽略")
    at: datetime
    lat: Lat
    lng: Lng
    accuracy: Annotated[float, Field(ge=0, le=100000)] | None = None


class GridworkPointsIn(Schema):
    points: list[GridworkPointIn] = Field(..., max_length=500)


class GridworkPointsOut(Schema):
    patrol_id: int
    added: int
