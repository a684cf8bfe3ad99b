"""Coverage figures (petakla.stats) on a small fixture whose numbers were worked out by hand.

The fixture: a synthetic city of two kecamatan and four kelurahan, three of them squares of
exactly 1 km × 1 km laid out side by side in UTM zone 50S (EPSG:32750, metres) near
Banjarmasin and written to a GeoJSON (WGS84) in a temporary project, the fourth without a
polygon. Coordinates below are metres east/north of the origin E0, N0.

    N0+1000  +---------+---------+---------+
             |  Alfa   |  Beta   |  Gama   |
             |    *1   |        *2    *3   |       *1, *3 play spaces at the centres
             |         |         |         |       *2 a play space on the Beta/Gama border
    N0       +---------+---------+---------+
             E0       +1000     +2000     +3000
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from petakla import stats
from petakla.config import load_config
from petakla.geo import load_boundaries
from petakla.model import Facility
from petakla.regions import City, Kecamatan, Kelurahan
from petakla.vocab import load_vocab

E0, N0 = 232_000.0, 9_632_000.0
K1 = Kecamatan("99.01.01", "Kecamatan Satu")
K2 = Kecamatan("99.01.02", "Kecamatan Dua")
ALFA = Kelurahan("99.01.01.1001", "Alfa", K1)
BETA = Kelurahan("99.01.01.1002", "Beta", K1)
GAMA = Kelurahan("99.01.02.1001", "Gama", K2)
DELTA = Kelurahan("99.01.02.1002", "Delta", K2)  # no polygon, no facility
CITY = City("99.01", "Kota Contoh", (K1, K2), (ALFA, BETA, GAMA, DELTA))
SQUARES = {ALFA: 0.0, BETA: 1000.0, GAMA: 2000.0}  # kelurahan -> west edge (m east of E0)

R = 500.0
CIRCLE = math.pi * R**2  # 785,398.16 m²: a whole 500 m buffer
# Two 500 m circles whose centres are d = 500 m apart overlap in a lens of
# 2r²·acos(d/2r) − (d/2)·√(4r² − d²) = 500,000·acos(0.5) − 250·√750,000
#                                    = 523,598.78 − 216,506.35 = 307,092.43 m²
LENS = 2 * R**2 * math.acos(500 / (2 * R)) - 250 * math.sqrt(4 * R**2 - 500**2)


def lat_lon(east: float, north: float) -> tuple[float, float]:
    from pyproj import Transformer

    lon, lat = Transformer.from_crs("EPSG:32750", "EPSG:4326", always_xy=True).transform(
        E0 + east, N0 + north)
    return lat, lon


def facility(fid: str, kategori: str, kel: Kelurahan, at: tuple[float, float] | None,
             sektor: str | None = None, pengelola: str = "", status: str = "aktif",
             approx: str | None = None) -> Facility:
    vocab = load_vocab()
    data: dict = {"nama": fid.replace("-", " ").title(), "kategori": kategori,
                  "kelurahan": kel.nama, "sumber": "uji", "status": status}
    if sektor:
        data["pengelola"] = {"nama": pengelola, "sektor": sektor}
    lat, lon = lat_lon(*at) if at else (None, None)
    return Facility(id=fid, file=f"facilities/{fid}.yml", data=data,
                    category=vocab.categories[kategori], kelurahan=kel, lat=lat, lon=lon,
                    approx=approx)


FACILITIES = [
    # Counted: 7 published facilities that exist now.
    facility("kb-alfa", "kampung-bermain", ALFA, (500, 500), "non-pemerintah", "Warga Alfa"),
    facility("laktasi-alfa", "ruang-laktasi", ALFA, (10, 10), "dunia-usaha", "PT Contoh Sejahtera"),
    facility("rbra-batas", "ruang-bermain-ramah-anak", BETA, (2000, 500), "dunia-usaha",
             "PT Contoh Sejahtera"),
    facility("rbra-perkiraan", "ruang-bermain-ramah-anak", BETA, (1200, 800), approx="kelurahan"),
    facility("kb-gama", "kampung-bermain", GAMA, (2500, 500)),
    facility("pojok-gama", "pojok-baca", GAMA, (2900, 900), "media", "Harian Contoh"),
    facility("puskesmas-gama", "puskesmas-ramah-anak", GAMA, (2100, 100),
             status="tutup-sementara"),
    # Not counted: closed for good, only planned, and protected (per kecamatan only).
    facility("kb-tutup", "kampung-bermain", BETA, (1500, 500), status="tutup"),
    facility("puskesmas-rencana", "puskesmas-ramah-anak", ALFA, (900, 900), "pemerintah",
             "Dinas Kesehatan", status="direncanakan"),
    facility("rumah-aman-gama", "rumah-aman", GAMA, None),
]


@pytest.fixture(scope="module")
def vocab():
    return load_vocab()


@pytest.fixture(scope="module")
def matrix(vocab):
    return stats.coverage_matrix(CITY, stats.public_categories(vocab), FACILITIES)


def test_matrix_counts_existing_published_facilities(vocab, matrix):
    cats = stats.public_categories(vocab)
    assert "rumah-aman" not in {c.slug for c in cats}  # protected: never per kelurahan
    assert set(matrix) == {k.kode for k in CITY.kelurahan}
    nonzero = {k: {c: n for c, n in row.items() if n} for k, row in matrix.items()}
    assert nonzero == {
        ALFA.kode: {"kampung-bermain": 1, "ruang-laktasi": 1},  # the planned puskesmas: no
        BETA.kode: {"ruang-bermain-ramah-anak": 2},  # the closed kampung bermain: no
        GAMA.kode: {"kampung-bermain": 1, "pojok-baca": 1, "puskesmas-ramah-anak": 1},
        DELTA.kode: {},
    }
    assert all(len(row) == len(cats) for row in matrix.values())
    assert stats.types_present(matrix) == {ALFA.kode: 2, BETA.kode: 1, GAMA.kode: 3,
                                           DELTA.kode: 0}


def test_gaps_per_category(vocab, matrix):
    by_slug = {g.category.slug: g for g in stats.gaps(CITY, stats.public_categories(vocab), matrix)}
    assert [k.nama for k in by_slug["kampung-bermain"].missing] == ["Beta", "Delta"]
    assert [k.nama for k in by_slug["kampung-bermain"].covered] == ["Alfa", "Gama"]
    assert [k.nama for k in by_slug["ruang-laktasi"].missing] == ["Beta", "Gama", "Delta"]
    assert [k.nama for k in by_slug["puskesmas-ramah-anak"].covered] == ["Gama"]
    # "4 dari 4 kelurahan belum memiliki PUSPAGA"
    assert len(by_slug["puspaga"].missing) == by_slug["puspaga"].total == 4
    assert "rumah-aman" not in by_slug


def test_klaster_rollup(vocab, matrix):
    rollup = {r.klaster.slug: r for r in stats.klaster_rollup(CITY, vocab, matrix)}
    assert "kelembagaan" not in rollup  # no facility category belongs to it
    covered = {slug: [k.nama for k in r.covered] for slug, r in rollup.items()}
    assert covered == {
        "klaster-1": ["Gama"],  # pojok baca
        "klaster-2": [],  # PUSPAGA only, none
        "klaster-3": ["Alfa", "Gama"],  # ruang laktasi; puskesmas (temporarily closed)
        "klaster-4": ["Alfa", "Beta", "Gama"],  # play spaces
        "klaster-5": [],  # the rumah aman in Gama is protected: not counted per kelurahan
    }
    assert [c.slug for c in rollup["klaster-5"].categories] == ["uptd-ppa"]
    assert [k.nama for k in rollup["klaster-3"].missing] == ["Beta", "Delta"]


def test_kecamatan_summary(matrix):
    one, two = stats.kecamatan_summary(CITY, matrix, FACILITIES)
    assert (one.kecamatan, one.n_kelurahan, one.n_facilities, one.without_any, one.types,
            one.protected) == (K1, 2, 4, (), 3, 0)
    assert (two.kecamatan, two.n_kelurahan, two.n_facilities, two.without_any, two.types,
            two.protected) == (K2, 2, 3, (DELTA,), 3, 1)


def test_sector_counts_and_contributors(vocab):
    table = stats.sector_counts(stats.public_categories(vocab), FACILITIES)
    assert list(table) == ["pemerintah", "non-pemerintah", "media", "dunia-usaha",
                           "tidak-diketahui"]
    nonzero = {s: {c: n for c, n in row.items() if n} for s, row in table.items()}
    assert nonzero == {
        "pemerintah": {},  # its only facility is planned
        "non-pemerintah": {"kampung-bermain": 1},
        "media": {"pojok-baca": 1},
        "dunia-usaha": {"ruang-laktasi": 1, "ruang-bermain-ramah-anak": 1},
        "tidak-diketahui": {"ruang-bermain-ramah-anak": 1, "kampung-bermain": 1,
                            "puskesmas-ramah-anak": 1},
    }
    assert sum(sum(row.values()) for row in table.values()) == 7
    assert [(name, [f.id for f in items]) for name, items in
            stats.contributors(FACILITIES, "dunia-usaha")] == [
        ("PT Contoh Sejahtera", ["laktasi-alfa", "rbra-batas"])]
    assert [(name, [f.id for f in items]) for name, items in
            stats.contributors(FACILITIES, "media")] == [("Harian Contoh", ["pojok-gama"])]


def test_play_points_leave_out_closed_and_kelurahan_centre_points():
    by_id = {f.id: f for f in FACILITIES}
    assert stats.play_points(FACILITIES) == [(by_id[i].lat, by_id[i].lon)
                                             for i in ("kb-alfa", "rbra-batas", "kb-gama")]


def write_squares(root: Path) -> None:
    from pyproj import Transformer

    to_wgs84 = Transformer.from_crs("EPSG:32750", "EPSG:4326", always_xy=True)
    features = []
    for kel, west in SQUARES.items():
        corners = [(west, 0), (west + 1000, 0), (west + 1000, 1000), (west, 1000), (west, 0)]
        ring = [list(to_wgs84.transform(E0 + x, N0 + y)) for x, y in corners]
        features.append({"type": "Feature", "properties": {"kode": kel.kode, "nama": kel.nama},
                         "geometry": {"type": "Polygon", "coordinates": [ring]}})
    (root / "kotak.geojson").write_text(json.dumps(
        {"type": "FeatureCollection", "features": features}), encoding="utf-8")


def test_walking_reach_by_hand(project):
    write_squares(project)
    boundaries = load_boundaries(load_config(project, overrides={"batas_kelurahan":
                                                                 "kotak.geojson"}))
    reach = stats.walking_reach(boundaries.frame, stats.play_points(FACILITIES))
    assert set(reach) == {ALFA.kode, BETA.kode, GAMA.kode}  # Delta has no polygon
    for r in reach.values():
        assert r.area_m2 == pytest.approx(1_000_000, rel=1e-6)  # 1 km × 1 km
    # Alfa: the circle around its centre lies wholly inside (it touches the edges):
    #   785,398 m² of 1,000,000 m² = 78.5 %. The Beta/Gama border circle does not reach it.
    assert reach[ALFA.kode].share == pytest.approx(CIRCLE / 1e6, abs=5e-4)
    assert round(reach[ALFA.kode].share * 100, 1) == 78.5
    # Beta: half of the circle around the border point (Gama's circle stops at its edge):
    #   392,699 m² = 39.3 %. The closed kampung bermain at its centre and the kelurahan-
    #   centre point of the other play space do not count (they would make it ≥ 78.5 %).
    assert reach[BETA.kode].share == pytest.approx(CIRCLE / 2 / 1e6, abs=5e-4)
    # Gama: its own full circle plus the other half of the border circle, minus their lens
    #   (counted once): 785,398 + 392,699 − 307,092 = 871,005 m² = 87.1 %.
    #   Adding the buffers up instead of uniting them would give 117.8 %.
    assert reach[GAMA.kode].covered_m2 == pytest.approx(CIRCLE * 1.5 - LENS, rel=1e-3)
    assert round(reach[GAMA.kode].share * 100, 1) == 87.1
    # Whole city: three circles minus the one lens, 3 · 785,398 − 307,092 = 2,049,102 m²
    #   of 3,000,000 m² = 68.3 %.
    covered = sum(r.covered_m2 for r in reach.values())
    assert covered / 3e6 == pytest.approx((CIRCLE * 3 - LENS) / 3e6, abs=5e-4)


def test_walking_reach_without_play_spaces(project):
    write_squares(project)
    boundaries = load_boundaries(load_config(project, overrides={"batas_kelurahan":
                                                                 "kotak.geojson"}))
    reach = stats.walking_reach(boundaries.frame, [])
    assert {k: r.share for k, r in reach.items()} == dict.fromkeys(reach, 0.0)
