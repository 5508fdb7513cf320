"""The appeal loop's numbers (接诉即办): duplicates, photos, deadlines, ratings and the three rates."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from .spec import DOWN, FREE, G_APPEALS, D, N, R, RuleSpec

#: Platform defaults; the source names the practice each default follows.
PLATFORM = "平台默认"
BEIJING_RATES = "参照北京市“接诉即办”月度考评：响应率、解决率、满意率分别占 10%、45%、45%"

SPECS: tuple[RuleSpec, ...] = (
    RuleSpec(
        "appeals.duplicate_distance_m",
        _("重复诉求判定距离（米）"),
        G_APPEALS,
        "米",
        N,
        FREE,
        D(100),
        PLATFORM + "：新诉求距同类未办结诉求不超过该距离时提示合并",
    ),
    RuleSpec(
        "appeals.duplicate_days",
        _("重复诉求判定天数"),
        G_APPEALS,
        "天",
        N,
        FREE,
        D(7),
        PLATFORM + "：同类未办结诉求在该天数内提交的才比对",
    ),
    RuleSpec(
        "appeals.duplicate_text_similarity",
        _("重复诉求文本相似度下限"),
        G_APPEALS,
        "比例",
        R,
        FREE,
        D("0.3"),
        PLATFORM + "：两段诉求文本的二元词组重合比例",
    ),
    RuleSpec(
        "appeals.photo_max_mb",
        _("诉求照片大小上限（MB）"),
        G_APPEALS,
        "MB",
        N,
        DOWN,
        D(10),
        PLATFORM,
    ),
    RuleSpec(
        "appeals.deadline_natural_hours_below",
        _("按自然小时计时的时限上限（小时）"),
        G_APPEALS,
        "小时",
        N,
        FREE,
        D(24),
        PLATFORM + "：短于该小时数的时限昼夜连续计时，其余按工作日计",
    ),
    RuleSpec(
        "appeals.urgent_response_hours",
        _("紧急诉求响应时限（小时）"),
        G_APPEALS,
        "小时",
        N,
        DOWN,
        D(2),
        PLATFORM,
    ),
    RuleSpec(
        "appeals.urgent_resolve_hours",
        _("紧急诉求办结时限（小时）"),
        G_APPEALS,
        "小时",
        N,
        DOWN,
        D(24),
        PLATFORM,
    ),
    RuleSpec(
        "appeals.rating_days",
        _("结案后可评价天数"),
        G_APPEALS,
        "天",
        N,
        FREE,
        D(7),
        PLATFORM + "：逾期未评价的不计入参评件",
    ),
    RuleSpec(
        "appeals.rates.basic_weight",
        _("“基本满意”计入满意率的权重"),
        G_APPEALS,
        "比例",
        R,
        FREE,
        D(1),
        PLATFORM + "：1 为与“满意”同等计入，0 为不计入",
    ),
    RuleSpec(
        "appeals.rates.weight_response",
        _("综合得分中响应率的权重"),
        G_APPEALS,
        "比例",
        R,
        FREE,
        D("0.1"),
        BEIJING_RATES,
    ),
    RuleSpec(
        "appeals.rates.weight_resolution",
        _("综合得分中解决率的权重"),
        G_APPEALS,
        "比例",
        R,
        FREE,
        D("0.45"),
        BEIJING_RATES,
    ),
    RuleSpec(
        "appeals.rates.weight_satisfaction",
        _("综合得分中满意率的权重"),
        G_APPEALS,
        "比例",
        R,
        FREE,
        D("0.45"),
        BEIJING_RATES,
    ),
)
