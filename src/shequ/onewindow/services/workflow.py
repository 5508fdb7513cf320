"""The window's actions on an application: accept, return with a one-time notice, hand over,
carry to a unit (全程代办), decide, deliver, check a commitment.

Each is one transition from named states, under a row lock (of two parallel actions one
wins, the other finds the new state and is refused), with a step, an audit entry and, where
the resident should know, an SMS after commit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from shequ.core.access import can_write
from shequ.core.audit import record
from shequ.core.calendar import working_days_deadline

from ..models import Application, Material, ReturnNotice, Status
from .common import clean_text, lock, notify, require_owner, require_staff_write, require_status, step

RECEIVABLE = (Status.SUBMITTED, Status.RESUBMITTED)


def _start(actor: Any, application: Application, allowed: tuple[str, ...], action: str) -> Application:
    app = lock(application)
    require_staff_write(actor, app.area)
    require_status(app, allowed, action)
    require_owner(actor, app)
    return app


@transaction.atomic
def application_accept(*, actor: Any, application: Application) -> Application:
    app = _start(actor, application, RECEIVABLE, _("受理该办件"))
    now = timezone.now()
    app.status = Status.ACCEPTED
    app.accepted_at = now
    app.deadline = working_days_deadline(now, app.version.time_limit_days, area=app.area)
    app.save(update_fields=["status", "accepted_at", "deadline", "owner", "updated_at"])
    step(app, "accept", actor)
    record(actor=actor, action="onewindow.application.accept", obj=app, changes={"deadline": app.deadline})
    notify(
        app,
        _("【社区服务】您的申请%(number)s已受理，承诺%(date)s前办结。")
        % {"number": app.number, "date": f"{timezone.localtime(app.deadline):%Y年%-m月%-d日}"},
    )
    return app


def _allowed_in_later_notice(app: Application) -> set[int] | None:
    """一次性告知: after a first notice, only what it listed or what the resident changed since."""
    notices = list(app.notices.prefetch_related("materials").order_by("issued_at", "id"))
    if not notices:
        return None
    listed = {mat.pk for n in notices for mat in n.materials.all()}
    changed = set(
        app.materials.filter(added_at__gt=notices[-1].issued_at).values_list("material_id", flat=True)
    )
    return listed | changed


@transaction.atomic
def application_return(
    *, actor: Any, application: Application, materials: Sequence[Material], note: str = ""
) -> ReturnNotice:
    """Back to the applicant with one notice that lists everything missing."""
    app = _start(actor, application, RECEIVABLE, _("退回该办件"))
    note = clean_text(note, "note", limit=500, label=_("说明"))
    of_item = {link.material_id for link in app.version.item_materials.all()}
    chosen = {mat.pk: mat for mat in materials}
    if not chosen:
        raise ValidationError({"materials": _("请勾选需要补正的全部材料（一次性告知）。")})
    if set(chosen) - of_item:
        raise ValidationError({"materials": _("所选材料不属于本事项。")})
    allowed = _allowed_in_later_notice(app)
    if allowed is not None:
        extra = [mat.name for pk, mat in chosen.items() if pk not in allowed]
        if extra:
            raise ValidationError(
                {
                    "materials": _(
                        "一次性告知：%(names)s未在此前的告知书中列出，申请人也未更改，不能再次要求补正。"
                    )
                    % {"names": "、".join(extra)}
                }
            )
    notice = ReturnNotice.objects.create(application=app, note=note, issued_by=actor)
    notice.materials.set(chosen.values())
    app.status = Status.RETURNED
    app.save(update_fields=["status", "owner", "updated_at"])
    names = "、".join(mat.name for mat in chosen.values())
    step(app, "return", actor, note=_("一次性告知需补正：%(names)s") % {"names": names})
    record(actor=actor, action="onewindow.application.return", obj=app, changes={"materials": sorted(chosen)})
    notify(
        app,
        _("【社区服务】您的申请%(number)s需一次性补正以下材料：%(names)s。请登录补正或到窗口提交。")
        % {"number": app.number, "names": names},
    )
    return notice


@transaction.atomic
def application_handover(
    *, actor: Any, application: Application, to_user: Any, note: str = ""
) -> Application:
    """首问负责: the owner hands the application to a colleague, on the record."""
    app = lock(application)
    require_staff_write(actor, app.area)
    if app.status == Status.DELIVERED:
        require_status(app, (), _("移交该办件"))
    if app.owner_id not in (None, actor.pk):
        require_owner(actor, app)
    if to_user is None or getattr(to_user, "kind", "") != "staff" or not can_write(to_user, app.area):
        raise ValidationError({"to_user": _("接收人须为负责该社区的工作人员。")})
    if to_user.pk == actor.pk:
        raise ValidationError({"to_user": _("不能移交给自己。")})
    note = clean_text(note, "note", limit=300, label=_("说明"))
    before = app.owner
    app.owner = to_user
    app.save(update_fields=["owner", "updated_at"])
    step(
        app,
        "handover",
        actor,
        note=_("首问责任由%(a)s移交给%(b)s。%(note)s")
        % {
            "a": getattr(before or actor, "display_name", ""),
            "b": to_user.display_name or to_user.username,
            "note": note,
        },
    )
    record(
        actor=actor, action="onewindow.application.handover", obj=app, changes={"owner": [before, to_user]}
    )
    return app


@transaction.atomic
def application_forward(*, actor: Any, application: Application, unit: str, note: str = "") -> Application:
    """全程代办: the worker carries the application to a unit (or records progress there)."""
    app = _start(actor, application, (Status.ACCEPTED, Status.IN_PROCESS), _("转办该办件"))
    unit = clean_text(unit, "unit", limit=80, required=True, label=_("办理单位"))
    note = clean_text(note, "note", limit=300, label=_("说明"))
    app.status = Status.IN_PROCESS
    app.current_unit = unit
    app.save(update_fields=["status", "current_unit", "owner", "updated_at"])
    step(app, "forward", actor, unit=unit, note=note)
    record(actor=actor, action="onewindow.application.forward", obj=app, changes={"unit": unit})
    notify(app, _("【社区服务】您的申请%(number)s已送%(unit)s办理。") % {"number": app.number, "unit": unit})
    return app


@transaction.atomic
def application_decide(
    *, actor: Any, application: Application, approved: bool, reason: str = ""
) -> Application:
    app = _start(actor, application, (Status.ACCEPTED, Status.IN_PROCESS), _("对该办件作出办理决定"))
    reason = clean_text(reason, "reason", limit=300, required=not approved, label=_("不予办理的理由"))
    app.status = Status.APPROVED if approved else Status.REJECTED
    app.decided_at = timezone.now()
    app.decision_reason = reason
    app.save(update_fields=["status", "decided_at", "decision_reason", "owner", "updated_at"])
    step(app, "decide", actor, note=reason)
    record(
        actor=actor,
        action="onewindow.application.decide",
        obj=app,
        changes={"approved": approved},
        reason=reason,
    )
    if approved:
        notify(app, _("【社区服务】您的申请%(number)s已办结，准予办理。") % {"number": app.number})
    else:
        notify(
            app,
            _("【社区服务】您的申请%(number)s不予办理，理由：%(reason)s")
            % {"number": app.number, "reason": reason},
        )
    return app


@transaction.atomic
def application_deliver(*, actor: Any, application: Application, note: str = "") -> Application:
    app = _start(actor, application, (Status.APPROVED, Status.REJECTED), _("送达该办件"))
    note = clean_text(note, "note", limit=300, label=_("送达方式"))
    app.status = Status.DELIVERED
    app.delivered_at = timezone.now()
    app.save(update_fields=["status", "delivered_at", "owner", "updated_at"])
    step(app, "deliver", actor, note=note)
    record(actor=actor, action="onewindow.application.deliver", obj=app, changes={"note": note})
    notify(
        app, _("【社区服务】您的申请%(number)s结果已送达，欢迎对本次服务作出评价。") % {"number": app.number}
    )
    return app


@transaction.atomic
def commitment_check(*, actor: Any, application: Application, kept: bool, note: str = "") -> Application:
    """告知承诺制: the scheduled check of what the applicant committed to."""
    app = lock(application)
    require_staff_write(actor, app.area)
    if app.commitment_signed_at is None:
        raise ValidationError({"status": _("该办件没有告知承诺，无需核查。")})
    if app.commitment_checked_at is not None:
        raise ValidationError({"status": _("告知承诺已核查。")})
    note = clean_text(note, "note", limit=300, required=not kept, label=_("核查情况"))
    app.commitment_checked_at = timezone.now()
    app.save(update_fields=["commitment_checked_at", "updated_at"])
    step(app, "commitment_check", actor, note=(_("承诺属实。") if kept else _("承诺不实：")) + note)
    record(
        actor=actor,
        action="onewindow.application.commitment_check",
        obj=app,
        changes={"kept": kept},
        reason=note,
    )
    return app
