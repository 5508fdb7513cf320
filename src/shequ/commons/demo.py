"""Demo data of the commons: a few spaces per community, some bookings, mutual-aid posts.

``seed_demo(communities=…, residents=…, rng=…)`` is deterministic for a given random
generator and uses dates relative to today.  The demo builder calls it after the areas and
residents exist (see the report for how it is wired).
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from shequ.core.models import Area

from .factories import make_aid_post, make_booking, make_space, next_slot
from .models import (
    AidCategory,
    AidKind,
    AidMatch,
    AidMatchStatus,
    AidPostStatus,
    Attendance,
    BookingStatus,
    SpaceKind,
)

WEEKDAYS_EVENINGS = [[["18:00", "21:00"]]] * 5 + [[["09:00", "12:00"], ["14:00", "21:00"]]] * 2
OFFICE_DAYS = [[["08:30", "12:00"], ["14:00", "17:30"]]] * 5 + [[], []]

SPACES: tuple[tuple[str, str, int, dict[str, Any]], ...] = (
    ("党群服务中心多功能活动室", SpaceKind.ACTIVITY_ROOM, 40, {"equipment": "投影仪、音响、折叠桌椅"}),
    ("议事协商室", SpaceKind.MEETING_ROOM, 16, {"requires_approval": True, "opening_hours": OFFICE_DAYS}),
    ("社区书屋", SpaceKind.LIBRARY, 20, {"slot_minutes": 120, "equipment": "图书三千册、阅览桌"}),
    (
        "学校体育馆（晚间开放）",
        SpaceKind.INSTITUTION,
        60,
        {"opening_hours": WEEKDAYS_EVENINGS, "requires_approval": True},
    ),
)
AID: tuple[tuple[str, str, str], ...] = (
    (AidKind.REQUEST, AidCategory.ELDERLY, "独居老人每周需要有人陪同买菜"),
    (AidKind.OFFER, AidCategory.ELDERLY, "退休护士，可上门测血压"),
    (AidKind.REQUEST, AidCategory.PRODUCTION, "农忙时节缺人手收稻子"),
    (AidKind.OFFER, AidCategory.PRODUCTION, "有小型收割机，可帮邻居收割"),
    (AidKind.OFFER, AidCategory.EMERGENCY, "家有应急发电机，停电时可借用"),
    (AidKind.REQUEST, AidCategory.SKILLS, "想学智能手机视频通话"),
)


@transaction.atomic
def seed_demo(
    *, communities: Iterable[Area], residents: Sequence[Any], rng: random.Random | None = None
) -> dict[str, int]:
    """Spaces, bookings and mutual-aid posts for ``communities`` (``residents`` live there)."""
    rng = rng or random.Random(20261122)  # noqa: S311 - a deterministic demo, not a secret
    counts = {"spaces": 0, "bookings": 0, "aid_posts": 0, "aid_matches": 0}
    by_area: dict[int, list[Any]] = {}
    for person in residents:
        if person.home_area_id is not None:
            by_area.setdefault(person.home_area_id, []).append(person)
    for community in communities:
        people = by_area.get(community.pk, [])
        spaces = []
        for name, kind, capacity, extra in SPACES:
            spaces.append(make_space(community, name, kind=kind, capacity=capacity, is_demo=True, **extra))
            counts["spaces"] += 1
        if not people:
            continue
        for space in spaces[:1]:
            for offset in (-6, -3, -1, 1, 2, 4):
                booker = rng.choice(people)
                start = next_slot(offset, hour=rng.choice((9, 10, 14, 15, 19)))
                status = BookingStatus.APPROVED
                attendance = Attendance.ATTENDED if offset < 0 else Attendance.UNMARKED
                if offset == -1:
                    attendance = Attendance.NO_SHOW
                if not space.opening_hours[start.weekday()]:
                    continue
                make_booking(space, booker, start, status=status, attendance=attendance)
                counts["bookings"] += 1
        posts = []
        for kind, category, title in AID:
            posts.append(
                make_aid_post(rng.choice(people), title, kind=kind, category=category, area=community)
            )
            counts["aid_posts"] += 1
        offer, request = posts[1], posts[0]
        if offer.author_id != request.author_id:
            now = timezone.now()
            AidMatch.objects.create(
                area=community,
                offer=offer,
                request=request,
                status=AidMatchStatus.CONFIRMED,
                confirmed_at=now - timedelta(days=1),
            )
            for post in (offer, request):
                post.status = AidPostStatus.MATCHED
                post.save(update_fields=["status"])
            counts["aid_matches"] += 1
    return counts


def wipe_demo() -> int:
    """Delete the commons' rows in demo areas (before the accounts and areas go); returns rows deleted."""
    from .models import AidMatch, AidPost, AidThanks, Booking, Space

    deleted = 0
    for queryset in (
        AidThanks.objects.filter(match__area__is_demo=True),
        AidMatch.objects.filter(area__is_demo=True),
        AidPost.objects.filter(area__is_demo=True),
        Booking.objects.filter(area__is_demo=True),
        Space.objects.filter(area__is_demo=True),
    ):
        count, _by_model = queryset.delete()
        deleted += count
    return deleted
