"""Rating on the resident's page, and status by number with a one-time SMS code for hotline callers."""

from __future__ import annotations

import re
from typing import Any

import pytest

from shequ.appeals.models import CaseAccessCode, CaseRating, Channel
from shequ.appeals.services import case_classify, case_submit
from shequ.demo.factories import make_resident

from .cases_support import draw_grids, file_case
from .test_cases_rating import handled_to_close

pytestmark = pytest.mark.django_db


@pytest.fixture
def grids(mini: Any) -> Any:
    draw_grids(mini)
    return mini


def _closed(case: Any, personas: dict[str, Any]) -> Any:
    case_classify(case_id=case.pk)
    case.refresh_from_db()
    return handled_to_close(case, personas)


def test_the_resident_rates_on_the_case_page(client: Any, grids: Any, personas: dict[str, Any]) -> None:
    resident = personas["resident"]
    case = _closed(file_case(resident).case, personas)
    client.force_login(resident)
    assert "待评价" in client.get("/appeals/mine/").content.decode()
    page = client.get(f"/appeals/cases/{case.pk}/").content.decode()
    assert 'id="rate-form"' in page
    bad = client.post(f"/appeals/cases/{case.pk}/", {"level": "dissatisfied", "comment": ""})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "请选择问题是否已解决。" in text
    assert "请说明不满意的原因，以便重新办理。" in text
    assert not CaseRating.objects.exists()
    ok = client.post(
        f"/appeals/cases/{case.pk}/", {"resolved": "1", "level": "satisfied", "comment": "<b>谢谢</b>"}
    )
    assert ok.status_code == 302
    page = client.get(f"/appeals/cases/{case.pk}/").content.decode()
    assert 'id="rate-form"' not in page
    assert "待评价" not in client.get("/appeals/mine/").content.decode()
    assert "&lt;b&gt;谢谢&lt;/b&gt;" in page  # stored as text, shown escaped
    other = make_resident("13700000055", home_area=grids.community_b, display_name="邻居")
    client.force_login(other)
    assert client.get(f"/appeals/cases/{case.pk}/").status_code == 404


def _hotline_case(personas: dict[str, Any], grids: Any) -> Any:
    return case_submit(
        actor=personas["street_staff"],
        channel=Channel.HOTLINE,
        text="小区门口垃圾堆积好几天没人清运",
        area=grids.grid_a,
        address="大悲巷5号",
        requester_name="王先生",
        requester_phone="13912345678",
    ).case


def test_a_caller_opens_the_case_with_a_code_sent_to_the_phone_on_file_and_rates_it(
    client: Any,
    grids: Any,
    personas: dict[str, Any],
    sms_outbox: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    case = _closed(_hotline_case(personas, grids), personas)
    sms_outbox.clear()
    # the number alone opens nothing
    assert client.get(f"/appeals/track/{case.number}/").status_code == 302
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post("/appeals/track/", {"number": case.number, "action": "send_code"})
    assert sent.status_code == 200
    assert 'id="code-sent"' in sent.content.decode()
    message = sms_outbox.last_to("13912345678")
    assert message is not None
    assert case.number in message.text
    code = re.search(r"验证码是(\d{6})", message.text)
    assert code is not None
    wrong = "000000" if code.group(1) != "000000" else "111111"
    bad = client.post("/appeals/track/", {"number": case.number, "action": "verify", "code": wrong})
    assert bad.status_code == 400
    assert "验证码不正确，还可尝试 4 次。" in bad.content.decode()
    ok = client.post("/appeals/track/", {"number": case.number, "action": "verify", "code": code.group(1)})
    assert ok.status_code == 302
    assert ok["Location"] == f"/appeals/track/{case.number}/"
    page = client.get(ok["Location"]).content.decode()
    assert "已办结" in page
    assert 'id="rate-form"' in page
    assert "13912345678" not in page
    assert "王先生" not in page
    rated = client.post(ok["Location"], {"resolved": "1", "level": "basic"})
    assert rated.status_code == 302
    rating = CaseRating.objects.get(case=case)
    assert (rating.channel, rating.rated_by, rating.level) == ("code", None, "basic")
    # the code was used up
    again = client.post("/appeals/track/", {"number": case.number, "action": "verify", "code": code.group(1)})
    assert again.status_code == 400
    assert "验证码已失效，请重新获取。" in again.content.decode()


def test_codes_are_rate_limited_and_unknown_numbers_look_the_same(
    client: Any, grids: Any, personas: dict[str, Any], sms_outbox: Any
) -> None:
    case = _hotline_case(personas, grids)
    first = client.post("/appeals/track/", {"number": case.number, "action": "send_code"})
    assert first.status_code == 200
    soon = client.post("/appeals/track/", {"number": case.number, "action": "send_code"})
    assert soon.status_code == 400
    assert "秒后再试" in soon.content.decode()
    unknown = client.post("/appeals/track/", {"number": "20000101-999999", "action": "send_code"})
    assert unknown.status_code == 200
    assert 'id="code-sent"' in unknown.content.decode()
    empty = client.post("/appeals/track/", {"number": "", "action": "send_code"})
    assert empty.status_code == 400
    assert "请输入诉求编号。" in empty.content.decode()
    assert CaseAccessCode.objects.filter(case=case).count() == 1


def test_the_access_code_from_intake_opens_the_case_too(
    client: Any, grids: Any, personas: dict[str, Any]
) -> None:
    result = case_submit(
        actor=personas["street_staff"],
        channel=Channel.HOTLINE,
        text="路灯不亮",
        area=grids.grid_a,
        address="大悲巷5号",
        requester_phone="13912345678",
    )
    response = client.get(f"/appeals/track/?number={result.case.number}&token={result.token}")
    assert response.status_code == 302
    page = client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert result.case.number in text
    assert "待分拨" in text
    assert 'id="rate-form"' not in text  # not closed yet: nothing to rate


def test_the_requester_rates_over_the_api(client: Any, grids: Any, personas: dict[str, Any]) -> None:
    import json

    resident = personas["resident"]
    case = _closed(file_case(resident).case, personas)
    client.force_login(resident)
    url = f"/api/v1/appeals/cases/{case.pk}/rate"

    def post(body: dict[str, Any]) -> Any:
        return client.post(url, data=json.dumps(body), content_type="application/json")

    bad = post({"version": case.version, "resolved": True, "level": "great"})
    assert bad.status_code == 400
    assert bad.json()["errors"]["level"] == ["请选择有效的选项。"]
    ok = post({"version": case.version, "resolved": False, "level": "dissatisfied", "comment": "没解决"})
    assert ok.status_code == 200, ok.content
    body = ok.json()
    assert body["state"] == "accepted"
    assert body["reopened_count"] == 1
    assert body["rating_level"] == "dissatisfied"
    assert CaseRating.objects.get(case=case).channel == "portal"
