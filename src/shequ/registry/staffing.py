"""Staffing and coverage checks computed from the registry, each finding citing its rule.

Read-only: :func:`staffing_report` takes the acting user and an area in their reach (default:
the highest area they reach) and covers that area's subtree only.

Definitions (宁委发〔2018〕25号 二（六）、六（三）、一（三）):

* **Resident households (常住户)** are households of kind ``registered`` (户籍户, registered and
  living here) or ``resident`` (常住户, living here without being registered here) that have
  not moved out (``moved_out_on`` empty or later than the day of the report).  Floating
  households (流动户) and households that moved out do not count; floating households are
  reported beside the count for information.
* **Grid workers** of a grid are its active ``grid_worker`` posts (active, started, not ended);
  **full-time grid workers** those with ``full_time``; the **grid leader** is an active
  ``grid_leader`` post.  Findings: fewer full-time grid workers than
  ``grid.full_time_workers_min``; at least ``grid.leader_required_from_workers`` workers and
  no leader.
* **Community workers** of a committee (community or village) are the distinct people holding
  an active ``community_worker`` or ``community_head`` post on it, or a full-time
  ``grid_worker`` post on one of its grids (full-time grid workers count as community
  workers).  Required = ceil(resident households / households per worker), the rule chosen
  by the committee: rural (``area.is_rural``) → ``staffing.households_per_worker.rural``;
  urban with a heavy load (``area.heavy_load``) → ``…heavy_load`` (a range, 200—250: the
  strict end decides "short", the lenient end is reported beside it); otherwise ``…urban``.
* **Size**: rural committees against the range ``community.households.rural``; urban ones
  against ``community.households.urban`` ("about 3,000"), read as within
  :data:`URBAN_SIZE_TOLERANCE` (±20 %) of the rule's value; the deviation is reported.
* **Coverage**: a committee is covered when every resident household lies in a grid that
  meets ``grid.full_time_workers_min`` (a committee without resident households is covered:
  no household lies outside).  For every area above the committees: covered committees /
  committees and staffed-grid households / resident households, checked against
  ``target.grid_coverage``.

A fixed number of queries whatever the size of the subtree: the areas, two aggregates of
posts, one aggregate of households and one query for the rules.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.db.models import Case, Count, F, Q, QuerySet, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from shequ.accounts.models import Post
from shequ.accounts.roles import Role
from shequ.core.access import get_or_404, subtree_q
from shequ.core.models import COMMITTEE_LEVELS, Area, AreaLevel
from shequ.core.rules import CheckResult, RuleCheck, RuleValue, evaluate

from .access import reaches, registry_q
from .models import Household, HouseholdKind

#: Household kinds that count as resident households (常住户).
COUNTED_KINDS: tuple[str, ...] = (HouseholdKind.REGISTERED, HouseholdKind.RESIDENT)

#: "About 3,000 households": a deviation up to this share of the rule's value is within the norm.
URBAN_SIZE_TOLERANCE = Fraction(1, 5)

KEY_GRID_MIN = "grid.full_time_workers_min"
KEY_GRID_LEADER = "grid.leader_required_from_workers"
KEY_RATIO_URBAN = "staffing.households_per_worker.urban"
KEY_RATIO_HEAVY = "staffing.households_per_worker.heavy_load"
KEY_RATIO_RURAL = "staffing.households_per_worker.rural"
KEY_SIZE_URBAN = "community.households.urban"
KEY_SIZE_RURAL = "community.households.rural"
KEY_COVERAGE = "target.grid_coverage"
RULE_KEYS: tuple[str, ...] = (
    KEY_GRID_MIN,
    KEY_GRID_LEADER,
    KEY_RATIO_URBAN,
    KEY_RATIO_HEAVY,
    KEY_RATIO_RURAL,
    KEY_SIZE_URBAN,
    KEY_SIZE_RURAL,
    KEY_COVERAGE,
)

#: Levels that sit above the committees (coverage is reported for each of them).
UPPER_LEVELS = (AreaLevel.CITY, AreaLevel.DISTRICT, AreaLevel.ZONE, AreaLevel.STREET, AreaLevel.TOWN)


@dataclass(frozen=True)
class Finding:
    """One check that failed: where, what, against which rule."""

    code: str  # grid_no_full_time · grid_no_leader · workers_short · size_off
    area: Area
    message: str
    actual: str
    expected: str
    rule: RuleValue

    @property
    def citation(self) -> str:
        return self.rule.citation


@dataclass
class GridRow:
    area: Area
    full_time: int
    workers: int
    leader: bool
    households: int
    floating: int
    staffed: CheckResult
    findings: list[Finding] = field(default_factory=list)


@dataclass
class CommitteeRow:
    area: Area
    households: int
    floating: int
    workers: int
    required: int
    required_lenient: int | None
    ratio: RuleValue
    short: bool
    size: RuleValue
    size_ok: bool
    size_deviation: Fraction | None
    covered: bool
    households_staffed: int
    grids: int
    findings: list[Finding] = field(default_factory=list)


@dataclass
class CoverageRow:
    area: Area
    committees: int
    covered: int
    households: int
    households_staffed: int
    result: CheckResult | None

    @property
    def rate(self) -> Fraction | None:
        return Fraction(self.covered, self.committees) if self.committees else None

    @property
    def share(self) -> Fraction | None:
        return Fraction(self.households_staffed, self.households) if self.households else None


@dataclass
class StaffingReport:
    root: Area
    on: date
    grids: list[GridRow]
    committees: list[CommitteeRow]
    coverage: list[CoverageRow]

    @property
    def findings(self) -> list[Finding]:
        found = [f for g in self.grids for f in g.findings]
        return found + [f for c in self.committees for f in c.findings]

    @property
    def short_grids(self) -> list[GridRow]:
        return [g for g in self.grids if g.findings]

    @property
    def short_committees(self) -> list[CommitteeRow]:
        return [c for c in self.committees if c.short]

    @property
    def size_off(self) -> list[CommitteeRow]:
        return [c for c in self.committees if not c.size_ok]


# --------------------------------------------------------------------------- scope


def reachable_areas(actor: Any) -> QuerySet[Area]:
    """Current areas in the actor's reach (area posts only, as everywhere in the registry)."""
    return Area.objects.current().filter(registry_q(actor, field=""))


