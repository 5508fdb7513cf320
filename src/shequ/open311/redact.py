"""What the public may read of an appeal's text: names, numbers and exact addresses removed.

:func:`redact` replaces, in this order,

- the requester's own name (known server-side from the encrypted ``requester_name``) and any
  other names passed in;
- e-mail addresses, ID numbers (18 digits with an ``X`` check digit, or 15 digits), mobile
  numbers (``1[3-9]`` + 9 digits, also written with spaces or dashes, with or without +86),
  landlines with an area code (``025-8888 6666``, ``(025)88886666``), and any other run of
  seven or more digits (bank cards, long numbers);
- exact addresses: house, building, unit and room numbers (``12号``, ``3栋``, ``5幢``,
  ``2单元``, ``502室``, ``3-2-502``, ``门牌…``), in Arabic, full-width or Chinese numerals;
- names written the usual ways: ``姓王``, ``王先生`` / ``李女士`` / ``张阿姨``, ``老王`` /
  ``小李``, ``我叫…``, ``联系人…``, ``姓名…``, ``我是王某某``.

The patterns err on the side of removing too much: a public text reads "[已隐去]" where a
number or name stood.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.translation import gettext as _

#: Common surnames (the most frequent single-character ones), for the name patterns.  Characters
#: that are also everyday words next to 老/小 (区, 时, 年, 师, 学 …) are left out on purpose.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董潘袁蔡蒋余于杜叶程"
    "魏苏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方邹熊孟秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
    "龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿兰焦"
    "俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕季裴霍涂苗谷盛曲翁冉骆蓝游辛靳管柴蒙鲍喻祁蒲"
    "滕屈饶解牟艾尤阳穆农卓古吉缪简连芦麦褚娄窦戚岑景宫费卜冷晏席卫米柏宗瞿桂"
    "佟臧闵苟邬卞姬仇栾隋刁沙荣巫寇桑郎甄丛仲虞敖巩佘池麻苑迟邝"
)
#: The most frequent surnames, for 老王 / 小李 (fewer: 小程序, 小孙子 and the like must survive).
FAMILIAR_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾田董潘袁蔡蒋余杜叶魏苏吕丁沈姚卢姜崔钟谭陆汪"
)
_SURNAME = f"[{SURNAMES}]"
_HAN = r"[\u4e00-\u9fff]"
_DIGIT = r"[0-9０-９]"
_NUM_CN = r"[0-9０-９一二三四五六七八九十百千零〇两]"
_SEP = r"[\s\-－—]?"

#: Forms of address that follow a surname (王先生, 李阿姨 …).
_TITLES = (
    "先生|女士|小姐|阿姨|叔叔|大爷|大妈|大娘|大姐|大哥|奶奶|爷爷|师傅|老师|同志|老板|经理|书记|主任|某某|某"
)

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_ID_NUMBER = re.compile(
    rf"(?<![0-9A-Za-z０-９]){_DIGIT}{{6}}{_SEP}{_DIGIT}{{8}}{_SEP}{_DIGIT}{{3}}[0-9Xx０-９Ｘｘ]"
    rf"(?![0-9A-Za-z０-９])|(?<![0-9A-Za-z０-９]){_DIGIT}{{15}}(?![0-9A-Za-z０-９])"
)
_MOBILE = re.compile(
    rf"(?<![0-9０-９])(?:(?:\+|００|00)?86{_SEP})?[1１][3-9３-９]{_DIGIT}(?:{_SEP}{_DIGIT}){{8}}(?![0-9０-９])"
)
_LANDLINE = re.compile(
    rf"(?<![0-9０-９])(?:[(（]\s*[0０]{_DIGIT}{{2,3}}\s*[)）]\s*|[0０]{_DIGIT}{{2,3}}{_SEP})"
    rf"{_DIGIT}{{3,4}}{_SEP}{_DIGIT}{{4}}(?:\s*(?:转|-|ext\.?)\s*{_DIGIT}{{1,5}})?(?![0-9０-９])"
)
_LONG_NUMBER = re.compile(rf"(?<![0-9０-９]){_DIGIT}(?:{_SEP}{_DIGIT}){{6,}}(?![0-9０-９])")
_HOUSE = re.compile(
    rf"(?:门牌号?码?[:：]?\s*{_NUM_CN}*[号]?)"
    rf"|(?<![月0-9０-９一二三四五六七八九十百千零〇两])"
    rf"{_NUM_CN}+(?:[-－]{_NUM_CN}+)*\s*(?:号楼|号院|号门|号|栋|幢|座|单元|室|楼|层|户)"
    rf"|(?<![0-9０-９]){_DIGIT}{{1,3}}(?:[-－]{_DIGIT}{{1,4}}){{1,2}}(?![0-9０-９]|\s*[点时月日天年分秒岁元米个次周])"
)
_NAMED = re.compile(
    rf"(?P<lead>我叫|我的名字是|本人姓名|姓名|联系人|报告人|反映人|来电人)(?P<sep>[:：是为\s]*)"
    rf"(?P<name>{_HAN}{{2,3}}|{_SURNAME}{_HAN}?)"
)
_I_AM = re.compile(rf"(?P<lead>我是)(?P<name>{_SURNAME}{_HAN}{{1,2}})(?=[，,。.！!；;、\s]|$)")
_SURNAME_IS = re.compile(rf"(?P<lead>姓)(?P<name>{_SURNAME})")
_TITLED = re.compile(rf"(?P<name>{_SURNAME}{_HAN}{{0,2}}?)(?P<title>{_TITLES})")
_FAMILIAR = re.compile(rf"(?P<lead>[老小])(?P<name>[{FAMILIAR_SURNAMES}])(?![子女])")


def mark() -> str:
    return _("[已隐去]")


def _strip_names(text: str, names: Iterable[str], hidden: str) -> str:
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        text = text.replace(name, hidden)
    return text


def redact(text: str | None, *, names: Iterable[str] = ()) -> str:
    """``text`` without names, phone and ID numbers, e-mail addresses and exact addresses."""
    if not text:
        return ""
    hidden = mark()
    out = _strip_names(str(text), names, hidden)
    out = _EMAIL.sub(hidden, out)
    out = _ID_NUMBER.sub(hidden, out)
    out = _MOBILE.sub(hidden, out)
    out = _LANDLINE.sub(hidden, out)
    out = _LONG_NUMBER.sub(hidden, out)
    out = _HOUSE.sub(hidden, out)
    out = _NAMED.sub(lambda m: m["lead"] + m["sep"] + hidden, out)
    out = _I_AM.sub(lambda m: m["lead"] + hidden, out)
    out = _SURNAME_IS.sub(lambda m: m["lead"] + "＊", out)
    out = _TITLED.sub(lambda m: "＊" + m["title"], out)
    out = _FAMILIAR.sub(lambda m: m["lead"] + "＊", out)
    return re.sub(rf"(?:{re.escape(hidden)}\s*)+", hidden, out)
