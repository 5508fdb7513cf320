"""The three rates (响应率、解决率、满意率) and the composite score, per street, community and unit.

Definitions (printed on the page with the weights in force):

* **response rate** = cases dispatched in the month whose responsible unit both accepted
  (签收) and contacted the requester no later than the response deadline ÷ cases
  dispatched in the month;
* **resolution rate** = cases whose latest rating, given in the month, says "resolved" ÷
  cases rated in the month;
* **satisfaction rate** = (cases rated "satisfied" + cases rated "basically satisfied" ×
  the rule ``appeals.rates.basic_weight``) ÷ cases rated in the month;
* **composite score** = Σ weight × rate over the rates that have a denominator, divided by
  the sum of those weights (rules ``appeals.rates.weight_*``); none when no rate has one.

A month is a calendar month in the platform's time zone (Asia/Shanghai).  Only cases the
viewer may see (:func:`~shequ.appeals.selectors.cases.cases_visible_to`) are counted; cases
the review found unreasonable (``ReviewState.EXCLUDED``) and duplicates merged into
another case count nowhere.  A case counts for the street (or town) above the area it
happened in, for the community (or village) above it, and for its lead unit: the lead
organisation, else the street or community it was dispatched to, else the unit name.

Every table costs a fixed number of queries: one aggregate grouped by area or unit, one
read of the street/community areas, one read of the rule records.
"""

from .drill import DRILL_PAGE_SIZE, DRILLS, Drill, drill_cases, parse_drill
from .figures import (
    BY_CHOICES,
    NONE_KEY,
    RATE_KEYS,
    Counts,
    Figures,
    Month,
    Ranking,
    Weights,
    as_decimal,
    as_float,
    current_month,
    parse_by,
    parse_month,
    percent,
    plain,
    score,
    weights_for,
)
from .queries import (
    counted_cases,
    filter_areas,
    focus_area,
    rank_rows,
    ranking,
    rates_area,
    shows_communities,
    unit_key,
)

__all__ = [
    "BY_CHOICES",
    "DRILLS",
    "DRILL_PAGE_SIZE",
    "NONE_KEY",
    "RATE_KEYS",
    "Counts",
    "Drill",
    "Figures",
    "Month",
    "Ranking",
    "Weights",
    "as_decimal",
    "as_float",
    "counted_cases",
    "current_month",
    "drill_cases",
    "filter_areas",
    "focus_area",
    "parse_by",
    "parse_drill",
    "parse_month",
    "percent",
    "plain",
    "rank_rows",
    "ranking",
    "rates_area",
    "score",
    "shows_communities",
    "unit_key",
    "weights_for",
]
