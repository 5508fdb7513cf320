"""Recording a family member's authorisation at the window (委托代办)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from shequ.core.audit import record
from shequ.core.pii import IdDocType, validate_id_document

from ..models import Authorisation
from .common import clean_text, community_of, require_staff_write


@transaction.atomic
def authorisation_record(
    *,
    actor: Any,
    principal: Any,
    agent_name: str,
    agent_id_number: str,
    relation: str,
    valid_from: date,
    valid_to: date,
    scope: str = "",
) -> Authorisation:
    area = community_of(principal.grid)
    require_staff_write(actor, area, "principal")
    errors: dict[str, str] = {}
    try:
        number = validate_id_document(IdDocType.CITIZEN_ID, agent_id_number)
    except ValidationError as exc:
        errors["agent_id_number"] = exc.messages[0]
        number = None
    if valid_to < valid_from:
        errors["valid_to"] = _("委托截止日期不能早于起始日期。")
    if errors:
        raise ValidationError(errors)
    auth = Authorisation(
        area=area,
        principal=principal,
        agent_name=clean_text(agent_name, "agent_name", limit=50, required=True, label=_("受托人姓名")),
        relation=clean_text(relation, "relation", limit=20, required=True, label=_("与委托人关系")),
        valid_from=valid_from,
        valid_to=valid_to,
        scope=clean_text(scope, "scope", limit=200, label=_("委托事项")),
        recorded_by=actor,
    )
    auth.agent_id_number = number
    auth.save()
    record(
        actor=actor,
        action="onewindow.authorisation.record",
        obj=auth,
        changes={"agent_id_number": auth.agent_id_number, "valid_to": valid_to},
    )
    return auth
