"""What the one-window API modules share: the router, scoped-model markers, converters."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Router

from .. import selectors
from ..models import Application, Certificate, ServiceItem
from ..uploads import Upload
from .schemas import (
    OwApplicationDetailOut,
    OwApplicationOut,
    OwCertificateOut,
    OwEventOut,
    OwItemDetailOut,
    OwItemOut,
    OwMaterialOut,
    OwMaterialSpecOut,
    OwNoticeOut,
    OwUploadIn,
)

router = Router(tags=["onewindow"])

ITEM = {"x-scoped-model": "onewindow.ServiceItem"}
APPLICATION = {"x-scoped-model": "onewindow.Application"}
CERTIFICATE = {"x-scoped-model": "onewindow.Certificate"}


def uploads_from(items: list[OwUploadIn]) -> list[Upload]:
    out = []
    for item in items:
        try:
            data = base64.b64decode(item.content_base64, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise ValidationError(
                {f"material_{item.material_id}": _("文件内容不是有效的Base64编码。")}
            ) from exc
        out.append(Upload(material_id=item.material_id, filename=item.filename, data=data))
    return out


def item_out(item: ServiceItem) -> OwItemOut:
    versions = getattr(item, "current_versions", None)
    version = versions[0] if versions else None
    return OwItemOut(
        id=item.pk,
        code=item.code,
        name=item.name,
        category=item.category,
        category_label=str(item.get_category_display()),
        keywords=item.keywords,
        time_limit_days=version.time_limit_days if version else None,
        channel=version.channel if version else None,
        in_force=version is not None,
    )


def item_detail_out(item: ServiceItem) -> OwItemDetailOut:
    version = selectors.version_detail(item)
    base = item_out(item).dict() | {"in_force": version is not None}
    if version is None:
        return OwItemDetailOut(
            **base | {"time_limit_days": None, "channel": None},
            version=None,
            effective_from=None,
            effective_to=None,
            description="",
            eligibility_text="",
            eligibility=[],
            steps=[],
            legal_basis="",
            fee="",
            responsible_unit="",
            location="",
            hours="",
            commitment_allowed=False,
            materials=[],
        )
    return OwItemDetailOut(
        **base | {"time_limit_days": version.time_limit_days, "channel": version.channel},
        version=version.version,
        effective_from=version.effective_from,
        effective_to=version.effective_to,
        description=version.description,
        eligibility_text=version.eligibility_text,
        eligibility=version.eligibility,
        steps=[str(s) for s in version.steps],
        legal_basis=version.legal_basis,
        fee=version.fee_label,
        responsible_unit=version.responsible_unit,
        location=version.location,
        hours=version.hours,
        commitment_allowed=version.commitment_allowed,
        materials=[
            OwMaterialSpecOut(
                id=link.material_id,
                code=link.material.code,
                name=link.material.name,
                required=link.required,
                platform_supplied=link.material.platform_supplied,
                commitment_ok=link.commitment_ok,
                note=link.note,
            )
            for link in version.item_materials.all()
        ],
    )


def _owner(app: Application) -> str | None:
    return (app.owner.display_name or app.owner.username) if app.owner else None


def application_out(app: Application, clock: selectors.Clock) -> OwApplicationOut:
    rating = getattr(app, "rating", None) if hasattr(app, "rating") else None
    follow = (
        getattr(rating, "follow_up", None) if rating is not None and hasattr(rating, "follow_up") else None
    )
    return OwApplicationOut(
        id=app.pk,
        number=app.number,
        item_id=app.item_id,
        item=app.item.name,
        version=app.version.version,
        area=app.area.name,
        applicant_name=app.applicant_name,
        channel=app.channel,
        status=app.status,
        status_label=str(app.get_status_display()),
        owner=_owner(app),
        current_unit=app.current_unit,
        proxy_service=app.proxy_service,
        submitted_at=app.submitted_at,
        accepted_at=app.accepted_at,
        deadline=app.deadline,
        decided_at=app.decided_at,
        delivered_at=app.delivered_at,
        time_state=clock.state(app),
        rating=rating.level if rating else None,
        follow_up=follow.status if follow else None,
    )


def events_out(events: list[Any]) -> list[OwEventOut]:
    return [
        OwEventOut(kind=e.kind, status=e.status, actor=e.actor_label, unit=e.unit, note=e.note, at=e.at)
        for e in events
    ]


def application_detail_out(app: Application) -> OwApplicationDetailOut:
    info = selectors.detail(app)
    return OwApplicationDetailOut(
        **application_out(app, selectors.Clock()).dict(),
        applicant_id_masked=str(app.applicant_id_number or ""),
        decision_reason=app.decision_reason,
        commitment_check_due=app.commitment_check_due,
        materials=[
            OwMaterialOut(
                id=row.pk,
                material_id=row.material_id,
                material=row.material.name,
                source=row.source,
                source_label=row.source_label,
                original_name=row.original_name,
                superseded=row.superseded,
            )
            for row in info["materials"]
        ],
        notices=[
            OwNoticeOut(materials=[m.name for m in n.materials.all()], note=n.note, issued_at=n.issued_at)
            for n in info["notices"]
        ],
        events=events_out(info["events"]),
    )


def certificate_out(cert: Certificate) -> OwCertificateOut:
    from ..documents import verification_code

    return OwCertificateOut(
        id=cert.pk,
        number=cert.number,
        kind=cert.kind.name,
        community=cert.area.name,
        name_masked=cert.content.get("name_masked", ""),
        purpose=cert.purpose,
        issued_at=cert.issued_at,
        verification_code=verification_code(cert.number, cert.content),
    )
