"""Parallel actions on PostgreSQL: one of two window actions wins; numbers stay unique."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from shequ.onewindow import services
from shequ.onewindow.factories import make_application
from shequ.onewindow.models import Application, Event, Status
from shequ.onewindow.numbering import next_in_sequence

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are tested on PostgreSQL"),
]


def parallel(n: int, work: Callable[[int], Any]) -> list[Any]:
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_two_workers_accept_and_return_at_once_one_wins(applicant: Any, worker: Any, colleague: Any) -> None:
    from shequ.onewindow.models import Material

    person, resident = applicant
    app = make_application(person, resident=resident)
    material = Material.objects.get(code="id_card")

    def act(i: int) -> Any:
        target = Application.objects.get(pk=app.pk)
        if i == 0:
            return services.application_accept(actor=worker, application=target)
        return services.application_return(actor=colleague, application=target, materials=[material])

    results = parallel(2, act)
    errors = [r for r in results if isinstance(r, ValidationError)]
    assert len(errors) == 1, results
    app.refresh_from_db()
    assert app.status in (Status.ACCEPTED, Status.RETURNED)
    assert Event.objects.filter(application=app).count() == 1


def test_numbers_are_unique_under_concurrency(db: Any) -> None:
    results = parallel(8, lambda i: next_in_sequence("race-test"))
    assert sorted(results) == list(range(1, 9))
