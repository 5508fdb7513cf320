"""Intake's write in one round trip (``shequ.core.linked_insert``): what it stores, on both databases,
and on PostgreSQL that a warmed-up intake is exactly one statement, numbered inside it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, models
from django.db.models.signals import post_save, pre_save
from django.test.utils import CaptureQueriesContext

from shequ.appeals.models import Case, CaseCounter, CaseEvent, CaseState, Channel, EmergencyHandover
from shequ.core.calendar import local_date
from shequ.core.geo.placement import reset_index
from shequ.core.linked_insert import Link, insert_linked
from shequ.core.models import AuditEntry
from shequ.open311.models import ClientRequest

from .cases_support import draw_grids, file_case

ON_POSTGRES = connection.vendor == "postgresql"


def test_the_models_written_this_way_keep_no_save_logic_or_receivers() -> None:
    """insert_linked skips ``save()`` and model signals on PostgreSQL; nothing may rely on them."""
    for model in (Case, CaseEvent, EmergencyHandover, AuditEntry, ClientRequest):
        assert not pre_save.has_listeners(model), model
        assert not post_save.has_listeners(model), model
        own_save = model.save is not models.Model.save
        assert not own_save or model is AuditEntry, f"{model.__name__} has its own save()"


@pytest.mark.django_db
def test_a_case_its_event_and_audit_entry_are_stored_linked(mini: Any, personas: dict[str, Any]) -> None:
    draw_grids(mini)
    case = file_case(personas["resident"], requester_phone="13912345678", channel=Channel.PORTAL).case
    stored = Case.objects.get(pk=case.pk)
    assert stored.number == case.number
    # sealed on the way in and found by its digest, as save() stores it
    assert stored.requester_phone.plaintext_for_processing() == "13912345678"
    assert stored.requester_phone_digest
    event = CaseEvent.objects.get(case=stored, kind="submit")
    assert event.to_state == CaseState.SUBMITTED
    entry = AuditEntry.objects.get(action="appeals.case.submit", object_id=str(stored.pk))
    assert entry.object_repr == stored.number
    assert entry.object_type == "appeals.case"


@pytest.mark.django_db
def test_a_danger_report_starts_in_the_emergency_state_with_its_handover(
    mini: Any, personas: dict[str, Any]
) -> None:
    draw_grids(mini)
    case = file_case(personas["grid_worker"], text="有人在小区里持刀", danger=True).case
    stored = Case.objects.get(pk=case.pk)
    assert stored.state == CaseState.EMERGENCY
    assert stored.emergency_line == "110"
    assert EmergencyHandover.objects.get(case=stored).line == "110"
    kinds = list(CaseEvent.objects.filter(case=stored).order_by("at", "id").values_list("kind", "to_state"))
    assert kinds == [("submit", CaseState.SUBMITTED), ("handover", CaseState.EMERGENCY)]
    actions = set(AuditEntry.objects.filter(object_id=str(stored.pk)).values_list("action", "object_repr"))
    assert actions == {("appeals.case.submit", stored.number), ("appeals.case.handover", stored.number)}


@pytest.mark.django_db
def test_insert_linked_gives_every_row_its_id(mini: Any, personas: dict[str, Any]) -> None:
    draw_grids(mini)
    template = file_case(personas["resident"]).case
    case = Case.objects.get(pk=template.pk)
    case.pk = None
    case._state.adding = True
    case.number = template.number + "X"
    case.idempotency_key = "copy"
    event = CaseEvent(case=case, kind="note", note="copied")
    entry = AuditEntry(action="test.copy", object_type="appeals.case", object_repr=case.number)
    insert_linked(case, [Link(event, "case_id"), Link(entry, "object_id", as_text=True)])
    assert case.pk is not None
    assert case.pk != template.pk
    assert not case._state.adding
    assert CaseEvent.objects.get(pk=event.pk).case_id == case.pk
    assert AuditEntry.objects.get(pk=entry.pk).object_id == str(case.pk)


# --------------------------------------------------------------------------- PostgreSQL: one statement

pg_only = pytest.mark.skipif(not ON_POSTGRES, reason="data-modifying CTEs: PostgreSQL")


@pytest.fixture
def warm(settings: Any, mini: Any, personas: dict[str, Any]) -> Iterator[Any]:
    """Production recheck times, so that the grid index, rules and calendar are read once."""
    settings.SHEQU_GRID_INDEX_RECHECK_SECONDS = 3600
    settings.SHEQU_REFERENCE_RECHECK_SECONDS = 3600
    draw_grids(mini)
    reset_index()
    file_case(personas["resident"], idempotency_key="warm-up")
    yield personas["resident"]
    reset_index()


@pg_only
@pytest.mark.django_db(transaction=True)
def test_a_warmed_up_intake_is_one_statement(warm: Any) -> None:
    with CaptureQueriesContext(connection) as queries:
        filed = file_case(warm, idempotency_key="one")
    statements = [q["sql"] for q in queries.captured_queries]
    assert len(statements) == 1, statements
    assert statements[0].startswith("WITH day_counter AS (INSERT INTO")
    assert filed.created
    assert Case.objects.filter(number=filed.case.number).exists()


@pg_only
@pytest.mark.django_db(transaction=True)
def test_a_repeat_in_one_statement_answers_the_first_case_and_takes_no_number(warm: Any) -> None:
    first = file_case(warm, idempotency_key="tap")
    again = file_case(warm, idempotency_key="tap")
    later = file_case(warm, idempotency_key="next")
    assert first.created
    assert not again.created
    assert later.created
    assert again.case.pk == first.case.pk
    assert Case.objects.filter(idempotency_key="tap").count() == 1
    # the repeat's statement failed as a whole, its counter increment with it: no gap
    assert int(later.case.number[-6:]) == int(first.case.number[-6:]) + 1


@pg_only
@pytest.mark.django_db(transaction=True)
def test_the_database_formats_numbers_as_python_does_past_a_million(warm: Any) -> None:
    from django.utils import timezone

    day = local_date(timezone.now())
    CaseCounter.objects.filter(day=day).update(last=999_998)
    numbers = [file_case(warm, idempotency_key=f"m{i}").case.number for i in range(2)]
    assert numbers == [f"{day:%Y%m%d}-999999", f"{day:%Y%m%d}-1000000"]
