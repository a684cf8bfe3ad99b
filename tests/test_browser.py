"""The fixture site in a real headless Chromium (Debian's chromium through Playwright), served by
a real HTTP server on 127.0.0.1. Every request to another host is aborted and recorded.

Browser state: one Chromium per session, started with `browser_type.launch()` (Playwright gives
it a new temporary profile directory and deletes it on close); every test gets its own
`browser.new_context()`, a fresh incognito-like profile (no cookies, cache or storage shared
between tests). Screenshots go to a temporary folder printed with `pytest -s`."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser_util import (
    LOCAL,
    TILE_HOST,
    map_frame,
    map_still,
    new_page,
    reveal_marker,
)
from helpers_site import HTML_NAME, HTML_NAME_ID
from playwright.sync_api import Page

DESKTOP = {"width": 1280, "height": 900}
APPROX_ID, APPROX_NAME = "contoh-pojok-baca-telawang", "Contoh Pojok Baca Telawang"
N_PUBLIC = 6


def shot(page: Page, folder: Path, name: str, full_page: bool = True) -> Path:
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    print(f"screenshot: {path}")
    return path


# (name, path, map iframe src part or None, markers that map shows)
PAGES = [
    ("beranda", "", None, None),
    ("peta", "peta/", "peta.html", N_PUBLIC),
    ("fasilitas", f"fasilitas/{HTML_NAME_ID}/", "mini.html", 1),
    ("kecamatan", "kecamatan/banjarmasin-tengah/", "peta.html#kecamatan=", 2),
    ("kategori", "kategori/ruang-laktasi/", "peta.html#kategori=", 1),
    ("data", "data/", None, None),
    ("tentang", "tentang/", None, None),
]


@pytest.mark.parametrize(("name", "path", "frame_src", "n_markers"), PAGES,
                         ids=[p[0] for p in PAGES])
def test_page_has_no_errors(page, site_url, screenshot_dir, name, path, frame_src, n_markers):
    page.goto(site_url + path)
    assert page.locator("article h1").count() == 1
    if frame_src:
        frame = map_frame(page, frame_src)
        assert frame.locator("html").get_attribute("data-pk-ready") == str(n_markers)
        assert frame.locator(".pk-marker, .marker-cluster").first.is_visible()
    page.wait_for_load_state("networkidle", timeout=45_000)  # a loaded machine
    shot(page, screenshot_dir, name)
    page.context.recorder.assert_clean()


def test_error_recorder_sees_errors_inside_map_frames(page, site_url):
    """The checks above would catch an exception or console error inside a map iframe."""
    page.goto(site_url + "peta/")
    frame = map_frame(page, "peta.html")
    with page.expect_event("pageerror"), page.expect_console_message(lambda m: m.type == "error"):
        frame.evaluate("() => { console.error('uji galat'); setTimeout(() => { throw new Error('uji'); }) }")
    problems = page.context.recorder.problems()
    assert any("uji galat" in p for p in problems), problems
    assert any("page error" in p and "uji" in p for p in problems), problems


def test_only_local_requests_and_aborted_tiles(page, site_url):
    page.goto(site_url + "peta/")
    map_frame(page, "peta.html")
    page.wait_for_load_state("networkidle", timeout=45_000)  # a loaded machine
    rec = page.context.recorder
    print(f"\nhosts requested: {sorted(set(rec.hosts))}")
    assert set(rec.hosts) == {LOCAL, TILE_HOST}  # the tiles are attempted, nothing else
    assert rec.aborted and all(re.match(rf"https://{TILE_HOST}/\d+/\d+/\d+\.png$", u)
                               for u in rec.aborted), rec.aborted
    rec.assert_clean()


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_marker_opens_popup_with_the_escaped_name(browser, site_url, screenshot_dir, device):
    phone = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
             "device_scale_factor": 2}
    ctx, page = new_page(browser, **(phone if device == "phone" else {"viewport": DESKTOP}))
    rec = ctx.recorder
    try:
        page.goto(site_url + "peta/")
        frame = map_frame(page, "peta.html")
        assert frame.locator("html").get_attribute("data-pk-ready") == str(N_PUBLIC)
        marker = reveal_marker(frame, HTML_NAME_ID, HTML_NAME)
        marker.tap() if device == "phone" else marker.click()
        name = frame.locator(".leaflet-popup .pk-nama")
        name.wait_for()
        assert name.text_content() == HTML_NAME  # shown as text ...
        assert name.evaluate("el => el.children.length") == 0  # ... not as a <b> element
        assert frame.locator(".leaflet-popup b").count() == 0
        # Leaflet fades the popup in and pans the map to fit it; wait for both to finish.
        map_still(frame)
        assert frame.locator(".leaflet-popup").evaluate("el => getComputedStyle(el).opacity") == "1"
        shot(page, screenshot_dir, f"peta-popup-{device}", full_page=False)
        # The popup's link opens the facility page in the top window.
        frame.locator(".leaflet-popup a", has_text="Lihat detail").click()
        page.wait_for_url(f"**/fasilitas/{HTML_NAME_ID}/")
        assert page.locator("article h1").text_content() == HTML_NAME
        rec.assert_clean()
    finally:
        ctx.close()


def test_clustered_marker_opens_its_popup(page, site_url):
    """A marker inside a cluster is reached by clicking clusters; its popup says it is an
    approximate location."""
    page.goto(site_url + "peta/")
    frame = map_frame(page, "peta.html")
    marker = reveal_marker(frame, APPROX_ID, APPROX_NAME)
    marker.click()
    popup = frame.locator(".leaflet-popup")
    assert popup.locator(".pk-nama").text_content() == APPROX_NAME
    assert popup.locator(".pk-perkiraan").text_content() == "Lokasi perkiraan"
    page.context.recorder.assert_clean()


@pytest.mark.parametrize(("facility_id", "title"), [(HTML_NAME_ID, HTML_NAME),
                                                    (APPROX_ID, APPROX_NAME)])
def test_facility_page_mini_map_shows_its_marker(page, site_url, screenshot_dir, facility_id,
                                                 title):
    page.goto(site_url + f"fasilitas/{facility_id}/")
    h1 = page.locator("article h1")
    assert h1.text_content() == title
    assert h1.evaluate("el => el.children.length") == 0  # no <b> from the name
    assert page.locator("article b").filter(has_text="Uji").count() == 0
    frame = map_frame(page, "mini.html")
    marker = frame.locator(".pk-marker")
    marker.wait_for(state="visible")
    assert marker.count() == 1
    assert marker.get_attribute("title") == title
    if facility_id == APPROX_ID:  # approximate: said in words, with no circle drawn round it
        assert frame.locator(".pk-ketelitian").inner_text() == "Lokasi perkiraan"
        assert frame.locator(".leaflet-overlay-pane path").count() == 0
        assert page.locator(".pk-status", has_text="Lokasi perkiraan").count() == 1
    else:
        page.locator(".pk-peta--mini").scroll_into_view_if_needed()
        shot(page, screenshot_dir, "fasilitas-mini-peta", full_page=False)
    page.context.recorder.assert_clean()


@pytest.mark.parametrize("how", ["tab", "button"])
def test_instant_navigation_to_the_map_shows_markers(page, site_url, screenshot_dir, how):
    page.goto(site_url)
    page.evaluate("() => { window.__pkSamePage = true; }")
    if how == "tab":
        page.locator("nav.md-tabs").get_by_role("link", name="Peta", exact=True).click()
    else:
        page.locator("a.md-button", has_text="Buka peta").click()
    page.wait_for_url("**/peta/")
    # Material's instant navigation swapped the content without loading a new document.
    assert page.evaluate("() => window.__pkSamePage === true"), "full page load, not instant"
    frame = map_frame(page, "peta.html")
    assert frame.locator("html").get_attribute("data-pk-ready") == str(N_PUBLIC)
    assert frame.locator(".pk-marker, .marker-cluster").first.is_visible()
    if how == "tab":
        shot(page, screenshot_dir, "peta-lewat-navigasi", full_page=False)
    page.context.recorder.assert_clean()
