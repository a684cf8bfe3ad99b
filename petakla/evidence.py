"""Figures for the KLA evaluation's evidence ("data dukung"), per indicator of
petakla/data/indikator_kla.yml: plain functions over the records, no I/O, no rendering.

Counted as in petakla.stats: facilities that exist now (aktif, tutup-sementara). Protected
categories are never counted per kelurahan nor listed: only their number per kecamatan."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from . import stats
from .indikator import Indicator
from .model import Facility
from .regions import City, Kecamatan, Kelurahan


def verified_on(f: Facility) -> datetime.date | None:
    ver = f.verified
    try:
        return datetime.date.fromisoformat(ver["tanggal"]) if ver else None
    except ValueError:  # validate.py rejects such a date; never trust it here either
        return None


def evidence_of(ind: Indicator, facilities: Iterable[Facility]) -> list[Facility]:
    """The counted, published facilities of the indicator's categories, by name."""
    slugs = {c.slug for c in ind.categories if not c.dilindungi}
    return sorted((f for f in stats.counted(facilities)
                   if not f.protected and f.category.slug in slugs),
                  key=lambda f: (f.nama.casefold(), f.id))


@dataclass(frozen=True)
class IndicatorSummary:
    indicator: Indicator
    facilities: tuple[Facility, ...]
    kelurahan: tuple[Kelurahan, ...]  # covered, in city order
    kecamatan: tuple[Kecamatan, ...]
    sectors: dict[str, int]  # every sector of stats.SECTORS, in that order
    verified: int
    unverified: int
    last_verified: datetime.date | None
    protected: int  # counted protected facilities (shown per kecamatan only)

    @property
    def n(self) -> int:
        return len(self.facilities)


def indicator_summary(city: City, ind: Indicator,
                      facilities: Sequence[Facility]) -> IndicatorSummary:
    items = evidence_of(ind, facilities)
    codes = {f.kelurahan.kode for f in items}
    kels = tuple(k for k in city.kelurahan if k.kode in codes)
    kc_codes = {k.kecamatan.kode for k in kels}
    sectors = Counter(stats.sector_of(f) for f in items)
    dates = [d for f in items if (d := verified_on(f))]
    prot = {c.slug for c in ind.protected}
    return IndicatorSummary(
        indicator=ind, facilities=tuple(items), kelurahan=kels,
        kecamatan=tuple(kc for kc in city.kecamatan if kc.kode in kc_codes),
        sectors={s: sectors[s] for s in stats.SECTORS},
        verified=sum(1 for f in items if f.verified), unverified=sum(1 for f in items
                                                                      if not f.verified),
        last_verified=max(dates) if dates else None,
        protected=sum(1 for f in stats.counted(facilities) if f.category.slug in prot))


def kelurahan_matrix(city: City, indicators: Sequence[Indicator],
                     facilities: Sequence[Facility]) -> dict[str, dict[str, int]]:
    """kelurahan code (every kelurahan of the city) -> indicator key -> counted published
    facilities of the indicator's categories there."""
    matrix = {k.kode: dict.fromkeys((i.key for i in indicators), 0) for k in city.kelurahan}
    for ind in indicators:
        for f in evidence_of(ind, facilities):
            if f.kelurahan.kode in matrix:
                matrix[f.kelurahan.kode][ind.key] += 1
    return matrix


def protected_by_kecamatan(city: City, indicators: Sequence[Indicator],
                           facilities: Sequence[Facility]) -> list[tuple[Kecamatan, dict]]:
    """Per kecamatan: protected category slug -> counted facilities (the only way protected
    places are ever shown)."""
    cats = [c for ind in indicators for c in ind.protected]
    cats = list(dict.fromkeys(cats))
    counts = Counter((f.kelurahan.kecamatan.kode, f.category.slug)
                     for f in stats.counted(facilities) if f.protected)
    return [(kc, {c.slug: counts[(kc.kode, c.slug)] for c in cats}) for kc in city.kecamatan]
