"""The editors' form on a phone (390x844, touch), in Debian's chromium: the map sits near the
top, no existing point hides under the zoom buttons, "Lokasi saya" places the point, the point
is a large tap target, and choosing a kelurahan moves the map there."""

from __future__ import annotations

from pathlib import Path

from browser_util import new_page
from helpers_site import REPO
from playwright.sync_api import Frame

from petakla.config import load_config
from petakla.form import form_document
from petakla.regions import load_city
from petakla.vocab import load_vocab

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}
PROJECT_KELURAHAN = REPO / "wilayah" / "kelurahan.geojson"
PELAMBUAN = (-3.318421, 114.566067)  # a point inside Kelurahan Pelambuan


def form_frame(page, url: str) -> Frame:
    page.goto(url)
    frame = page.locator("iframe[src*='form']").element_handle().content_frame()
    frame.locator("html[data-pk-ready]").wait_for(state="attached", timeout=15_000)
    return frame


# The grey points of existing records inside the map's view: [x, y, radius] in its pixels.
EXISTING = """(() => {
    const map = PetaTambah.map, size = map.getSize(), out = [];
    map.eachLayer(layer => {
        if (!(layer instanceof L.CircleMarker)) return;
        const p = map.latLngToContainerPoint(layer.getLatLng());
        if (p.x >= 0 && p.y >= 0 && p.x <= size.x && p.y <= size.y) out.push([p.x, p.y, layer.getRadius()]);
    });
    return out;
})()"""


def overlaps(a: dict, b: dict) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


def test_the_form_on_a_phone(browser, site_url):
    ctx, page = new_page(browser, geolocation={"latitude": PELAMBUAN[0],
                                               "longitude": PELAMBUAN[1], "accuracy": 12},
                         permissions=["geolocation"], **PHONE)
    try:
        frame = form_frame(page, site_url + "tambah/")
        slot = frame.locator("#pk-peta-slot")
        box = slot.bounding_box()  # page coordinates (the iframe's offset included)
        assert box["y"] < 700, f"the map starts {box['y']:.0f} px down"
        assert box["height"] >= 300
        # The map starts on the first touch (here on its button, which holds its place).
        assert frame.locator("html[data-pk-peta]").count() == 0
        button = frame.locator("#pk-peta-mulai").bounding_box()
        page.touchscreen.tap(button["x"] + button["width"] / 2, button["y"] + button["height"] / 2)
        frame.locator("html[data-pk-peta]").wait_for(state="attached")
        zoom = frame.locator(".leaflet-control-zoom").bounding_box()
        # The existing records' grey points (one canvas): none under the zoom buttons.
        frame.wait_for_function(EXISTING + ".length >= 3")
        origin = frame.locator("#pk-peta-slot .leaflet-container").bounding_box()
        points = [{"x": origin["x"] + x - r, "y": origin["y"] + y - r, "width": 2 * r,
                   "height": 2 * r} for x, y, r in frame.evaluate(EXISTING)]
        assert len(points) >= 3
        for i, point in enumerate(points):
            assert not overlaps(point, zoom), i
        # "Lokasi saya" fills the point from the phone's position.
        frame.locator("#pk-lokasi-saya").tap()
        frame.wait_for_function("() => document.getElementById('f-lat').value !== ''")
        assert frame.locator("#f-lat").input_value() == f"{PELAMBUAN[0]:.6f}"
        assert frame.locator("#f-lon").input_value() == f"{PELAMBUAN[1]:.6f}"
        marker = frame.locator(".pk-titik").bounding_box()
        assert marker["width"] >= 40 and marker["height"] >= 44  # a finger-sized target
        assert "Lokasi saya" in frame.locator("#pk-lokasi-saya").inner_text()
        assert frame.locator("#pk-lokasi-saya").bounding_box()["height"] >= 44
        ctx.recorder.assert_clean()
    finally:
        ctx.close()


def test_choosing_a_kelurahan_moves_the_map_there(browser, fixture_site):
    import geopandas as gpd
    from shapely.geometry import Point

    config = load_config(fixture_site.root, overrides={"batas_kelurahan": str(PROJECT_KELURAHAN)})
    html = form_document(config, load_vocab(), load_city(config.kota_kode))
    target: Path = fixture_site.site / "tambah" / "form-batas.html"
    target.write_text(html, encoding="utf-8")
    ctx, page = new_page(browser, **PHONE)
    try:
        page.goto(fixture_site.url + "tambah/form-batas.html")
        page.locator("html[data-pk-ready]").wait_for(state="attached", timeout=15_000)
        page.select_option("#f-kelurahan", "Pelambuan")
        lat, lon, zoom = page.evaluate("async () => { const m = await PetaTambah.peta(), "
                                       "c = m.getCenter(); "
                                       "return [c.lat, c.lng, m.getZoom()]; }")
        polygons = gpd.read_file(PROJECT_KELURAHAN).set_index("nama")
        assert polygons.loc["Pelambuan", "geometry"].contains(Point(lon, lat)), (lat, lon)
        assert zoom >= 15
        ctx.recorder.assert_clean()
    finally:
        ctx.close()
        target.unlink()
