"""Shapes of the case API (names prefixed ``AppealCase``: schema names are API-wide)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Field, Schema


class AppealCaseIn(Schema):
    text: str = Field(..., max_length=20_000, description="诉求内容（不超过5000字；HTML 按文本保存）")
    lng: float | None = Field(None, description="经度")
    lat: float | None = Field(None, description="纬度")
    crs: str = Field("wgs84", max_length=8, description="坐标系：wgs84、gcj02 或 bd09")
    address: str = Field("", max_length=400, description="事发地址（无坐标时需同时给出 area_id）")
    area_id: int | None = Field(None, ge=1, le=2**63 - 1, description="事发地所在社区或网格（无坐标时）")
    photos: list[str] = Field(
        default_factory=list, max_length=20, description="照片（base64 或 data URL，最多9张）"
    )
    is_public: bool = Field(False, description="同意公开")
    category: str = Field("", max_length=32, description="分类代码（可不填，由智能分拨建议）")
    urgent: bool = False
    danger: bool = Field(False, description="危及生命财产安全：立即转应急线路")
    emergency_line: str = Field("", max_length=8)
    requester_name: str = Field("", max_length=100)
    requester_phone: str = Field("", max_length=40)
    idempotency_key: str = Field("", max_length=64, description="幂等键（也可用请求头 Idempotency-Key）")


class AppealCaseSuggestionOut(Schema):
    category: str
    unit: str
    score: float
    name: str = ""


class AppealCaseUnitOut(Schema):
    role: str
    name: str
    organisation_id: int | None
    area_id: int | None


class AppealCaseEventOut(Schema):
    kind: str
    from_state: str
    to_state: str
    actor: str
    note: str
    at: datetime


class AppealCaseOut(Schema):
    id: int
    number: str
    channel: str
    state: str
    state_label: str
    version: int
    text: str
    lng: float | None
    lat: float | None
    address: str
    area_id: int
    area_name: str
    handling_area_id: int
    category: str | None
    suggested_category: str | None
    urgency: str
    danger: bool
    emergency_line: str
    is_public: bool
    light: str
    supervised: bool
    lead_unit: str
    submitted_at: datetime
    response_due: datetime | None
    resolve_due: datetime | None
    closed_at: datetime | None
    merged_into: str | None
    contacted_at: datetime | None = None
    rating_resolved: bool | None = None
    rating_level: str = ""
    rated_at: datetime | None = None
    reopened_count: int = 0
    review_state: str = ""


class AppealCaseCreatedOut(AppealCaseOut):
    token: str | None = Field(None, description="查询码（仅首次提交时返回一次）")
    created: bool


class AppealCaseDetailOut(AppealCaseOut):
    result: str
    suggestions: list[AppealCaseSuggestionOut]
    units: list[AppealCaseUnitOut]
    events: list[AppealCaseEventOut]
    allowed_actions: list[str]
    duplicates: list[str]


class AppealCasePage(Schema):
    count: int
    page: int
    items: list[AppealCaseOut]


class AppealCaseActionIn(Schema):
    version: int = Field(..., ge=1, le=2**31 - 1, description="所见版本号（乐观并发）")
    note: str = Field("", max_length=2000)
    reason: str = Field("", max_length=2000)
    result: str = Field("", max_length=4000)
    category: str = Field("", max_length=32)
    organisation_id: int | None = Field(None, ge=1, le=2**63 - 1)
    area_id: int | None = Field(None, ge=1, le=2**63 - 1)
    assist_ids: list[int] = Field(default_factory=list, max_length=10)
    line: str = Field("", max_length=8)
    reference: str = Field("", max_length=64)
    into: str = Field("", max_length=20, description="并入案件编号")
    hours: int | None = Field(None, ge=1, le=2000)
    approve: bool = False
    photos: list[str] = Field(default_factory=list, max_length=20)
    before_photos: list[str] = Field(default_factory=list, max_length=20)
    after_photos: list[str] = Field(default_factory=list, max_length=20)
    stage: str = Field("before", max_length=8)
    contacted: bool = Field(False, description="签收时已联系诉求人")
    resolved: bool | None = Field(None, description="评价：问题是否解决")
    level: str = Field("", max_length=12, description="评价：satisfied、basic 或 dissatisfied")
    comment: str = Field("", max_length=2000, description="评价意见")
    excluded: bool = Field(False, description="复核：诉求不合理，不计入考核")


class AppealCaseConflictOut(Schema):
    detail: str


def case_out_fields(case: Any) -> dict[str, Any]:
    return {
        "id": case.pk,
        "number": case.number,
        "channel": case.channel,
        "state": case.state,
        "state_label": str(case.get_state_display()),
        "version": case.version,
        "text": case.text,
        "lng": case.lng,
        "lat": case.lat,
        "address": case.address,
        "area_id": case.area_id,
        "area_name": case.area.name,
        "handling_area_id": case.handling_area_id,
        "category": case.category.code if case.category_id else None,
        "suggested_category": case.suggested_category.code if case.suggested_category_id else None,
        "urgency": case.urgency,
        "danger": case.danger,
        "emergency_line": case.emergency_line,
        "is_public": case.is_public,
        "light": case.light,
        "supervised": case.supervised,
        "lead_unit": case.lead_unit,
        "submitted_at": case.submitted_at,
        "response_due": case.response_due,
        "resolve_due": case.resolve_due,
        "closed_at": case.closed_at,
        "merged_into": case.merged_into.number if case.merged_into_id else None,
        "contacted_at": case.contacted_at,
        "rating_resolved": case.rating_resolved,
        "rating_level": case.rating_level,
        "rated_at": case.rated_at,
        "reopened_count": case.reopened_count,
        "review_state": case.review_state,
    }
