"""Duplicates: a new case near an open case of the same category (before dispatch: one of its
suggested categories), recent, with similar text.

Distance, days and similarity are the proposed rules ``appeals.duplicate_distance_m``,
``appeals.duplicate_days`` and ``appeals.duplicate_text_similarity`` (see :mod:`..policy`).
Merging puts the new case under the open one: they share its handling, and when it closes
every requester is told the outcome (:func:`.handling.case_close`).
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from .. import policy
from ..models import OPEN_STATES, Case, CaseState, Category
from . import common as c
from .workflow import begin, clean_note, finish

EARTH_RADIUS_M = 6_371_008.8


def metres_between(lng1: float, lat1: float, lng2: float, lat2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def _bigrams(text: str) -> set[str]:
    chars = [ch for ch in text if ch.isalnum()]
    return {a + b for a, b in itertools.pairwise(chars)} or set(chars)


def similarity(a: str, b: str) -> float:
    """Overlap of character bigrams (Jaccard), 0..1; enough for short Chinese texts."""
    x, y = _bigrams(a), _bigrams(b)
    if not x or not y:
        return 0.0
    return len(x & y) / len(x | y)


@dataclass(frozen=True)
class Candidate:
    case: Case
    metres: float
    similarity: float


def _category_ids(case: Case) -> set[int]:
    """The case's category once confirmed; before that its suggested ones (the classifier's top three)."""
    if case.category_id is not None:
        return {case.category_id}
    codes = [s.get("category") for s in case.suggestions or [] if isinstance(s, dict)]
    ids = set(Category.objects.filter(code__in=codes).values_list("pk", flat=True))
    if case.suggested_category_id is not None:
        ids.add(case.suggested_category_id)
    return ids


def duplicate_candidates(case: Case, *, limit: int = 5) -> list[Candidate]:
    """Open cases this one may repeat (nearest first); none for a case without a point or category."""
    ids = _category_ids(case)
    if not case.has_point or not ids or case.state != CaseState.SUBMITTED:
        return []
    assert case.lng is not None
    assert case.lat is not None
    metres = float(policy.value("appeals.duplicate_distance_m", case.area))
    days = float(policy.value("appeals.duplicate_days", case.area))
    threshold = float(policy.value("appeals.duplicate_text_similarity", case.area))
    dlat = metres / 111_320
    dlng = metres / (111_320 * max(math.cos(math.radians(case.lat)), 0.01))
    since = case.submitted_at - timedelta(days=days)
    rows = (
        Case.objects.filter(
            state__in=list(OPEN_STATES),
            submitted_at__gte=since,
            submitted_at__lte=case.submitted_at + timedelta(days=days),
            lat__range=(case.lat - dlat, case.lat + dlat),
            lng__range=(case.lng - dlng, case.lng + dlng),
        )
        .filter(Q(category_id__in=ids) | Q(category__isnull=True, suggested_category_id__in=ids))
        .exclude(pk=case.pk)
        .only("pk", "number", "text", "lng", "lat", "state", "submitted_at", "category_id")[:50]
    )
    found = []
    for other in rows:
        assert other.lng is not None
        assert other.lat is not None
        distance = metres_between(case.lng, case.lat, other.lng, other.lat)
        score = similarity(case.text, other.text)
        if distance <= metres and score >= threshold:
            found.append(Candidate(other, distance, score))
    found.sort(key=lambda x: (x.metres, -x.similarity))
    return found[:limit]


@transaction.atomic
def case_merge(*, actor: Any, case: Case, version: int | None, into: Case, note: str = "") -> Case:
    """Merge ``case`` (not yet dispatched) into the open case ``into``; both requesters are told."""
    locked = begin(actor, case, "merge", version)
    note = clean_note(note)
    target = Case.objects.select_for_update().filter(pk=into.pk).first()
    if target is None or target.pk == locked.pk or target.state not in OPEN_STATES or target.merged_into_id:
        raise ValidationError({"into": _("只能并入另一件办理中的案件。")})
    if not c.is_dispatcher(actor, target) and not c.is_dispatcher(actor, locked):
        raise ValidationError({"into": _("只能并入另一件办理中的案件。")})
    locked.merged_into = target
    finish(actor, locked, "merge", fields=["merged_into"], note=note, data={"into": target.number})
    c.event(
        target, "merged_in", actor, note=_("案件%(number)s已并入本案一并办理。") % {"number": locked.number}
    )
    c.notify(
        locked,
        _("【接诉即办】您的诉求%(number)s与同一地点的诉求%(into)s合并办理，办理结果将一并告知您。")
        % {"number": locked.number, "into": target.number},
        key="merged",
    )
    return locked
