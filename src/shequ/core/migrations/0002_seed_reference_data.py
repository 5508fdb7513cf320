"""Reference data: the platform's default policy rules and the State Council holiday calendars.

A data migration only (no schema change), reversible.  The data is a frozen copy made when
this migration was written, so later edits to the rule catalog do not change what it does.
Each default rule cites its source passage; each calendar day cites its notice.
"""

from datetime import date, timedelta
from decimal import Decimal

from django.db import migrations

RULES = [
    (
        "community.households.urban",
        "3000",
        None,
        "户",
        "2018-07-03",
        "《中共南京市委 南京市人民政府关于加强和完善城乡社区治理的实施意见》（宁委发〔2018〕25号）二（六）：“城市社区一般以 3000 户为宜”",
        "",
    ),
    (
        "community.households.rural",
        "1000",
        "1500",
        "户",
        "2018-07-03",
        "《中共南京市委 南京市人民政府关于加强和完善城乡社区治理的实施意见》（宁委发〔2018〕25号）二（六）：“农村社区一般以 1000—1500 户为宜”",
        "",
    ),
    (
        "grid.full_time_workers_min",
        "1",
        None,
        "人",
        "2018-07-03",
        "《中共南京市委 南京市人民政府关于加强和完善城乡社区治理的实施意见》（宁委发〔2018〕25号）二（六）：“每个网格至少配备1名专职网格员，一般由社区工作者担任”",
        "",
    ),
    (
        "grid.leader_required_from_workers",
        "2",
        None,
        "人",
        "2018-07-03",
        "《中共南京市委 南京市人民政府关于加强和完善城乡社区治理的实施意见》（宁委发〔2018〕25号）二（六）：“有多名网格员的网格应设置1名网格长”",
        "",
    ),
    (
        "staffing.households_per_worker.urban",
        "300",
        None,
        "户/人",
        "2018-07-03",
        "《中共南京市委 南京市人民政府关于加强和完善城乡社区治理的实施意见》（宁委发〔2018〕25号）六（三）：“城市社区原则上按每 300 常住户居民配一名社区工作者（网格员）”",
        "专职网格员计入社区工作者。",
    ),
    (
        "staffing.households_per_worker.heavy_load",
        "200",
        "250",
        "户/人",
        "2018-07-03",
        "《中共南京市委 南京市人民政府关于加强和完善城乡社区治理的实施意见》（宁委发〔2018〕25号）六（三）：“经适房、安置房、老旧小区等服务管理任务较重的社区可按 200—250 户配一名社区工作者（网格员）”",
        "",
    ),
    (
        "staffing.households_per_worker.rural",
        "200",
        None,
        "户/人",
        "2018-07-03",
        "《中共南京市委 南京市人民政府关于加强和完善城乡社区治理的实施意见》（宁委发〔2018〕25号）六（三）：“农村社区原则上按每 200 户配一名社区工作者（网格员）”",
        "",
    ),
    (
        "facility.service_centre_area.district",
        "3000",
        None,
        "平方米",
        "2018-07-03",
        "《中共南京市委 南京市人民政府关于加强和完善城乡社区治理的实施意见》（宁委发〔2018〕25号）三（一）：“区级按照不低于3000平方米”",
        "",
    ),
    (
        "facility.service_centre_area.street",
        "1500",
        None,
        "平方米",
        "2018-07-03",
        "《中共南京市委 南京市人民政府关于加强和完善城乡社区治理的实施意见》（宁委发〔2018〕25号）三（一）：“街道（镇）按照不低于1500平方米”",
        "",
    ),
    (
        "facility.service_centre_area.community_per_100_households",
        "30",
        None,
        "平方米/百户",
        "2018-07-03",
        "《中共南京市委 南京市人民政府关于加强和完善城乡社区治理的实施意见》（宁委发〔2018〕25号）三（一）：“城乡社区按照每百户居民不低于30平方米的标准”；江苏省民政厅农村社区治理服务工作部署（完善农村社区服务功能）：“按照每百户 30平方米的国家新标准”",
        "",
    ),
    (
        "facility.service_centre.service_share_min",
        "0.8",
        None,
        "比例",
        "2018-07-03",
        "《中共南京市委 南京市人民政府关于加强和完善城乡社区治理的实施意见》（宁委发〔2018〕25号）三（一）：“城乡社区党群服务中心为民服务面积大于总面积的五分之四”",
        "须大于该比例。",
    ),
    (
        "facility.service_centre.office_share_max",
        "0.2",
        None,
        "比例",
        "2018-07-03",
        "《中共南京市委 南京市人民政府关于加强和完善城乡社区治理的实施意见》（宁委发〔2018〕25号）三（一）：“办公面积小于总面积的五分之一”",
        "须小于该比例。",
    ),
    (
        "funds.working.urban_community",
        "20000000",
        None,
        "分/年",
        "2018-07-03",
        "《中共南京市委 南京市人民政府关于加强和完善城乡社区治理的实施意见》（宁委发〔2018〕25号）六（二）：“每年每个城市社区工作经费原则上不低于 20 万元”",
        "",
    ),
    (
        "funds.operating.rural_community",
        "30000000",
        None,
        "分/年",
        "2018-07-03",
        "《中共南京市委 南京市人民政府关于加强和完善城乡社区治理的实施意见》（宁委发〔2018〕25号）六（二）：“农村社区运转经费不低于 30 万元”",
        "",
    ),
    (
        "pay.urban_head.share_of_city_average_wage",
        "1",
        None,
        "比例",
        "2018-07-03",
        "《中共南京市委 南京市人民政府关于加强和完善城乡社区治理的实施意见》（宁委发〔2018〕25号）六（二）：“城市社区党组织书记、居委会主任报酬不低于上年度全市城镇非私营单位从业人员平均工资水平”",
        "",
    ),
    (
        "pay.urban_other.share_of_city_average_wage",
        "0.7",
        None,
        "比例",
        "2018-07-03",
        "《中共南京市委 南京市人民政府关于加强和完善城乡社区治理的实施意见》（宁委发〔2018〕25号）六（二）：“玄武、秦淮、建邺、鼓楼、栖霞、雨花台区以不低于……平均工资水平 80% 的标准，江北新区、江宁、浦口、六合、溧水、高淳区以不低于……平均工资水平 70% 的标准，合理设定其他城市社区工作者报酬”",
        "平台默认取两档中的较低值；各区的具体比例为区级规则。",
    ),
    (
        "pay.rural_head.base_multiple_of_rural_income",
        "2",
        None,
        "倍",
        "2018-07-03",
        "《中共南京市委 南京市人民政府关于加强和完善城乡社区治理的实施意见》（宁委发〔2018〕25号）六（二）：“基本报酬由区统筹，不低于上年当地农村居民人均可支配收入的 2 倍，绩效报酬由区、街道（镇）落实”",
        "",
    ),
    (
        "target.self_governance_compliance",
        "0.98",
        None,
        "比例",
        "2018-07-03",
        "《中共南京市委 南京市人民政府关于加强和完善城乡社区治理的实施意见》（宁委发〔2018〕25号）一（三）目标任务：“居（村）委会依法自治达标率达98%以上”",
        "",
    ),
    (
        "target.grid_coverage",
        "1",
        None,
        "比例",
        "2018-07-03",
        "《中共南京市委 南京市人民政府关于加强和完善城乡社区治理的实施意见》（宁委发〔2018〕25号）一（三）目标任务：“网格化管理服务覆盖率达100%”",
        "社区全部常住户均位于配有专职网格员的网格内，计为覆盖。",
    ),
    (
        "target.facility_compliance",
        "0.98",
        None,
        "比例",
        "2018-07-03",
        "《中共南京市委 南京市人民政府关于加强和完善城乡社区治理的实施意见》（宁委发〔2018〕25号）一（三）目标任务：“社区综合服务设施、基本公共服务功能配置达标率达 98%以上”",
        "",
    ),
    (
        "target.certified_social_workers.urban",
        "0.65",
        None,
        "比例",
        "2018-07-03",
        "《中共南京市委 南京市人民政府关于加强和完善城乡社区治理的实施意见》（宁委发〔2018〕25号）一（三）目标任务：“城市社区专职工作者中持有国家社会工作者职业水平证书占比达 65%以上”",
        "",
    ),
    (
        "target.certified_social_workers.rural",
        "0.45",
        None,
        "比例",
        "2018-07-03",
        "《中共南京市委 南京市人民政府关于加强和完善城乡社区治理的实施意见》（宁委发〔2018〕25号）一（三）目标任务：“农村社区达 45%以上”",
        "",
    ),
    (
        "target.public_security_sense",
        "0.94",
        None,
        "比例",
        "2018-07-03",
        "《中共南京市委 南京市人民政府关于加强和完善城乡社区治理的实施意见》（宁委发〔2018〕25号）一（三）目标任务：“公众安全感达 94%以上”",
        "",
    ),
    (
        "target.harmonious_community.urban",
        "0.98",
        None,
        "比例",
        "2018-07-03",
        "《中共南京市委 南京市人民政府关于加强和完善城乡社区治理的实施意见》（宁委发〔2018〕25号）一（三）目标任务：“城乡和谐社区建设达标率分别达 98%、96%以上”",
        "",
    ),
    (
        "target.harmonious_community.rural",
        "0.96",
        None,
        "比例",
        "2018-07-03",
        "《中共南京市委 南京市人民政府关于加强和完善城乡社区治理的实施意见》（宁委发〔2018〕25号）一（三）目标任务：“城乡和谐社区建设达标率分别达 98%、96%以上”",
        "",
    ),
    (
        "election.term_years",
        "5",
        None,
        "年",
        "2018-12-29",
        "《中华人民共和国村民委员会组织法》（2018年12月29日修正）第十一条：“村民委员会每届任期五年，届满应当及时举行换届选举”",
        "",
    ),
    (
        "election.voter_list_days_before",
        "20",
        None,
        "日",
        "2018-12-29",
        "《中华人民共和国村民委员会组织法》（2018年12月29日修正）第十四条：“登记参加选举的村民名单应当在选举日的二十日前由村民选举委员会公布”",
        "",
    ),
    (
        "election.voter_list_objection_days",
        "5",
        None,
        "日",
        "2018-12-29",
        "《中华人民共和国村民委员会组织法》（2018年12月29日修正）第十四条：“对登记参加选举的村民名单有异议的，应当自名单公布之日起五日内向村民选举委员会申诉”",
        "",
    ),
    (
        "election.voter_list_objection_answer_days",
        "3",
        None,
        "日",
        "2018-12-29",
        "《中华人民共和国村民委员会组织法》（2018年12月29日修正）第十四条：“村民选举委员会应当自收到申诉之日起三日内作出处理决定，并公布处理结果”",
        "",
    ),
    (
        "election.proxies_per_voter_max",
        "3",
        None,
        "人",
        "2018-12-29",
        "《中华人民共和国村民委员会组织法》（2018年12月29日修正）第十五条：“村民如果在选举期间外出，可以书面委托本村有选举权的近亲属代为投票”；受委托人数上限依省级村民委员会选举办法",
        "以书面委托为限。",
    ),
    (
        "election.validity_turnout_share",
        "0.5",
        None,
        "比例",
        "2018-12-29",
        "《中华人民共和国村民委员会组织法》（2018年12月29日修正）第十五条：“有登记参加选举的村民过半数投票，选举有效”",
        "须超过该比例（过半数）。",
    ),
    (
        "election.elected_vote_share",
        "0.5",
        None,
        "比例",
        "2018-12-29",
        "《中华人民共和国村民委员会组织法》（2018年12月29日修正）第十五条：“候选人获得参加投票的村民过半数的选票，始得当选”",
        "须超过该比例（过半数）。",
    ),
    (
        "election.runoff_min_vote_share",
        "0.3333",
        None,
        "比例",
        "2018-12-29",
        "《中华人民共和国村民委员会组织法》（2018年12月29日修正）第十五条：“另行选举的……候选人以得票多的当选，但是所得票数不得少于已投选票总数的三分之一”",
        "三分之一；比较时按分数精确计算。",
    ),
    (
        "assembly.quorum_adult_share",
        "0.5",
        None,
        "比例",
        "2018-12-29",
        "《中华人民共和国村民委员会组织法》（2018年12月29日修正）第二十二条：“召开村民会议，应当有本村十八周岁以上村民的过半数……参加”",
        "须超过该比例（过半数）。",
    ),
    (
        "assembly.quorum_household_share",
        "0.6667",
        None,
        "比例",
        "2018-12-29",
        "《中华人民共和国村民委员会组织法》（2018年12月29日修正）第二十二条：“或者本村三分之二以上的户的代表参加”",
        "三分之二以上。",
    ),
    (
        "assembly.decision_share",
        "0.5",
        None,
        "比例",
        "2018-12-29",
        "《中华人民共和国村民委员会组织法》（2018年12月29日修正）第二十二条：“村民会议所作决定应当经到会人员的过半数通过”",
        "须超过该比例（过半数）。",
    ),
    (
        "representatives.households_per_representative",
        "5",
        "15",
        "户",
        "2018-12-29",
        "《中华人民共和国村民委员会组织法》（2018年12月29日修正）第二十五条：“村民代表由村民按每五户至十五户推选一人”",
        "",
    ),
    (
        "representatives.share_of_assembly_min",
        "0.8",
        None,
        "比例",
        "2018-12-29",
        "《中华人民共和国村民委员会组织法》（2018年12月29日修正）第二十五条：“村民代表应当占村民代表会议组成人员的五分之四以上”",
        "",
    ),
    (
        "representatives.women_share_min",
        "0.3333",
        None,
        "比例",
        "2018-12-29",
        "《中华人民共和国村民委员会组织法》（2018年12月29日修正）第二十五条：“妇女村民代表应当占村民代表会议组成人员的三分之一以上”",
        "三分之一以上。",
    ),
    (
        "recall.voter_share",
        "0.2",
        None,
        "比例",
        "2018-12-29",
        "《中华人民共和国村民委员会组织法》（2018年12月29日修正）第十六条：“本村五分之一以上有选举权的村民或者三分之一以上的村民代表联名，可以提出罢免村民委员会成员的要求”",
        "",
    ),
    (
        "recall.representative_share",
        "0.3333",
        None,
        "比例",
        "2018-12-29",
        "《中华人民共和国村民委员会组织法》（2018年12月29日修正）第十六条：“或者三分之一以上的村民代表联名”",
        "",
    ),
    (
        "disclosure.ordinary_interval_months",
        "3",
        None,
        "月",
        "2018-12-29",
        "《中华人民共和国村民委员会组织法》（2018年12月29日修正）第三十条：“一般事项至少每季度公布一次”",
        "",
    ),
    (
        "disclosure.finance_interval_months",
        "1",
        None,
        "月",
        "2018-12-29",
        "《中华人民共和国村民委员会组织法》（2018年12月29日修正）第三十条：“集体财务往来较多的，财务收支情况应当每月公布一次”",
        "",
    ),
    (
        "disclosure.major_matters_days",
        "0",
        None,
        "日",
        "2018-12-29",
        "《中华人民共和国村民委员会组织法》（2018年12月29日修正）第三十条：“涉及村民利益的重大事项应当随时公布”",
        "0 表示随时（当日）公布。",
    ),
    (
        "office_hours.morning",
        "510",
        "720",
        "分钟（自零时起）",
        "2000-01-01",
        "平台默认作息时间 08:30—12:00，各地按本级作息时间调整",
        "510 = 08:30，720 = 12:00。",
    ),
    (
        "office_hours.afternoon",
        "840",
        "1050",
        "分钟（自零时起）",
        "2000-01-01",
        "平台默认作息时间 14:00—17:30，各地按本级作息时间调整",
        "840 = 14:00，1050 = 17:30。",
    ),
    (
        "deadline.yellow_share",
        "0.8",
        None,
        "比例",
        "2000-01-01",
        "平台默认：已用时限达到该比例时黄色预警，超过时限红色预警",
        "",
    ),
]

