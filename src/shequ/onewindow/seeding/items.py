"""The seeded catalogue: 25 community public services as 南京 communities handle them (first half)."""

from __future__ import annotations

from typing import Any

S_WINDOW = ["窗口受理", "社区初审", "转责任单位审核", "办结送达"]
S_ONLINE = ["网上申请", "社区受理", "审核", "办结并短信告知"]
S_RELIEF = ["申请受理", "入户调查", "民主评议并公示", "街道审核", "区民政局确认", "发放"]
LOC = "社区党群服务中心一站式服务大厅"
HOURS = "工作日 9:00—12:00，13:30—17:30"


def _age(n: int) -> dict[str, Any]:
    return {"fact": "age", "op": "gte", "value": n}


def _tags(*codes: str) -> dict[str, Any]:
    return {"fact": "tags", "op": "any", "value": list(codes)}


def _living() -> dict[str, Any]:
    return {"fact": "residence_status", "op": "in", "value": ["resident", "floating"]}


def _registered() -> dict[str, Any]:
    return {"fact": "household_kind", "op": "in", "value": ["registered"]}


#: Each item: code, name, category, keywords, channel, limit (working days), fee (fen), unit,
#: 告知承诺制, eligibility, eligibility text, materials [(code, required, commitment ok)],
#: steps, legal basis, description.
FIRST: list[dict[str, Any]] = [
    {
        "code": "elderly-allowance",
        "name": "高龄津贴申领",
        "category": "elderly",
        "keywords": "高龄 津贴 尊老金 80岁 老人补贴",
        "channel": "both",
        "limit": 15,
        "unit": "区民政局",
        "commitment": False,
        "eligibility": [_age(80), _living()],
        "eligibility_text": "年满80周岁、在本市居住的老年人",
        "materials": [("id_card", True, False), ("hukou", True, False), ("bank_card", True, False)],
        "steps": S_ONLINE,
        "basis": "《南京市高龄老人尊老金发放办法》",
        "description": "为80周岁以上老年人按月发放尊老金。",
    },
    {
        "code": "home-care-subsidy",
        "name": "居家养老服务补贴申请",
        "category": "elderly",
        "keywords": "居家养老 补贴 助餐 助洁 上门服务",
        "channel": "both",
        "limit": 20,
        "unit": "区民政局",
        "commitment": False,
        "eligibility": [_age(60), _tags("elderly_alone", "empty_nest", "dibao", "tekun", "elderly_80")],
        "eligibility_text": "60周岁以上的独居、空巢、低保、特困或高龄老人",
        "materials": [
            ("id_card", True, False),
            ("hukou", True, False),
            ("service_needs", True, False),
            ("income_statement", False, False),
            ("bank_card", False, False),
        ],
        "steps": S_WINDOW,
        "basis": "《南京市居家养老服务条例》",
        "description": "按评估等级为符合条件的老年人提供居家养老服务补贴。",
    },
    {
        "code": "meal-aid",
        "name": "老年人助餐服务登记",
        "category": "elderly",
        "keywords": "助餐 老年食堂 吃饭 餐补",
        "channel": "online",
        "limit": 3,
        "unit": "社区居委会",
        "commitment": False,
        "eligibility": [_age(60)],
        "eligibility_text": "60周岁以上老年人",
        "materials": [("id_card", True, False)],
        "steps": S_ONLINE,
        "basis": "《南京市老年人助餐服务管理办法》",
        "description": "登记后可在社区助餐点享受助餐优惠。",
    },
    {
        "code": "dibao",
        "name": "最低生活保障申请",
        "category": "social_assistance",
        "keywords": "低保 最低生活保障 困难 救助",
        "channel": "window",
        "limit": 30,
        "unit": "街道社会事务办 / 区民政局",
        "commitment": True,
        "eligibility": [_registered()],
        "eligibility_text": "本市户籍、家庭人均收入低于当地低保标准",
        "materials": [
            ("id_card", True, False),
            ("hukou", True, False),
            ("income_statement", True, True),
            ("application_form", True, False),
        ],
        "steps": S_RELIEF,
        "basis": "《社会救助暂行办法》；《江苏省最低生活保障工作规程》",
        "description": "对共同生活家庭成员人均收入低于当地低保标准的家庭给予救助。",
    },
    {
        "code": "temporary-relief",
        "name": "临时救助申请",
        "category": "social_assistance",
        "keywords": "临时救助 急难 困难 救急",
        "channel": "both",
        "limit": 10,
        "unit": "街道社会事务办",
        "commitment": True,
        "eligibility": [],
        "eligibility_text": "因突发事件、意外伤害、重大疾病等导致基本生活陷入困境的家庭或个人",
        "materials": [
            ("id_card", True, False),
            ("hukou", True, False),
            ("income_statement", True, True),
            ("medical_record", False, False),
        ],
        "steps": S_RELIEF,
        "basis": "《社会救助暂行办法》第四十七条",
        "description": "对遭遇急难的家庭给予过渡性救助。",
    },
    {
        "code": "tekun",
        "name": "特困人员供养申请",
        "category": "social_assistance",
        "keywords": "特困 五保 供养",
        "channel": "window",
        "limit": 30,
        "unit": "区民政局",
        "commitment": False,
        "eligibility": [_registered()],
        "eligibility_text": "无劳动能力、无生活来源、无法定赡养抚养扶养义务人的本市户籍居民",
        "materials": [("id_card", True, False), ("hukou", True, False), ("application_form", True, False)],
        "steps": S_RELIEF,
        "basis": "《社会救助暂行办法》第三章；《特困人员认定办法》",
        "description": "对符合条件的特困人员给予基本生活和照料保障。",
    },
    {
        "code": "disability-subsidy",
        "name": "残疾人两项补贴申请",
        "category": "disability",
        "keywords": "残疾人 生活补贴 护理补贴 两项补贴",
        "channel": "both",
        "limit": 20,
        "unit": "区残联 / 区民政局",
        "commitment": False,
        "eligibility": [_tags("disabled")],
        "eligibility_text": "持有第二代残疾人证的困难残疾人、重度残疾人",
        "materials": [("id_card", True, False), ("disability_card", True, False), ("bank_card", True, False)],
        "steps": S_WINDOW,
        "basis": "《国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见》（国发〔2015〕52号）",
        "description": "困难残疾人生活补贴和重度残疾人护理补贴。",
    },
    {
        "code": "disability-card",
        "name": "残疾人证申领（初审）",
        "category": "disability",
        "keywords": "残疾证 办证 评残",
        "channel": "window",
        "limit": 10,
        "unit": "区残联",
        "commitment": False,
        "eligibility": [],
        "eligibility_text": "本市户籍的残疾人",
        "materials": [("id_card", True, False), ("hukou", True, False), ("photo", True, False)],
        "steps": S_WINDOW,
        "basis": "《中华人民共和国残疾人证管理办法》",
        "description": "社区受理申请并转区残联安排评残。",
    },
    {
        "code": "unemployment-registration",
        "name": "失业登记",
        "category": "employment",
        "keywords": "失业 登记 就业困难 失业证",
        "channel": "both",
        "limit": 1,
        "unit": "街道劳动保障所",
        "commitment": True,
        "eligibility": [_age(16)],
        "eligibility_text": "法定劳动年龄内、有劳动能力和就业要求、处于失业状态的城乡劳动者",
        "materials": [("id_card", True, False), ("labor_contract", True, True)],
        "steps": S_ONLINE,
        "basis": "《就业服务与就业管理规定》第六章",
        "description": "办理失业登记，享受公共就业服务。",
    },
    {
        "code": "employment-assistance",
        "name": "就业困难人员认定",
        "category": "employment",
        "keywords": "就业困难 认定 援助 公益性岗位",
        "channel": "window",
        "limit": 10,
        "unit": "区人力资源和社会保障局",
        "commitment": False,
        "eligibility": [_age(16)],
        "eligibility_text": "已办理失业登记的就业困难人员",
        "materials": [("id_card", True, False), ("hukou", True, False), ("labor_contract", False, False)],
        "steps": S_WINDOW,
        "basis": "《江苏省就业促进条例》",
        "description": "认定后可享受就业援助和社保补贴。",
    },
    {
        "code": "startup-loan",
        "name": "创业担保贷款申请（初审）",
        "category": "employment",
        "keywords": "创业 贷款 担保 贴息",
        "channel": "window",
        "limit": 15,
        "unit": "区人力资源和社会保障局",
        "commitment": False,
        "eligibility": [_age(18)],
        "eligibility_text": "符合条件的城镇登记失业人员、返乡创业人员等",
        "materials": [("id_card", True, False), ("business_plan", True, False), ("hukou", True, False)],
        "steps": S_WINDOW,
        "basis": "《关于进一步做好创业担保贷款财政贴息工作的通知》（财金〔2020〕21号）",
        "description": "社区初审后转区人社局。",
    },
    {
        "code": "resident-medical-insurance",
        "name": "城乡居民医疗保险参保登记",
        "category": "social_security",
        "keywords": "医保 居民医保 参保 缴费",
        "channel": "online",
        "limit": 5,
        "unit": "区医疗保障局",
        "commitment": False,
        "eligibility": [],
        "eligibility_text": "未参加职工医保的本市户籍或持居住证的居民",
        "materials": [("id_card", True, False), ("hukou", True, False)],
        "steps": S_ONLINE,
        "basis": "《南京市城乡居民基本医疗保险办法》",
        "description": "办理城乡居民医保参保登记。",
    },
]


def _all() -> list[dict[str, Any]]:
    from .items_more import MORE

    return FIRST + MORE


ITEMS = _all()
