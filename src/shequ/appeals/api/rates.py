"""The three rates over the API: ``GET /api/v1/appeals/rates?month=YYYY-MM&by=street&area_id=``.

The same figures as the console page (:mod:`shequ.appeals.selectors.rates`), over the cases
the caller may see: counts as integers, rates and the composite as numbers from 0 to 1, or
``null`` when the denominator is 0.  Staff only; a bad ``month`` or ``by`` is a 400 naming the
field, an ``area_id`` outside the caller's scope a 404.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from shequ.core.api import ERRORS

from ..selectors import rates as sel
from ..services.common import is_staff

router = Router(tags=["appeals-rates"])


class AppealRatesFilters(Schema):
    month: str = Field("", max_length=20, description="统计月份 YYYY-MM（北京时间自然月），默认本月")
    by: str = Field(
        "street", max_length=16, description="street（街道/镇）、unit（主办单位）或 community（社区/村）"
    )
    area_id: int | None = Field(None, ge=1, le=2**63 - 1, description="只统计该区域（须在管辖范围内）")


class AppealRatesWeightsOut(Schema):
    response: float = Field(..., description="综合得分中响应率的权重")
    resolution: float = Field(..., description="综合得分中解决率的权重")
    satisfaction: float = Field(..., description="综合得分中满意率的权重")
    basic: float = Field(..., description="“基本满意”计入满意率的权重")


class AppealRatesRowOut(Schema):
    rank: int | None = Field(None, description="名次（综合得分相同并列；无综合得分为 null）")
    key: str = Field(..., description="分组键：区域 id、org:<id>、area:<id>、name:<单位名> 或 none")
    area_id: int | None = None
    name: str
    dispatched: int = Field(..., description="本月派单数")
    responded: int = Field(..., description="按时响应数")
    rated: int = Field(..., description="本月评价数")
    resolved: int
    satisfied: int
    basic: int
    dissatisfied: int
    response_rate: float | None = Field(None, description="响应率 0..1；分母为 0 时为 null")
    resolution_rate: float | None = Field(None, description="解决率 0..1；分母为 0 时为 null")
    satisfaction_rate: float | None = Field(None, description="满意率 0..1；分母为 0 时为 null")
    composite: float | None = Field(
        None, description="综合得分 0..1：有分母的比率按权重加权、除以其权重合计；三项都无时为 null"
    )


class AppealRatesOut(Schema):
    month: str
    by: str
    area_id: int | None
    weights: AppealRatesWeightsOut
    rows: list[AppealRatesRowOut]
    total: AppealRatesRowOut


def _staff(request: HttpRequest) -> Any:
    user: Any = request.user
    if not is_staff(user):
        raise PermissionDenied(_("只有工作人员可以查看三率统计。"))
    return user


@router.get("/rates", response={200: AppealRatesOut, **ERRORS}, summary="响应率、解决率、满意率与综合排名")
def rates(request: HttpRequest, filters: Query[AppealRatesFilters]) -> AppealRatesOut:
    user = _staff(request)
    month = sel.parse_month(filters.month)
    by = sel.parse_by(filters.by)
    area = sel.rates_area(user, filters.area_id)
    found = sel.ranking(user, month=month, by=by, area=area)
    w = found.weights
    return AppealRatesOut(
        month=month.key,
        by=by,
        area_id=area.pk if area is not None else None,
        weights=AppealRatesWeightsOut(
            response=float(w.response),
            resolution=float(w.resolution),
            satisfaction=float(w.satisfaction),
            basic=float(w.basic),
        ),
        rows=[AppealRatesRowOut(**row.as_numbers()) for row in found.rows],
        total=AppealRatesRowOut(**found.total.as_numbers()),
    )
