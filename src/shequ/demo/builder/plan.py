"""The plan of the demo city: seed, scales, which streets get communities, names."""

from __future__ import annotations

from dataclasses import dataclass

SEED = 20260522
FLAG_KEY = "demo_city"
SCALES = ("small", "city")
BATCH = 2000
#: Registry people generated per grid (about 1,000,000 in all at the city scale).
PEOPLE_PER_GRID = {"small": 24, "city": 84}

# --------------------------------------------------------------------------- profiles

#: How a district's streets look: "urban" 主城, "suburban" 新城, "outer" 远郊.
DISTRICT_PROFILE: dict[str, str] = {
    "320102": "urban",
    "320104": "urban",
    "320105": "urban",
    "320106": "urban",
    "320111": "suburban",
    "320113": "suburban",
    "320114": "suburban",
    "320115": "suburban",
    "320116": "outer",
    "320117": "outer",
    "320118": "outer",
}


@dataclass(frozen=True)
class Profile:
    communities: tuple[int, int]
    villages: tuple[int, int]
    community_grids: tuple[int, int]
    village_grids: tuple[int, int]


PROFILES: dict[str, dict[str, Profile]] = {
    "small": {
        "urban": Profile((5, 7), (0, 0), (3, 6), (3, 5)),
        "suburban": Profile((4, 6), (1, 3), (3, 6), (3, 5)),
        "outer": Profile((2, 3), (3, 5), (3, 5), (3, 5)),
        "town": Profile((1, 2), (4, 6), (3, 5), (3, 4)),
    },
    "city": {
        "urban": Profile((9, 15), (0, 0), (8, 12), (6, 10)),
        "suburban": Profile((8, 13), (2, 5), (8, 12), (6, 10)),
        "outer": Profile((3, 5), (5, 10), (8, 12), (6, 10)),
        "town": Profile((1, 2), (7, 12), (8, 12), (6, 10)),
    },
}

#: Small scale: the streets that get communities, across urban, suburban, 江北新区 and rural towns.
SMALL_STREETS = (
    "320102002",  # 玄武区 梅园新村街道
    "320104002",  # 秦淮区 夫子庙街道
    "320106003",  # 鼓楼区 湖南路街道 (the accounts live here)
    "320111001",  # 浦口区 泰山街道, managed by 江北新区
    "320116010",  # 六合区 大厂街道, managed by 江北新区
    "320115001",  # 江宁区 东山街道
    "320116110",  # 六合区 竹镇镇
    "320117101",  # 溧水区 白马镇
)
HOME_STREET = "320106003"
PROVIDER_DISTRICTS = ("320106", "320102", "320116")

#: Generic units that cases are dispatched to (after the appeal categories' responsible units).
DISTRICT_UNITS = (
    "城市管理局",
    "生态环境局",
    "农业农村局",
    "绿化园林局",
    "住房和城乡建设局",
    "水务局",
    "房产局",
    "市场监督管理局",
    "公安分局",
    "消防救援大队",
    "公安交通管理大队",
    "民政局",
    "卫生健康委员会",
    "人力资源和社会保障局",
    "教育局",
    "文化和旅游局",
)
CITY_UNITS = ("水务局",)
STREET_UNITS = ("街道综合行政执法队", "司法所")

COMMUNITY_FIRST = "金银翠桃梅兰竹松龙凤长新青锦华安康和平宁泰丰文德明东西南春秋"
COMMUNITY_SECOND = "园苑山河湖桥港塘林庄湾城门岗坊里营洲岭泉"
VILLAGE_FIRST = "王张李刘陈杨赵黄周吴徐孙朱马胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭"
VILLAGE_SECOND = ("庄", "圩", "岗", "桥", "湾", "店", "集", "坝", "营", "塘", "家", "墩")
CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十 (up to 99)."""
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else CN_DIGITS[tens]) + "十" + (CN_DIGITS[ones] if ones else "")


# --------------------------------------------------------------------------- accounts
