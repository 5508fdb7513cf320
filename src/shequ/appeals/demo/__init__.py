"""Demo appeal cases: about forty cases in the home street's grids, every step through the services.

Called by the demo city builder (``shequ.demo.builder.modules``) after the areas, accounts and
the first classifier version exist::

    from shequ.appeals.demo import seed_demo

    counts = seed_demo(home_street=street, rng=random.Random(f"{seed}:appeals"), now=timezone.now())

Residents file cases on the portal with a point inside their grid (a community worker takes some
calls on the hotline); the community worker dispatches them (to the district department when it
has a handler account, else to the community itself), the unit accepts, contacts, handles; the
grid worker verifies, the dispatcher closes, the requester rates (a hotline caller through the
dispatcher's call-back).  A few stop at every open stage, one has its return refused, two were
rated "dissatisfied" and re-opened (one of them re-handled and rated again), one is urgent.
The cases themselves (category, stage, rating, text) are listed in ``data/demo_cases.txt``.

**Demo-only back-dating.**  The services stamp the present, so each case runs at today's clock
and is then shifted into the current or the previous month with queryset updates: the case's
timestamps, its events, ratings, units and notifications keep their order (submitted <
dispatched < accepted/contacted < handled < verified < closed < rated), the deadlines are
counted again from the shifted submission (and re-opening), the light is set for the shifted
clock, and the tracking numbers are given again by the shifted submission day.  Audit entries
are append-only and keep the moment the demo was built.

The demo's Open311 client application (``演示应用``) is created here too; its key is kept in a
platform flag so the demo command can print it with the accounts.  Deterministic for a given
``rng`` seed and ``now``.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from shapely.geometry import Point

from shequ.accounts.models import Post, User
from shequ.accounts.roles import Role
from shequ.core.geo import place_point
from shequ.core.geo.shapes import to_shape
from shequ.core.models import Area, AreaLevel, PlatformFlag

from .. import services as s
from ..models import (
    Case,
    CaseCounter,
    CasePhoto,
    CaseRating,
    Category,
    Channel,
    RatingChannel,
    Satisfaction,
    TrainingExample,
)
from ..services.deadlines import limits
from ..units import organisation_for
from .backdate import _backdate, _renumber, _start
from .plans import (
    ACCEPTED,
    CLOSED,
    COMMENTS,
    DISPATCHED,
    DISSATISFIED_COMMENT,
    HANDLED,
    PLANS,
    REHANDLED,
    REOPENED,
    RESULTS,
    RETURN,
    SUBMITTED,
    SURNAMES,
    VERIFIED,
    Community,
    Plan,
    Story,
)

__all__ = ["API_CLIENT_NAME", "PLANS", "demo_api_key", "seed_demo", "wipe_demo"]

API_CLIENT_NAME = "演示应用"
KEY_FLAG = "demo_open311_key"


def _current_posts(roles: Sequence[str], **where: Any) -> list[Post]:
    return list(
        Post.objects.filter(role__in=roles, is_active=True, valid_to__isnull=True, **where)
        .select_related("user")
        .order_by("pk")
    )


def _communities(home_street: Area) -> list[Community]:
    found = []
    levels = (AreaLevel.COMMUNITY, AreaLevel.VILLAGE)
    for area in Area.objects.filter(parent=home_street, level__in=levels).order_by("path"):
        grids = list(Area.objects.filter(parent=area, level=AreaLevel.GRID).order_by("path"))
        staff = _current_posts((Role.COMMUNITY_WORKER, Role.COMMUNITY_HEAD), area=area)
        residents = list(User.objects.filter(kind="resident", home_area=area).order_by("pk"))
        if not grids or not staff or not residents:
            continue
        staff.sort(key=lambda p: (p.role != Role.COMMUNITY_WORKER, p.pk))
        dispatcher = staff[0].user
        handler = next((p.user for p in staff if p.user_id != dispatcher.pk), dispatcher)
        workers = _current_posts((Role.GRID_WORKER,), area__in=grids)
        verifiers = {int(p.area_id or 0): p.user for p in reversed(workers)}
        found.append(Community(area, grids, residents, dispatcher, handler, verifiers))
    return found


def _where(grid: Area, rng: random.Random) -> dict[str, Any]:
    """A point inside the grid's boundary (it must place back into this grid), else the grid itself."""
    geometry = to_shape(grid.boundary)
    if geometry is not None:
        minx, miny, maxx, maxy = geometry.bounds
        candidates = [
            Point(
                minx + (0.2 + 0.6 * rng.random()) * (maxx - minx),
                miny + (0.2 + 0.6 * rng.random()) * (maxy - miny),
            )
            for _k in range(5)
        ]
        candidates.append(geometry.representative_point())
        for point in candidates:
            x, y = round(point.x, 6), round(point.y, 6)
            placed = place_point(x, y)
            if geometry.contains(Point(x, y)) and placed is not None and placed.pk == grid.pk:
                return {"lng": x, "lat": y}
    return {"area": grid}


