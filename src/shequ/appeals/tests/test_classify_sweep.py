"""Classification after intake: a sweep of recent unclassified cases, nudged at most once a second."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from shequ.appeals import tasks
from shequ.appeals.models import Case, CaseState
from shequ.appeals.services import classify

from .cases_support import draw_grids, file_case

pytestmark = pytest.mark.django_db


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What intake asked the worker to run (the broker itself is not under test here)."""
    sent: list[str] = []
    monkeypatch.setattr(tasks.classify_pending, "delay", lambda: sent.append("classify_pending"))
    monkeypatch.setattr(classify, "_last_nudge", -classify.NUDGE_EVERY_SECONDS)
    return sent


def test_the_sweep_classifies_recent_cases_waiting_for_dispatch(mini: Any, personas: dict[str, Any]) -> None:
    draw_grids(mini)
    fresh = [file_case(personas["resident"]).case for _ in range(2)]
    old = file_case(personas["resident"]).case
    Case.objects.filter(pk=old.pk).update(submitted_at=timezone.now() - classify.SWEEP_WINDOW - timedelta(1))
    dispatched = file_case(personas["resident"]).case
    Case.objects.filter(pk=dispatched.pk).update(state=CaseState.DISPATCHED)

    assert classify.classify_pending() == 2
    for case in fresh:
        case.refresh_from_db()
        assert len(case.suggestions) == 3
        assert case.suggested_category is not None
    for case in (old, dispatched):
        case.refresh_from_db()
        assert case.suggestions == []  # a dispatcher opening it classifies it (ensure_classified)
    assert classify.classify_pending() == 0  # nothing left: a second sweep does nothing


def test_intake_nudges_the_sweep_after_commit_at_most_once_a_second(
    mini: Any, personas: dict[str, Any], queued: list[str], django_capture_on_commit_callbacks: Any
) -> None:
    draw_grids(mini)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        file_case(personas["resident"])
    assert queued == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert queued == ["classify_pending"]
    with django_capture_on_commit_callbacks(execute=True):
        file_case(personas["resident"])
        file_case(personas["resident"])
    assert queued == ["classify_pending"]  # within the second: the sweep already asked for takes them
    classify._last_nudge -= classify.NUDGE_EVERY_SECONDS
    with django_capture_on_commit_callbacks(execute=True):
        file_case(personas["resident"])
    assert queued == ["classify_pending", "classify_pending"]


def test_the_scheduler_runs_the_sweep_every_few_seconds() -> None:
    from config.celery import app

    entry = app.conf.beat_schedule["appeals-classify-pending"]
    assert entry["task"] == "shequ.appeals.tasks.classify_pending"
    assert float(entry["schedule"]) <= 10
