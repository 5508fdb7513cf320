"""Reference data the registry's migrations seed (kept here so tests can restore it after a flush)."""

#: code, name, sensitive (special groups: only with ``core.reveal_sensitive_pii``), order
TAG_CATALOGUE: tuple[tuple[str, str, bool, int], ...] = (
    ("elderly_alone", "独居老人", False, 10),
    ("empty_nest", "空巢老人", False, 20),
    ("elderly_80", "高龄老人", False, 30),
    ("disabled", "残疾人", False, 40),
    ("dibao", "低保", False, 50),
    ("tekun", "特困", False, 60),
    ("floating", "流动人口", False, 70),
    ("left_behind_child", "留守儿童", False, 80),
    ("veteran", "退役军人", False, 90),
    ("community_correction", "社区矫正", True, 200),
    ("drug_user", "吸毒人员", True, 210),
    ("key_attention", "重点关注", True, 220),
)
