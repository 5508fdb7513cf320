"""The demo cases' plans (read from ``data/demo_cases.txt``) and the records a story keeps."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone

from shequ.core.models import Area

from ..catalogue import DATA_DIR
from ..models import (
    Case,
    Satisfaction,
)

# the stage a case's story stops at
SUBMITTED, DISPATCHED, ACCEPTED, RETURN, HANDLED, VERIFIED, CLOSED, RATED = (
    "submitted",
    "dispatched",
    "accepted",
    "return",
    "handled",
    "verified",
    "closed",
    "rated",
)
REOPENED, REHANDLED = "reopened", "rehandled"  # rated dissatisfied: re-opened; re-handled and rated again
SAT, BASIC = Satisfaction.SATISFIED, Satisfaction.BASIC
OPEN_ENDS = (SUBMITTED, DISPATCHED, ACCEPTED, RETURN, HANDLED, VERIFIED, CLOSED)


@dataclass(frozen=True)
class Plan:
    code: str  # the category the dispatcher confirms
    end: str  # the stage the story stops at
    text: str  # phrased as in the classifier's evaluation and training data
    level: str = ""  # the (last) rating
    previous: bool = False  # filed in the previous month
    hotline: bool = False
    urgent: bool = False
    late: bool = False  # the unit reaches the requester only after the response deadline
    home: bool = False  # the demo resident's own case (first resident of the first community)


#: The plans, one pair of lines each (see the file's header).
PLANS_FILE = DATA_DIR / "demo_cases.txt"
FLAGS = ("previous", "hotline", "urgent", "late", "home")


def parse_plans(table: str) -> tuple[Plan, ...]:
    """The plans written in :data:`PLANS_FILE`."""
    lines = [line.strip() for line in table.splitlines() if line.strip() and not line.startswith("#")]
    plans = []
    for head, text in zip(lines[::2], lines[1::2], strict=True):
        code, end, *words = head.split()
        unknown = [w for w in words if w not in FLAGS and w not in Satisfaction.values]
        if end not in (*OPEN_ENDS, RATED, REOPENED, REHANDLED) or unknown:
            raise ValueError(f"demo case plan {head!r}: unknown stage or flag")
        level = next((w for w in words if w in Satisfaction.values), "")
        plans.append(Plan(code, end, text, level, **{f: f in words for f in FLAGS}))
    return tuple(plans)


PLANS = parse_plans(PLANS_FILE.read_text(encoding="utf-8"))
RESULTS: dict[str, str] = {
    "ENV": "已协调环卫和执法人员现场处置，问题已整改到位，将加强日常巡查。",
    "INF": "已通知养护单位现场维修，设施已恢复正常使用。",
    "HOU": "已约谈物业服务企业并督促整改，物业已承诺限期落实。",
    "SAF": "已会同派出所和网格员现场处置，隐患已消除，并开展了安全宣传。",
    "SOC": "已上门了解情况，按政策为居民办理相关服务，并留下联系电话以便后续跟进。",
    "DSP": "已组织双方调解，达成一致意见，约定由责任方负责整改。",
    "COM": "已电话答复办理所需材料和社区办事时间，居民表示清楚。",
}
COMMENTS: dict[str, tuple[str, ...]] = {
    SAT: ("处理很及时，谢谢社区！", "工作人员态度很好，问题解决了。", ""),
    BASIC: ("问题解决了，就是等的时间有点长。", "基本解决了，希望以后多巡查。"),
}
DISSATISFIED_COMMENT = "只是临时处理了一下，问题没有根本解决，希望重新办理。"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林"


@dataclass
class Community:
    area: Area
    grids: list[Area]
    residents: list[Any]
    dispatcher: Any
    handler: Any
    verifiers: dict[int, Any] = field(default_factory=dict)


@dataclass
class Story:
    """One case's steps: the real moment each started and the planned hours after submission."""

    marks: list[tuple[datetime, float]] = field(default_factory=list)
    case: Case | None = None

    def step(self, hours: float, fn: Callable[..., Any], **kwargs: Any) -> Any:
        self.marks.append((timezone.now(), hours))
        if self.case is None:
            return fn(**kwargs)
        return fn(case=self.case, version=None, **kwargs)
