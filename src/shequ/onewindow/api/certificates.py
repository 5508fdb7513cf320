"""Certificates (issued from the list, refused otherwise), their public check, and reports."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Query, Schema, Status
from pydantic import Field

from shequ.core.api import ERRORS
from shequ.registry import selectors as registry

from .. import selectors, services
from ..documents import certificate_pdf, code_matches
from ..models import Certificate, CertificateKind
from .common import CERTIFICATE, certificate_out, router
from .schemas import (
    CertificateIdPath,
    OwCertificateIn,
    OwCertificateKindOut,
    OwCertificateOut,
    OwReportRowOut,
    OwVerifyOut,
)


class OwVerifyQuery(Schema):
    number: str = Field(..., max_length=32, pattern=r"^[\w\-\s]*$")
    code: str = Field(..., max_length=40, pattern=r"^[\w\-\s]*$")


@router.get(
    "/certificate-kinds", response={200: list[OwCertificateKindOut], **ERRORS}, summary="证明事项清单"
)
def certificate_kinds(request: HttpRequest) -> list[OwCertificateKindOut]:
    return [
        OwCertificateKindOut(
            code=k.code,
            name=k.name,
            on_list=k.on_list,
            purposes=k.purposes,
            legal_basis=k.legal_basis,
            refusal_reason=k.refusal_reason,
        )
        for k in CertificateKind.objects.all()
    ]


@router.post(
    "/certificates", response={201: OwCertificateOut, **ERRORS}, summary="申请出具证明（仅限清单内）"
)
def request_certificate(request: HttpRequest, payload: OwCertificateIn) -> Status[OwCertificateOut]:
    person = None
    if payload.person_id is not None:
        person = registry.persons_visible_to(request.user).filter(pk=payload.person_id).first()
        if person is None:
            raise ValidationError({"person_id": _("请选择您管辖范围内的证明对象。")})
    cert = services.certificate_request(
        actor=request.user,
        requested=payload.kind,
        purpose=payload.purpose,
        person=person,
        requester=payload.requester,
        idempotency_key=payload.idempotency_key,
    )
    cert = selectors.certificate_for(request.user, cert.pk)
    return Status(201, certificate_out(cert))


@router.get("/certificates", response={200: list[OwCertificateOut], **ERRORS}, summary="证明列表")
def list_certificates(request: HttpRequest) -> list[OwCertificateOut]:
    return [certificate_out(c) for c in selectors.certificates_visible_to(request.user)[:200]]


@router.get(
    "/certificates/verify", response={200: OwVerifyOut, **ERRORS}, summary="核验证明（公开）", auth=None
)
def verify(request: HttpRequest, query: Query[OwVerifyQuery]) -> OwVerifyOut:
    cert = Certificate.objects.select_related("kind", "area").filter(number=query.number.strip()).first()
    if cert is None or not code_matches(cert, query.code):
        return OwVerifyOut(valid=False, number=query.number)
    return OwVerifyOut(
        valid=True,
        number=cert.number,
        kind=cert.kind.name,
        community=cert.area.name,
        name_masked=cert.content.get("name_masked"),
        issued_on=cert.content.get("issued_on_label"),
    )


@router.get(
    "/certificates/{certificate_id}",
    response={200: OwCertificateOut, **ERRORS},
    summary="证明详情",
    openapi_extra=CERTIFICATE,
)
def get_certificate(request: HttpRequest, certificate_id: CertificateIdPath) -> OwCertificateOut:
    return certificate_out(selectors.certificate_for(request.user, certificate_id))


@router.get(
    "/certificates/{certificate_id}/pdf",
    response={200: None, **ERRORS},
    summary="证明PDF",
    openapi_extra=CERTIFICATE
    | {"responses": {"200": {"description": "PDF", "content": {"application/pdf": {}}}}},
)
def certificate_file(request: HttpRequest, certificate_id: CertificateIdPath) -> HttpResponse:
    cert = selectors.certificate_for(request.user, certificate_id)
    url = request.build_absolute_uri(reverse("onewindow_portal:verify"))
    response = HttpResponse(certificate_pdf(cert, url), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{cert.number}.pdf"'
    return response


@router.get("/reports/items", response={200: list[OwReportRowOut], **ERRORS}, summary="事项办理统计")
def report_items(request: HttpRequest) -> list[OwReportRowOut]:
    if getattr(request.user, "kind", "") != "staff":
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied(_("只有工作人员可以查看统计。"))
    return [
        OwReportRowOut(
            item_id=r.item_id,
            item=r.item,
            applications=r.applications,
            decided=r.decided,
            on_time_rate=r.on_time_rate,
            average_days=r.average_days,
            rated=r.rated,
            average_rating=r.average_rating,
            bad=r.bad,
        )
        for r in selectors.item_report(request.user)
    ]
