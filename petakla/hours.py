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
_WEEK = datetime.timedelta(days=7)
# The site can only say "buka sekarang" from one ordinary week. A value is that week only if
# every week of a whole (leap) year looks the same: rules for a date, a month, a week number
# or the n-th weekday of a month (Mo[1]) differ from week to week and are refused by check.
_WEEKS_COMPARED = 53
# "10:00-10:00": opening-hours-py reads it as 24 hours, people often mean closed; refused.
_EMPTY_RANGE = re.compile(r"(?<![\d:])(\d{1,2}:\d{2})\s*-\s*\1(?![\d:+])")


class NotWeekly(ValueError):
    """The value is valid OpenStreetMap syntax but not one ordinary week (see weekly_problem)."""


def _week(hours: opening_hours.OpeningHours, start: datetime.datetime) -> tuple[int, ...] | None:
    flat: list[int] = []
    end_of_week = start + _WEEK
    for begin, end, state, _comment in hours.intervals(start, end_of_week):
        name = str(state).rsplit(".", 1)[-1].lower()
        if name == "unknown":
            return None
        if name != "open":
            continue
        end = min(end or end_of_week, end_of_week)
        flat += [int((begin - start).total_seconds() // 60), int((end - start).total_seconds() // 60)]
    return tuple(flat)


@lru_cache(maxsize=4096)
def weekly_problem(expression: str) -> str:
    """Why the site cannot show this value truthfully as one ordinary week ("" if it can,
    or if the value is not valid syntax: validation says that)."""
    if _EMPTY_RANGE.search(expression):
        return ("rentang jam yang mulai dan selesai pada jam yang sama (misalnya 00:00-00:00) "
                "bermakna ganda; tulis 00:00-24:00 atau 24/7 bila buka sepanjang hari, atau "
                "hapus hari itu bila tutup.")
    try:
        hours = opening_hours.OpeningHours(expression)
        first = _week(hours, _WEEK_START)
        for n in range(1, _WEEKS_COMPARED):
            if _week(hours, _WEEK_START + n * _WEEK) != first:
                return ("jam buka ini berbeda dari minggu ke minggu (misalnya Mo[1], nama bulan, "
                        "nomor minggu atau tanggal); peta hanya bisa menampilkan satu jadwal "
                        "mingguan yang sama setiap minggu. Tulis jadwal mingguan biasa dan "
                        "jelaskan pengecualiannya di `keterangan`.")
    except Exception:  # the parser raises its own error types; validation reports the syntax
        return ""
    return ""


@lru_cache(maxsize=4096)
def weekly_minutes(expression: str) -> tuple[int, ...] | None:
    """Flat (start, end, start, end, …) minutes of the ordinary week when open, from Monday
    00:00 (what the previous Sunday runs past midnight included); None if unknown or if the
    value is not one ordinary week (check refuses those)."""
    if weekly_problem(expression):
        return None
    try:
        return _week(opening_hours.OpeningHours(expression), _WEEK_START)
    except Exception:  # invalid values are reported by validation; here they are unknown
        return None
