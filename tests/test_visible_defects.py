"""The visible defects found on a 390x844 phone (issue 13), each measured in a real headless
Chromium on the fixture site: chips, the /kecamatan/ table, markers under the attribution,
the map scale, the footer and the header title."""

from __future__ import annotations

import pytest
from browser_util import map_frame, map_still, new_page

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def phone_page(browser):
    """A page on a 390x844 touch screen, in its own context (closed afterwards)."""
    ctx, page = phone(browser)
    yield page
    ctx.close()


def phone(browser):
    return new_page(browser, viewport=PHONE, has_touch=True, is_mobile=True)


def test_category_chips_hold_their_icon_and_count(phone_page, site_url):
    page = phone_page
    page.goto(site_url + "kategori/")
    chips = page.locator(".pk-daftar > li > a.pk-badge")
    assert chips.count() >= 10
    for chip in chips.all():
        c = chip.bounding_box()
        icon = chip.locator(".pk-ikon--kategori").bounding_box()
        count = chip.locator(".pk-badge__n").bounding_box()
        # The icon has room on every side inside the pill, the count is inside it too.
        assert icon["x"] - c["x"] >= 6 and icon["y"] - c["y"] >= 4, (c, icon)
        assert c["y"] + c["height"] - (icon["y"] + icon["height"]) >= 4, (c, icon)
        assert count["x"] + count["width"] <= c["x"] + c["width"], (c, count)
        assert c["x"] + c["width"] <= PHONE["width"]
    page.goto(site_url)
    tiles = page.locator("a.pk-ubin__a")
    assert tiles.count() >= 10
    for tile in tiles.all():
        t = tile.bounding_box()
        for part in (".pk-ikon--kategori", ".pk-ubin__label", ".pk-ubin__n"):
            p = tile.locator(part).bounding_box()
            assert t["x"] < p["x"] and p["x"] + p["width"] <= t["x"] + t["width"], part
            assert t["y"] < p["y"] and p["y"] + p["height"] <= t["y"] + t["height"], part
        assert t["height"] >= 44 and t["x"] + t["width"] <= PHONE["width"]


def test_kecamatan_table_fits_a_phone(phone_page, site_url):
    page = phone_page
    page.goto(site_url + "kecamatan/")
    table = page.locator("article table").first
    last = table.locator("thead th").last
    assert last.text_content() == "Kelurahan tanpa fasilitas"
    t = table.bounding_box()
    assert t["x"] >= 0 and t["x"] + t["width"] <= PHONE["width"], t
    assert table.evaluate("el => el.scrollWidth <= el.clientWidth")
    # Nothing of the last column is scrolled out of view in the wrapper Material adds.
    assert page.evaluate("""() => [...document.querySelectorAll('.md-typeset__scrollwrap')]
                             .every(w => w.scrollWidth <= w.clientWidth)""")


def test_embedded_map_markers_clear_of_controls_and_scale_is_metric(phone_page, site_url):
    page = phone_page
    for path in ("kecamatan/banjarmasin-tengah/", "kecamatan/banjarmasin-selatan/",
                 "kategori/ruang-laktasi/"):
        page.goto(site_url + path)
        frame = map_frame(page, "peta.html")
        map_still(frame)  # fitBounds, cluster animation
        scales = frame.locator(".leaflet-control-scale-line")
        assert scales.count() == 1, path  # one line: metres or kilometres only
        text = scales.text_content()
        assert text.endswith(" m") or text.endswith(" km"), text
        controls = [c.bounding_box() for c in frame.locator(".leaflet-control").all() if c.is_visible()]
        view = frame.locator(".folium-map").bounding_box()
        for m in frame.locator(".pk-marker, .marker-cluster").all():
            b = m.bounding_box()
            assert view["x"] <= b["x"] and b["x"] + b["width"] <= view["x"] + view["width"], path
            assert view["y"] <= b["y"] and b["y"] + b["height"] <= view["y"] + view["height"], path
            for c in controls:
                apart = (b["x"] + b["width"] <= c["x"] or c["x"] + c["width"] <= b["x"]
                         or b["y"] + b["height"] <= c["y"] or c["y"] + c["height"] <= b["y"])
                assert apart, (path, b, c)
    page.goto(site_url + "fasilitas/contoh-ruang-laktasi-teluk-dalam/")
    frame = map_frame(page, "mini.html")
    assert frame.locator(".leaflet-control-scale-line").count() == 1


def test_footer_is_indonesian_and_header_title_is_whole(phone_page, site_url):
    page = phone_page
    page.goto(site_url)
    footer = page.locator(".md-footer").inner_text()
    assert "Made with" not in footer and "Material for MkDocs" not in footer, footer
    assert "kontributor OpenStreetMap" in footer
    title = page.locator(".md-header__topic").first.locator(".md-ellipsis")
    assert title.text_content().strip() == "Peta Kota Layak Anak Banjarmasin"
    # Not cut: the text fits its box (it may wrap onto a second line).
    assert title.evaluate("el => el.scrollWidth <= el.clientWidth"
                          " && el.scrollHeight <= el.clientHeight + 1")
    header = page.locator(".md-header").bounding_box()
    t = title.bounding_box()
    assert header["y"] <= t["y"] and t["y"] + t["height"] <= header["y"] + header["height"]
