"""Two residents submit the same slot at the same moment, through the portal, in parallel.

On PostgreSQL each request thread has its own connection and transaction: the space row
lock (``select_for_update``) makes the second wait for the first, which then finds the slot
taken; the unique index and the exclusion constraint are the last line.  SQLite serialises
writers on the whole database file, so two threads cannot race there in a meaningful way
(the second gets "database is locked" instead); the constraint itself is tested on SQLite in
``test_bookings.test_the_database_refuses_a_second_booking_of_a_slot``.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection, connections
from django.test import Client

from shequ.commons.factories import make_booking, make_space, next_slot
from shequ.commons.models import Booking, BookingStatus

pytestmark = pytest.mark.django_db(transaction=True)

needs_postgres = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises all writers on one file lock; parallel bookings can only race on PostgreSQL",
)


def _parallel(clients: list[Client], url: str, data: list[dict[str, str]]) -> list[Any]:
    barrier = threading.Barrier(len(clients))
    results: list[Any] = [None] * len(clients)

    def run(i: int) -> None:
        try:
            barrier.wait()
            results[i] = clients[i].post(url, data[i])
        except Exception as exc:  # reported by the assertions below
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(clients))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@needs_postgres
@pytest.mark.parametrize("rounds", [5])
def test_parallel_requests_for_one_slot_exactly_one_wins(mini: Any, rounds: int) -> None:
    from shequ.demo.factories import make_resident

    space = make_space(mini.community_a, "羽毛球场", open_on_holidays=True, max_per_week=20)
    people = [
        make_resident(f"1391111100{i}", home_area=mini.community_a, display_name=f"居民{i}") for i in range(4)
    ]
    clients = []
    for person in people:
        c = Client()
        c.force_login(person)
        clients.append(c)
    url = f"/commons/spaces/{space.pk}/"
    for r in range(rounds):
        start = next_slot(2, 8 + r).isoformat()
        data = [{"starts_at": start, "purpose": "打球", "attendees": "4"} for _ in clients]
        results = _parallel(clients, url, data)
        assert not [r for r in results if isinstance(r, Exception)], results
        statuses = sorted(r.status_code for r in results)
        assert statuses == [302, 400, 400, 400], statuses
        for response in results:
            if response.status_code == 400:
                assert "该时段已被预约，请选择其他时段。" in response.content.decode()
        assert Booking.objects.filter(starts_at=start, status=BookingStatus.APPROVED).count() == 1
    assert Booking.objects.count() == rounds


@needs_postgres
def test_postgres_refuses_overlapping_slots_of_different_lengths(mini: Any) -> None:
    """The exclusion constraint: a 2-hour booking overlapping a 1-hour one (slot length changed)."""
    from django.db import IntegrityError, transaction

    from shequ.demo.factories import make_resident

    space = make_space(mini.community_a, "会议室", open_on_holidays=True)
    wang = make_resident("13911110009", home_area=mini.community_a)
    start = next_slot(2, 9)
    make_booking(space, wang, start, minutes=120)
    with pytest.raises(IntegrityError), transaction.atomic():
        make_booking(space, wang, start.replace(hour=10), minutes=60)
