"""What the public needs, in a real headless Chromium (conftest.py's `browser`): pages readable
without JavaScript, the copy-link button under instant navigation, phones (360 px wide, touch
targets), print (stylesheet, A4 posters) and accessibility (axe-core, bundled with
axe-playwright-python: no network)."""

from __future__ import annotations

import io
import re

import pytest
from browser_util import axe_run, map_frame, new_page
from helpers_site import HTML_NAME, HTML_NAME_ID, REPO
from PIL import Image

from petakla.config import load_config
from petakla.model import Facility
from petakla.poster import poster_html
from petakla.regions import load_city
from petakla.vocab import load_vocab

FULL_ID = "contoh-ruang-laktasi-teluk-dalam"  # the fixture record with the most fields
PHONE = {"width": 360, "height": 740}


# --- without JavaScript ------------------------------------------------------------------------


@pytest.mark.parametrize("fid", [FULL_ID, HTML_NAME_ID])
def test_facility_page_is_readable_with_javascript_disabled(browser, site_url, fid):
    ctx, page = new_page(browser, java_script_enabled=False, viewport=PHONE)
    try:
        page.goto(f"{site_url}fasilitas/{fid}/")
        assert page.evaluate("1 + 1") == 2  # Playwright's own scripts still run ...
        assert page.locator("html.pk-js").count() == 0  # ... the page's do not
        name = HTML_NAME if fid == HTML_NAME_ID else "Contoh Ruang Laktasi Teluk Dalam"
        h1 = page.locator("article h1")
        assert h1.is_visible() and h1.text_content() == name
        rows = page.locator("table.pk-rincian")
        for label in ("Alamat", "Sumber", "Status", "Verifikasi"):
            cell = rows.locator("tr", has=page.locator("th", has_text=label)).locator("td")
            assert cell.is_visible() and cell.inner_text().strip(), label
        assert "Data uji (tests/fixtures/site)" in rows.inner_text()
        assert page.get_by_role("link", name="Bagikan lewat WhatsApp").is_visible()
        assert page.get_by_role("link", name="Cetak poster").is_visible()
        # Copying needs JavaScript: without it the button is not offered at all.
        assert not page.locator("button.pk-salin").is_visible()
    finally:
        ctx.close()


# --- copy link ---------------------------------------------------------------------------------


def test_copy_link_button_works_after_instant_navigation(browser, site_url):
    ctx, page = new_page(browser, viewport={"width": 1280, "height": 900})
    try:
        ctx.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.rstrip("/"))
        page.goto(f"{site_url}kecamatan/banjarmasin-utara/")
        page.evaluate("() => { window.__pkSamePage = true; }")
        page.locator(".pk-daftar a", has_text="Kutip").click()
        page.wait_for_url(f"**/fasilitas/{HTML_NAME_ID}/")
        assert page.evaluate("() => window.__pkSamePage === true"), "full page load, not instant"
        status = page.locator(".pk-salin-status")
        assert status.get_attribute("aria-live") == "polite" and status.text_content() == ""
        page.get_by_role("button", name="Salin tautan").click()
        page.wait_for_function("() => document.querySelector('.pk-salin-status').textContent"
                               " === 'Tautan disalin'")
        assert status.is_visible()
        copied = page.evaluate("() => navigator.clipboard.readText()")
        assert copied == f"{site_url}fasilitas/{HTML_NAME_ID}/"
        ctx.recorder.assert_clean()
    finally:
        ctx.close()


# --- phones ------------------------------------------------------------------------------------

PHONE_PAGES = ["", f"fasilitas/{FULL_ID}/", f"fasilitas/{HTML_NAME_ID}/",
               "kecamatan/banjarmasin-tengah/", "kecamatan/banjarmasin-tengah/daftar/",
               "kecamatan/", "data/"]


def test_no_horizontal_overflow_at_360_px(browser, site_url):
    ctx, page = new_page(browser, viewport=PHONE, has_touch=True, is_mobile=True)
    try:
        wide = {}
        for path in PHONE_PAGES:
            page.goto(site_url + path)
            page.wait_for_load_state("load")
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > PHONE["width"]:
                wide[path or "/"] = width
        assert not wide, f"wider than {PHONE['width']} px: {wide}"
    finally:
        ctx.close()


