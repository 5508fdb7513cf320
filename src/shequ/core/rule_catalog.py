# ruff: noqa: E501  (source passages are quoted whole)
"""Every policy number the platform knows: key, name, unit, kind, direction and source.

The catalog says *what* a rule is; the numbers themselves are :class:`~shequ.core.models.Rule`
records (versioned, per jurisdiction).  ``default`` / ``default_max`` / ``valid_from`` here are
the values the platform ships as its default records; the data migration holds a frozen copy
of them, and :func:`shequ.core.rules.seed_default_rules` adds the records of keys that are
newer than the migration.

Directions: ``"min"`` means the value is a floor (a higher value is stricter), ``"max"`` a
ceiling (a lower value is stricter), ``""`` neither (a lower jurisdiction may choose freely).
"""

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
)

N, R, RG, M, MIN = RuleKind.NUMBER, RuleKind.RATIO, RuleKind.RANGE, RuleKind.MONEY_FEN, RuleKind.MINUTES
UP, DOWN, FREE = Direction.MIN, Direction.MAX, Direction.NONE

CATALOG_LIST: tuple[RuleSpec, ...] = (
    # ---- community size and grids (二（六）)
    RuleSpec(
        "community.households.urban",
        _("城市社区规模（户）"),
        G_SIZE,
        "户",
        N,
        FREE,
        D(3000),
        NJ_DOC + "二（六）：“城市社区一般以 3000 户为宜”",
        valid_from=NJ_DATE,
    ),
    RuleSpec(
        "community.households.rural",
        _("农村社区规模（户）"),
        G_SIZE,
        "户",
        RG,
        FREE,
        D(1000),
        NJ_DOC + "二（六）：“农村社区一般以 1000—1500 户为宜”",
        default_max=D(1500),
        valid_from=NJ_DATE,
    ),
    RuleSpec(
        "grid.full_time_workers_min",
        _("每个网格专职网格员最少人数"),
        G_SIZE,
        "人",
        N,
        UP,
        D(1),
        NJ_DOC + "二（六）：“每个网格至少配备1名专职网格员，一般由社区工作者担任”",
        valid_from=NJ_DATE,
    ),
    RuleSpec(
        "grid.leader_required_from_workers",
        _("网格员达到该人数时应设网格长"),
        G_SIZE,
        "人",
        N,
        DOWN,
        D(2),
        NJ_DOC + "二（六）：“有多名网格员的网格应设置1名网格长”",
        valid_from=NJ_DATE,
    ),
    # ---- community workers (六（三）)
    RuleSpec(
        "staffing.households_per_worker.urban",
        _("城市社区每名社区工作者服务常住户数"),
        G_STAFF,
        "户/人",
        N,
        DOWN,
        D(300),
        NJ_DOC + "六（三）：“城市社区原则上按每 300 常住户居民配一名社区工作者（网格员）”",
        valid_from=NJ_DATE,
        note="专职网格员计入社区工作者。",
    ),
    RuleSpec(
        "staffing.households_per_worker.heavy_load",
        _("任务较重城市社区每名社区工作者服务户数"),
        G_STAFF,
        "户/人",
        RG,
        DOWN,
        D(200),
        NJ_DOC
        + "六（三）：“经适房、安置房、老旧小区等服务管理任务较重的社区可按 200—250 户配一名社区工作者（网格员）”",
        default_max=D(250),
        valid_from=NJ_DATE,
    ),
    RuleSpec(
        "staffing.households_per_worker.rural",
        _("农村社区每名社区工作者服务户数"),
        G_STAFF,
        "户/人",
        N,
        DOWN,
        D(200),
        NJ_DOC + "六（三）：“农村社区原则上按每 200 户配一名社区工作者（网格员）”",
        valid_from=NJ_DATE,
    ),
    # ---- service centres (三（一）)
    RuleSpec(
        "facility.service_centre_area.district",
        _("区级党群服务中心面积"),
        G_FACILITY,
        "平方米",
        N,
        UP,
        D(3000),
        NJ_DOC + "三（一）：“区级按照不低于3000平方米”",
        valid_from=NJ_DATE,
    ),
    RuleSpec(
        "facility.service_centre_area.street",
        _("街道（镇）党群服务中心面积"),
        G_FACILITY,
        "平方米",
        N,
        UP,
        D(1500),
        NJ_DOC + "三（一）：“街道（镇）按照不低于1500平方米”",
        valid_from=NJ_DATE,
    ),
    RuleSpec(
        "facility.service_centre_area.community_per_100_households",
        _("城乡社区党群服务中心每百户面积"),
        G_FACILITY,
        "平方米/百户",
        N,
        UP,
        D(30),
        NJ_DOC
        + "三（一）：“城乡社区按照每百户居民不低于30平方米的标准”；"
        + JS_DOC
        + "（完善农村社区服务功能）：“按照每百户 30平方米的国家新标准”",
        valid_from=NJ_DATE,
    ),
    RuleSpec(
        "facility.service_centre.service_share_min",
        _("党群服务中心为民服务面积占比"),
        G_FACILITY,
        "比例",
        R,
        UP,
        D("0.8"),
        NJ_DOC + "三（一）：“城乡社区党群服务中心为民服务面积大于总面积的五分之四”",
        valid_from=NJ_DATE,
        note="须大于该比例。",
        strict=True,
    ),
    RuleSpec(
        "facility.service_centre.office_share_max",
        _("党群服务中心办公面积占比"),
        G_FACILITY,
        "比例",
        R,
        DOWN,
        D("0.2"),
        NJ_DOC + "三（一）：“办公面积小于总面积的五分之一”",
        valid_from=NJ_DATE,
        note="须小于该比例。",
        strict=True,
    ),
    # ---- funds and pay (六（二）)
    RuleSpec(
        "funds.working.urban_community",
        _("城市社区年度工作经费"),
        G_FUNDS,
        "分/年",
        M,
        UP,
        D(20_000_000),
        NJ_DOC + "六（二）：“每年每个城市社区工作经费原则上不低于 20 万元”",
        valid_from=NJ_DATE,
    ),
    RuleSpec(
        "funds.operating.rural_community",
        _("农村社区年度运转经费"),
        G_FUNDS,
        "分/年",
        M,
        UP,
        D(30_000_000),
        NJ_DOC + "六（二）：“农村社区运转经费不低于 30 万元”",
        valid_from=NJ_DATE,
    ),
    RuleSpec(
        "pay.urban_head.share_of_city_average_wage",
        _("城市社区书记、主任报酬占全市平均工资比例"),
        G_FUNDS,
        "比例",
        R,
        UP,
        D(1),
        NJ_DOC
        + "六（二）：“城市社区党组织书记、居委会主任报酬不低于上年度全市城镇非私营单位从业人员平均工资水平”",
        valid_from=NJ_DATE,
    ),
    RuleSpec(
        "pay.urban_other.share_of_city_average_wage",
        _("其他城市社区工作者报酬占全市平均工资比例"),
        G_FUNDS,
        "比例",
        R,
        UP,
        D("0.7"),
        NJ_DOC + "六（二）：“玄武、秦淮、建邺、鼓楼、栖霞、雨花台区以不低于……平均工资水平 80% 的标准，"
        "江北新区、江宁、浦口、六合、溧水、高淳区以不低于……平均工资水平 70% 的标准，合理设定其他城市社区工作者报酬”",
        valid_from=NJ_DATE,
        note="平台默认取两档中的较低值；各区的具体比例为区级规则。",
    ),
    RuleSpec(
        "pay.rural_head.base_multiple_of_rural_income",
        _("农村社区书记、主任基本报酬为当地农村居民人均可支配收入的倍数"),
        G_FUNDS,
        "倍",
        N,
        UP,
        D(2),
        NJ_DOC
        + "六（二）：“基本报酬由区统筹，不低于上年当地农村居民人均可支配收入的 2 倍，绩效报酬由区、街道（镇）落实”",
        valid_from=NJ_DATE,
    ),
    # ---- targets (一（三）)
    RuleSpec(
        "target.self_governance_compliance",
        _("居（村）委会依法自治达标率"),
        G_TARGET,
        "比例",
        R,
        UP,
        D("0.98"),
        NJ_TARGETS + "：“居（村）委会依法自治达标率达98%以上”",
        valid_from=NJ_DATE,
    ),
    RuleSpec(
        "target.grid_coverage",
        _("网格化管理服务覆盖率"),
        G_TARGET,
        "比例",
        R,
        UP,
        D(1),
        NJ_TARGETS + "：“网格化管理服务覆盖率达100%”",
        valid_from=NJ_DATE,
        note="社区全部常住户均位于配有专职网格员的网格内，计为覆盖。",
    ),
    RuleSpec(
        "target.facility_compliance",
        _("社区综合服务设施、基本公共服务功能配置达标率"),
        G_TARGET,
        "比例",
        R,
        UP,
        D("0.98"),
        NJ_TARGETS + "：“社区综合服务设施、基本公共服务功能配置达标率达 98%以上”",
        valid_from=NJ_DATE,
    ),
    RuleSpec(
        "target.certified_social_workers.urban",
        _("城市社区专职工作者持证社工占比"),
        G_TARGET,
        "比例",
        R,
        UP,
        D("0.65"),
        NJ_TARGETS + "：“城市社区专职工作者中持有国家社会工作者职业水平证书占比达 65%以上”",
        valid_from=NJ_DATE,
    ),
    RuleSpec(
        "target.certified_social_workers.rural",
        _("农村社区专职工作者持证社工占比"),
        G_TARGET,
        "比例",
        R,
        UP,
        D("0.45"),
        NJ_TARGETS + "：“农村社区达 45%以上”",
        valid_from=NJ_DATE,
    ),
    RuleSpec(
        "target.public_security_sense",
        _("公众安全感"),
        G_TARGET,
        "比例",
        R,
        UP,
        D("0.94"),
        NJ_TARGETS + "：“公众安全感达 94%以上”",
        valid_from=NJ_DATE,
    ),
    RuleSpec(
        "target.harmonious_community.urban",
        _("城市和谐社区建设达标率"),
        G_TARGET,
        "比例",
        R,
        UP,
        D("0.98"),
        NJ_TARGETS + "：“城乡和谐社区建设达标率分别达 98%、96%以上”",
        valid_from=NJ_DATE,
    ),
    RuleSpec(
        "target.harmonious_community.rural",
        _("农村和谐社区建设达标率"),
        G_TARGET,
        "比例",
        R,
        UP,
        D("0.96"),
        NJ_TARGETS + "：“城乡和谐社区建设达标率分别达 98%、96%以上”",
        valid_from=NJ_DATE,
    ),
    # ---- villagers' committee elections
    RuleSpec(
        "election.term_years",
        _("村民委员会每届任期"),
        G_ELECTION,
        "年",
        N,
        FREE,
        D(5),
        VC_LAW + "第十一条：“村民委员会每届任期五年，届满应当及时举行换届选举”",
        valid_from=VC_DATE,
    ),
    RuleSpec(
        "election.voter_list_days_before",
        _("选民名单在选举日前公布的天数"),
        G_ELECTION,
        "日",
        N,
        UP,
        D(20),
        VC_LAW + "第十四条：“登记参加选举的村民名单应当在选举日的二十日前由村民选举委员会公布”",
        valid_from=VC_DATE,
    ),
    RuleSpec(
        "election.voter_list_objection_days",
        _("对选民名单提出异议的期限"),
        G_ELECTION,
        "日",
        N,
        UP,
        D(5),
        VC_LAW
        + "第十四条：“对登记参加选举的村民名单有异议的，应当自名单公布之日起五日内向村民选举委员会申诉”",
        valid_from=VC_DATE,
    ),
    RuleSpec(
        "election.voter_list_objection_answer_days",
        _("村民选举委员会处理异议的期限"),
        G_ELECTION,
        "日",
        N,
        DOWN,
        D(3),
        VC_LAW + "第十四条：“村民选举委员会应当自收到申诉之日起三日内作出处理决定，并公布处理结果”",
        valid_from=VC_DATE,
    ),
    RuleSpec(
        "election.proxies_per_voter_max",
        _("每名选民接受委托投票的最多人数"),
        G_ELECTION,
        "人",
        N,
        DOWN,
        D(3),
        VC_LAW + "第十五条：“村民如果在选举期间外出，可以书面委托本村有选举权的近亲属代为投票”；"
        "受委托人数上限依省级村民委员会选举办法",
        valid_from=VC_DATE,
        note="以书面委托为限。",
    ),
    RuleSpec(
        "election.validity_turnout_share",
        _("选举有效的投票率"),
        G_ELECTION,
        "比例",
        R,
        UP,
        D("0.5"),
        VC_LAW + "第十五条：“有登记参加选举的村民过半数投票，选举有效”",
        valid_from=VC_DATE,
        note="须超过该比例（过半数）。",
        strict=True,
    ),
    RuleSpec(
        "election.elected_vote_share",
        _("当选所需得票比例"),
        G_ELECTION,
        "比例",
        R,
        UP,
        D("0.5"),
        VC_LAW + "第十五条：“候选人获得参加投票的村民过半数的选票，始得当选”",
        valid_from=VC_DATE,
        note="须超过该比例（过半数）。",
        strict=True,
    ),
    RuleSpec(
        "election.runoff_min_vote_share",
        _("另行选举当选的最低得票比例"),
        G_ELECTION,
        "比例",
        R,
        UP,
        D("0.3333"),
        VC_LAW + "第十五条：“另行选举的……候选人以得票多的当选，但是所得票数不得少于已投选票总数的三分之一”",
        valid_from=VC_DATE,
        note="三分之一；比较时按分数精确计算。",
    ),
    # ---- villagers' assembly, representatives, recall
    RuleSpec(
        "assembly.quorum_adult_share",
        _("村民会议到会的十八周岁以上村民比例"),
        G_ASSEMBLY,
        "比例",
        R,
        UP,
        D("0.5"),
        VC_LAW + "第二十二条：“召开村民会议，应当有本村十八周岁以上村民的过半数……参加”",
        valid_from=VC_DATE,
        note="须超过该比例（过半数）。",
        strict=True,
    ),
    RuleSpec(
        "assembly.quorum_household_share",
        _("村民会议到会的户代表比例"),
        G_ASSEMBLY,
        "比例",
        R,
        UP,
        D("0.6667"),
        VC_LAW + "第二十二条：“或者本村三分之二以上的户的代表参加”",
        valid_from=VC_DATE,
        note="三分之二以上。",
    ),
    RuleSpec(
        "assembly.decision_share",
        _("村民会议决定所需到会人员比例"),
        G_ASSEMBLY,
        "比例",
        R,
        UP,
        D("0.5"),
        VC_LAW + "第二十二条：“村民会议所作决定应当经到会人员的过半数通过”",
        valid_from=VC_DATE,
        note="须超过该比例（过半数）。",
        strict=True,
    ),
    RuleSpec(
        "representatives.households_per_representative",
        _("每名村民代表推选户数"),
        G_ASSEMBLY,
        "户",
        RG,
        FREE,
        D(5),
        VC_LAW + "第二十五条：“村民代表由村民按每五户至十五户推选一人”",
        default_max=D(15),
        valid_from=VC_DATE,
    ),
    RuleSpec(
        "representatives.share_of_assembly_min",
        _("村民代表占村民代表会议组成人员比例"),
        G_ASSEMBLY,
        "比例",
        R,
        UP,
        D("0.8"),
        VC_LAW + "第二十五条：“村民代表应当占村民代表会议组成人员的五分之四以上”",
        valid_from=VC_DATE,
    ),
    RuleSpec(
        "representatives.women_share_min",
        _("妇女村民代表占村民代表会议组成人员比例"),
        G_ASSEMBLY,
        "比例",
        R,
        UP,
        D("0.3333"),
        VC_LAW + "第二十五条：“妇女村民代表应当占村民代表会议组成人员的三分之一以上”",
        valid_from=VC_DATE,
        note="三分之一以上。",
    ),
    RuleSpec(
        "recall.voter_share",
        _("提出罢免要求的有选举权村民比例"),
        G_ASSEMBLY,
        "比例",
        R,
        FREE,
        D("0.2"),
        VC_LAW
        + "第十六条：“本村五分之一以上有选举权的村民或者三分之一以上的村民代表联名，可以提出罢免村民委员会成员的要求”",
        valid_from=VC_DATE,
    ),
    RuleSpec(
        "recall.representative_share",
        _("提出罢免要求的村民代表比例"),
        G_ASSEMBLY,
        "比例",
        R,
        FREE,
        D("0.3333"),
        VC_LAW + "第十六条：“或者三分之一以上的村民代表联名”",
        valid_from=VC_DATE,
    ),
    # ---- affairs disclosure
    RuleSpec(
        "disclosure.ordinary_interval_months",
        _("村务一般事项公布间隔"),
        G_DISCLOSURE,
        "月",
        N,
        DOWN,
        D(3),
        VC_LAW + "第三十条：“一般事项至少每季度公布一次”",
        valid_from=VC_DATE,
    ),
    RuleSpec(
        "disclosure.finance_interval_months",
        _("财务收支公布间隔（往来较多的）"),
        G_DISCLOSURE,
        "月",
        N,
        DOWN,
        D(1),
        VC_LAW + "第三十条：“集体财务往来较多的，财务收支情况应当每月公布一次”",
        valid_from=VC_DATE,
    ),
    RuleSpec(
        "disclosure.major_matters_days",
        _("涉及村民利益的重大事项公布时限"),
        G_DISCLOSURE,
        "日",
        N,
        DOWN,
        D(0),
        VC_LAW + "第三十条：“涉及村民利益的重大事项应当随时公布”",
        valid_from=VC_DATE,
        note="0 表示随时（当日）公布。",
    ),
    # ---- office hours and deadline warnings
    RuleSpec(
        "office_hours.morning",
        _("上午办公时间"),
        G_TIME,
        "分钟（自零时起）",
        MIN,
        FREE,
        D(510),
        "平台默认作息时间 08:30—12:00，各地按本级作息时间调整",
        default_max=D(720),
        note="510 = 08:30，720 = 12:00。",
    ),
    RuleSpec(
        "office_hours.afternoon",
        _("下午办公时间"),
        G_TIME,
        "分钟（自零时起）",
        MIN,
        FREE,
        D(840),
        "平台默认作息时间 14:00—17:30，各地按本级作息时间调整",
        default_max=D(1050),
        note="840 = 14:00，1050 = 17:30。",
    ),
    RuleSpec(
        "deadline.yellow_share",
        _("办理时限黄色预警点（已用时间占比）"),
        G_TIME,
        "比例",
        R,
        DOWN,
        D("0.8"),
        "平台默认：已用时限达到该比例时黄色预警，超过时限红色预警",
    ),
)

CATALOG: dict[str, RuleSpec] = {spec.key: spec for spec in CATALOG_LIST}

#: Kinds whose records carry a ``value_max`` (a range).  Office hours are minute ranges.
RANGE_KEYS = frozenset(spec.key for spec in CATALOG_LIST if spec.default_max is not None)


def spec_for(key: str) -> RuleSpec | None:
    return CATALOG.get(key)


def takes_max(spec: RuleSpec) -> bool:
    """Whether records of this key hold a range (value … value_max)."""
    return spec.kind == RuleKind.RANGE or spec.default_max is not None
