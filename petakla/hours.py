"""Opening hours as a normal week, so the browser can answer "buka sekarang" without an
opening_hours parser: OpenStreetMap syntax is evaluated here (opening-hours-py) over a fixed
reference week and sent to the map as minute ranges from Monday 00:00 local time (WITA)."""

from __future__ import annotations

import datetime
import re
from functools import lru_cache

import opening_hours

_DAYS = {"Mo": "Senin", "Tu": "Selasa", "We": "Rabu", "Th": "Kamis", "Fr": "Jumat",
         "Sa": "Sabtu", "Su": "Minggu", "PH": "hari libur nasional", "off": "tutup"}


def jam_buka_text(value: str) -> str:
    """OpenStreetMap day names in Indonesian, for people (the raw value is shown too)."""
    return re.sub(r"\b(Mo|Tu|We|Th|Fr|Sa|Su|PH|off)\b", lambda m: _DAYS[m.group(1)], value)


# A fixed Monday, so the result depends only on the record (reproducible builds). No country
# is set, so public holidays (PH) never apply: this is the ordinary week.
_WEEK_START = datetime.datetime(2024, 1, 1)
_WEEK_END = _WEEK_START + datetime.timedelta(days=7)


@lru_cache(maxsize=4096)
def weekly_minutes(expression: str) -> tuple[int, ...] | None:
    """Flat (start, end, start, end, …) minutes of the week when open; None if unknown."""
    try:
        hours = opening_hours.OpeningHours(expression)
        spans = list(hours.intervals(_WEEK_START, _WEEK_END))
    except Exception:  # invalid values are reported by validation; here they are unknown
        return None
    flat: list[int] = []
    for start, end, state, _comment in spans:
        name = str(state).rsplit(".", 1)[-1].lower()
        if name == "unknown":
            return None
        if name != "open":
            continue
        end = end or _WEEK_END
        flat += [int((start - _WEEK_START).total_seconds() // 60),
                 int((min(end, _WEEK_END) - _WEEK_START).total_seconds() // 60)]
    return tuple(flat)
