"""Reads of households, persons and tags, scoped to the actor.

Sensitive tags (special groups) leave here only for users with ``core.reveal_sensitive_pii``;
for everyone else they do not exist: not in tag lists, not in filters, not in counts.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from shequ.core.access import get_or_404
from shequ.core.pii import PIIKind, lookup_candidates, normalise

from ..access import registry_q, sees_sensitive_tags
from ..models import GONE_STATUSES, Household, Membership, Person, PersonTag, Tag

# --------------------------------------------------------------------------- households


def households_visible_to(actor: Any) -> QuerySet[Household]:
    return Household.objects.filter(registry_q(actor)).select_related(
        "grid", "head", "room__building", "courtyard"
    )


def household_list(
    actor: Any,
    *,
    grid_id: int | None = None,
    kind: str | None = None,
    include_moved_out: bool = False,
    courtyard_id: int | None = None,
) -> QuerySet[Household]:
    qs = households_visible_to(actor)
    if grid_id is not None:
        qs = qs.filter(grid_id=grid_id)
    if courtyard_id is not None:
        qs = qs.filter(courtyard_id=courtyard_id)
    if kind:
        qs = qs.filter(kind=kind)
    if not include_moved_out:
        qs = qs.filter(moved_out_on__isnull=True)
    current = Membership.objects.filter(valid_to__isnull=True).select_related("person")
    return qs.prefetch_related(Prefetch("memberships", queryset=current, to_attr="current_members")).order_by(
        "grid__path", "id"
    )


def household_for(actor: Any, household_id: Any) -> Household:
    return get_or_404(households_visible_to(actor), pk=household_id)


def members_of(household: Household, *, include_past: bool = False) -> list[Membership]:
    qs = household.memberships.select_related("person")
    if not include_past:
        qs = qs.filter(valid_to__isnull=True)
    return list(qs.order_by("valid_to", "valid_from", "id"))


def membership_for(household: Household, person_id: Any) -> Membership:
    return get_or_404(
        household.memberships.filter(valid_to__isnull=True).select_related("person"), person_id=person_id
    )


def current_member(household: Household, person_id: Any) -> Membership | None:
    """A current member named in a request body (``None`` when not one: the same answer for any id)."""
    try:
        return (
            household.memberships.filter(valid_to__isnull=True, person_id=int(person_id))
            .select_related("person")
            .first()
        )
    except (TypeError, ValueError, OverflowError):
        return None


# --------------------------------------------------------------------------- persons


def persons_visible_to(actor: Any) -> QuerySet[Person]:
    return Person.objects.filter(registry_q(actor)).select_related("grid")


def person_for(actor: Any, person_id: Any) -> Person:
    return get_or_404(persons_visible_to(actor), pk=person_id)


def person_search(
    actor: Any, *, q: str | None = None, grid_id: int | None = None, tag: Tag | None = None
) -> QuerySet[Person]:
    """By name (contains), or by a full ID number or phone through the look-up digests.

    ``tag`` must come from :func:`tag_for` (so a sensitive one only for those who may see it).
    """
    qs = persons_visible_to(actor)
    if grid_id is not None:
        qs = qs.filter(grid_id=grid_id)
    if tag is not None:
        qs = qs.filter(
            Exists(PersonTag.objects.filter(person=OuterRef("pk"), tag=tag, removed_on__isnull=True))
        )
    q = (q or "").replace("\x00", "").strip()
    if q:
        match = Q(name__contains=q)
        if len(q) >= 5:
            match |= Q(id_number_digest__in=lookup_candidates(PIIKind.ID_NUMBER, q))
        if len(normalise(PIIKind.PHONE, q)) >= 7:
            match |= Q(phone_digest__in=lookup_candidates(PIIKind.PHONE, q))
        qs = qs.filter(match)
    return qs.order_by("name", "id")


def person_list(
    actor: Any, *, q: str | None = None, grid_id: int | None = None, tag: Tag | None = None
) -> QuerySet[Person]:
    """The search, with each person's visible current tags prefetched as ``visible_tags``."""
    return person_search(actor, q=q, grid_id=grid_id, tag=tag).prefetch_related(
        Prefetch("tags", queryset=_visible_person_tags(actor), to_attr="visible_tags")
    )


def person_by_id_number(actor: Any, number: str) -> Person | None:
    """The current (not moved out, not deceased) person with this full ID number, in the actor's reach."""
    number = (number or "").replace("\x00", "").strip()
    if len(number) < 5:
        return None
    return (
        persons_visible_to(actor)
        .filter(id_number_digest__in=lookup_candidates(PIIKind.ID_NUMBER, number))
        .exclude(residence_status__in=GONE_STATUSES)
        .first()
    )


def _visible_person_tags(actor: Any) -> QuerySet[PersonTag]:
    qs = PersonTag.objects.filter(removed_on__isnull=True).select_related("tag")
    return qs if sees_sensitive_tags(actor) else qs.filter(tag__sensitive=False)


def age(person: Person, today: date | None = None) -> int | None:
    return person.age_on(today or timezone.localdate())


def tags_visible_to(actor: Any) -> QuerySet[Tag]:
    qs = Tag.objects.all()
    return qs if sees_sensitive_tags(actor) else qs.filter(sensitive=False)


def tag_for(actor: Any, code: str) -> Tag | None:
    code = (code or "").replace("\x00", "").strip()
    return tags_visible_to(actor).filter(code=code).first() if code else None


def person_tags(actor: Any, person: Person) -> list[PersonTag]:
    return list(_visible_person_tags(actor).filter(person=person))


def current_membership(person: Person) -> Membership | None:
    return person.memberships.filter(valid_to__isnull=True).select_related("household").first()


def current_memberships_of(person_ids: list[int]) -> dict[int, int]:
    """Person id → the id of the household they currently belong to (one query for a page of people)."""
    rows = Membership.objects.filter(person_id__in=person_ids, valid_to__isnull=True)
    return dict(rows.values_list("person_id", "household_id"))
