"""The demo city's appeal cases: every stage, every rating, both months on the rates page, reproducible."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from shequ.accounts.models import User
from shequ.appeals.demo import API_CLIENT_NAME, PLANS, demo_api_key, seed_demo, wipe_demo
from shequ.appeals.models import (
    Case,
    CaseEvent,
    CaseRating,
    CaseState,
    Channel,
    RatingChannel,
    Satisfaction,
    TrainingExample,
)
from shequ.appeals.selectors.rates import Month, current_month, ranking
from shequ.appeals.services import awaiting_rating
from shequ.core.models import Area, AreaLevel
from shequ.core.pii import PIIKind, lookup_candidates
from shequ.demo.builder import RESIDENT_PHONE, SEED, build_demo_city, print_accounts, wipe_demo_data
from shequ.demo.builder.plan import HOME_STREET
from shequ.integration.outbox.models import Notification, NotificationStatus
from shequ.open311.models import ApiClient
from shequ.open311.selectors import digest_key

STAMPS = (
    "submitted_at",
    "dispatched_at",
    "accepted_at",
    "handled_at",
    "verified_at",
    "closed_at",
    "rated_at",
)


@pytest.fixture(scope="module")
def built_city(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Area]:
    """One small build shared by this module's tests, rolled back at the end."""
    from shequ.appeals.catalogue import ensure_categories

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            ensure_categories()
            yield build_demo_city(scale="small").city
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def street(built_city: Area, db: Any) -> Area:
    return Area.objects.get(code=HOME_STREET)


def previous(month: Month) -> Month:
    return Month(month.year - (month.month == 1), (month.month - 2) % 12 + 1)


def test_cases_at_every_stage_in_the_home_streets_grids(street: Area) -> None:
    cases = list(Case.objects.select_related("area"))
    assert len(cases) == len(PLANS) >= 35
    states = Counter(c.state for c in cases)
    for state in ("submitted", "dispatched", "accepted", "handled", "verified", "closed"):
        assert states[state] >= 1, state
    assert states[CaseState.CLOSED] >= 20
    assert all(c.area.level == AreaLevel.GRID and c.area.path.startswith(street.path) for c in cases)
    portal = [c for c in cases if c.channel == Channel.PORTAL]
    hotline = [c for c in cases if c.channel == Channel.HOTLINE]
    assert len(hotline) >= 5
    assert all(c.requester_id is not None and c.has_point for c in portal)
    assert all(c.requester_id is None and c.requester_phone and c.reporter_id for c in hotline)
    assert all(c.suggestions for c in cases)  # the classifier's top three on every case
    assert any(c.urgency == "urgent" and c.category and c.category.urgency == "normal" for c in cases)
    refused = CaseEvent.objects.filter(kind="refuse_return").values_list("case_id", flat=True)
    assert len(refused) == 1
    assert Case.objects.get(pk=refused[0]).state == CaseState.ACCEPTED
    units = {c.lead_unit for c in cases if c.lead_unit}
    assert any(u.endswith("城市管理局") for u in units)  # dispatched to the department with a handler
    assert any(u.endswith("社区") for u in units)


def test_every_satisfaction_level_and_a_re_handled_case(street: Area) -> None:
    ratings = list(CaseRating.objects.select_related("case"))
    assert {r.level for r in ratings} == set(Satisfaction.values)
    latest = Counter(Case.objects.exclude(rating_level="").values_list("rating_level", flat=True))
    assert latest[Satisfaction.SATISFIED] > latest[Satisfaction.BASIC] > 0
    assert latest[Satisfaction.DISSATISFIED] >= 1
    twice = Case.objects.get(reopened_count=1, state=CaseState.CLOSED)
    assert [r.level for r in twice.ratings.order_by("round")] == [
        Satisfaction.DISSATISFIED,
        Satisfaction.BASIC,
    ]
    assert Case.objects.filter(reopened_count=1, state=CaseState.ACCEPTED).count() >= 1
    for rating in ratings:
        if rating.case.channel == Channel.HOTLINE:
            assert rating.channel == RatingChannel.CALLBACK
        else:
            assert rating.channel == RatingChannel.PORTAL
            assert rating.rated_by_id == rating.case.requester_id
    resident = User.objects.get(phone_digest__in=lookup_candidates(PIIKind.PHONE, RESIDENT_PHONE))
    own = list(Case.objects.filter(requester=resident))
    assert any(awaiting_rating(c) for c in own)  # the demo resident has a case to rate


def test_back_dated_timestamps_keep_their_order(street: Area) -> None:
    now = timezone.now()
    month = current_month()
    submitted = set()
    for case in Case.objects.prefetch_related("events", "ratings"):
        stamps = [getattr(case, name) for name in STAMPS]
        present = [s for s in stamps if s is not None]
        assert all(s <= now for s in present)
        if case.reopened_count == 0:
            assert present == sorted(present), case.number
        if case.contacted_at is not None:
            assert case.dispatched_at is not None
            assert case.dispatched_at <= case.contacted_at
        events = [e.at for e in case.events.all()]
        assert events == sorted(events)
        assert abs(events[0] - case.submitted_at) < timedelta(seconds=1)
        assert case.response_due is not None
        assert case.resolve_due is not None
        assert case.submitted_at < case.response_due <= case.resolve_due
        assert case.number.startswith(f"{timezone.localtime(case.submitted_at):%Y%m%d}-")
        for rating in case.ratings.all():
            assert case.submitted_at < rating.rated_at <= now
        submitted.add(Month(*timezone.localtime(case.submitted_at).timetuple()[:2]))
    assert {month, previous(month)} <= submitted
    assert not Notification.objects.filter(dedup_key__startswith="appeal:").exclude(
        status=NotificationStatus.SENT
    )


