"""The project's own kelurahan and kecamatan boundaries (wilayah/), derived by
scripts/derive_boundaries.py: what they contain, that the script reproduces them, that they
agree with the independent reference in ../shared/geo, and the point inside each kelurahan
that "dekat saya" and records without a point use."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from shapely.geometry import Point, shape

from petakla.config import load_config
from petakla.geo import city_kelurahan_points, kelurahan_points, load_boundaries
from petakla.regions import load_city

REPO = Path(__file__).resolve().parent.parent
WILAYAH = REPO / "wilayah"
SHARED_GEO = REPO.parent / "shared" / "geo"
SOURCE = SHARED_GEO / "banjarmasin_kelurahan.geojson"
needs_shared = pytest.mark.skipif(not SOURCE.is_file(),
                                  reason=f"independent reference absent: {SOURCE} (a comparison "
                                         "of wilayah/ with the data it is derived from)")
CITY = load_city("63.71")


def features(name: str) -> list[dict]:
    return json.loads((WILAYAH / name).read_text(encoding="utf-8"))["features"]


def signed_area(ring: list) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False)) / 2


def polygons(geometry: dict) -> list[list]:
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]


def test_the_real_configuration_uses_the_project_boundaries():
    config = load_config(REPO)
    assert config.batas_kelurahan == "wilayah/kelurahan.geojson"
    boundaries = load_boundaries(config)
    assert boundaries is not None and boundaries.path == WILAYAH / "kelurahan.geojson"


def test_kelurahan_file_holds_the_official_52_with_codes_names_and_kecamatan():
    feats = features("kelurahan.geojson")
    assert len(feats) == len(CITY.kelurahan) == 52
    got = [(f["properties"]["kode"], f["properties"]["nama"], f["properties"]["kecamatan_kode"],
            f["properties"]["kecamatan"]) for f in feats]
    assert got == [(k.kode, k.nama, k.kecamatan.kode, k.kecamatan.nama) for k in CITY.kelurahan]
    for f in feats:
        geom = shape(f["geometry"])
        assert f["id"] == f["properties"]["kode"]
        assert geom.is_valid and not geom.is_empty and geom.geom_type in {"Polygon", "MultiPolygon"}
        assert 0.05 < f["properties"]["luas_km2"] < 20, f["properties"]
        for rings in polygons(f["geometry"]):  # RFC 7946: exterior ccw, holes cw
            assert signed_area(rings[0]) > 0
            assert all(signed_area(r) < 0 for r in rings[1:])
    # The 52 together: the city's 98 km² or so (Kota Banjarmasin: 98,46 km²).
    assert 90 < sum(f["properties"]["luas_km2"] for f in feats) < 105


def test_kecamatan_file_holds_the_5_and_covers_their_kelurahan():
    kel = {f["properties"]["kode"]: shape(f["geometry"]) for f in features("kelurahan.geojson")}
    feats = features("kecamatan.geojson")
    assert [(f["properties"]["kode"], f["properties"]["nama"]) for f in feats] == \
        [(kc.kode, kc.nama) for kc in CITY.kecamatan]
    for f in feats:
        geom = shape(f["geometry"])
        assert geom.is_valid
        members = [k for k in CITY.kelurahan if k.kecamatan.kode == f["properties"]["kode"]]
        assert f["properties"]["jumlah_kelurahan"] == len(members)
        for k in members:
            assert geom.buffer(1e-6).contains(kel[k.kode]), k.nama


def test_provenance_and_licence_sit_next_to_the_data():
    text = (WILAYAH / "SUMBER.md").read_text(encoding="utf-8")
    for needed in ("cahyadsn/wilayah_boundaries", "Copyright (c) 2024 Cahya DSN", "MIT License",
                   "Permission is hereby granted", "300.2.2-2138", "scripts/derive_boundaries.py"):
        assert needed in text, needed
    for name in ("kelurahan.geojson", "kecamatan.geojson"):
        sumber = json.loads((WILAYAH / name).read_text(encoding="utf-8"))["sumber"]
        assert "Cahya DSN" in sumber["poligon"] and sumber["lisensi"].startswith("MIT")


@needs_shared
def test_the_data_is_derived_not_copied():
    ours = {hashlib.sha256(p.read_bytes()).hexdigest() for p in WILAYAH.glob("*.geojson")}
    theirs = {hashlib.sha256(p.read_bytes()).hexdigest() for p in SHARED_GEO.iterdir()
              if p.is_file()}
    assert len(ours) == 2 and not ours & theirs


@needs_shared
def test_the_script_reproduces_the_committed_files(tmp_path):
    run = subprocess.run([sys.executable, str(REPO / "scripts" / "derive_boundaries.py"),
                          str(SOURCE), "--out", str(tmp_path)],
                         capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "peringatan" not in run.stderr  # every kelurahan found in the source
    for name in ("kelurahan.geojson", "kecamatan.geojson"):
        assert (tmp_path / name).read_bytes() == (WILAYAH / name).read_bytes(), name


def test_the_script_says_what_is_missing(tmp_path):
    """A source without some kelurahan: the script writes what it has and names the rest."""
    full = features("kelurahan.geojson")
    source = tmp_path / "sebagian.geojson"
    source.write_text(json.dumps({"type": "FeatureCollection", "features": full[:3]}),
                      encoding="utf-8")
    run = subprocess.run([sys.executable, str(REPO / "scripts" / "derive_boundaries.py"),
                          str(source), "--out", str(tmp_path / "out")],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.stderr.count("peringatan: Kelurahan ") == 49
    assert "peringatan: Kelurahan Alalak Utara (63.71.04.1002) tidak ada" in run.stderr
    written = json.loads((tmp_path / "out" / "kelurahan.geojson").read_text(encoding="utf-8"))
    assert [f["id"] for f in written["features"]] == [f["id"] for f in full[:3]]
    missing = subprocess.run([sys.executable, str(REPO / "scripts" / "derive_boundaries.py"),
                              str(tmp_path / "tidak-ada.geojson")], capture_output=True, text=True)
    assert missing.returncode == 2 and "tidak ditemukan" in missing.stderr


@needs_shared
def test_each_kelurahan_matches_the_independent_reference():
    reference = {f["properties"]["kode"]: shape(f["geometry"])
                 for f in json.loads(SOURCE.read_text(encoding="utf-8"))["features"]}
    for f in features("kelurahan.geojson"):
        ours, ref = shape(f["geometry"]), reference[f["id"]]
        # Rounding to 0.1 m moves the outline by a fraction of a per mille of the area.
        assert ours.symmetric_difference(ref).area / ref.area < 1e-3, f["properties"]["nama"]
    kecamatan = {f["properties"]["kode"]: shape(f["geometry"]) for f in json.loads(
        (SHARED_GEO / "banjarmasin_kecamatan.geojson").read_text(encoding="utf-8"))["features"]}
    for f in features("kecamatan.geojson"):
        ref = kecamatan[f["id"]]
        assert shape(f["geometry"]).symmetric_difference(ref).area / ref.area < 1e-3, f["id"]


# --- the point inside each kelurahan --------------------------------------------------------


def test_a_point_inside_every_kelurahan():
    points = city_kelurahan_points(load_config(REPO))
    assert [p.kode for p in points] == [k.kode for k in CITY.kelurahan]
    shapes = {f["id"]: shape(f["geometry"]) for f in features("kelurahan.geojson")}
    for p in points:
        assert not p.perkiraan and p.lat is not None
        assert shapes[p.kode].contains(Point(p.lon, p.lat)), p.nama
        # Not merely on the edge: at least 20 m inside (about 0.0002°).
        assert shapes[p.kode].exterior.distance(Point(p.lon, p.lat)) > 2e-4, p.nama
    first = points[0].as_dict()
    assert first == {"kode": "63.71.01.1001", "nama": "Mantuil", "slug": "mantuil",
                     "kecamatan": "Banjarmasin Selatan", "kecamatan_slug": "banjarmasin-selatan",
                     "lat": first["lat"], "lon": first["lon"], "perkiraan": False}


@needs_shared
def test_the_points_lie_in_the_reference_polygons_too():
    reference = {f["properties"]["kode"]: shape(f["geometry"])
                 for f in json.loads(SOURCE.read_text(encoding="utf-8"))["features"]}
    for p in city_kelurahan_points(load_config(REPO)):
        assert reference[p.kode].contains(Point(p.lon, p.lat)), p.nama


def test_without_boundaries_points_come_from_facilities_or_are_unknown():
    from petakla.pipeline import check

    facilities = check(load_config(REPO)).facilities
    points = {p.kode: p for p in kelurahan_points(CITY, None, facilities)}
    with_records = {f.kelurahan.kode for f in facilities if f.has_location}
    assert len(points) == 52 and with_records
    for kode, p in points.items():
        if kode in with_records:
            mine = [f for f in facilities if f.kelurahan.kode == kode and f.has_location]
            assert p.perkiraan
            assert p.lat == round(sum(f.lat for f in mine) / len(mine), 6)
        else:
            assert (p.lat, p.lon, p.perkiraan) == (None, None, False)


# --- the check in a copy of the repository (relative path, no extra settings) ---------------


def test_a_record_moved_to_the_wrong_kelurahan_fails_check(tmp_path):
    import shutil

    root = tmp_path / "salinan"
    root.mkdir()
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    shutil.copytree(WILAYAH, root / "wilayah")
    shutil.copytree(REPO / "facilities", root / "facilities")
    cmd = [sys.executable, str(REPO / "build_map.py"), "--root", str(root), "check"]
    assert subprocess.run(cmd, capture_output=True, text=True, timeout=120).returncode == 0
    record = root / "facilities" / "taman-kamboja-rbra.yml"
    lines = record.read_text(encoding="utf-8").splitlines(keepends=True)
    line = next(i for i, x in enumerate(lines) if x.startswith("kelurahan: Kertak Baru Ulu"))
    lines[line] = "kelurahan: Mantuil\n"
    record.write_text("".join(lines), encoding="utf-8")
    run = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert run.returncode == 1, run.stderr
    lokasi = next(i for i, x in enumerate(lines) if x.startswith("lokasi:"))
    col = lines[lokasi].index("[") + 1  # the value's column
    assert (f"facilities/taman-kamboja-rbra.yml:{lokasi + 1}:{col}: error: lokasi: titik berada di "
            "Kelurahan Kertak Baru Ulu, bukan Kelurahan Mantuil") in run.stderr, run.stderr
    assert "Traceback" not in run.stderr
