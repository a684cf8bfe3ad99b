"""Kecamatan and kategori pages show a still picture of their map (petakla/mapimage.py: the
kelurahan outlines and a dot per facility) and start the interactive map only when asked; a
link opens the same view on the full map. Pictures checked against the map's own data file,
the pages in a real headless Chromium."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from html import unescape
from urllib.parse import unquote

from browser_util import map_frame
from playwright.sync_api import Page
from shapely.geometry import box

from petakla import mapimage

SVG = "{http://www.w3.org/2000/svg}"


def dots(svg: str) -> list[tuple[float, float, str]]:
    """(x, y, fill colour) of every dot of a picture."""
    root = ET.fromstring(svg)
    return [(float(c.get("cx")), float(c.get("cy")), g.get("fill"))
            for g in root.iter(f"{SVG}g") for c in g.iter(f"{SVG}circle")]


def test_picture_fits_outlines_and_dots_into_its_box():
    area = box(114.58, -3.33, 114.61, -3.29)  # lon/lat
    svg = mapimage.picture([(-3.30, 114.59, "#123456"), (-3.32, 114.60, "#abcdef")], [area])
    root = ET.fromstring(svg)
    assert (root.get("width"), root.get("height")) == (str(mapimage.WIDTH), str(mapimage.HEIGHT))
    found = dots(svg)
    assert sorted(c for *_, c in found) == ["#123456", "#abcdef"]
    for x, y, _ in found:
        assert 0 <= x <= mapimage.WIDTH and 0 <= y <= mapimage.HEIGHT
    # north is up, east is right
    (x1, y1, _), (x2, y2, _) = sorted(found, key=lambda d: d[2])
    assert y1 < y2 and x1 < x2
    # the outline is drawn, inside the box and its margin
    path = root.find(f"{SVG}path").get("d")
    numbers = [float(v) for v in path.replace("M", " ").replace("L", " ").replace("Z", " ").split()]
    assert min(numbers) >= mapimage.MARGIN - 0.1
    assert max(numbers[0::2]) <= mapimage.WIDTH - mapimage.MARGIN + 0.1
    assert max(numbers[1::2]) <= mapimage.HEIGHT - mapimage.MARGIN + 0.1


def test_a_lone_facility_is_a_dot_in_the_middle_not_the_whole_box():
    (x, y, colour), = dots(mapimage.picture([(-3.3, 114.6, "#000000")], []))
    assert (round(x), round(y), colour) == (mapimage.WIDTH // 2, mapimage.HEIGHT // 2, "#000000")


def page_picture(html: str) -> tuple[str, str] | None:
    """(SVG, alt text) of a page's map picture (a data: URL in its <img>), or None."""
    found = re.search(r'<div class="pk-peta pk-peta--gambar"[^>]*><img src="data:image/svg\+xml,'
                      r'([^"]*)" width="600" height="420" alt="([^"]*)">', html)
    return (unquote(unescape(found[1])), unescape(found[2])) if found else None


def test_pages_picture_their_own_facilities_and_nothing_protected(fixture_site):
    site = fixture_site.site
    data = json.loads((site / "peta" / "fasilitas.json").read_text(encoding="utf-8"))
    col = {name: i for i, name in enumerate(data["kolom"])}
    per_kec = Counter(row[col["kecamatan"]] for row in data["baris"])
    per_cat = Counter(row[col["kategori"]] for row in data["baris"])
    assert per_kec and per_cat
    pictured = Counter()
    for kind, counts in (("kecamatan", per_kec), ("kategori", per_cat)):
        for page in sorted((site / kind).glob("*/index.html")):
            slug = page.parent.name
            html = page.read_text(encoding="utf-8")
            n = counts.get(slug, 0)
            found = page_picture(html)
            assert (found is not None) == (n > 0), (page, n)
            assert "<iframe" not in html, page  # no map document starts with the page
            if not n:
                continue
            svg, alt = found
            assert f'data-pk-peta="../../peta/peta.html#{kind}={slug}"' in html
            assert f'href="../../peta/#{kind}={slug}"' in html  # the full map, same view
            word = "fasilitas" if kind == "kecamatan" else "lokasi"
            assert f": {n} {word}, satu titik per" in alt, alt  # its alt text says how many
            assert len(dots(svg)) == n, page
            pictured[kind] += n
    # every located public facility is a dot on its kecamatan's and its category's picture;
    # the protected category (no location anywhere) has none
    assert pictured["kecamatan"] == pictured["kategori"] == len(data["baris"])
    assert page_picture((site / "kategori" / "rumah-aman" / "index.html").read_text("utf-8")) is None


def test_the_map_starts_when_asked_and_takes_the_pictures_place(page: Page, site_url):
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(site_url + "kecamatan/banjarmasin-tengah/")
    page.wait_for_load_state("networkidle")
    img = page.locator(".pk-peta--gambar img")
    assert img.evaluate("el => el.complete && el.naturalWidth > 0")
    assert not [u for u in requested if "peta.html" in u or "leaflet" in u], requested
    before = page.locator(".pk-peta").bounding_box()
    page.get_by_role("button", name="Buka peta interaktif").click()
    frame = map_frame(page, "peta.html#kecamatan=banjarmasin-tengah")
    assert frame.locator("html").get_attribute("data-pk-ready") == "2"
    assert page.locator(".pk-peta--gambar, .pk-peta-buka").count() == 0
    assert page.locator(".pk-peta iframe").get_attribute("title") == \
        "Peta fasilitas di Kecamatan Banjarmasin Tengah"
    assert page.locator(".pk-peta").bounding_box() == before  # same box: nothing below moves
    assert page.evaluate("() => document.activeElement.tagName") == "IFRAME"
    page.context.recorder.assert_clean()


def test_keyboard_and_instant_navigation_start_the_map_too(page: Page, site_url):
    page.goto(site_url + "kecamatan/")
    # Material's instant navigation: the next page's content arrives without a new document
    page.locator("article a[href*='banjarmasin-tengah']").first.click()
    page.wait_for_url("**/kecamatan/banjarmasin-tengah/")
    button = page.get_by_role("button", name="Buka peta interaktif")
    button.focus()
    page.keyboard.press("Enter")
    frame = map_frame(page, "peta.html#kecamatan=banjarmasin-tengah")
    assert frame.locator("html").get_attribute("data-pk-ready") == "2"


def test_the_full_map_link_opens_the_same_view(page: Page, site_url):
    page.goto(site_url + "kategori/ruang-laktasi/")
    page.get_by_role("link", name="Buka di peta lengkap").click()
    page.wait_for_url("**/peta/#kategori=ruang-laktasi")
    # Material's instant navigation changes the address before it swaps the page's content:
    # until then the kategori page's picture button is still there for map_frame to press.
    page.locator(".pk-peta-buka").wait_for(state="detached")
    frame = map_frame(page, "peta.html")
    frame.wait_for_function("() => document.documentElement.dataset.pkShown === '1'")
