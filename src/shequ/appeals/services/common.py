"""What the case services share: who may do what, numbers and tokens, events, notifications."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import date
from typing import Any

from django.db import connection
from django.utils import timezone

from shequ.accounts.roles import Role
from shequ.core.access import SYSTEM_ADMIN_ROLE, scope_of
from shequ.core.linked_insert import Computed
from shequ.core.models import Area

from ..models import Case, CaseCounter, CaseEvent

#: Who dispatches cases (分拨): community, street, district and city staff on a writable post.
DISPATCH_ROLES = frozenset(
    {Role.COMMUNITY_WORKER, Role.COMMUNITY_HEAD, Role.STREET_STAFF, Role.DISTRICT_ADMIN, Role.CITY_ADMIN}
)
#: Who works in the field: reports, resolves small matters on the spot, verifies.
FIELD_ROLES = frozenset({Role.GRID_WORKER, Role.GRID_LEADER})
#: Who may put a case under supervised follow-up (督办): a level above the community.
SUPERVISE_ROLES = frozenset({Role.STREET_STAFF, Role.DISTRICT_ADMIN, Role.CITY_ADMIN})
#: Who handles a case dispatched to a street or community as the unit.
AREA_UNIT_ROLES = DISPATCH_ROLES


def is_staff(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "kind", "") == "staff")


def is_resident(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "kind", "") == "resident")


def holds(user: Any, roles: frozenset[str], area: Area | None) -> bool:
    """A current post of one of ``roles`` whose area covers ``area`` (system administrators: always)."""
    if not is_staff(user):
        return False
    for post in user.current_posts():
        if post.role == SYSTEM_ADMIN_ROLE:
            return True
        if (
            area is not None
            and post.role in roles
            and post.area is not None
            and area.path.startswith(post.area.path)
        ):
            return True
    return bool(user.is_superuser and not user.current_posts())


def is_dispatcher(user: Any, case: Case) -> bool:
    return holds(user, DISPATCH_ROLES, case.handling_area) or holds(
        user, DISPATCH_ROLES, case.escalation_area
    )


def is_unit_member(user: Any, case: Case) -> bool:
    """A member of the lead unit: the organisation's staff, or staff of the street/community sent to."""
    if not is_staff(user):
        return False
    if case.lead_org_id is not None and case.lead_org_id in scope_of(user).organisation_ids:
        return True
    if case.lead_area_id is not None and holds(user, AREA_UNIT_ROLES, case.lead_area):
        return True
    return holds(user, frozenset(), None)


def is_field_worker(user: Any, case: Case) -> bool:
    return holds(user, FIELD_ROLES, case.area)


def is_supervisor(user: Any, case: Case) -> bool:
    return holds(user, SUPERVISE_ROLES, case.area)


def actor_label(actor: Any) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return "系统"
    return (getattr(actor, "display_name", "") or getattr(actor, "username", ""))[:80]


def event(
    case: Case,
    kind: str,
    actor: Any,
    *,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
    at: Any = None,
) -> CaseEvent:
    made = new_event(case, kind, actor, from_state=from_state, to_state=to_state, note=note, data=data, at=at)
    made.save(force_insert=True)
    return made


def new_event(
    case: Case,
    kind: str,
    actor: Any,
    *,
    from_state: str = "",
    to_state: str = "",
    note: str = "",
    data: dict[str, Any] | None = None,
    at: Any = None,
) -> CaseEvent:
    """The timeline event :func:`event` saves, unsaved (for a caller that inserts it with its case)."""
    user = actor if getattr(actor, "is_authenticated", False) else None
    return CaseEvent(
        case=case,
        kind=kind,
        from_state=from_state,
        to_state=to_state,
        actor=user,
        actor_label=actor_label(actor),
        note=note[:1000],
        data=data or {},
        at=at or timezone.now(),
    )


# --------------------------------------------------------------------------- numbers and tokens


def next_sequence(day: date) -> int:
    """The next number of ``day`` (1, 2, …): one atomic upsert, unique under any concurrency."""
    table = CaseCounter._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (day, last) VALUES (%s, 1) "  # noqa: S608 - the table name is ours
            f"ON CONFLICT (day) DO UPDATE SET last = {table}.last + 1 RETURNING last",
            [day],
        )
        row = cursor.fetchone()
    assert row is not None
    return int(row[0])


def tracking_number(day: date) -> str:
    """Readable and unique: the date and the day's sequence, e.g. ``20261122-000123``."""
    return f"{day:%Y%m%d}-{next_sequence(day):06d}"


def tracking_number_computed(day: date) -> Computed:
    """:func:`tracking_number` taken by the database inside the statement that inserts the case.

    The same upsert and the same format (at least six digits); the day's counter row stays
    locked only until that statement's transaction ends.
    """
    table = CaseCounter._meta.db_table
    upsert = (
        f"INSERT INTO {table} (day, last) VALUES (%s, 1) "  # noqa: S608 - the table name is ours
        f"ON CONFLICT (day) DO UPDATE SET last = {table}.last + 1 RETURNING last"
    )
    return Computed(
        field="number",
        expression="(SELECT %s || lpad(last::text, greatest(6, length(last::text)), '0') FROM day_counter)",
        params=[f"{day:%Y%m%d}-"],
        before=[("day_counter", upsert, [day])],
    )


def new_token() -> str:
    """A random access code (the number alone never opens a case); only its digest is stored."""
    return secrets.token_urlsafe(9)


def token_digest(token: str) -> str:
    return hashlib.sha256(token.strip().encode()).hexdigest()


def token_matches(case: Case, token: str) -> bool:
    return bool(token) and hmac.compare_digest(case.token_digest, token_digest(token))


# --------------------------------------------------------------------------- notifications


def requester_phone(case: Case) -> str:
    if case.requester_phone:
        return case.requester_phone.plaintext_for_processing()
    requester = case.requester
    phone = getattr(requester, "phone", None) if requester is not None else None
    return phone.plaintext_for_processing() if phone else ""


def notify(case: Case, text: str, *, key: str, sms: bool = True) -> None:
    """Tell the requester through the outbox (stored with this transaction, delivered after commit,
    retried until delivered, never twice for the same ``key``).

    A resident with an account gets an in-app message (and the SMS when ``sms``); a caller known
    only by the phone on the case gets the SMS.  ``key`` names the event; the case's version is
    added so the same kind of event later in the case's life is a new message.
    """
    from shequ.integration.outbox import enqueue
    from shequ.integration.outbox import notify as notify_user

    dedup = f"appeal:{case.pk}:{key}:{case.version}"
    requester = case.requester
    if requester is not None and is_resident(requester):
        channels = ("in_app", "sms") if sms else ("in_app",)
        notify_user(
            user=requester, text=text, dedup_key=dedup, channels=channels, template_key=f"appeals.{key}"
        )
        return
    if sms and case.requester_phone:
        enqueue(
            channel="sms",
            phone=case.requester_phone,
            text=text,
            dedup_key=dedup,
            template_key=f"appeals.{key}",
        )
