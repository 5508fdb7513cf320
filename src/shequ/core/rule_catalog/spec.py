"""What a catalog entry is (:class:`RuleSpec`, kinds, directions), the documents entries cite,
the groups the console lists them under, and the shorthands the entry modules use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class RuleKind(StrEnum):
    NUMBER = "number"
    RATIO = "ratio"
    RANGE = "range"
    MONEY_FEN = "money_fen"
    MINUTES = "minutes"
    HOURS = "hours"


class Direction(StrEnum):
    MIN = "min"  # a floor: higher is stricter
    MAX = "max"  # a ceiling: lower is stricter
    NONE = ""


KIND_LABELS: dict[str, Promise] = {
    RuleKind.NUMBER: _("数值"),
    RuleKind.RATIO: _("比例"),
    RuleKind.RANGE: _("区间"),
    RuleKind.MONEY_FEN: _("金额（分）"),
    RuleKind.MINUTES: _("分钟"),
    RuleKind.HOURS: _("小时"),
}

DIRECTION_LABELS: dict[str, Promise] = {
    Direction.MIN: _("下限（数值越高越严格）"),
    Direction.MAX: _("上限（数值越低越严格）"),
    Direction.NONE: _("无方向"),
}


@dataclass(frozen=True)
class RuleSpec:
    key: str
    name: str | Promise
    group: str | Promise
    unit: str
    kind: RuleKind
    direction: Direction
    default: Decimal
    source: str
    default_max: Decimal | None = None
    valid_from: date = date(2000, 1, 1)
    note: str = ""
    #: The comparison is strict (“大于”“过半数”) rather than inclusive (“以上”“不低于”).
    strict: bool = False


# --------------------------------------------------------------------------- sources

NJ_DOC = "《中共南京市委 南京市人民政府关于加强和完善城乡社区治理的实施意见》（宁委发〔2018〕25号）"
NJ_DATE = date(2018, 7, 3)
JS_DOC = "江苏省民政厅农村社区治理服务工作部署"
VC_LAW = "《中华人民共和国村民委员会组织法》（2018年12月29日修正）"
VC_DATE = date(2018, 12, 29)

NJ_TARGETS = NJ_DOC + "一（三）目标任务"

D = Decimal

# Groups (the console lists rules group by group, in this order).
G_SIZE = _("社区规模与网格")
G_STAFF = _("社区工作者配备")
G_FACILITY = _("党群服务中心")
G_FUNDS = _("经费与报酬")
G_TARGET = _("目标任务")
G_ELECTION = _("村民委员会选举")
G_ASSEMBLY = _("村民会议与村民代表")
G_DISCLOSURE = _("村务公开")
G_TIME = _("办公时间与时限")
G_APPEALS = _("接诉即办")

GROUPS: tuple[str | Promise, ...] = (
    G_SIZE,
    G_STAFF,
    G_FACILITY,
    G_FUNDS,
    G_TARGET,
    G_ELECTION,
    G_ASSEMBLY,
    G_DISCLOSURE,
    G_TIME,
    G_APPEALS,
)

N, R, RG, M, MIN = RuleKind.NUMBER, RuleKind.RATIO, RuleKind.RANGE, RuleKind.MONEY_FEN, RuleKind.MINUTES
UP, DOWN, FREE = Direction.MIN, Direction.MAX, Direction.NONE


def takes_max(spec: RuleSpec) -> bool:
    """Whether records of this key hold a range (value … value_max)."""
    return spec.kind == RuleKind.RANGE or spec.default_max is not None