def report_root(actor: Any, area_id: Any = None) -> Area:
    """The chosen area when the actor reaches it (else 404); without a choice, their highest area."""
    qs = reachable_areas(actor)
    if area_id not in (None, ""):
        return get_or_404(qs, pk=area_id)
    root = qs.order_by("depth", "path").first()
    if root is None:
        raise Http404
    return root


def area_choices(actor: Any) -> QuerySet[Area]:
    """Areas the page offers to choose from: those above the grids in the actor's reach."""
    return reachable_areas(actor).exclude(level=AreaLevel.GRID).order_by("path")[:500]


# --------------------------------------------------------------------------- arithmetic


def _ceil_div(households: int, per_worker: Decimal) -> int:
    if households <= 0:
        return 0
    return math.ceil(Fraction(households) / Fraction(per_worker))


def percent(value: Fraction | None) -> str:
    if value is None:
        return "—"
    return f"{float(value) * 100:.1f}%"


def _active_posts(on: date) -> QuerySet[Post]:
    return Post.objects.filter(is_active=True, valid_from__lte=on).filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=on)
    )


# --------------------------------------------------------------------------- the report


def staffing_report(actor: Any, area: Area | None = None, *, on: date | None = None) -> StaffingReport:
    """Grids, committees and coverage in ``area``'s subtree (an area the actor reaches)."""
    on = on or timezone.localdate()
    if area is not None and not reaches(actor, area):
        raise Http404
    root = area if area is not None else report_root(actor)
    in_tree = subtree_q(root.path, "area")
    areas = list(
        Area.objects.current(on)
        .filter(subtree_q(root.path))
        .filter(registry_q(actor, field=""))
        .order_by("path")
    )

    # Posts on the grids, by role and full-time (one query).
    grid_posts: dict[int, dict[str, int]] = {}
    for row in (
        _active_posts(on)
        .filter(in_tree, area__level=AreaLevel.GRID, role__in=(Role.GRID_WORKER, Role.GRID_LEADER))
        .values("area_id", "role", "full_time")
        .annotate(n=Count("user_id", distinct=True))
    ):
        counts = grid_posts.setdefault(row["area_id"], {"full_time": 0, "workers": 0, "leaders": 0})
        if row["role"] == Role.GRID_LEADER:
            counts["leaders"] += row["n"]
        else:
            counts["workers"] += row["n"]
            if row["full_time"]:
                counts["full_time"] += row["n"]

    # Community workers per committee: distinct people (one query).
    committee_workers = {
        row["committee_id"]: row["n"]
        for row in (
            _active_posts(on)
            .filter(in_tree)
            .filter(
                Q(area__level__in=COMMITTEE_LEVELS, role__in=(Role.COMMUNITY_WORKER, Role.COMMUNITY_HEAD))
                | Q(area__level=AreaLevel.GRID, role=Role.GRID_WORKER, full_time=True)
            )
            .annotate(
                committee_id=Case(
                    When(area__level=AreaLevel.GRID, then=F("area__parent_id")), default=F("area_id")
                )
            )
            .values("committee_id")
            .annotate(n=Count("user_id", distinct=True))
        )
    }

    # Households per grid (one query).
    living = Q(moved_out_on__isnull=True) | Q(moved_out_on__gt=on)
    households: dict[int, tuple[int, int]] = {
        row["grid_id"]: (row["counted"], row["floating"])
        for row in (
            Household.objects.filter(subtree_q(root.path, "grid"))
            .filter(living)
            .values("grid_id")
            .annotate(
                counted=Count("id", filter=Q(kind__in=COUNTED_KINDS)),
                floating=Count("id", filter=Q(kind=HouseholdKind.FLOATING)),
            )
        )
    }

    rules = RuleCheck(on=on).prefetch(RULE_KEYS, areas or [root])

    grids = [
        _grid_row(a, grid_posts.get(a.pk, {}), households.get(a.pk, (0, 0)), rules)
        for a in areas
        if a.level == AreaLevel.GRID
    ]
    grids_by_parent: dict[int, list[GridRow]] = {}
    for g in grids:
        grids_by_parent.setdefault(g.area.parent_id or 0, []).append(g)
    committees = [
        _committee_row(a, grids_by_parent.get(a.pk, []), committee_workers.get(a.pk, 0), rules)
        for a in areas
        if a.level in COMMITTEE_LEVELS
    ]
    coverage = [
        _coverage_row(a, [c for c in committees if c.area.path.startswith(a.path)], rules)
        for a in areas
        if a.level in UPPER_LEVELS
    ]
    return StaffingReport(root=root, on=on, grids=grids, committees=committees, coverage=coverage)