def _run(plan: Plan, where: Community, grid: Area, resident: Any, rng: random.Random) -> Story:
    story = Story()
    address = f"{where.area.name}{rng.randint(1, 24)}栋{rng.randint(1, 4)}单元附近"
    filed: dict[str, Any] = {"text": plan.text, "address": address, "urgent": plan.urgent}
    if plan.hotline:
        phone = f"139{rng.randint(10000000, 99999999)}"
        name = f"{rng.choice(SURNAMES)}{rng.choice(('先生', '女士'))}"
        filed |= {"actor": where.dispatcher, "channel": Channel.HOTLINE}
        filed |= {"requester_name": name, "requester_phone": phone}
    else:
        filed |= {"actor": resident, "channel": Channel.PORTAL, "is_public": rng.random() < 0.5}
    submitted = story.step(0, s.case_submit, **filed, **_where(grid, rng))
    story.case = case = submitted.case
    s.case_classify(case_id=case.pk)
    if plan.end == SUBMITTED:
        return story
    category = Category.objects.get(code=plan.code)
    response = float(limits(category, case.urgency, case.area)[0])
    fast = response < 24  # an urgent category: the response clock runs in natural hours
    org = organisation_for(category, case.area)
    org_post = next(iter(_current_posts((Role.DEPARTMENT_HANDLER,), organisation=org)), None) if org else None
    unit = org_post.user if org_post is not None else where.handler
    target = {} if org_post is not None else {"area": where.area}
    t = 0.2 * response if fast else rng.uniform(0.5, 3)
    story.step(t, s.case_dispatch, actor=where.dispatcher, category=category, **target)
    if plan.end == DISPATCHED:
        return story
    t += 0.2 * response if fast else rng.uniform(0.5, 3)
    contacted = not plan.late and rng.random() < 0.7
    story.step(t, s.case_accept, actor=unit, contacted=contacted)
    if not contacted:
        t = response + 2 if plan.late else t + 0.1
        story.step(t, s.case_contact, actor=unit, note="已电话联系诉求人，约定上门查看时间。")
    if plan.end == RETURN:
        reason = "该事项属于街道综合行政执法队职责，申请退回重新派单。"
        story.step(t + 1, s.case_request_return, actor=unit, reason=reason)
        note = "请社区先行劝导，执法队配合处置，不予退单。"
        story.step(t + 2, s.case_refuse_return, actor=where.dispatcher, note=note)
    if plan.end in (ACCEPTED, RETURN):
        return story
    t = _handle_and_close(story, plan, where, unit, grid, rng, t)
    if plan.end in (HANDLED, VERIFIED, CLOSED):
        return story
    if plan.end in (REOPENED, REHANDLED):
        t += rng.uniform(3, 24)
        _rate(story, plan, where, resident, Satisfaction.DISSATISFIED, t, rng)
        if plan.end == REOPENED:
            return story
        t = _handle_and_close(story, plan, where, unit, grid, rng, t)
    _rate(story, plan, where, resident, plan.level, t + rng.uniform(2, 30), rng)
    return story


def _handle_and_close(
    story: Story, plan: Plan, where: Community, unit: Any, grid: Area, rng: random.Random, t: float
) -> float:
    t += rng.uniform(2, 8) if plan.urgent else rng.uniform(6, 40)
    story.step(t, s.case_handle, actor=unit, result=RESULTS[plan.code[:3]])
    if plan.end == HANDLED:
        return t
    t += rng.uniform(1, 6)
    verifier = where.verifiers.get(grid.pk, where.dispatcher)
    story.step(t, s.case_verify, actor=verifier, passed=True, note="已到现场核查，情况属实。")
    if plan.end == VERIFIED:
        return t
    t += rng.uniform(0.5, 3)
    story.step(t, s.case_close, actor=where.dispatcher)
    return t