CALENDARS = [
    (
        "国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）",
        [
            ("元旦", "2025-01-01", "2025-01-01"),
            ("春节", "2025-01-28", "2025-02-04"),
            ("清明节", "2025-04-04", "2025-04-06"),
            ("劳动节", "2025-05-01", "2025-05-05"),
            ("端午节", "2025-05-31", "2025-06-02"),
            ("国庆节、中秋节", "2025-10-01", "2025-10-08"),
        ],
        [
            ("春节调休上班", "2025-01-26"),
            ("春节调休上班", "2025-02-08"),
            ("劳动节调休上班", "2025-04-27"),
            ("国庆节、中秋节调休上班", "2025-09-28"),
            ("国庆节、中秋节调休上班", "2025-10-11"),
        ],
    ),
    (
        "国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号）",
        [
            ("元旦", "2026-01-01", "2026-01-03"),
            ("春节", "2026-02-15", "2026-02-23"),
            ("清明节", "2026-04-04", "2026-04-06"),
            ("劳动节", "2026-05-01", "2026-05-05"),
            ("端午节", "2026-06-19", "2026-06-21"),
            ("中秋节", "2026-09-25", "2026-09-27"),
            ("国庆节", "2026-10-01", "2026-10-07"),
        ],
        [
            ("元旦调休上班", "2026-01-04"),
            ("春节调休上班", "2026-02-14"),
            ("春节调休上班", "2026-02-28"),
            ("劳动节调休上班", "2026-05-09"),
            ("国庆节调休上班", "2026-09-20"),
            ("国庆节调休上班", "2026-10-10"),
        ],
    ),
]


