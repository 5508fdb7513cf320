"""``{% field_messages %}``: the field script's texts, translated, as a JSON block the script reads."""

from __future__ import annotations

from django import template
from django.utils.html import json_script
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


def messages() -> dict[str, str]:
    """Keys the script uses → translated text with %(name)s placeholders."""
    return {
        "waiting": _("待发送 %(n)s 条"),
        "offline_hint": _("（网络已断开，恢复后自动发送）"),
        "sent": _("已发送"),
        "refused": _("有 %(n)s 条记录被退回，请修改后重新提交：%(message)s"),
        "failed": _("提交失败"),
        "stamp": _("%(year)s年%(month)s月%(day)s日 %(hour)s:%(minute)s"),
        "position": _("北纬 %(lat)s 东经 %(lng)s（WGS-84）"),
        "no_position": _("位置未获取"),
        "not_image": _("所选文件不是图片，请重新拍照。"),
        "photo_busy": _("照片正在处理，请稍候再保存。"),
        "choose_household": _("请选择走访的住户。"),
        "summary_required": _("请填写走访情况。"),
        "results_required": _("请至少填写一项检查结果。"),
        "patrol_points": _("巡查中，已记录 %(n)s 个待上传轨迹点"),
        "patrol_stop": _("结束巡查"),
        "patrol_start": _("开始巡查"),
        "patrolling": _("巡查中"),
        "patrol_start_offline": _("网络不可用，暂不能开始巡查。"),
        "patrol_done": _("巡查已结束，距离 %(m)s 米，轨迹点 %(n)s 个"),
        "patrol_stop_offline": _("网络不可用，请稍后再结束巡查。"),
    }


@register.simple_tag
def field_messages() -> SafeString:
    return json_script(messages(), "field-messages")