def _rate(
    story: Story, plan: Plan, where: Community, resident: Any, level: str, t: float, rng: random.Random
) -> None:
    comment = DISSATISFIED_COMMENT if level == Satisfaction.DISSATISFIED else rng.choice(COMMENTS[level])
    who: dict[str, Any] = {"actor": resident, "channel": RatingChannel.PORTAL}
    if plan.hotline:
        who = {"actor": where.dispatcher, "channel": RatingChannel.CALLBACK}
    resolved = level != Satisfaction.DISSATISFIED
    story.step(t, s.case_rate, resolved=resolved, level=level, comment=comment, **who)


# --------------------------------------------------------------------------- back-dating (demo only)


# --------------------------------------------------------------------------- entry points


@transaction.atomic
def seed_demo(*, home_street: Area, rng: random.Random, now: datetime) -> dict[str, int]:
    """About forty cases in ``home_street``'s grids, back-dated into this and last month; counts by kind."""
    counts = {"appeal_cases": 0, "appeal_ratings": 0, "open311_clients": 0}
    counts["open311_clients"] = _api_client()
    communities = _communities(home_street)
    if not communities or Case.objects.filter(area__path__startswith=home_street.path).exists():
        return counts
    weights = [3] + [1] * (len(communities) - 1)
    made: list[Case] = []
    for plan in PLANS:
        where = communities[0] if plan.home else rng.choices(communities, weights)[0]
        resident = where.residents[0] if plan.home else rng.choice(where.residents)
        grid = rng.choice(where.grids)
        story = _run(plan, where, grid, resident, rng)
        start, factor = _start(plan, story.marks[-1][1], now, rng)
        made.append(_backdate(story, start, factor, now))
    _renumber(made)
    counts["appeal_cases"] = len(made)
    counts["appeal_ratings"] = CaseRating.objects.filter(case__in=made).count()
    return counts


def _api_client() -> int:
    """The demo's Open311 application; its key is kept (demo only) so the accounts table can show it."""
    from shequ.open311.selectors import api_client_named
    from shequ.open311.services import api_client_create

    if api_client_named(API_CLIENT_NAME) is not None:
        return 0
    _client, key = api_client_create(actor=None, name=API_CLIENT_NAME)
    PlatformFlag.objects.update_or_create(
        key=KEY_FLAG, defaults={"value": {"name": API_CLIENT_NAME, "key": key}}
    )
    return 1


def demo_api_key() -> tuple[str, str] | None:
    """(application name, key) of the demo's Open311 application, when the demo made one."""
    flag = PlatformFlag.objects.filter(key=KEY_FLAG).first()
    if flag is None or not isinstance(flag.value, dict) or not flag.value.get("key"):
        return None
    return str(flag.value.get("name", API_CLIENT_NAME)), str(flag.value["key"])


def wipe_demo() -> int:
    """Delete the cases in demo areas and what hangs on them (before users and areas go); rows deleted.

    Events, units, photos, ratings, access codes, extensions, hand-overs and Open311 requests go
    with their case; the case's notifications and dispatch labels are removed by their keys.
    Audit entries stay (append-only).
    """
    from shequ.integration.outbox.models import Notification
    from shequ.open311.models import ApiClient

    ids = list(Case.objects.filter(area__is_demo=True).values_list("pk", flat=True))
    deleted = 0
    for photo in CasePhoto.objects.filter(case_id__in=ids).only("image"):
        photo.image.delete(save=False)
    for k in range(0, len(ids), 200):
        keys = Q()
        for pk in ids[k : k + 200]:
            keys |= Q(dedup_key__startswith=f"appeal:{pk}:")
        deleted += Notification.objects.filter(keys).delete()[0]
        deleted += TrainingExample.objects.filter(case_id__in=ids[k : k + 200]).delete()[0]
    Case.objects.filter(pk__in=ids, merged_into__isnull=False).update(merged_into=None)
    deleted += Case.objects.filter(pk__in=ids).delete()[0]
    client = ApiClient.objects.filter(name=API_CLIENT_NAME).first()
    if client is not None and not client.requests.exists():
        deleted += client.delete()[0]
    deleted += PlatformFlag.objects.filter(key=KEY_FLAG).delete()[0]
    if not Case.objects.exists():
        deleted += CaseCounter.objects.all().delete()[0]
    return deleted