def boxes(page, selector: str) -> list[tuple[str, float, float]]:
    found = []
    for item in page.locator(selector).all():
        if item.is_visible():
            box = item.bounding_box()
            found.append((" ".join(item.inner_text().split()), box["width"], box["height"]))
    return found


def test_action_buttons_and_list_links_are_touch_sized(browser, site_url):
    ctx, page = new_page(browser, viewport=PHONE, has_touch=True, is_mobile=True)
    try:
        page.goto(f"{site_url}fasilitas/{FULL_ID}/")
        buttons = boxes(page, ".pk-aksi a, .pk-aksi button")
        names = {b[0] for b in buttons}
        assert {"Petunjuk arah (OpenStreetMap)", "Bagikan lewat WhatsApp", "Salin tautan",
                "Cetak poster", "Laporkan perubahan", "Ubah data ini"} <= names, names
        small = [b for b in buttons if b[1] < 44 or b[2] < 44]
        assert not small, f"smaller than 44 x 44 px: {small}"
        for path, selector in (("kecamatan/banjarmasin-tengah/", ".pk-daftar > li > a:first-child"),
                               ("kecamatan/banjarmasin-tengah/daftar/", ".pk-teks h3 a")):
            page.goto(site_url + path)
            links = boxes(page, selector)
            assert len(links) == 2, (path, links)
            assert all(h >= 44 for _, _, h in links), (path, links)
            # A page with a map: leave once its map has started (going on while it still
            # loads cuts its last requests, e.g. the layer control's icon: net::ERR_ABORTED).
            if page.locator("iframe[src*='peta.html'], iframe[data-pk-src*='peta.html']").count():
                map_frame(page, "peta.html")
        ctx.recorder.assert_clean()
    finally:
        ctx.close()


def test_category_badges_draw_their_icon_from_the_stylesheet(browser, site_url):
    """Badges name their icon by class (kategori.css holds it as a data: URL mask): the icon is
    drawn (white shape on the badge colour, not a blank square) and the CSP allows it."""
    ctx, page = new_page(browser, viewport=PHONE)
    try:
        # (a kategori page's list names no category: each line would repeat the page's own)
        for path in ("kecamatan/banjarmasin-tengah/", f"fasilitas/{FULL_ID}/"):
            page.goto(site_url + path)
            icons = page.locator(".pk-badge .pk-ikon--kategori")
            assert icons.count() >= 1, path
            for icon in icons.all():
                mask = icon.evaluate("e => getComputedStyle(e).webkitMaskImage || "
                                     "getComputedStyle(e).maskImage")
                assert mask.startswith('url("data:image/svg+xml'), (path, mask[:60])
                box = icon.bounding_box()
                assert (round(box["width"]), round(box["height"])) == (18, 18), (path, box)
                shot = Image.open(io.BytesIO(icon.screenshot())).convert("RGB")
                colours = {shot.getpixel((x, y)) for x in range(shot.width)
                           for y in range(shot.height)}
                white = {c for c in colours if min(c) > 230}
                assert white and len(white) < len(colours), (path, "no icon shape drawn")
        ctx.recorder.assert_clean()
    finally:
        ctx.close()


# --- print -------------------------------------------------------------------------------------


def test_print_stylesheet_hides_the_site_around_the_content(page, site_url):
    page.goto(f"{site_url}fasilitas/{FULL_ID}/")
    page.emulate_media(media="print")
    for selector in (".md-header", ".md-tabs", ".md-footer", ".md-search", ".pk-peta iframe",
                     ".pk-aksi", "button.pk-salin"):
        assert page.locator(selector).first.evaluate("el => getComputedStyle(el).display") == \
            "none", selector
    assert page.locator("article h1").evaluate("el => getComputedStyle(el).color") == "rgb(0, 0, 0)"
    tel = page.locator(".pk-rincian a[href^='tel:']")  # the call button is hidden in print
    assert tel.evaluate("el => getComputedStyle(el, '::after').content") == '" (tel:05113352155)"'
    page.goto(f"{site_url}data/")
    page.emulate_media(media="print")
    licence = page.locator("a[href^='https://creativecommons.org/']")
    assert "https://creativecommons.org/licenses/by/4.0/deed.id" in licence.evaluate(
        "el => getComputedStyle(el, '::after').content")
    page.context.recorder.assert_clean()


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))


