"""Coverage figures computed from the records: plain functions, no I/O, no rendering.

Which facilities count: published categories only (protected ones are counted per kecamatan
at most, never per kelurahan), and only facilities that exist now (status `aktif` or
`tutup-sementara`; planned and closed ones do not cover a kelurahan).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .model import Facility
from .regions import City, Kecamatan, Kelurahan
from .schema import SEKTOR
from .vocab import Category, Klaster, Vocab

COUNTED_STATUS = ("aktif", "tutup-sementara")
PLAY_CATEGORIES = ("kampung-bermain", "ruang-bermain-ramah-anak", "taman-bermain")
WALK_RADIUS_M = 500.0
UTM = "EPSG:32750"  # UTM zone 50S: metres, for Banjarmasin
UNKNOWN_SECTOR = "tidak-diketahui"
SECTORS: tuple[str, ...] = (*SEKTOR, UNKNOWN_SECTOR)
SECTOR_LABELS: dict[str, str] = {**SEKTOR, UNKNOWN_SECTOR: "Tidak diketahui"}

# kelurahan code -> category slug -> number of facilities
Matrix = dict[str, dict[str, int]]


def counted(facilities: Iterable[Facility]) -> list[Facility]:
    """Facilities that exist now (not planned, not closed for good)."""
    return [f for f in facilities if f.status in COUNTED_STATUS]


def public_categories(vocab: Vocab) -> list[Category]:
    return [c for c in vocab.categories.values() if not c.dilindungi]


def coverage_matrix(city: City, categories: Sequence[Category],
                    facilities: Iterable[Facility]) -> Matrix:
    """Every kelurahan of the city × every given category: how many counted facilities."""
    slugs = [c.slug for c in categories if not c.dilindungi]
    matrix: Matrix = {k.kode: dict.fromkeys(slugs, 0) for k in city.kelurahan}
    for f in counted(facilities):
        row = matrix.get(f.kelurahan.kode)
        if row is not None and f.category.slug in row:
            row[f.category.slug] += 1
    return matrix


def types_present(matrix: Matrix) -> dict[str, int]:
    """kelurahan code -> number of facility types with at least one facility there."""
    return {kode: sum(1 for n in row.values() if n) for kode, row in matrix.items()}


@dataclass(frozen=True)
class Gap:
    category: Category
    covered: tuple[Kelurahan, ...]  # kelurahan with at least one
    missing: tuple[Kelurahan, ...]  # kelurahan with none

    @property
    def total(self) -> int:
        return len(self.covered) + len(self.missing)


def gaps(city: City, categories: Sequence[Category], matrix: Matrix) -> list[Gap]:
    """Per category: which kelurahan have it and which do not yet."""
    out = []
    for cat in categories:
        if cat.dilindungi:
            continue
        has = tuple(k for k in city.kelurahan if matrix[k.kode][cat.slug])
        out.append(Gap(cat, has, tuple(k for k in city.kelurahan if k not in has)))
    return out


@dataclass(frozen=True)
class KlasterCoverage:
    klaster: Klaster
    categories: tuple[Category, ...]
    covered: tuple[Kelurahan, ...]  # kelurahan with a facility of any of the categories
    missing: tuple[Kelurahan, ...]


def klaster_rollup(city: City, vocab: Vocab, matrix: Matrix) -> list[KlasterCoverage]:
    """Per KLA klaster (in vocabulary order; klaster without published categories left out):
    the kelurahan with at least one facility of the klaster's categories."""
    out = []
    for klaster in vocab.klaster.values():
        cats = tuple(c for c in public_categories(vocab) if c.klaster == klaster)
        if not cats:
            continue
        has = tuple(k for k in city.kelurahan if any(matrix[k.kode][c.slug] for c in cats))
        out.append(KlasterCoverage(klaster, cats, has,
                                   tuple(k for k in city.kelurahan if k not in has)))
    return out


@dataclass(frozen=True)
class KecamatanSummary:
    kecamatan: Kecamatan
    n_kelurahan: int
    n_facilities: int  # counted published facilities
    without_any: tuple[Kelurahan, ...]  # kelurahan with no counted published facility
    types: int  # published categories present somewhere in the kecamatan
    protected: int  # counted protected facilities (only ever shown per kecamatan)


