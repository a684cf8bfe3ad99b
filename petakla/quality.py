"""Data quality for editors: how complete each published record is for what a parent needs,
and which verifications are missing or old. Plain functions, no I/O; dates are relative to
the build's date (the last commit's), never the wall clock, so a build is reproducible."""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from . import stats
from .evidence import verified_on
from .model import Facility
from .regions import City, Kelurahan
from .vocab import Category

# What a parent needs to know, in the order shown: key -> label (Indonesian).
CHECKS: dict[str, str] = {
    "lokasi": "Lokasi tepat",
    "jam_buka": "Jam buka",
    "kontak": "Kontak",
    "usia": "Rentang usia",
    "fasilitas": "Sarana",
    "verifikasi": "Verifikasi 12 bulan terakhir",
}
STALE_MONTHS = 12
VERIFICATION = {"belum": "Belum pernah diverifikasi", "lama": "Diverifikasi lebih dari 12 bulan "
                "lalu", "baru": "Diverifikasi dalam 12 bulan terakhir"}


def months_before(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` earlier (the month's last day when it has fewer days)."""
    y, m = divmod(day.year * 12 + day.month - 1 - months, 12)
    return datetime.date(y, m + 1, min(day.day, calendar.monthrange(y, m + 1)[1]))


@dataclass(frozen=True)
class RecordQuality:
    facility: Facility
    missing: tuple[str, ...]  # keys of CHECKS
    verification: str  # key of VERIFICATION
    verified: datetime.date | None

    @property
    def filled(self) -> int:
        return len(CHECKS) - len(self.missing)

    @property
    def share(self) -> float:
        return self.filled / len(CHECKS)


def record_quality(f: Facility, build_date: datetime.date) -> RecordQuality:
    d = f.data
    when = verified_on(f)
    state = ("belum" if when is None else
             "lama" if when < months_before(build_date, STALE_MONTHS) else "baru")
    present = {
        "lokasi": f.lat is not None and f.approx is None,
        "jam_buka": bool(d.get("jam_buka")),
        "kontak": bool(d.get("kontak")),
        "usia": bool(d.get("usia")),
        "fasilitas": bool(d.get("fasilitas")),
        "verifikasi": state == "baru",
    }
    return RecordQuality(f, tuple(k for k in CHECKS if not present[k]), state, when)


_STATE_ORDER = {"belum": 0, "lama": 1, "baru": 2}


def quality_list(facilities: Iterable[Facility], build_date: datetime.date) -> list[RecordQuality]:
    """Every published record (protected ones are never listed), the most useful fix first:
    least complete first; then never verified before verified long ago; then facilities that
    exist now before planned or closed ones; then by name."""
    rows = [record_quality(f, build_date) for f in facilities if not f.protected]
    return sorted(rows, key=lambda q: (q.filled, _STATE_ORDER[q.verification],
                                       q.facility.status not in stats.COUNTED_STATUS,
                                       q.facility.nama.casefold(), q.facility.id))


def missing_labels(q: RecordQuality) -> list[str]:
    return [CHECKS[k] for k in q.missing]


def empty_categories(categories: Sequence[Category],
                     facilities: Iterable[Facility]) -> list[Category]:
    """Published categories without any counted facility."""
    have = {f.category.slug for f in stats.counted(facilities)}
    return [c for c in categories if not c.dilindungi and c.slug not in have]


def empty_kelurahan(city: City, facilities: Iterable[Facility]) -> list[Kelurahan]:
    """Kelurahan without any counted published facility, in city order."""
    have = {f.kelurahan.kode for f in stats.counted(facilities) if not f.protected}
    return [k for k in city.kelurahan if k.kode not in have]


def mean_share(rows: Sequence[RecordQuality]) -> float:
    return sum(q.share for q in rows) / len(rows) if rows else 0.0