def test_poster_prints_on_exactly_one_a4_page(page, site_url):
    page.goto(f"{site_url}fasilitas/{HTML_NAME_ID}/poster.html")
    assert page.locator("svg.pk-qr").is_visible()
    assert pdf_pages(page.pdf(format="A4")) == 1
    page.context.recorder.assert_clean()
    assert set(page.context.recorder.hosts) == {"127.0.0.1"}  # nothing else, not even tiles


def test_longest_possible_poster_still_fits_one_page(page, site_url):
    """Schema maxima: a 150-character name, a 200-character address, a long description."""
    vocab, city = load_vocab(), load_city(load_config(REPO).kota_kode)
    words = "Pusat Pembelajaran Keluarga Terpadu Ramah Anak Kelurahan Pekapuran Raya "
    facility = Facility(
        id="contoh-" + "panjang-" * 12 + "sekali", file="", category=vocab.categories["puspaga"],
        kelurahan=city.kelurahan[-1], lat=-3.32, lon=114.59,
        data={"nama": (words * 3)[:150].strip(), "alamat": ("Jl. Pangeran Antasari " * 10)[:200],
              "keterangan": "Layanan konseling keluarga. " * 40, "kategori": "puspaga",
              "kelurahan": city.kelurahan[-1].nama, "sumber": "uji"})
    html = poster_html(facility, site_url, "Peta Kota Layak Anak Banjarmasin", "Kota Banjarmasin")
    page.set_content(html)
    page.emulate_media(media="print")
    clipped = page.locator("main").evaluate("el => el.scrollHeight - el.clientHeight")
    assert clipped <= 0, f"the poster's content overflows its page by {clipped} px"
    assert pdf_pages(page.pdf(format="A4")) == 1


# --- accessibility (axe-core) ------------------------------------------------------------------

# (page, path, map iframe to wait for)
AXE_PAGES = [
    ("beranda", "", None),
    ("peta", "peta/", "peta.html"),
    ("fasilitas", f"fasilitas/{FULL_ID}/", "mini.html"),
    ("kecamatan", "kecamatan/banjarmasin-tengah/", "peta.html#kecamatan="),
    ("kecamatan-gambar", "kecamatan/banjarmasin-tengah/", None),  # the map's picture, as loaded
    ("kategori", "kategori/ruang-laktasi/", "peta.html#kategori="),
    ("data", "data/", None),
    ("laporan", "laporan/", None),
    ("mutu", "mutu/", None),
    ("laporan-cetak", "laporan/cetak.html", None),
    # the map's panel open with an answer (card, list, "Terdekat dari…"), and the indexes
    ("peta-jawaban", "peta/#kategori=ruang-laktasi&dari=kuripan&pilih=contoh-ruang-laktasi-teluk-dalam",
     "peta.html"),
    ("kategori-indeks", "kategori/", None),
    ("kecamatan-indeks", "kecamatan/", None),
    ("daftar", "kecamatan/banjarmasin-tengah/daftar/", None),
    ("poster", f"fasilitas/{HTML_NAME_ID}/poster.html", None),
    ("tambah", "tambah/", "form.html"),  # the editors' form (its <main> inside the page's)
]
@pytest.fixture(scope="module")
def axe_violations(browser, site_url):
    """Violations per page, found once per module: axe runs in the page and, injected into every
    frame, inside the map iframes too."""
    results: dict[str, list[dict]] = {}
    ctx, page = new_page(browser, viewport={"width": 1280, "height": 900})
    try:
        for name, path, frame_src in AXE_PAGES:
            page.goto(site_url + path)
            if frame_src:
                map_frame(page, frame_src)
            page.wait_for_load_state("networkidle")
            response = axe_run(page, "{resultTypes: ['violations']}")
            results[name] = [
                {"id": v["id"], "impact": v["impact"], "help": v["help"],
                 "targets": [" >> ".join(n["target"]) for n in v["nodes"]]}
                for v in response["violations"]]
    finally:
        ctx.close()
    return results


def report(violations: list[dict]) -> str:
    return "\n".join(f"{v['id']} ({v['impact']}): {v['help']}\n    " + "\n    ".join(v["targets"])
                     for v in violations)


@pytest.mark.parametrize("name", [p[0] for p in AXE_PAGES])
def test_axe_finds_no_violations(axe_violations, name):
    # Material's search dialog lacked an accessible name (aria-dialog-name); the MkDocs hook
    # names it, so no exception is needed here.
    found = axe_violations[name]
    assert not found, f"axe violations on {name}:\n{report(found)}"

