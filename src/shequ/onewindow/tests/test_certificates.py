"""Certificates from the list only: numbered PDF, public verification, refusals citing the rule."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError

from shequ.onewindow import services
from shequ.onewindow.documents import certificate_pdf, code_matches, verification_code
from shequ.onewindow.models import Certificate, CertificateRefusal

from .helpers import pdf_text

pytestmark = pytest.mark.django_db


def test_listed_certificate_is_numbered_and_its_pdf_holds_masked_name_and_number(
    applicant: Any, worker: Any
) -> None:
    person, _resident = applicant
    cert = services.certificate_request(actor=worker, requested="居住证明", purpose="子女入学", person=person)
    assert cert.number.startswith("ZM320102002001")
    assert cert.content["name_masked"] == "王**"
    data = certificate_pdf(cert, "http://testserver/services/verify/")
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    assert "王**" in text
    assert cert.number in text
    assert "王秀英" not in text
    assert "大悲巷社区" in text
    assert verification_code(cert.number, cert.content) in text


def test_resident_requests_a_certificate_for_themselves(applicant: Any) -> None:
    person, resident = applicant
    cert = services.certificate_request(actor=resident, requested="居住地证明", purpose="办理居住证")
    assert cert.person == person
    assert cert.kind.code == "residence"
    assert cert.resident == resident


def test_verification_code_checks_number_and_content(applicant: Any, worker: Any) -> None:
    person, _resident = applicant
    cert = services.certificate_request(actor=worker, requested="居住证明", purpose="子女入学", person=person)
    code = verification_code(cert.number, cert.content)
    assert code_matches(cert, code)
    assert code_matches(cert, code.lower().replace("-", ""))
    altered = code[:-1] + ("0" if code[-1] != "0" else "1")
    assert not code_matches(cert, altered)
    cert.content = {**cert.content, "purpose": "贷款"}  # the content changed behind the code's back
    assert not code_matches(cert, code)


def test_public_verify_page_accepts_the_code_and_rejects_an_altered_one(
    client: Any, applicant: Any, worker: Any
) -> None:
    person, _resident = applicant
    cert = services.certificate_request(actor=worker, requested="居住证明", purpose="子女入学", person=person)
    code = verification_code(cert.number, cert.content)
    ok = client.get("/services/verify/", {"number": cert.number, "code": code})
    assert ok.status_code == 200
    assert "核验通过" in ok.content.decode()
    assert "王**" in ok.content.decode()
    assert "王秀英" not in ok.content.decode()
    bad = client.get("/services/verify/", {"number": cert.number, "code": code.replace(code[0], "Z", 1)})
    assert "核验未通过" in bad.content.decode()
    api = client.get("/api/v1/onewindow/certificates/verify", {"number": cert.number, "code": code})
    assert api.status_code == 200
    assert api.json()["valid"] is True
    api_bad = client.get("/api/v1/onewindow/certificates/verify", {"number": cert.number, "code": "0000"})
    assert api_bad.json() == {
        "valid": False,
        "number": cert.number,
        "kind": None,
        "community": None,
        "name_masked": None,
        "issued_on": None,
    }


@pytest.mark.parametrize(
    ("requested", "reason", "rule"),
    [
        ("无犯罪记录证明", "无犯罪记录证明由公安机关出具", "公通字〔2021〕19号"),
        ("亲属关系证明", "亲属关系应凭户口簿", "民发〔2020〕125号"),
        ("单身证明", "婚姻登记机关", "民发〔2020〕125号"),
        ("养狗证明", "该证明不在本社区证明事项清单内", "清单之外的证明事项，村（居）民委员会不予出具"),
    ],
)
def test_certificate_outside_the_list_is_refused_citing_the_rule_and_counted(
    applicant: Any, worker: Any, requested: str, reason: str, rule: str
) -> None:
    person, _resident = applicant
    with pytest.raises(ValidationError) as exc:
        services.certificate_request(
            actor=worker, requested=requested, purpose="单位要求", person=person, requester="某公司"
        )
    message = exc.value.message_dict["kind"][0]
    assert message.startswith("不予出具：")
    assert reason in message
    assert rule in message
    assert Certificate.objects.count() == 0
    refusal = CertificateRefusal.objects.get()
    assert refusal.requested == requested
    assert refusal.requester == "某公司"
    assert rule in refusal.rule


def test_certificate_numbers_run_per_community_and_year(applicant: Any, worker: Any) -> None:
    person, _resident = applicant
    a = services.certificate_request(actor=worker, requested="居住证明", purpose="入学", person=person)
    b = services.certificate_request(
        actor=worker, requested="生存状况证明", purpose="领取养老金", person=person
    )
    assert int(b.number[-5:]) == int(a.number[-5:]) + 1


def test_verification_refuses_control_characters_cleanly(client: Any) -> None:
    api = client.get("/api/v1/onewindow/certificates/verify", {"number": "ZM\x00123", "code": "abc"})
    assert api.status_code == 422
    page = client.get("/services/verify/", {"number": "ZM\x00123", "code": "abc\x00"})
    assert page.status_code == 200
