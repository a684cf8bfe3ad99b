"""Location precision on the site, in words and in shape, in a real headless Chromium.

The fixture record contoh-uptd-ppa-mawar says `ketelitian_lokasi: kelurahan` and
`sumber_lokasi` (a secondary source). Its facility page says so in words; its mini map draws
Kelurahan Mawar itself (from the outlines file, when kelurahan boundaries are configured) and
never a small circle, which would read as "within so many metres". contoh-pojok-baca-telawang
is approximate without a precision: words only, no shape."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from browser_util import map_frame, new_page
from helpers_site import make_project, serve

from petakla.config import load_config
from petakla.geo import load_boundaries
from petakla.model import APPROX_LABELS
from petakla.regions import load_city

REPO = Path(__file__).resolve().parent.parent
PROJECT_KEL = REPO / "wilayah" / "kelurahan.geojson"
MAWAR_ID = "contoh-uptd-ppa-mawar"
APPROX_ID = "contoh-pojok-baca-telawang"
CITY = load_city(load_config(REPO).kota_kode)
MAWAR = CITY.find_kelurahan("Mawar")


def detail_rows(page) -> dict[str, str]:
    rows = page.locator("table.pk-rincian tr")
    return {rows.nth(i).locator("th").inner_text(): rows.nth(i).locator("td").inner_text()
            for i in range(rows.count())}


def overlay_paths(frame) -> int:
    return frame.locator(".leaflet-overlay-pane path").count()


@pytest.fixture(scope="module")
def geo_site(tmp_path_factory) -> Iterator[str]:
    """The fixture records built (strict) with the project's kelurahan boundaries
    (wilayah/kelurahan.geojson as batas_kelurahan), served on 127.0.0.1; yields the base URL."""
    from petakla.site import build_site

    root = tmp_path_factory.mktemp("ketelitian") / "proyek"
    with serve(root / "site") as url:
        make_project(root, site_url=url, boundaries=True)
        assert load_boundaries(load_config(root)).path == PROJECT_KEL.resolve()
        assert build_site(load_config(root), strict=True) == 0
        yield url


def test_facility_page_states_precision_and_secondary_source(fixture_site, browser):
    ctx, page = new_page(browser, viewport={"width": 390, "height": 844})
    try:
        page.goto(fixture_site.url + f"fasilitas/{MAWAR_ID}/")
        rows = detail_rows(page)
        assert rows["Ketelitian lokasi"].startswith(APPROX_LABELS["kelurahan"])
        assert "hanya mewakili Kelurahan Mawar" in rows["Ketelitian lokasi"]
        assert rows["Asal titik"] == ("Sumber sekunder, belum dicocokkan di tempat: "
                                      "Aplikasi contoh pihak ketiga (data uji)")
        # Without boundaries the mini map says it in words and draws no shape at all.
        frame = map_frame(page, "mini.html")
        assert frame.locator(".pk-ketelitian").inner_text() == APPROX_LABELS["kelurahan"]
        assert overlay_paths(frame) == 0
        page.goto(fixture_site.url + f"fasilitas/{APPROX_ID}/")
        frame = map_frame(page, "mini.html")
        assert frame.locator(".pk-ketelitian").inner_text() == APPROX_LABELS["editor"]
        assert overlay_paths(frame) == 0  # no 150 m circle any more
        ctx.recorder.assert_clean()
    finally:
        ctx.close()


def test_mini_map_draws_a_kelurahan_precision_point_as_the_kelurahan(geo_site, browser):
    import geopandas as gpd

    polygon = gpd.read_file(PROJECT_KEL).set_index("kode").loc[MAWAR.kode, "geometry"]
    west, south, east, north = polygon.bounds
    ctx, page = new_page(browser, viewport={"width": 390, "height": 844})
    try:
        page.goto(geo_site + f"fasilitas/{MAWAR_ID}/")
        frame = map_frame(page, "mini.html")
        assert frame.locator(".pk-ketelitian").inner_text() == APPROX_LABELS["kelurahan"]
        assert frame.evaluate("() => PetaKLA.area.pkKelurahan") == MAWAR.kode
        assert overlay_paths(frame) == 1  # the kelurahan, and no circle
        drawn = frame.evaluate("() => { const b = PetaKLA.area.getBounds(); "
                               "return [b.getSouth(), b.getWest(), b.getNorth(), b.getEast()]; }")
        # The outlines file is simplified (a few metres), so compare with a small tolerance:
        # the drawn shape spans the whole kelurahan, hundreds of metres, not a 150 m circle.
        for got, want in zip(drawn, [south, west, north, east], strict=True):
            assert abs(got - want) < 0.0005, (drawn, polygon.bounds)
        assert (north - south) * 111_000 > 300
        # The map shows the whole kelurahan: its bounds lie inside the visible map.
        view = frame.evaluate("() => { const m = PetaKLA.area._map.getBounds(); "
                              "return [m.getSouth(), m.getWest(), m.getNorth(), m.getEast()]; }")
        assert view[0] <= drawn[0] and view[1] <= drawn[1]
        assert view[2] >= drawn[2] and view[3] >= drawn[3]
        # An exact point keeps its plain marker: no words, no shape.
        page.goto(geo_site + "fasilitas/contoh-ruang-laktasi-teluk-dalam/")
        frame = map_frame(page, "mini.html")
        assert frame.locator(".pk-ketelitian").count() == 0
        assert overlay_paths(frame) == 0
        ctx.recorder.assert_clean()
    finally:
        ctx.close()
