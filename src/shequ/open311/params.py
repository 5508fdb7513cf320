"""Reading Open311 parameters: from the query string or the form body, empty meaning absent.

Clients differ (the ``open311`` client puts ``api_key`` in a POST's query string, others
in the body); the spec makes an empty optional parameter equal to an absent one (the same
client always sends ``jurisdiction_id=``).  Dates are W3C date-times with a zone
(``2026-11-22T08:00:00+08:00``, ``…Z``) or plain dates (midnight in Shanghai); a ``+`` that
arrives as a space because the client did not encode it is read as ``+``.
"""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

_ATTRIBUTE = re.compile(r"^attribute\[([^\[\]]{1,64})\](\[\])?$")
_W3C = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?:[T ](?P<time>\d{2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?)(?P<zone>Z|z|[+\- ]\d{2}(?::?\d{2})?))?$"
)


class Params:
    """The request's parameters: the body first, then the query string; empty values dropped."""

    def __init__(self, request: HttpRequest) -> None:
        self._sources = [request.POST, request.GET] if request.method == "POST" else [request.GET]

    def get(self, name: str) -> str | None:
        for source in self._sources:
            for value in reversed(source.getlist(name)):
                text = str(value).strip()
                if text:
                    return text
        return None

    def getlist(self, name: str) -> list[str]:
        for source in self._sources:
            values = [str(v).strip() for v in source.getlist(name) if str(v).strip()]
            if values:
                return values
        return []

    def attributes(self) -> dict[str, list[str]]:
        """``attribute[code]=v`` and ``attribute[code][]=v1&attribute[code][]=v2``, by code."""
        found: dict[str, list[str]] = {}
        for source in reversed(self._sources):  # the body wins over the query string
            for key in source:
                match = _ATTRIBUTE.match(key)
                if match is None:
                    continue
                values = [str(v).strip() for v in source.getlist(key) if str(v).strip()]
                if values:
                    found[match.group(1)] = values
        return found


def parse_w3c(value: str, *, end: bool = False) -> datetime | None:
    """A W3C date-time (zone required) or a date; None when malformed.

    A plain date means the start of that day in Shanghai, or with ``end`` its end.
    """
    match = _W3C.match(value.strip())
    if match is None:
        return None
    zone = match["zone"]
    try:
        if match["time"] is None:
            day = datetime.fromisoformat(match["date"]).date()
            moment = timezone.make_aware(datetime.combine(day, time.min))
            return moment + timedelta(days=1) - timedelta(microseconds=1) if end else moment
        if zone is None:
            return None
        zone = "+00:00" if zone in ("Z", "z") else zone.replace(" ", "+")
        if len(zone) == 3:
            zone += ":00"
        elif ":" not in zone:
            zone = f"{zone[:3]}:{zone[3:]}"
        return datetime.fromisoformat(f"{match['date']}T{match['time']}{zone}")
    except ValueError:
        return None


def w3c(moment: Any) -> str | None:
    """A date-time in W3C form with the Shanghai offset (``2026-11-22T08:00:00+08:00``)."""
    if moment is None:
        return None
    return str(timezone.localtime(moment).isoformat(timespec="seconds"))


def comma_list(value: str | None, *, limit: int = 1000) -> list[str]:
    if not value:
        return []
    items = [part.strip() for part in value.split(",")]
    return [item for item in items if item][:limit]
