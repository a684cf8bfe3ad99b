"""What the public does on /peta/ (issue: filters, search, near me, shareable links), in a real
headless Chromium against the fixture site. Fixtures (browser, context, page) come from
test_browser.py; data from tests/fixtures/site/."""

from __future__ import annotations

import json
from urllib.parse import unquote

from browser_util import map_frame, map_still
from playwright.sync_api import Frame, Page

LAKTASI_ID, LAKTASI = "contoh-ruang-laktasi-teluk-dalam", "Contoh Ruang Laktasi Teluk Dalam"
UPTD = "Contoh UPTD PPA Mawar"  # also Banjarmasin Tengah
N_PUBLIC = 6


def open_map(page: Page, url: str) -> Frame:
    """The full map with its panel open (it starts closed unless the link carries filters)."""
    page.goto(url)
    frame = map_frame(page, "peta.html")
    frame.locator("#pk-panel").wait_for()
    toggle = frame.get_by_role("button", name="Filter dan daftar")
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.click()
    # The list is drawn once the details file has arrived: its count line says so.
    frame.wait_for_function("() => /fasilitas/.test(document.getElementById('pk-jumlah').textContent)")
    return frame


def shown(frame: Frame) -> int:
    return int(frame.locator("html").get_attribute("data-pk-shown"))


def visible_marker_titles(frame: Frame) -> list[str]:
    return sorted(frame.locator(".pk-marker").evaluate_all("els => els.map(e => e.title)"))


def test_filter_lives_in_the_url_and_survives_a_reload(page: Page, site_url):
    frame = open_map(page, site_url + "peta/")
    assert shown(frame) == N_PUBLIC
    # Only ruang laktasi, only Banjarmasin Tengah, with the detailed filters.
    frame.locator(".pk-lainnya summary").click()
    for box in frame.locator(".pk-kategori input[type=checkbox]").all():
        if box.get_attribute("value") != "ruang-laktasi":
            box.uncheck()
    frame.get_by_label("Kecamatan").select_option("banjarmasin-tengah")
    assert shown(frame) == 1
    url = unquote(page.url)
    assert "kategori=ruang-laktasi" in url and "kecamatan=banjarmasin-tengah" in url, url

    shared = page.url  # what a visitor would copy, or what a reload opens
    page.goto("about:blank")
    frame = open_map(page, shared)
    assert shown(frame) == 1
    assert frame.get_by_label("Kecamatan").input_value() == "banjarmasin-tengah"
    checked = frame.locator(".pk-kategori input:checked").evaluate_all("els => els.map(e => e.value)")
    assert checked == ["ruang-laktasi"]
    map_still(frame)  # the markers of the other categories fade out
    assert visible_marker_titles(frame) == [LAKTASI]
    assert frame.locator(".pk-hasil-nama").all_text_contents() == [LAKTASI]
    page.context.recorder.assert_clean()


def test_shared_link_with_filters_and_view_opens_the_same_map(page: Page, site_url):
    frame = open_map(page, site_url + "peta/#kecamatan=banjarmasin-tengah&peta=-3.32,114.58,15")
    assert shown(frame) == 2  # the ruang laktasi and the UPTD PPA of Banjarmasin Tengah
    zoom = frame.evaluate("() => PetaKLA.app.map.getZoom()")
    assert zoom == 15
    assert sorted(frame.locator(".pk-hasil-nama").all_text_contents()) == sorted([LAKTASI, UPTD])


def test_search_finds_a_facility_by_its_kelurahan_and_opens_its_popup(page: Page, site_url):
    frame = open_map(page, site_url + "peta/")
    frame.get_by_label("Cari fasilitas").fill("teluk DALAM")  # case does not matter
    frame.wait_for_function("() => document.documentElement.dataset.pkShown === '1'")
    result = frame.locator(".pk-hasil-nama")
    assert result.all_text_contents() == [LAKTASI]
    assert "q=teluk DALAM" in unquote(page.url).replace("+", " ")
    result.click()
    popup = frame.locator(".leaflet-popup .pk-nama")
    popup.wait_for()
    assert popup.text_content() == LAKTASI


def test_search_ignores_accents_and_matches_pengelola(page: Page, site_url):
    frame = open_map(page, site_url + "peta/")
    frame.get_by_label("Cari fasilitas").fill("lembaga contoh ÚJI")  # the pengelola, with an accent
    frame.wait_for_function("() => document.documentElement.dataset.pkShown === '1'")
    assert frame.locator(".pk-hasil-nama").all_text_contents() == [LAKTASI]


def test_near_me_with_geolocation_lists_the_nearest_first(browser, site_url):
    # Stand next to the ruang laktasi in Teluk Dalam.
    ctx = browser.new_context(geolocation={"latitude": -3.3195, "longitude": 114.5800},
                              permissions=["geolocation"], viewport={"width": 1280, "height": 900})
    ctx.route("**/*", lambda r: r.continue_() if "127.0.0.1" in r.request.url else r.abort())
    try:
        page = ctx.new_page()
        frame = open_map(page, site_url + "peta/")
        frame.get_by_role("button", name="Gunakan lokasi saya").click()
        first = frame.locator(".pk-hasil-item").first
        first.locator(".pk-hasil-nama", has_text=LAKTASI).wait_for()
        assert "m" in first.locator(".pk-hasil-meta").text_content()  # a distance
        link = first.get_by_role("link", name="Petunjuk arah")
        assert "destination=-3.319241%2C114.579766" in link.get_attribute("href")
        assert "terdekat dari lokasi Anda" in frame.locator("#pk-jumlah").text_content()
    finally:
        ctx.close()


