"""The real records in facilities/: they pass `check`, cover what the site promises, and each
point lies in its declared kelurahan (by the project's wilayah/ boundaries, and by the
independent reference in ../shared/geo when it is present)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from petakla.config import load_config
from petakla.pipeline import check
from petakla.regions import load_city

ROOT = Path(__file__).resolve().parent.parent
SHARED_GEO = ROOT.parent / "shared" / "geo"


@pytest.fixture(scope="module")
def real():
    return check(load_config(ROOT))


def test_real_records_have_no_errors(real):
    assert real.ok, "\n".join(p.format() for p in real.problems)
    assert real.n_files == len(real.facilities) >= 20


def test_real_records_cover_six_categories_and_every_kecamatan(real):
    categories = Counter(f.category.slug for f in real.facilities)
    kecamatan = {f.kelurahan.kecamatan.nama for f in real.facilities}
    assert len(categories) >= 6, categories
    assert kecamatan == {"Banjarmasin Selatan", "Banjarmasin Timur", "Banjarmasin Barat",
                         "Banjarmasin Utara", "Banjarmasin Tengah"}


def test_real_records_cite_a_source_and_are_not_claimed_verified(real):
    for f in real.facilities:
        assert len(f.data["sumber"]) >= 10, f.id
        # Nobody has checked these places on site yet: none may claim it.
        assert f.verified is None, f.id


def test_real_records_say_how_precise_their_point_is(real):
    """Every real point states its precision; a point taken from a secondary source (a
    third-party app) never claims to be exact, and one known only to its kelurahan is drawn as
    that kelurahan (approx "kelurahan"), never as a precise spot."""
    for f in real.facilities:
        precision = f.data.get("ketelitian_lokasi")
        assert precision in ("tepat", "jalan", "kelurahan"), f.id
        assert f.precision_label, f.id
        if f.data.get("sumber_lokasi"):
            assert precision != "tepat" and f.approx, f.id
        if precision == "kelurahan":
            assert f.approx == "kelurahan", f.id


def test_designations_are_claimed_only_by_records_that_cite_them(real):
    """"Ramah anak" designations (puskesmas, RBRA) are claims: the record's text must say
    what designated it, otherwise the plain category (puskesmas, taman-bermain) applies."""
    for f in real.facilities:
        if f.category.slug == "puskesmas-ramah-anak":
            assert "ramah anak" in f.data.get("keterangan", "").lower(), f.id
        if f.category.slug == "ruang-bermain-ramah-anak":
            text = (f.nama + " " + f.data.get("keterangan", "")).lower()
            assert "rbra" in text or "ramah anak" in text, f.id


@pytest.mark.parametrize("path", [
    ROOT / "wilayah" / "kelurahan.geojson",  # the project's own boundaries: runs everywhere
    SHARED_GEO / "banjarmasin_kelurahan.geojson",  # the independent reference, when present
], ids=["wilayah", "referensi"])
def test_real_points_lie_in_their_declared_kelurahan(real, path):
    if not path.exists():
        pytest.skip(f"independent reference absent: {path} (a comparison with ../shared/geo; "
                    "the same test with the project's wilayah/ boundaries ran)")
    import geopandas as gpd
    from shapely.geometry import Point

    polygons = gpd.read_file(path).set_index("kode")
    misplaced = []
    for f in real.facilities:
        if f.lat is None:
            continue
        polygon = polygons.loc[f.kelurahan.kode, "geometry"]
        if not polygon.contains(Point(f.lon, f.lat)):
            misplaced.append(f"{f.file}: [{f.lat}, {f.lon}] not in {f.kelurahan.nama}")
    assert not misplaced, "\n".join(misplaced)


def test_real_site_builds_with_every_record(real, tmp_path):
    import json

    from petakla.site import build_site

    site = tmp_path / "site"
    assert build_site(load_config(ROOT), strict=True, site_dir=site) == 0
    data = json.loads((site / "peta" / "fasilitas.json").read_text(encoding="utf-8"))
    assert sorted(row[0] for row in data["baris"]) == sorted(f.id for f in real.facilities)
    for f in real.facilities:
        page = (site / "fasilitas" / f.id / "index.html").read_text(encoding="utf-8")
        assert "Belum diverifikasi" in page, f.id
    geojson = json.loads((site / "data" / "fasilitas.geojson").read_text(encoding="utf-8"))
    assert len(geojson["features"]) == len(real.facilities)
    # The home page names every provider of every sector, with its count, and /cakupan/
    # lists each provider's facilities.
    from html import unescape

    from petakla.stats import SECTOR_LABELS, contributors

    home = unescape((site / "index.html").read_text(encoding="utf-8"))
    cakupan = unescape((site / "cakupan" / "index.html").read_text(encoding="utf-8"))
    assert "Siapa penyedianya" in home
    for sector, label in SECTOR_LABELS.items():
        for name, items in contributors(real.facilities, sector):
            assert f"{name} ({len(items)})" in home, (label, name)
            assert name in cakupan, (label, name)
    # With the project's own boundaries (wilayah/, no extra settings): outlines and
    # choropleths on /cakupan/, walking reach for all 52 kelurahan, 52 starting points.
    outlines = json.loads((site / "peta" / "batas.geojson").read_text(encoding="utf-8"))
    levels = Counter(f["properties"]["tingkat"] for f in outlines["features"])
    assert levels == {"kelurahan": 52, "kecamatan": 5}
    cakupan = (site / "cakupan" / "index.html").read_text(encoding="utf-8")
    assert "membutuhkan berkas batas kelurahan" not in cakupan
    assert '<iframe data-pk-src="../peta/cakupan.html"' in cakupan
    assert '<iframe data-pk-src="../peta/jangkauan.html"' in cakupan
    assert (site / "peta" / "cakupan.html").is_file() and (site / "peta" / "jangkauan.html").is_file()
    reach = cakupan[cakupan.index("Dalam 500 m dari ruang bermain"):]
    city = load_city(load_config(ROOT).kota_kode)
    for kel in city.kelurahan:
        row = re.search(rf'#{kel.slug}">{kel.nama}</a></th>(.*?)</tr>', reach).group(1)
        assert re.search(r'<td data-nilai="[\d.]+">\d+,\d %</td>', row), kel.nama
    assert "tidak ada di berkas batas kelurahan" not in reach
    peta = (site / "peta" / "peta.html").read_text(encoding="utf-8")
    assert 'fetch("batas.geojson")' in peta
    options = json.loads(re.search(r"PetaKLA\.main\(\w+, (\{.*\})\);", peta).group(1))
    points = options["kelurahan"]
    assert [p["kode"] for p in points] == [k.kode for k in city.kelurahan]
    assert all(p["lat"] is not None and not p["perkiraan"] for p in points)
    # Where the boundaries come from, and their licence, on /data/ and /tentang/.
    for page in ("data/index.html", "tentang/index.html"):
        html = (site / page).read_text(encoding="utf-8")
        assert "cahyadsn/wilayah_boundaries" in html and "2024 Cahya DSN" in html, page
        assert "MIT" in html and "300.2.2-2138" in html, page
    starts = [x for kc in options["kecamatan"] for x in kc["kelurahan"] if x["titik"]]
    assert len(starts) == 52 and not any(x.get("perkiraan") for x in starts)
