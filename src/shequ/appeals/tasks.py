"""Background jobs of the appeals module."""

from __future__ import annotations

from celery import shared_task


@shared_task(name="shequ.appeals.tasks.retrain_classifier")
def retrain_classifier(actor_id: int | None = None, reason: str = "") -> int:
    """Train, evaluate and activate a new classifier version; returns its number.

    Queued from the console or the API by an admin (``actor_id``), or run on a schedule
    by the system (no actor).
    """
    from django.contrib.auth import get_user_model

    from .services import classifier_retrain

    actor = get_user_model().objects.filter(pk=actor_id).first() if actor_id is not None else None
    if actor_id is not None and actor is None:
        return 0  # the account is gone: do not train in its name
    return classifier_retrain(actor=actor, reason=reason).version


@shared_task(name="shequ.appeals.tasks.classify_case")
def classify_case(case_id: int) -> bool:
    """Classify one case now (idempotent); new cases are reached by ``classify_pending`` below."""
    from .services import case_classify

    return case_classify(case_id=case_id) is not None


@shared_task(name="shequ.appeals.tasks.classify_pending")
def classify_pending() -> int:
    """Every few seconds (beat), and when intake nudges: classify recent cases without suggestions."""
    from .services.classify import classify_pending as sweep

    return sweep()


@shared_task(name="shequ.appeals.tasks.deadline_sweep")
def deadline_sweep() -> dict[str, int]:
    """Every few minutes (beat): lights and overdue escalation.  Running it twice changes nothing more."""
    from .services import deadline_sweep as sweep

    result = sweep()
    return {"changed": result.changed, "escalated": result.escalated}
