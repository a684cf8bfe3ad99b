"""Kelurahan boundaries on small polygons the test writes itself: the fallback point and the
point-in-kelurahan check (one spatial index query)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from shapely.geometry import Point, shape

from petakla.config import load_config
from petakla.geo import load_boundaries
from petakla.pipeline import check

SUNGAI_LULUT = "63.71.02.1005"
PEKAPURAN_RAYA = "63.71.02.1008"
# A thin L-shaped Sungai Lulut (its centroid lies outside it) next to a square Pekapuran Raya;
# they share the border lon = 114.62 between lat -3.34 and -3.338.
L_SHAPE = [[114.60, -3.34], [114.62, -3.34], [114.62, -3.338], [114.602, -3.338],
           [114.602, -3.32], [114.60, -3.32], [114.60, -3.34]]
INSIDE_L = (-3.339, 114.61)
BORDER = (-3.339, 114.62)
SQUARE = [[114.62, -3.34], [114.64, -3.34], [114.64, -3.32], [114.62, -3.32], [114.62, -3.34]]


def write_boundaries(root: Path, properties: bool = True) -> Path:
    def feature(kode, nama, ring):
        props = {"kode": kode, "nama": nama} if properties else {"name": nama}
        return {"type": "Feature", "properties": props,
                "geometry": {"type": "Polygon", "coordinates": [ring]}}

    path = root / "batas.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [
        feature(SUNGAI_LULUT, "Sungai Lulut", L_SHAPE),
        feature(PEKAPURAN_RAYA, "Pekapuran Raya", SQUARE)]}), encoding="utf-8")
    return path


def record(root: Path, rid: str, kelurahan: str, lokasi: tuple[float, float] | None = None) -> None:
    text = (f"nama: Contoh {rid}\nkategori: ruang-laktasi\nalamat: Jl. Uji No. 1\n"
            f"kelurahan: {kelurahan}\nsumber: Uji\n")
    if lokasi:
        text += f"lokasi: [{lokasi[0]}, {lokasi[1]}]\n"
    (root / "facilities" / f"{rid}.yml").write_text(text, encoding="utf-8")


@pytest.fixture
def squares(project):
    write_boundaries(project)
    return load_config(project, overrides={"batas_kelurahan": "batas.geojson"})


def test_fallback_point_is_inside_even_a_non_convex_kelurahan(squares):
    boundaries = load_boundaries(squares)
    polygon = shape({"type": "Polygon", "coordinates": [L_SHAPE]})
    assert not polygon.contains(polygon.centroid)  # the naive centre would be outside
    lat, lon = boundaries.fallback_point(SUNGAI_LULUT)
    assert polygon.contains(Point(lon, lat))
    assert boundaries.fallback_point("63.71.99.9999") is None


def test_kelurahan_of_uses_one_spatial_join(squares, monkeypatch):
    import shapely

    calls = []
    real = shapely.STRtree.query
    monkeypatch.setattr(shapely.STRtree, "query",
                        lambda *a, **k: calls.append(1) or real(*a, **k))
    boundaries = load_boundaries(squares)
    found = boundaries.kelurahan_of([INSIDE_L, (-3.33, 114.63), BORDER,
                                     (-3.30, 114.50)])
    assert found == [{SUNGAI_LULUT}, {PEKAPURAN_RAYA}, {SUNGAI_LULUT, PEKAPURAN_RAYA}, set()]
    assert calls == [1]
    assert boundaries.kelurahan_of([]) == []


def test_check_with_boundaries(squares):
    root = squares.root
    record(root, "a-benar", "Sungai Lulut", INSIDE_L)
    record(root, "b-salah", "Sungai Lulut", (-3.33, 114.63))
    record(root, "c-di-luar", "Pekapuran Raya", (-3.30, 114.55))
    record(root, "d-perbatasan", "Pekapuran Raya", BORDER)
    record(root, "e-tanpa-batas", "Teluk Dalam", (-3.319241, 114.579766))
    record(root, "f-perkiraan", "Sungai Lulut")
    result = check(squares)
    by_file = {}
    for p in result.problems:
        by_file.setdefault(p.file.removeprefix("facilities/").removesuffix(".yml"), []).append(p)
    assert sorted(by_file) == ["b-salah", "c-di-luar", "e-tanpa-batas", "f-perkiraan"]
    (p,) = by_file["b-salah"]
    assert (p.severity, p.field, p.line) == ("error", "lokasi", 6)
    assert "titik berada di Kelurahan Pekapuran Raya, bukan Kelurahan Sungai Lulut" in p.message
    (p,) = by_file["c-di-luar"]
    assert p.severity == "error" and "bukan di Kelurahan Pekapuran Raya" in p.message
    (p,) = by_file["e-tanpa-batas"]
    assert p.severity == "warning" and "Teluk Dalam" in p.message
    (p,) = by_file["f-perkiraan"]
    assert p.severity == "warning" and p.message.startswith("lokasi perkiraan")
    ids = {f.id: f for f in result.facilities}
    assert sorted(ids) == ["a-benar", "d-perbatasan", "e-tanpa-batas", "f-perkiraan"]
    fallback = ids["f-perkiraan"]
    assert fallback.approx == "kelurahan"
    assert shape({"type": "Polygon", "coordinates": [L_SHAPE]}).contains(
        Point(fallback.lon, fallback.lat))


@pytest.mark.parametrize("setting, properties, expected", [
    ("tidak-ada.geojson", True, "tidak ditemukan"),
    ("batas.geojson", False, "properti `kode`"),
])
def test_unusable_boundaries_are_reported(project, setting, properties, expected):
    write_boundaries(project, properties=properties)
    record(project, "a", "Sungai Lulut", INSIDE_L)
    result = check(load_config(project, overrides={"batas_kelurahan": setting}))
    assert not result.ok
    (p,) = result.problems
    assert (p.file, p.field, p.severity) == ("pyproject.toml", "batas_kelurahan", "error")
    assert expected in p.message