def test_rates_page_figures_for_street_staff_and_community_worker(
    street: Area, django_assert_max_num_queries: Any
) -> None:
    month = current_month()
    street_staff = User.objects.get(username="jiedao")
    with django_assert_max_num_queries(8):
        table = ranking(street_staff, month=month, by="street")
    assert [row.name for row in table.rows] == [street.name]
    counts = table.total.counts
    assert counts.dispatched > 0
    assert counts.rated > 0
    assert 0 < counts.responded <= counts.dispatched
    row = table.rows[0]
    assert row.response_rate is not None
    assert row.satisfaction_rate is not None
    assert row.resolution_rate is not None
    assert row.composite is not None
    communities = ranking(street_staff, month=month, by="community")
    assert len(communities.rows) >= 3
    units = ranking(street_staff, month=month, by="unit")
    assert len(units.rows) >= 3
    last = ranking(street_staff, month=previous(month), by="street").total.counts
    assert last.dispatched > 0
    assert last.rated > 0
    worker = User.objects.get(username="shegong")
    own = ranking(worker, month=month, by="community")
    assert len(own.rows) == 1
    assert own.total.counts.dispatched > 0
    assert own.total.counts.rated > 0


def test_the_demo_prints_the_open311_key(street: Area) -> None:
    lines: list[str] = []
    print_accounts(lines.append)
    found = demo_api_key()
    assert found is not None
    name, key = found
    assert name == API_CLIENT_NAME
    assert f"Open311 接口密钥（{API_CLIENT_NAME}）：{key}" in lines
    assert ApiClient.objects.get(name=API_CLIENT_NAME).key_digest == digest_key(key)


def snapshot() -> dict[str, Any]:
    cases = Case.objects.select_related("area", "category").order_by("number")
    return {
        "cases": [
            (
                c.number,
                c.state,
                c.channel,
                c.text,
                c.area.name,
                c.lng,
                c.lat,
                c.category.code if c.category else "",
                c.lead_unit,
                c.rating_level,
                c.light,
                *(getattr(c, name) for name in (*STAMPS, "contacted_at", "response_due", "resolve_due")),
            )
            for c in cases
        ],
        "events": sorted(
            (e.case.number, e.kind, e.at, e.actor_label) for e in CaseEvent.objects.select_related("case")
        ),
        "ratings": sorted(
            (r.case.number, r.round, r.level, r.channel, r.rated_at)
            for r in CaseRating.objects.select_related("case")
        ),
    }


def test_wipe_and_reseed_gives_the_same_cases(street: Area) -> None:
    before = Counter(Case.objects.values_list("state", "rating_level"))
    assert wipe_demo() > 0
    assert not Case.objects.exists()
    assert not Notification.objects.filter(dedup_key__startswith="appeal:").exists()
    assert not TrainingExample.objects.filter(case_id__isnull=False).exists()
    assert not ApiClient.objects.filter(name=API_CLIENT_NAME).exists()
    assert demo_api_key() is None
    now = timezone.now()
    runs = []
    for _run in range(2):
        counts = seed_demo(home_street=street, rng=random.Random(f"{SEED}:appeals"), now=now)
        assert counts["appeal_cases"] == len(PLANS)
        assert counts["open311_clients"] == 1
        runs.append(snapshot())
        wipe_demo()
    assert runs[0] == runs[1]
    seed_demo(home_street=street, rng=random.Random(f"{SEED}:appeals"), now=now)
    assert Counter(Case.objects.values_list("state", "rating_level")) == before
    again = seed_demo(home_street=street, rng=random.Random(f"{SEED}:appeals"), now=now)
    assert again["appeal_cases"] == 0  # a second seeding adds nothing
    assert Case.objects.count() == len(PLANS)


def test_early_in_the_month_the_current_month_still_has_figures(street: Area) -> None:
    wipe_demo()
    now = timezone.now()
    first = timezone.localtime(now).replace(day=1, hour=9, minute=30, second=0, microsecond=0)
    seed_demo(home_street=street, rng=random.Random(f"{SEED}:appeals"), now=first)
    month = Month(first.year, first.month)
    counts = ranking(User.objects.get(username="jiedao"), month=month, by="street").total.counts
    assert counts.dispatched > 0
    assert counts.rated > 0
    stamps = [getattr(c, name) for c in Case.objects.all() for name in STAMPS]
    assert all(s is None or s <= first for s in stamps)


def test_the_whole_demo_wipes_with_its_cases(street: Area) -> None:
    assert Case.objects.exists()
    wipe_demo_data()
    assert not Case.objects.exists()
    assert not Area.objects.filter(is_demo=True).exists()