def _calendar_rows():
    for source, holidays, workdays in CALENDARS:
        for name, first, last in holidays:
            d, end = date.fromisoformat(first), date.fromisoformat(last)
            while d <= end:
                yield d, "holiday", name, source
                d += timedelta(days=1)
        for name, day in workdays:
            yield date.fromisoformat(day), "workday", name, source


def seed(apps, schema_editor):
    Rule = apps.get_model("core", "Rule")
    CalendarDay = apps.get_model("core", "CalendarDay")
    have = set(Rule.objects.filter(area__isnull=True).values_list("key", flat=True))
    Rule.objects.bulk_create(
        Rule(
            key=key,
            area=None,
            value=Decimal(value),
            value_max=Decimal(value_max) if value_max else None,
            unit=unit,
            valid_from=date.fromisoformat(valid_from),
            version=1,
            source=source,
            note=note,
        )
        for key, value, value_max, unit, valid_from, source, note in RULES
        if key not in have
    )
    rows = list(_calendar_rows())
    taken = set(CalendarDay.objects.filter(date__in=[r[0] for r in rows]).values_list("date", flat=True))
    CalendarDay.objects.bulk_create(
        CalendarDay(date=d, kind=kind, name=name, source=source)
        for d, kind, name, source in rows
        if d not in taken
    )


def unseed(apps, schema_editor):
    Rule = apps.get_model("core", "Rule")
    CalendarDay = apps.get_model("core", "CalendarDay")
    for key, _value, _max, _unit, valid_from, source, _note in RULES:
        Rule.objects.filter(
            key=key, area__isnull=True, version=1, valid_from=date.fromisoformat(valid_from), source=source
        ).delete()
    for d, kind, _name, source in _calendar_rows():
        CalendarDay.objects.filter(date=d, kind=kind, source=source).delete()


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
