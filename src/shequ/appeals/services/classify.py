"""Classification of a filed case (after commit, in the worker): the top three stored on the case."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction

from ..classifier.runtime import suggest
from ..models import Case, Category
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