def _grid_row(area: Area, posts: dict[str, int], counts: tuple[int, int], rules: RuleCheck) -> GridRow:
    full_time, workers, leader = (
        posts.get("full_time", 0),
        posts.get("workers", 0),
        posts.get("leaders", 0) > 0,
    )
    staffed = rules.check(KEY_GRID_MIN, area, full_time)
    row = GridRow(
        area=area,
        full_time=full_time,
        workers=workers,
        leader=leader,
        households=counts[0],
        floating=counts[1],
        staffed=staffed,
    )
    if not staffed.ok:
        row.findings.append(
            Finding(
                "grid_no_full_time",
                area,
                _("未配备专职网格员"),
                str(full_time),
                staffed.expected,
                staffed.rule,
            )
        )
    leader_rule = rules.value(KEY_GRID_LEADER, area)
    if workers >= leader_rule.value and not leader:
        row.findings.append(
            Finding(
                "grid_no_leader",
                area,
                _("有%(count)d名网格员但未设网格长") % {"count": workers},
                _("%(count)d名网格员，无网格长") % {"count": workers},
                _("网格员达到%(count)s人时设1名网格长") % {"count": leader_rule.display},
                leader_rule,
            )
        )
    return row


def _ratio_rule(area: Area, rules: RuleCheck) -> RuleValue:
    if area.is_rural:
        return rules.value(KEY_RATIO_RURAL, area)
    if area.heavy_load:
        return rules.value(KEY_RATIO_HEAVY, area)
    return rules.value(KEY_RATIO_URBAN, area)


def _committee_row(area: Area, grids: list[GridRow], workers: int, rules: RuleCheck) -> CommitteeRow:
    households = sum(g.households for g in grids)
    ratio = _ratio_rule(area, rules)
    required = _ceil_div(households, ratio.value)
    lenient = _ceil_div(households, ratio.value_max) if ratio.value_max is not None else None
    short = workers < required
    if area.is_rural:
        size = rules.value(KEY_SIZE_RURAL, area)
        size_ok = evaluate(size, households).ok
        deviation = None
    else:
        size = rules.value(KEY_SIZE_URBAN, area)
        deviation = (
            (Fraction(households) - Fraction(size.value)) / Fraction(size.value) if size.value else None
        )
        size_ok = deviation is not None and abs(deviation) <= URBAN_SIZE_TOLERANCE
    staffed = sum(g.households for g in grids if g.staffed.ok)
    row = CommitteeRow(
        area=area,
        households=households,
        floating=sum(g.floating for g in grids),
        workers=workers,
        required=required,
        required_lenient=lenient,
        ratio=ratio,
        short=short,
        size=size,
        size_ok=size_ok,
        size_deviation=deviation,
        covered=staffed == households,
        households_staffed=staffed,
        grids=len(grids),
    )
    if short:
        if lenient is not None and lenient != required:
            expected = _("应配%(strict)d人（按%(ratio)s最少%(lenient)d人）") % {
                "strict": required,
                "lenient": lenient,
                "ratio": ratio.display,
            }
        else:
            expected = _("应配%(count)d人（%(ratio)s）") % {"count": required, "ratio": ratio.display}
        row.findings.append(
            Finding(
                "workers_short",
                area,
                _("社区工作者不足：缺%(count)d人") % {"count": required - workers},
                str(workers),
                expected,
                ratio,
            )
        )
    if not size_ok:
        if area.is_rural:
            expected = size.display
        else:
            expected = _("约%(value)s（±%(tolerance)s）") % {
                "value": size.display,
                "tolerance": percent(URBAN_SIZE_TOLERANCE),
            }
        row.findings.append(
            Finding(
                "size_off",
                area,
                _("社区规模偏离规定")
                if deviation is None
                else _("社区规模偏离规定%(deviation)s")
                % {"deviation": ("+" if deviation > 0 else "") + percent(deviation)},
                str(households),
                expected,
                size,
            )
        )
    return row


def _coverage_row(area: Area, committees: list[CommitteeRow], rules: RuleCheck) -> CoverageRow:
    covered = sum(1 for c in committees if c.covered)
    result = rules.check(KEY_COVERAGE, area, Fraction(covered, len(committees))) if committees else None
    return CoverageRow(
        area=area,
        committees=len(committees),
        covered=covered,
        households=sum(c.households for c in committees),
        households_staffed=sum(c.households_staffed for c in committees),
        result=result,
    )
