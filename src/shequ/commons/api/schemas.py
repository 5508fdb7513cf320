"""API schemas of the commons (class names are unique across the whole API)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from ninja import Field, Path, Schema

MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
SpaceIdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="场地编号")]
BookingIdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="预约编号")]
AidPostIdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="互助信息编号")]
AidMatchIdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="互助对接编号")]


class SpaceOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    area_id: int
    area_name: str
    organisation_id: int | None
    organisation_name: str
    location: str
    capacity: int
    equipment: str
    opening_hours: list[list[list[str]]]
    open_on_holidays: bool
    slot_minutes: int
    requires_approval: bool
    allow_residents: bool
    allow_organisations: bool
    allow_staff: bool
    booking_window_days: int
    max_per_week: int
    is_active: bool


class SpacePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[SpaceOut]


class SpaceListFilters(Schema):
    area_id: Id | None = None
    limit: Annotated[int, Field(ge=1, le=200)] = 50
    offset: Annotated[int, Field(ge=0, le=10**9)] = 0


class SpaceIn(Schema):
    area_id: Id = Field(..., description="所属社区、村或街道的区域编号")
    name: str = Field(..., max_length=100)
    kind: str = Field(
        "activity_room",
        description="service_room、activity_room、meeting_room、court、library、institution、other",
    )
    organisation_id: Id | None = Field(None, description="提供单位（驻区单位开放设施）")
    location: str = Field("", max_length=200)
    capacity: Annotated[int, Field(ge=1, le=10000)]
    equipment: str = Field("", max_length=1000)
    opening_hours: list[list[list[Annotated[str, Field(max_length=5)]]]] = Field(
        ..., description='周一至周日七项，每项为时段列表，如 [["08:30","12:00"],["14:00","21:00"]]'
    )
    open_on_holidays: bool = False
    slot_minutes: Annotated[int, Field(ge=15, le=480)] = 60
    requires_approval: bool = False
    allow_residents: bool = True
    allow_organisations: bool = True
    allow_staff: bool = True
    booking_window_days: Annotated[int, Field(ge=1, le=180)] = 14
    max_per_week: Annotated[int, Field(ge=1, le=50)] = 3
    is_active: bool = True


class SpacePatch(Schema):
    name: str | None = Field(None, max_length=100)
    kind: str | None = None
    location: str | None = Field(None, max_length=200)
    capacity: Annotated[int, Field(ge=1, le=10000)] | None = None
    equipment: str | None = Field(None, max_length=1000)
    opening_hours: list[list[list[Annotated[str, Field(max_length=5)]]]] | None = None
    open_on_holidays: bool | None = None
    slot_minutes: Annotated[int, Field(ge=15, le=480)] | None = None
    requires_approval: bool | None = None
    allow_residents: bool | None = None
    allow_organisations: bool | None = None
    allow_staff: bool | None = None
    booking_window_days: Annotated[int, Field(ge=1, le=180)] | None = None
    max_per_week: Annotated[int, Field(ge=1, le=50)] | None = None
    is_active: bool | None = None


class SlotOut(Schema):
    starts_at: datetime
    ends_at: datetime
    state: str = Field(..., description="free、taken、mine、mine_pending、past")


class SpaceDayOut(Schema):
    date: date
    weekday: str
    closed: bool
    holiday: bool
    slots: list[SlotOut]


class SpaceWeekOut(Schema):
    space_id: int
    week_start: date
    days: list[SpaceDayOut]


class SpaceWeekQuery(Schema):
    start: date | None = Field(None, description="该周任一日期，默认本周")


class SpaceUsageOut(Schema):
    space_id: int
    space_name: str
    month: str
    bookings: int
    pending: int
    cancelled: int
    rejected: int
    hours_booked: str
    open_hours: str
    utilisation: str | None = Field(None, description="预约小时数÷开放小时数（小数）")
    attended: int
    no_show: int
    unmarked: int
    attendance_rate: str | None


class SpaceUsageQuery(Schema):
    month: str | None = Field(None, max_length=7, description="YYYY-MM，默认本月")


class BookingIn(Schema):
    starts_at: datetime = Field(..., description="所选时段的开始时间")
    attendees: Annotated[int, Field(ge=1, le=100000)] = 1
    purpose: str = Field(..., max_length=200)
    organisation_id: Id | None = Field(None, description="以单位名义预约时填写")
    idempotency_key: str = Field("", max_length=64, description="重复提交同一键只产生一条预约")


class BookingOut(Schema):
    id: int
    space_id: int
    space_name: str
    area_id: int
    booker_kind: str
    booker_name: str
    organisation_id: int | None
    organisation_name: str
    starts_at: datetime
    ends_at: datetime
    attendees: int
    purpose: str
    status: str
    status_label: str
    decision_reason: str
    attendance: str


class BookingPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[BookingOut]


class BookingListFilters(Schema):
    space_id: Id | None = None
    status: str | None = Field(None, max_length=16)
    limit: Annotated[int, Field(ge=1, le=200)] = 50
    offset: Annotated[int, Field(ge=0, le=10**9)] = 0


class BookingDecisionIn(Schema):
    approve: bool
    reason: str = Field("", max_length=200)


class BookingCancelIn(Schema):
    reason: str = Field("", max_length=200)


class BookingAttendanceIn(Schema):
    attendance: str = Field(..., description="attended、no_show 或空（未登记）", max_length=16)


class AidPostOut(Schema):
    id: int
    area_id: int
    kind: str
    category: str
    category_label: str
    title: str
    body: str
    status: str
    author_name_masked: str
    author_phone_masked: str
    is_hidden: bool
    hidden_reason: str
    created_at: datetime


class AidPostPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[AidPostOut]


class AidPostFilters(Schema):
    kind: str | None = Field(None, max_length=16)
    status: str | None = Field(None, max_length=16)
    limit: Annotated[int, Field(ge=1, le=200)] = 50
    offset: Annotated[int, Field(ge=0, le=10**9)] = 0


class AidHideIn(Schema):
    reason: str = Field(..., max_length=200)


class AidMatchIn(Schema):
    offer_id: Id
    request_id: Id
    note: str = Field("", max_length=200)


class AidMatchOut(Schema):
    id: int
    area_id: int
    offer_id: int
    request_id: int
    status: str
    status_label: str
    note: str


class AidDeclineIn(Schema):
    reason: str = Field(..., max_length=200)
