"""Certificates: issued only from the published list (证明事项清单); anything else is refused and counted."""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from shequ.core.audit import record
from shequ.core.pii import mask_id_number, mask_name

from ..models import Certificate, CertificateKind, CertificateRefusal
from ..numbering import next_in_sequence
from ..seeding import LIST_RULE
from .common import clean_text, community_of, is_resident, is_staff, person_for_resident, require_staff_write


def find_kind(requested: str) -> CertificateKind | None:
    text = (requested or "").replace("\x00", "").strip()
    if not text:
        return None
    found = CertificateKind.objects.filter(Q(code=text) | Q(name=text)).first()
    if found is not None:
        return found
    for kind in CertificateKind.objects.exclude(aliases=""):
        if text in [a.strip() for a in kind.aliases.replace("，", "、").split("、") if a.strip()]:
            return kind
    return None


@transaction.atomic
def _refuse(
    *, actor: Any, area: Any, requested: str, kind: CertificateKind | None, requester: str
) -> CertificateRefusal:
    if kind is not None:
        reason = kind.refusal_reason or _("该证明不在本社区证明事项清单内。")
        rule = kind.legal_basis or LIST_RULE
    else:
        reason = _("该证明不在本社区证明事项清单内。")
        rule = LIST_RULE
    refusal = CertificateRefusal.objects.create(
        area=area,
        kind=kind,
        requested=requested[:80],
        requester=requester[:80],
        reason=reason,
        rule=rule,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record(
        actor=actor, action="onewindow.certificate.refuse", obj=refusal, changes={"requested": requested[:80]}
    )
    return refusal


def certificate_request(
    *,
    actor: Any,
    requested: str,
    purpose: str,
    person: Any = None,
    requester: str = "",
    idempotency_key: uuid.UUID | None = None,
) -> Certificate:
    """Issue a listed certificate; refuse (recorded, then a 400 citing the rule) anything else."""
    if idempotency_key is not None:
        earlier = Certificate.objects.filter(idempotency_key=idempotency_key).first()
        if earlier is not None:
            return earlier
    if is_resident(actor):
        person = person_for_resident(actor)
        if person is None:
            raise ValidationError(
                {"person": _("未能用您账户的证件号码和手机号在人口信息中核验到您本人，请到社区窗口办理。")}
            )
    elif not is_staff(actor):
        raise PermissionDenied(_("请先登录。"))
    elif person is None:
        raise ValidationError({"person": _("请选择证明对象。")})
    area = community_of(person.grid)
    if is_staff(actor):
        require_staff_write(actor, area, "person")
    requested = clean_text(requested, "kind", limit=80, required=True, label=_("证明名称"))
    purpose = clean_text(purpose, "purpose", limit=120, required=True, label=_("用途"))
    kind = find_kind(requested)
    if kind is None or not kind.on_list:
        refusal = _refuse(actor=actor, area=area, requested=requested, kind=kind, requester=requester)
        raise ValidationError(
            {
                "kind": _("不予出具：%(reason)s（依据：%(rule)s）")
                % {"reason": refusal.reason, "rule": refusal.rule}
            }
        )
    return _issue(actor=actor, kind=kind, person=person, area=area, purpose=purpose, key=idempotency_key)


@transaction.atomic
def _issue(
    *, actor: Any, kind: CertificateKind, person: Any, area: Any, purpose: str, key: uuid.UUID | None
) -> Certificate:
    today = timezone.localdate()
    code = area.code or str(area.pk)
    number = f"ZM{code}{today:%Y}{next_in_sequence(f'cert-{code}-{today:%Y}'):05d}"
    name_masked = mask_name(person.name)
    id_masked = mask_id_number(person.id_number.plaintext_for_processing()) if person.id_number else "—"
    since = f"{person.created_at:%Y年%-m月}"
    with translation.override("zh-hans"):  # certificates are issued in Chinese whatever the screen language
        status = _("困难家庭")
    text = kind.template.format(name=name_masked, id_masked=id_masked, since=since, status=status)
    content = {
        "kind": kind.name,
        "name_masked": name_masked,
        "id_masked": id_masked,
        "community": area.name,
        "purpose": purpose,
        "text": text,
        "issued_on": today.isoformat(),
        "issued_on_label": f"{today:%Y年%-m月%-d日}",
    }
    cert = Certificate.objects.create(
        number=number,
        kind=kind,
        area=area,
        person=person,
        resident=actor if is_resident(actor) else None,
        purpose=purpose,
        content=content,
        issued_by=actor,
        idempotency_key=key,
    )
    record(
        actor=actor,
        action="onewindow.certificate.issue",
        obj=cert,
        changes={"kind": kind.code, "number": number},
    )
    return cert
