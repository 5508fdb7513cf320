"""Working numbers of grid work (constants until the rule catalogue carries them).

``VISIT_DUE_DAYS``: a household not visited within this many days is "due" on the worker's
day page.  Nanjing's documents ask for households to be known and visited (大走访) but set no
interval; 90 days (one round a quarter) is this platform's working default.  When a district
sets its own, it belongs in ``core.rules`` as a rule record (key ``gridwork.visit_due_days``).
"""

from __future__ import annotations

from datetime import timedelta

from .models import Severity

#: A household not visited within this many days is due for a visit.
VISIT_DUE_DAYS = 90

#: Default time to rectify a finding, by severity (the worker may set an earlier date).
FINDING_DUE_DAYS: dict[str, int] = {Severity.LOW: 15, Severity.MEDIUM: 7, Severity.HIGH: 1}

#: How far back a queued (offline) record may be dated, and the clock skew tolerated ahead.
MAX_BACKDATE = timedelta(days=30)
MAX_CLOCK_SKEW = timedelta(minutes=10)

#: Photos: the largest upload accepted, the largest image decoded, the size stored.
PHOTO_MAX_BYTES = 8 * 1024 * 1024
PHOTO_MAX_PIXELS = 40_000_000
PHOTO_MAX_SIDE = 2048
PHOTOS_PER_RECORD = 3

#: Track points accepted in one request.
TRACK_BATCH_MAX = 500
