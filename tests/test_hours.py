"""Opening hours with their real meaning: the map's "buka sekarang" reads one ordinary week,
so check refuses what that week cannot say truthfully, and the week keeps what runs past
Sunday midnight."""

from __future__ import annotations

import pytest

from petakla.config import load_config
from petakla.hours import weekly_minutes
from petakla.pipeline import check

RECORD = ("nama: Contoh Ruang Laktasi Uji\nkategori: ruang-laktasi\nkelurahan: Kertak Baru Ilir\n"
          "lokasi: [-3.3263, 114.5892]\nsumber: Data uji\njam_buka: \"{}\"\n")
DAY = 1440


@pytest.mark.parametrize("value, says", [
    ("Mo[1] 08:00-09:00", "berbeda dari minggu ke minggu"),     # first Monday of the month
    ("Jan Mo 08:00-09:00", "berbeda dari minggu ke minggu"),    # January only
    ("week 1-53/2 Mo 08:00-09:00", "berbeda dari minggu ke minggu"),
    ("Mo-Fr 08:00-16:00; Dec 25 off", "berbeda dari minggu ke minggu"),
    ("Mo-Su 00:00-00:00", "bermakna ganda"),                      # 24 hours, or closed?
    ("Mo-Fr 10:00-10:00", "bermakna ganda"),
])
def test_check_refuses_hours_that_are_not_one_ordinary_week(project, value, says):
    (project / "facilities" / "laktasi.yml").write_text(RECORD.format(value), encoding="utf-8")
    result = check(load_config(project))
    assert not result.ok and result.facilities == []
    [problem] = result.problems
    assert (problem.line, problem.col, problem.field) == (6, 11, "jam_buka")
    assert says in problem.message
    assert weekly_minutes(value) is None  # never drawn as an ordinary week either


@pytest.mark.parametrize("value", ["Mo-Fr 08:00-16:00", "24/7", "Mo-Su 00:00-24:00",
                                   "Mo-Fr 08:00-16:00; PH off", "Su 22:00-02:00",
                                   "Mo-Fr 08:00-12:00,13:00-16:00; Sa 08:00-12:00"])
def test_ordinary_weeks_pass(project, value):
    (project / "facilities" / "laktasi.yml").write_text(RECORD.format(value), encoding="utf-8")
    assert check(load_config(project)).ok
    assert weekly_minutes(value)


def test_the_week_keeps_what_runs_past_sunday_midnight():
    # Sunday 22:00 to Monday 02:00: Monday 00:00-02:00 belongs to the same ordinary week.
    assert weekly_minutes("Su 22:00-02:00") == (0, 120, 6 * DAY + 22 * 60, 7 * DAY)
    assert weekly_minutes("Sa-Su 23:00-01:00") == (0, 60, 5 * DAY + 23 * 60, 6 * DAY + 60,
                                                   6 * DAY + 23 * 60, 7 * DAY)


def test_edges_of_a_weekday_range():
    week = weekly_minutes("Mo-Fr 08:00-16:00")
    assert week[:2] == (8 * 60, 16 * 60) and len(week) == 10
    assert week[-2:] == (4 * DAY + 8 * 60, 4 * DAY + 16 * 60)
