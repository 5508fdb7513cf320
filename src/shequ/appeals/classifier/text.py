"""Text preparation for the classifier: normalisation and jieba tokens (a private jieba instance)."""

from __future__ import annotations

import re
import threading
import unicodedata
from typing import Any

#: Only the beginning of a very long appeal is read: the matter is stated there, and the
#: cost per case stays bounded.
READ_CHARS = 400

#: Words jieba's general dictionary splits apart, but which name a matter on their own.
DOMAIN_WORDS: tuple[str, ...] = (
    "井盖",
    "窨井",
    "窨井盖",
    "雨水井",
    "路灯",
    "电瓶车",
    "电动车",
    "飞线充电",
    "消防通道",
    "消防栓",
    "灭火器",
    "群租房",
    "液化气罐",
    "占道经营",
    "流动摊贩",
    "小广告",
    "牛皮癣",
    "违章搭建",
    "违建",
    "彩钢瓦",
    "油烟",
    "异味",
    "扬尘",
    "夜间施工",
    "打桩",
    "秸秆",
    "麦秆",
    "稻草",
    "焚烧",
    "厨余垃圾",
    "垃圾分类",
    "投放点",
    "督导员",
    "渣土",
    "建筑垃圾",
    "装修垃圾",
    "化粪池",
    "下水道",
    "积水",
    "二次供水",
    "停水",
    "水压",
    "物业费",
    "维修基金",
    "业委会",
    "危房",
    "承重墙",
    "电梯",
    "困人",
    "遛狗",
    "拴绳",
    "流浪狗",
    "低保",
    "特困",
    "临时救助",
    "散埋乱葬",
    "灵棚",
    "烧纸",
    "家庭医生",
    "消杀",
    "欠薪",
    "讨薪",
    "劳动合同",
    "社保",
    "课后托管",
    "学区",
    "健身器材",
    "活动室",
    "地沟油",
    "健康证",
    "明码标价",
    "预付卡",
    "乱收费",
    "邻里纠纷",
    "征地",
    "拆迁",
    "宅基地",
    "土地流转",
    "居住证明",
    "居委会",
    "助餐",
    "适老化",
    "日间照料",
    "高龄津贴",
    "僵尸车",
    "违停",
    "斑马线",
    "红绿灯",
    "信号灯",
    "传销",
    "赌博",
    "诈骗",
    "盗窃",
)

_SPACE = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")
_LATIN = re.compile(r"[a-z]+")

_lock = threading.Lock()
_tokenizer: Any = None


def normalise(text: str) -> str:
    """Full-width to half-width, lower case, numbers folded to one digit, spaces removed."""
    text = unicodedata.normalize("NFKC", (text or "")[: 2 * READ_CHARS]).lower()
    text = _DIGITS.sub("0", text)
    return _SPACE.sub("", text)[:READ_CHARS]


def _jieba() -> Any:
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import logging

                import jieba

                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                for word in DOMAIN_WORDS:
                    tokenizer.add_word(word, freq=20000)
                _tokenizer = tokenizer
    return _tokenizer


def tokens(text: str) -> list[str]:
    """jieba words of the (already normalised) text, punctuation dropped.

    A module-level function, so that a fitted vectorizer that uses it can be pickled.
    """
    return [w for w in _jieba().lcut(text, HMM=False) if w.strip() and (w.isalnum() or _LATIN.fullmatch(w))]


def warm_up() -> None:
    """Load jieba's dictionary now (it takes about a second), not on the first request."""
    tokens("预热")
