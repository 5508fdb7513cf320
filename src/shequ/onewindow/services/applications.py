"""Submitting an application (一号申请) and resubmitting it after a one-time notice."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shequ.core.audit import record
from shequ.core.calendar import add_working_days
from shequ.core.pii import PIIKind, lookup_candidates

from ..eligibility import evaluate, facts_of
from ..models import (
    Application,
    ApplyChannel,
    Authorisation,
    Certificate,
    Channel,
    ItemMaterial,
    ItemVersion,
    MaterialSource,
    ServiceItem,
    Status,
)
from ..numbering import next_in_sequence
from ..uploads import Upload
from . import materials as m
from .common import (
    community_of,
    is_applicant,
    is_resident,
    is_staff,
    lock,
    notify,
    person_for_resident,
    require_staff_write,
    require_status,
    step,
)


def version_in_force(item: ServiceItem, on: date) -> ItemVersion | None:
    return (
        ItemVersion.objects.filter(item=item, effective_from__lte=on)
        .exclude(effective_to__lt=on)
        .order_by("-version")
        .first()
    )


def require_version(item: ServiceItem, on: date) -> ItemVersion:
    version = version_in_force(item, on)
    if version is None:
        last = ItemVersion.objects.filter(item=item).order_by("-version").first()
        if last is not None and last.effective_to is not None and last.effective_to < on:
            message = _("“%(item)s”已于%(date)s停止办理，不再受理新的申请。") % {
                "item": item.name,
                "date": f"{last.effective_to:%Y年%-m月%-d日}",
            }
        else:
            message = _("“%(item)s”目前不在办理期内，不受理申请。") % {"item": item.name}
        raise ValidationError({"item": message})
    return version


def _authorisation(actor: Any, authorisation: Authorisation, person: Any, on: date) -> None:
    if authorisation.principal_id != person.pk:
        raise ValidationError({"authorisation": _("该委托不是申请人本人出具的。")})
    if not authorisation.valid_on(on):
        raise ValidationError(
            {
                "authorisation": _("委托已于%(date)s过期，请委托人重新办理委托。")
                % {"date": f"{authorisation.valid_to:%Y年%-m月%-d日}"}
                if authorisation.valid_to < on
                else _("委托尚未生效（自%(date)s起生效）。")
                % {"date": f"{authorisation.valid_from:%Y年%-m月%-d日}"}
            }
        )
    if is_resident(actor):
        number = actor.id_number.plaintext_for_processing() if actor.id_number else ""
        if not number or authorisation.agent_id_number_digest not in lookup_candidates(
            PIIKind.ID_NUMBER, number
        ):
            raise ValidationError({"authorisation": _("您不是该委托的受托人。")})


def _who(actor: Any, person: Any, authorisation: Authorisation | None, version: ItemVersion, on: date) -> str:
    """The channel, after checking that the actor may apply for this person."""
    if is_staff(actor):
        if person is None:
            raise ValidationError({"person": _("请先读取或查找申请人。")})
        require_staff_write(actor, community_of(person.grid), "person")
        if authorisation is not None:
            _authorisation(actor, authorisation, person, on)
        return ApplyChannel.WINDOW
    if not is_resident(actor):
        raise PermissionDenied(_("请先登录。"))
    if version.channel == Channel.WINDOW:
        raise ValidationError({"item": _("该事项须到社区服务窗口办理，不能网上申请。")})
    if authorisation is not None:
        _authorisation(actor, authorisation, person, on)
        return ApplyChannel.FAMILY
    return ApplyChannel.ONLINE


@transaction.atomic
def application_submit(
    *,
    actor: Any,
    item: ServiceItem,
    person: Any = None,
    uploads: Sequence[Upload] = (),
    reuse: Sequence[int] = (),
    commitment: bool = False,
    form: dict[str, Any] | None = None,
    authorisation: Authorisation | None = None,
    proxy_service: bool = False,
    idempotency_key: uuid.UUID | None = None,
) -> Application:
    """A new application: by the resident online, by a family member, or at the window."""
    if idempotency_key is not None:
        earlier = Application.objects.filter(idempotency_key=idempotency_key).first()
        if earlier is not None:
            if earlier.resident_id not in (None, actor.pk) and earlier.owner_id != actor.pk:
                raise ValidationError({"idempotency_key": _("该幂等键已被使用。")})
            return earlier
    today = timezone.localdate()
    version = require_version(item, today)
    if is_resident(actor) and authorisation is None:
        person = person_for_resident(actor)
        if person is None:
            raise ValidationError(
                {"person": _("未能用您账户的证件号码和手机号在人口信息中核验到您本人，请到社区窗口办理。")}
            )
    channel = _who(actor, person, authorisation, version, today)
    verdict = evaluate(version.eligibility, facts_of(person, today))
    if not verdict.eligible:
        raise ValidationError({"eligibility": _("不符合申请条件：") + "".join(verdict.failures)})
    links = list(version.item_materials.select_related("material"))
    allowed = {link.material_id: link.material for link in links}
    checked = m.check_uploads(uploads, allowed)
    reused = m.reusable_rows(person, reuse, allowed)
    certificates = m.issued_certificates(person)
    provided = {u.material_id for u, _c in checked} | {r.material_id for r in reused}
    plan_supplied: list[tuple[ItemMaterial, Certificate | None]] = []
    plan_commit: list[ItemMaterial] = []
    missing: list[str] = []
    for link in links:
        if link.material_id in provided:
            continue
        mat = link.material
        if mat.source == MaterialSource.REGISTRY:
            plan_supplied.append((link, None))
        elif mat.source == MaterialSource.CERTIFICATE and mat.certificate_kind_id in certificates:
            plan_supplied.append((link, certificates[mat.certificate_kind_id]))
        elif link.required and commitment and version.commitment_allowed and link.commitment_ok:
            plan_commit.append(link)
        elif link.required:
            missing.append(mat.name)
    if commitment and not version.commitment_allowed:
        raise ValidationError({"commitment": _("该事项不适用告知承诺制。")})
    if missing:
        raise ValidationError({"materials": _("缺少必需材料：%(names)s。") % {"names": "、".join(missing)}})
    community = community_of(person.grid)
    phone = person.phone or (actor.phone if channel != ApplyChannel.WINDOW else None)
    app = Application(
        number=f"{today:%Y%m%d}{next_in_sequence(f'app-{today:%Y%m%d}'):04d}",
        item=item,
        version=version,
        area=community,
        person=person,
        applicant_name=person.name,
        resident=actor if is_resident(actor) else None,
        channel=channel,
        authorisation=authorisation,
        proxy_service=bool(proxy_service and is_staff(actor)),
        form={str(k)[:40]: str(v)[:500] for k, v in (form or {}).items()},
        owner=actor if is_staff(actor) else None,
        idempotency_key=idempotency_key,
    )
    app.applicant_id_number = person.id_number.plaintext_for_processing() if person.id_number else None
    app.applicant_phone = phone.plaintext_for_processing() if phone else None
    if plan_commit:
        app.commitment_signed_at = timezone.now()
        app.commitment_check_due = add_working_days(today, version.commitment_check_days)
    attacher = m.Attacher(app)
    try:
        with transaction.atomic():
            app.save()
            for upload, info in checked:
                attacher.upload(upload, info)
            for row in reused:
                attacher.reuse(row)
            for link, cert in plan_supplied:
                attacher.supplied(link, cert)
            for link in plan_commit:
                attacher.commitment(link)
    except IntegrityError as exc:
        attacher.discard()
        raise ValidationError({"idempotency_key": _("该申请已提交，请勿重复提交。")}) from exc
    except Exception:
        attacher.discard()
        raise
    step(app, "submit", actor, note=str(ApplyChannel(channel).label))
    if plan_commit:
        step(
            app,
            "commitment",
            actor,
            note=_("申请人签署告知承诺书，承诺核查日期：%(d)s") % {"d": app.commitment_check_due},
        )
    record(
        actor=actor,
        action="onewindow.application.submit",
        obj=app,
        changes={
            "item": item.code,
            "version": version.version,
            "channel": channel,
            "uploads": len(checked),
            "reused": [r.pk for r in reused],
            "supplied": [link.material.code for link, _c in plan_supplied],
            "commitment": [link.material.code for link in plan_commit],
        },
    )
    notify(
        app,
        _("【社区服务】您申请的“%(item)s”已提交，办件编号%(number)s。")
        % {"item": item.name, "number": app.number},
    )
    return app


@transaction.atomic
def application_resubmit(
    *,
    actor: Any,
    application: Application,
    uploads: Sequence[Upload] = (),
    reuse: Sequence[int] = (),
    note: str = "",
) -> Application:
    """补正: every material the one-time notice listed, then back to the window."""
    app = lock(application)
    if is_resident(actor):
        if not is_applicant(actor, app):
            raise PermissionDenied(_("只能补正自己的申请。"))
    else:
        require_staff_write(actor, app.area)
    require_status(app, (Status.RETURNED,), _("补正其材料"))
    notice = app.notices.order_by("-issued_at", "-id").first()
    listed = {mat.pk: mat for mat in notice.materials.all()} if notice else {}
    checked = m.check_uploads(uploads, listed)
    reused = m.reusable_rows(app.person, reuse, listed)
    provided = {u.material_id for u, _c in checked} | {r.material_id for r in reused}
    missing = [mat.name for pk, mat in listed.items() if pk not in provided]
    if missing:
        raise ValidationError(
            {"materials": _("仍缺少一次性告知书所列材料：%(names)s。") % {"names": "、".join(missing)}}
        )
    attacher = m.Attacher(app)
    try:
        with transaction.atomic():
            app.materials.filter(material_id__in=provided, superseded=False).update(superseded=True)
            for upload, info in checked:
                attacher.upload(upload, info)
            for row in reused:
                attacher.reuse(row)
    except Exception:
        attacher.discard()
        raise
    app.status = Status.RESUBMITTED
    app.save(update_fields=["status", "updated_at"])
    step(app, "resubmit", actor, note=note[:500])
    record(
        actor=actor, action="onewindow.application.resubmit", obj=app, changes={"materials": sorted(provided)}
    )
    return app
