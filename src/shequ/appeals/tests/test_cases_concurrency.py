"""Concurrency on PostgreSQL: numbers never shared, one case per idempotency key, one dispatcher wins."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections

from shequ.appeals.models import Case, CaseEvent, CaseState
from shequ.appeals.services import CaseConflict, case_dispatch

from .cases_support import draw_grids, file_case

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="row locks and parallel writers: PostgreSQL"
    ),
]


def run_parallel(n: int, work: Callable[[int], Any]) -> list[Any]:
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def target(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_parallel_submissions_never_share_a_number(mini: Any, personas: dict[str, Any]) -> None:
    draw_grids(mini)
    resident = personas["resident"]

    def submit(i: int) -> list[str]:
        return [file_case(resident, idempotency_key=f"k{i}-{j}").case.number for j in range(5)]

    results = run_parallel(8, submit)
    assert not [r for r in results if isinstance(r, Exception)], results
    numbers = [n for r in results for n in r]
    assert len(numbers) == 40
    assert len(set(numbers)) == 40
    assert sorted(int(n[-6:]) for n in numbers) == list(range(1, 41))


def test_the_same_idempotency_key_in_parallel_makes_one_case(mini: Any, personas: dict[str, Any]) -> None:
    draw_grids(mini)
    resident = personas["resident"]
    results = run_parallel(6, lambda i: file_case(resident, idempotency_key="double-tap"))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert len({r.case.pk for r in results}) == 1
    assert sum(r.created for r in results) == 1
    assert Case.objects.count() == 1


def test_two_dispatchers_at_once_one_wins(mini: Any, personas: dict[str, Any]) -> None:
    draw_grids(mini)
    case = file_case(personas["resident"]).case
    people = [personas["community_worker"], personas["community_head"]]
    seen = case.version

    def dispatch(i: int) -> Any:
        return case_dispatch(
            actor=people[i], case=Case.objects.get(pk=case.pk), version=seen, category="ENV-WASTE"
        )

    results = run_parallel(2, dispatch)
    conflicts = [r for r in results if isinstance(r, CaseConflict)]
    wins = [r for r in results if isinstance(r, Case)]
    assert len(wins) == 1, results
    assert len(conflicts) == 1, results
    assert str(conflicts[0]) == "该案件已被他人处理，请刷新后重试。"
    case.refresh_from_db()
    assert case.state == CaseState.DISPATCHED
    assert case.version == seen + 1
    assert CaseEvent.objects.filter(case=case, kind="dispatch").count() == 1
