"""Request and response shapes of the appeals API (names prefixed: schema names are API-wide)."""

from __future__ import annotations

from datetime import datetime

from ninja import Field, Schema

from .models import MAX_TEXT_LENGTH


class AppealClassifyIn(Schema):
    text: str = Field(..., min_length=1, max_length=MAX_TEXT_LENGTH, description="诉求内容（不超过10000字）")


class AppealSuggestionOut(Schema):
    category: str = Field(..., description="分类代码")
    unit: str = Field(..., description="责任单位（通用名，派单时按区域补全）")
    score: float = Field(..., ge=0, le=1, description="置信度 0–1")
    name: str = Field("", description="分类名称")


class AppealClassifyOut(Schema):
    suggestions: list[AppealSuggestionOut]


class AppealCategoryOut(Schema):
    code: str
    name: str
    name_en: str
    responsible_unit: str
    unit_level: str
    unit_level_label: str
    urgency: str
    urgency_label: str
    response_hours: int
    resolve_hours: int
    emergency_line: str
    is_active: bool
    order: int
    updated_at: datetime


class AppealCategoryPatch(Schema):
    name: str | None = Field(None, max_length=60)
    name_en: str | None = Field(None, max_length=120)
    responsible_unit: str | None = Field(None, max_length=60)
    unit_level: str | None = Field(None, max_length=16, description="city、district、street、community")
    urgency: str | None = Field(None, max_length=16, description="normal、urgent")
    response_hours: int | None = Field(None, ge=1, le=8760)
    resolve_hours: int | None = Field(None, ge=1, le=8760)
    emergency_line: str | None = Field(None, max_length=8, description="110、119、120、96333 或空")
    is_active: bool | None = None
    order: int | None = Field(None, ge=0, le=100000)
    reason: str = Field("", max_length=500)


class AppealCategoryIn(Schema):
    code: str = Field(..., min_length=1, max_length=32, description="如 ENV-WASTE")
    name: str = Field(..., min_length=1, max_length=60)
    name_en: str = Field("", max_length=120)
    responsible_unit: str = Field(..., min_length=1, max_length=60)
    unit_level: str = Field(..., max_length=16)
    urgency: str = Field("normal", max_length=16)
    response_hours: int = Field(..., ge=1, le=8760)
    resolve_hours: int = Field(..., ge=1, le=8760)
    emergency_line: str = Field("", max_length=8)
    is_active: bool = True
    order: int = Field(0, ge=0, le=100000)
    reason: str = Field("", max_length=500)


class AppealClassifierVersionOut(Schema):
    version: int
    trained_at: datetime
    examples_count: int
    learned_count: int
    eval_count: int
    top1: float
    top3: float
    is_active: bool


class AppealRetrainIn(Schema):
    reason: str = Field("", max_length=500)


class AppealRetrainOut(Schema):
    queued: bool


class AppealActivateIn(Schema):
    reason: str = Field("", max_length=500)
