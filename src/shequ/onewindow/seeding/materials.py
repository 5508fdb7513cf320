"""Materials and certificate kinds of the seeded catalogue (南京 communities)."""

from __future__ import annotations

#: (code, name, description, source, certificate kind code or "")
MATERIALS: list[tuple[str, str, str, str, str]] = [
    ("id_card", "居民身份证", "申请人本人居民身份证正反面", "upload", ""),
    ("hukou", "户口簿", "户口簿首页及本人页", "registry", ""),
    ("residence_proof", "居住证明", "社区出具的居住证明", "certificate", "residence"),
    ("photo", "近期免冠照片", "一寸白底彩色照片", "upload", ""),
    ("bank_card", "银行卡（折）", "本人银行卡或存折复印件", "upload", ""),
    ("income_statement", "家庭收入情况说明", "家庭成员收入及财产情况", "upload", ""),
    ("medical_record", "病历及诊断证明", "二级以上医院出具", "upload", ""),
    ("disability_card", "残疾人证", "第二代残疾人证", "upload", ""),
    ("labor_contract", "劳动合同或解除证明", "与用人单位签订或解除劳动关系的证明", "upload", ""),
    ("marriage_cert", "结婚证", "夫妻双方结婚证", "upload", ""),
    ("birth_cert", "出生医学证明", "子女出生医学证明", "upload", ""),
    ("house_contract", "房屋租赁合同或产权证明", "现居住房屋的租赁合同或不动产权证书", "upload", ""),
    ("application_form", "申请表", "本事项申请表（可在线填写）", "upload", ""),
    ("business_plan", "创业计划书", "创业项目说明", "upload", ""),
    ("school_notice", "入学通知或在读证明", "学校出具", "upload", ""),
    ("service_needs", "照护需求评估表", "老年人能力评估结果", "upload", ""),
]

#: (code, name, on_list, purposes, template, legal basis, refusal reason, aliases, order)
CERTIFICATE_KINDS: list[tuple[str, str, bool, str, str, str, str, str, int]] = [
    (
        "residence",
        "居住证明",
        True,
        "办理居住证、子女入学、申请公共服务时证明在本社区实际居住",
        "兹证明{name}（证件号码{id_masked}）自{since}起在本社区居住。",
        "《南京市村（居）民委员会出具证明事项清单》第1项",
        "",
        "居住地证明、住址证明",
        10,
    ),
    (
        "family_difficulty",
        "家庭经济困难情况证明",
        True,
        "申请教育资助、医疗救助时证明家庭经济困难（以民政部门认定为准）",
        "兹证明{name}（证件号码{id_masked}）家庭已被认定为{status}。",
        "《南京市村（居）民委员会出具证明事项清单》第2项",
        "",
        "困难证明、贫困证明",
        20,
    ),
    (
        "survival",
        "生存状况证明",
        True,
        "境外领取养老金等需要证明本人健在且行动不便无法到场",
        "兹证明{name}（证件号码{id_masked}）现健在，在本社区居住。",
        "《南京市村（居）民委员会出具证明事项清单》第3项",
        "",
        "健在证明、生存证明",
        30,
    ),
    (
        "kinship",
        "亲属关系证明",
        False,
        "",
        "",
        "《关于改进和规范基层群众性自治组织出具证明工作的指导意见》（民发〔2020〕125号）",
        "亲属关系应凭户口簿、结婚证、出生医学证明等证明，或由公安机关、民政部门核实，不由社区出具。",
        "直系亲属证明、关系证明",
        100,
    ),
    (
        "no_crime",
        "无犯罪记录证明",
        False,
        "",
        "",
        "《公安机关办理犯罪记录查询工作规定》（公通字〔2021〕19号）",
        "无犯罪记录证明由公安机关出具，社区无权出具。",
        "无违法犯罪证明、品行证明",
        110,
    ),
    (
        "marital_status",
        "婚姻状况证明",
        False,
        "",
        "",
        "《关于改进和规范基层群众性自治组织出具证明工作的指导意见》（民发〔2020〕125号）",
        "婚姻状况以婚姻登记机关的记录为准，社区不予出具。",
        "单身证明、未婚证明、离婚证明",
        120,
    ),
    (
        "proof_of_death",
        "死亡证明",
        False,
        "",
        "",
        "《人口死亡信息登记管理规范（试行）》",
        "死亡证明由医疗卫生机构或公安机关出具。",
        "",
        130,
    ),
    (
        "property_ownership",
        "房屋产权证明",
        False,
        "",
        "",
        "《不动产登记暂行条例》",
        "房屋权属以不动产登记机构的登记为准，社区不予出具。",
        "房产证明",
        140,
    ),
]

#: The rule cited when a request names no known certificate at all.
LIST_RULE = (
    "《关于改进和规范基层群众性自治组织出具证明工作的指导意见》（民发〔2020〕125号）："
    "清单之外的证明事项，村（居）民委员会不予出具"
)
