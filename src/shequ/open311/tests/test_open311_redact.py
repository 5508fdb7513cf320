"""The redactor of public texts: what goes, and everyday words that must stay."""

from __future__ import annotations

import pytest

from shequ.open311.redact import redact


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("电话13812345678", "13812345678"),
        ("电话138 1234 5678", "1234 5678"),
        ("电话138-1234-5678", "1234-5678"),
        ("电话+86 139 0000 1111", "0000 1111"),
        ("座机025-88886666", "88886666"),
        ("座机(025)8888 6666", "8888 6666"),
        ("座机0512-6666777转123", "6666777"),
        ("身份证320102199001011234", "320102199001011234"),
        ("身份证32010219900101123x", "32010219900101123x"),
        ("老身份证330101850101123", "330101850101123"),
        ("卡号6222 0212 3456 7890", "3456 7890"),
        ("邮箱 wang.jianguo@example.com", "wang.jianguo@example.com"),
        ("住在中山路88号", "88号"),
        ("3栋2单元502室", "502"),
        ("5幢", "5幢"),
        ("五号楼", "五号楼"),
        ("家在3-2-502", "3-2-502"),
        ("门牌号码18号", "18"),
        ("我叫王建国，", "王建国"),
        ("联系人：刘洋", "刘洋"),
        ("姓名：陈晓明", "陈晓明"),
        ("我是张伟。", "张伟"),
        ("姓王的邻居", "姓王"),
        ("楼下张先生家", "张先生"),
        ("李女士反映", "李女士"),
        ("隔壁的王阿姨", "王阿姨"),
        ("老王说", "老王"),
        ("小李说", "小李"),
        ("马某某乱停车", "马某某"),
    ],
)
def test_personal_data_is_removed(text: str, secret: str) -> None:
    assert secret not in redact(text)


def test_the_requesters_own_name_goes_wherever_it_stands() -> None:
    assert "欧阳娜娜" not in redact("欧阳娜娜家门口的垃圾", names=["欧阳娜娜"])


@pytest.mark.parametrize(
    "text",
    [
        "小区门口垃圾三天没人清运",
        "11月3号开始，早上8-10点最严重",
        "微信小程序上报过",
        "小孙子在小区里玩",
        "老旧小区加装电梯",
        "2026年11月22日",
    ],
)
def test_everyday_words_stay(text: str) -> None:
    assert redact(text) == text


def test_nothing_in_nothing_out() -> None:
    assert redact("") == ""
    assert redact(None) == ""