def kecamatan_summary(city: City, matrix: Matrix,
                      facilities: Iterable[Facility]) -> list[KecamatanSummary]:
    protected = Counter(f.kelurahan.kecamatan.kode for f in counted(facilities) if f.protected)
    out = []
    for kc in city.kecamatan:
        kels = city.kelurahan_in(kc)
        rows = [matrix[k.kode] for k in kels]
        slugs = {slug for row in rows for slug, n in row.items() if n}
        out.append(KecamatanSummary(
            kecamatan=kc, n_kelurahan=len(kels),
            n_facilities=sum(sum(row.values()) for row in rows),
            without_any=tuple(k for k, row in zip(kels, rows, strict=True)
                              if not any(row.values())),
            types=len(slugs), protected=protected[kc.kode]))
    return out


def sector_of(f: Facility) -> str:
    """pengelola.sektor, or "tidak-diketahui" for a record without pengelola."""
    return (f.data.get("pengelola") or {}).get("sektor") or UNKNOWN_SECTOR


def sector_counts(categories: Sequence[Category],
                  facilities: Iterable[Facility]) -> dict[str, dict[str, int]]:
    """sector (every one, "tidak-diketahui" last) -> published category slug -> count."""
    slugs = [c.slug for c in categories if not c.dilindungi]
    table = {s: dict.fromkeys(slugs, 0) for s in SECTORS}
    for f in counted(facilities):
        if not f.protected and f.category.slug in table[sector_of(f)]:
            table[sector_of(f)][f.category.slug] += 1
    return table


def contributors(facilities: Iterable[Facility], sector: str) -> list[tuple[str, list[Facility]]]:
    """The managers of one sector (by pengelola.nama) and their counted published facilities,
    both sorted by name."""
    groups: dict[str, list[Facility]] = defaultdict(list)
    for f in counted(facilities):
        if not f.protected and sector_of(f) == sector:
            groups[f.data["pengelola"]["nama"].strip()].append(f)
    return [(name, sorted(items, key=lambda f: (f.nama.casefold(), f.id)))
            for name, items in sorted(groups.items(), key=lambda kv: kv[0].casefold())]


def play_points(facilities: Iterable[Facility]) -> list[tuple[float, float]]:
    """(lat, lon) of the counted play spaces. A point placed at the kelurahan's centre for want
    of an address says nothing about walking distance, so it is left out."""
    return [(f.lat, f.lon) for f in counted(facilities)
            if f.category.slug in PLAY_CATEGORIES and f.has_location and f.approx != "kelurahan"]


@dataclass(frozen=True)
class Reach:
    area_m2: float
    covered_m2: float  # part of the area within WALK_RADIUS_M of a play space

    @property
    def share(self) -> float:
        """0..1"""
        return self.covered_m2 / self.area_m2 if self.area_m2 else 0.0


def walking_reach(kelurahan, points: Sequence[tuple[float, float]],
                  radius_m: float = WALK_RADIUS_M) -> dict[str, Reach]:
    """Per kelurahan polygon (a GeoDataFrame with `kode` and geometry, any CRS; several rows
    of one code are merged): its area and the part of it within `radius_m` of any point
    ((lat, lon) in WGS84), measured in UTM 50S. The buffers are unioned first, so two nearby
    play spaces are not counted twice."""
    import geopandas as gpd
    from shapely import points as make_points

    polygons = kelurahan[["kode", "geometry"]].to_crs(UTM).dissolve(by="kode")
    reach_area = None
    if points:
        pts = gpd.GeoSeries(make_points([(lon, lat) for lat, lon in points]), crs="EPSG:4326")
        # 32 segments per quarter circle: the circle's area is within 0.05 % of π·r².
        reach_area = pts.to_crs(UTM).buffer(radius_m, quad_segs=32).union_all()
    out = {}
    for kode, geom in zip(polygons.index, polygons.geometry, strict=True):
        covered = geom.intersection(reach_area).area if reach_area is not None else 0.0
        out[str(kode)] = Reach(area_m2=geom.area, covered_m2=covered)
    return out
