"""Classification of a filed case (after commit, in the worker): the top three stored on the case.

Intake does not queue one job per case (building a broker message cost an intake about a tenth
of its CPU).  It asks for a sweep instead, at most once a second per process
(:func:`nudge_sweep`), and the scheduler runs the same sweep every few seconds: the sweep
classifies every recent case still without suggestions.  A case the sweep has not reached when
a dispatcher opens it is classified there and then (:func:`ensure_classified`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from ..classifier.runtime import suggest
from ..models import Case, CaseState, Category
from .deadlines import set_deadlines


@transaction.atomic
def case_classify(*, case_id: int) -> Case | None:
    """Store the classifier's suggestions on the case (idempotent; a dispatched case keeps its category).

    Before a category is confirmed the suggested one sets provisional deadlines, so a case that
    nobody dispatches still turns yellow and red.
    """
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("area", "category")
        .filter(pk=case_id)
        .first()
    )
    if case is None:
        return None
    suggestions = suggest(case.text)
    case.suggestions = [
        {"category": s.category, "unit": s.unit, "score": round(s.score, 4), "name": s.name}
        for s in suggestions
    ]
    best = Category.objects.filter(code=suggestions[0].category).first() if suggestions else None
    case.suggested_category = best
    fields = ["suggestions", "suggested_category"]
    if case.category_id is None and case.response_due is None:
        fields += set_deadlines(case, best)
    Case.objects.filter(pk=case.pk).update(**{f: getattr(case, f) for f in fields})
    return case


def ensure_classified(cases: Iterable[Any]) -> None:
    """Classify, now, any listed case the background job has not reached yet (the broker may be down)."""
    for case in cases:
        if not case.suggestions:
            done = case_classify(case_id=case.pk)
            if done is not None:
                case.suggestions = done.suggestions
                case.suggested_category = done.suggested_category
                case.suggested_category_id = done.suggested_category_id


#: How far back a sweep looks; an older unclassified case waits for a dispatcher to open it.
SWEEP_WINDOW = timedelta(hours=6)
SWEEP_BATCH = 500
NUDGE_EVERY_SECONDS = 1.0
_last_nudge = -NUDGE_EVERY_SECONDS


def classify_pending(*, limit: int = SWEEP_BATCH) -> int:
    """Classify recent cases still waiting for dispatch without suggestions; how many were done."""
    waiting = (
        Case.objects.filter(
            state__in=(CaseState.SUBMITTED, CaseState.EMERGENCY),
            submitted_at__gte=timezone.now() - SWEEP_WINDOW,
            suggestions=[],
        )
        .order_by("submitted_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(case_classify(case_id=pk) is not None for pk in list(waiting))


def nudge_sweep() -> None:
    """After an intake commits: queue a sweep unless this process queued one within the last second.

    A case filed just after a nudge is picked up by the next nudge or the scheduled sweep.
    """
    global _last_nudge
    now = time.monotonic()
    if now - _last_nudge < NUDGE_EVERY_SECONDS:
        return
    _last_nudge = now
    from ..tasks import classify_pending as task

    try:
        task.delay()
    except Exception:
        logging.getLogger(__name__).warning("could not queue the classification sweep")
