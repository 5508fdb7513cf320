"""What the one-window services share: people and communities, locking, steps, notifications."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from shequ.core.access import can_write
from shequ.core.models import COMMITTEE_LEVELS, Area
from shequ.core.pii import PIIKind, lookup_candidates

from ..models import Application, Event, Status


def is_resident(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "kind", "") == "resident")


def is_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "kind", "") == "staff")


def community_of(area: Area) -> Area:
    """The community (or village) an area lies in; the area itself at or above that level."""
    node: Area | None = area
    while node is not None and node.level not in COMMITTEE_LEVELS:
        node = node.parent
    return node or area


def person_for_resident(user: Any) -> Any:
    """The registry person behind a resident account, or ``None``.

    Accounts are not linked to registry rows; a resident is matched by the ID number on the
    account *and* the phone they signed in with (verified by SMS), both on the same person,
    so that typing someone else's ID number into one's profile does not open their record.
    """
    from shequ.registry.models import GONE_STATUSES, Person

    if not is_resident(user) or not user.id_number:
        return None
    number = user.id_number.plaintext_for_processing()
    phone = user.phone.plaintext_for_processing() if user.phone else ""
    if not phone:
        return None
    return (
        Person.objects.filter(
            id_number_digest__in=lookup_candidates(PIIKind.ID_NUMBER, number),
            phone_digest__in=lookup_candidates(PIIKind.PHONE, phone),
        )
        .exclude(residence_status__in=GONE_STATUSES)
        .select_related("grid__parent")
        .first()
    )


def is_applicant(user: Any, app: Application) -> bool:
    """The resident who applied, or the person applied for (matched as :func:`person_for_resident` does)."""
    if not is_resident(user):
        return False
    if app.resident_id == user.pk:
        return True
    person = person_for_resident(user)
    return person is not None and person.pk == app.person_id


def require_staff_write(actor: Any, area: Area, field: str = "area") -> None:
    if not is_staff(actor):
        raise PermissionDenied(_("只有工作人员可以办理。"))
    if not can_write(actor, area):
        raise ValidationError({field: _("您不负责该社区的办件。")})


def lock(application: Application) -> Application:
    """The application's row, locked for the rest of the transaction (one of two parallel actions wins)."""
    return (
        Application.objects.select_for_update()
        .select_related("area", "version", "item")
        .get(pk=application.pk)
    )


def require_status(app: Application, allowed: tuple[str, ...], action: str) -> None:
    if app.status not in allowed:
        raise ValidationError(
            {
                "status": _("办件当前状态为“%(status)s”，不能%(action)s。")
                % {"status": app.get_status_display(), "action": action}
            }
        )


def require_owner(actor: Any, app: Application) -> None:
    """首问负责: whoever first receives the application owns it until a recorded hand-over."""
    if app.owner_id is None:
        app.owner = actor
        return
    if app.owner_id != actor.pk:
        owner = app.owner
        raise ValidationError(
            {
                "owner": _("本件由%(owner)s首问负责；如需由您办理，请先由其办理移交。")
                % {"owner": getattr(owner, "display_name", "") or owner}
            }
        )


def step(app: Application, kind: str, actor: Any, *, unit: str = "", note: str = "") -> Event:
    label = ""
    if actor is not None and getattr(actor, "is_authenticated", False):
        label = getattr(actor, "display_name", "") or getattr(actor, "username", "")
    return Event.objects.create(
        application=app,
        kind=kind,
        status=app.status,
        actor=actor if label else None,
        actor_label=label,
        unit=unit[:80],
        note=note[:500],
        at=timezone.now(),
    )


def clean_text(value: Any, field: str, *, limit: int, required: bool = False, label: str = "") -> str:
    text = str(value or "").replace("\x00", "").strip()
    if required and not text:
        raise ValidationError({field: _("请填写%(label)s。") % {"label": label}})
    if len(text) > limit:
        raise ValidationError({field: _("%(label)s不能超过%(n)d个字。") % {"label": label, "n": limit}})
    return text


def notify(app: Application, text: str) -> None:
    """Tell the applicant through the outbox: an SMS to the phone on the application, and an
    in-app message when they applied from their own account.  Stored with this transaction,
    delivered after commit and retried; the same message for the same application is sent once.
    """
    from shequ.integration.outbox import enqueue

    key = f"onewindow:{app.pk}:{hashlib.sha256(text.encode()).hexdigest()[:20]}"
    if app.applicant_phone:
        enqueue(channel="sms", phone=app.applicant_phone, text=text, dedup_key=key, template_key="onewindow")
    if app.resident_id is not None:
        enqueue(channel="in_app", recipient=app.resident, text=text, dedup_key=key, template_key="onewindow")


def status_note(app: Application) -> str:
    return str(Status(app.status).label)