def test_near_me_without_geolocation_uses_a_kelurahan_centre(page: Page, site_url):
    frame = open_map(page, site_url + "peta/")
    # Kuripan has the puskesmas: the nearest, chosen at once.
    frame.get_by_label("Dari kelurahan").select_option("kuripan")
    first = frame.locator(".pk-hasil-item").first
    assert first.locator(".pk-hasil-nama").text_content() == "Contoh Puskesmas Ramah Anak Kuripan"
    assert "Kelurahan Kuripan" in frame.locator("#pk-jumlah").text_content()


# Monday 7 December 2026 in WITA (UTC+8) for Mo-Fr 08:00-16:00: the minutes either side of
# opening and closing, and one hour inside and outside.
OPEN_PROBES = {"07:59": "2026-12-06T23:59:00Z", "08:00": "2026-12-07T00:00:00Z",
               "09:00": "2026-12-07T01:00:00Z", "15:59": "2026-12-07T07:59:00Z",
               "16:00": "2026-12-07T08:00:00Z", "17:00": "2026-12-07T09:00:00Z"}


def test_open_now_is_evaluated_in_wita(browser, site_url):
    """Mo-Fr 08:00-16:00 WITA, probed at its edges: open from 08:00 up to 15:59, closed at
    07:59 and from 16:00 (an hour's shift, or an end taken as inclusive, shows here)."""
    results = {}
    for label, utc in OPEN_PROBES.items():
        ctx = browser.new_context(viewport={"width": 1280, "height": 900})
        ctx.route("**/*", lambda r: r.continue_() if "127.0.0.1" in r.request.url else r.abort())
        try:
            page = ctx.new_page()
            page.clock.set_fixed_time(utc)
            frame = open_map(page, site_url + "peta/#buka=1")
            results[label] = frame.locator(".pk-hasil-nama").all_text_contents()
        finally:
            ctx.close()
    assert results == {"07:59": [], "08:00": [LAKTASI], "09:00": [LAKTASI], "15:59": [LAKTASI],
                       "16:00": [], "17:00": []}


def test_age_and_access_filters(page: Page, site_url):
    frame = open_map(page, site_url + "peta/#akses=umum")
    assert frame.locator(".pk-hasil-nama").all_text_contents() == [LAKTASI]
    frame.get_by_label("Akses").select_option("karyawan")
    frame.wait_for_function("() => document.documentElement.dataset.pkShown === '0'")
    assert "0 dari 6" in frame.locator("#pk-jumlah").text_content()


def test_list_alternative_is_usable_by_keyboard(page: Page, site_url):
    frame = open_map(page, site_url + "peta/")
    item = frame.locator(".pk-hasil-nama", has_text=LAKTASI)
    item.focus()
    page.keyboard.press("Enter")
    popup = frame.locator(".leaflet-popup .pk-nama")
    popup.wait_for()
    assert popup.text_content() == LAKTASI


def test_embedded_maps_use_gesture_handling_and_keep_their_own_filter(page: Page, site_url):
    page.goto(site_url + "kecamatan/banjarmasin-tengah/")
    frame = map_frame(page, "peta.html")
    assert frame.locator("#pk-panel").count() == 0  # no panel on small embedded maps
    assert frame.evaluate("() => PetaKLA.app.map.gestureHandling.enabled()") is True
    assert frame.locator("html").get_attribute("data-pk-ready") == "2"
    assert "#" not in page.url  # an embedded map never rewrites its page's address


def test_looking_at_the_map_needs_only_its_own_document(page: Page, site_url):
    """The marker table is inside peta.html; names, hours and the rest arrive only when
    needed: a popup, the list, search."""
    requested: list[str] = []
    page.on("request", lambda r: requested.append(r.url))
    page.goto(site_url + "peta/")
    frame = map_frame(page, "peta.html")
    page.wait_for_load_state("networkidle")
    assert not [u for u in requested if "/peta/" in u and u.endswith(".json")]
    shown = int(frame.locator("html").get_attribute("data-pk-ready"))
    table = json.loads(frame.locator("script#pk-titik").text_content())
    assert shown == len(table["k"]) == len(table["lat"]) > 5
    assert frame.locator("html").get_attribute("data-pk-details") is None
    # Opening a popup fetches the details once and fills the popup in.
    # A click on the marker's icon, as the browser delivers it (Leaflet passes it on to the
    # cluster group, which gives the marker its popup).
    assert frame.evaluate("() => !!PetaKLA.app.markers[0].getElement()")  # shown, not clustered
    frame.evaluate("() => PetaKLA.app.markers[0].getElement().dispatchEvent("
                   "new MouseEvent('click', {bubbles: true, cancelable: true}))")
    frame.locator(".leaflet-popup .pk-nama").wait_for()
    assert sum(u.endswith("/peta/fasilitas.json") for u in requested) == 1
    assert frame.locator("html").get_attribute("data-pk-details") == "1"


def test_a_marker_opens_its_popup_by_click_and_by_enter(page: Page, site_url):
    """Popups are bound on first use (one listener on the cluster group): a click opens one, a
    second click closes it again, Enter on a focused marker opens it too."""
    page.goto(site_url + "peta/")
    frame = map_frame(page, "peta.html")
    icon = frame.locator(".leaflet-marker-icon.pk-marker").first
    icon.click()
    name = frame.locator(".leaflet-popup .pk-nama")
    name.wait_for()
    text = name.inner_text()
    assert text
    icon.click()
    frame.locator(".leaflet-popup").wait_for(state="detached")
    icon.focus()
    page.keyboard.press("Enter")
    name.wait_for()
    assert name.inner_text() == text
    assert frame.locator(".leaflet-popup").count() == 1
