"""What the public needs from a facility page, without a browser: everything readable in the
static HTML (fetched over HTTP, no JavaScript), sharing and reporting links, the text-only
lists per kecamatan and the printable posters (fixture site, built once per session)."""

from __future__ import annotations

import re
import urllib.request
from html import unescape
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
import segno
import yaml
from helpers_site import FIXTURE_RECORDS, HTML_NAME, HTML_NAME_ID, KECAMATAN, REPO, REPOSITORI

from petakla.config import load_config
from petakla.pages import generate_pages, jam_buka_text
from petakla.pipeline import check
from petakla.poster import poster_html, posters
from petakla.regions import load_city
from petakla.schema import AKSES, SEKTOR, STATUS
from petakla.vocab import load_vocab

PROTECTED = {slug for slug, c in yaml.safe_load(
    (REPO / "petakla" / "data" / "kategori.yml").read_text("utf-8")).items() if c["dilindungi"]}
# The QR code's settings, written out here so a change in petakla/poster.py is noticed.
QR = {"scale": 1, "border": 4, "omitsize": True, "svgclass": "pk-qr", "lineclass": None,
      "dark": "#000"}


def public_records() -> dict[str, dict]:
    recs = {p.stem: yaml.safe_load(p.read_text("utf-8")) for p in FIXTURE_RECORDS.glob("*.yml")}
    return {k: v for k, v in recs.items() if v["kategori"] not in PROTECTED}


class Page(HTMLParser):
    """The text of a page's <article> and its links (href, text)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0  # > 0 inside the article
        self.text: list[str] = []
        self.links: list[tuple[str, str]] = []
        self.buttons: list[dict] = []
        self._link: list | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "article":
            self.depth += 1
        if self.depth and tag == "a":
            self._link = [attrs.get("href", ""), ""]
        if self.depth and tag == "button":
            self.buttons.append(attrs)

    def handle_endtag(self, tag):
        if tag == "article":
            self.depth -= 1
        if tag == "a" and self._link is not None:
            self.links.append((self._link[0], " ".join(self._link[1].split())))
            self._link = None

    def handle_data(self, data):
        if self.depth:
            self.text.append(data)
            if self._link is not None:
                self._link[1] += data

    @property
    def plain(self) -> str:
        return " ".join("".join(self.text).split())


def fetch(url: str) -> Page:
    with urllib.request.urlopen(url, timeout=10) as resp:
        assert resp.status == 200
        html = resp.read().decode("utf-8")
    page = Page()
    page.feed(html)
    page.raw = html
    return page


def link(page: Page, text: str) -> str:
    hrefs = [href for href, t in page.links if t == text]
    assert len(hrefs) == 1, (text, page.links)
    return hrefs[0]


@pytest.mark.parametrize("fid", sorted(public_records()))
def test_facility_page_has_every_field_in_its_static_html(fixture_site, fid):
    """No JavaScript needed: every field of the record is in the HTML the server sends."""
    rec = public_records()[fid]
    vocab = load_vocab()
    city = load_city(load_config(fixture_site.root).kota_kode)
    page = fetch(f"{fixture_site.url}fasilitas/{fid}/")
    text = page.plain
    kel = city.find_kelurahan(rec["kelurahan"])
    cat = vocab.categories[rec["kategori"]]
    expected = [rec["nama"], cat.label, cat.klaster.judul, kel.nama, kel.kecamatan.nama,
                rec["sumber"], STATUS[rec.get("status", "aktif")], f"{rec['lokasi'][0]:.6f}"]
    expected += [rec[k] for k in ("alamat", "keterangan", "jam_buka") if k in rec]
    if "jam_buka" in rec:
        expected.append(jam_buka_text(rec["jam_buka"]))
    if "pengelola" in rec:
        expected += [rec["pengelola"]["nama"], SEKTOR[rec["pengelola"]["sektor"]]]
    if "akses" in rec:
        expected.append(AKSES[rec["akses"]])
    expected += [vocab.amenitas[a] for a in rec.get("fasilitas", [])]
    expected += list((rec.get("kontak") or {}).values())
    if "usia" in rec:
        expected.append(f"{rec['usia'][0]}–{rec['usia'][1]} tahun")
    ver = rec.get("verifikasi")
    expected += [ver["tanggal"], ver["oleh"]] if ver else ["Belum diverifikasi di tempat"]
    missing = [v for v in expected if " ".join(str(v).split()) not in text]
    assert not missing, f"{fid}: not in the static HTML: {missing}"
    assert re.search(r"<h1>[^<]+</h1>", page.raw)  # the name is text in the page, not a script


def test_jam_buka_uses_indonesian_day_names():
    assert jam_buka_text("Mo-Fr 08:00-16:00; Sa 08:00-12:00; Su,PH off") == (
        "Senin-Jumat 08:00-16:00; Sabtu 08:00-12:00; Minggu,hari libur nasional tutup")


def test_facility_page_share_report_edit_and_poster_links(fixture_site):
    page = fetch(f"{fixture_site.url}fasilitas/{HTML_NAME_ID}/")
    url = f"{fixture_site.url}fasilitas/{HTML_NAME_ID}/"
    # WhatsApp: a plain link (works without JavaScript) carrying "Nama — URL".
    wa = urlsplit(link(page, "Bagikan lewat WhatsApp"))
    assert (wa.scheme, wa.netloc, wa.path) == ("https", "wa.me", "/")
    assert parse_qs(wa.query)["text"] == [f"{HTML_NAME} — {url}"]
    # The copy button carries the absolute address for situs.js.
    assert [b.get("data-pk-salin") for b in page.buttons] == [url]
    assert [b.get("type") for b in page.buttons] == ["button"]
    assert 'role="status" aria-live="polite"' in page.raw
    # "Laporkan perubahan": a prefilled issue in the configured repository.
    report = urlsplit(link(page, "Laporkan perubahan"))
    assert f"{report.scheme}://{report.netloc}{report.path}" == f"{REPOSITORI}/issues/new"
    query = parse_qs(report.query)
    assert query["title"] == [f"Perubahan data: {HTML_NAME}"]
    body = query["body"][0]
    for needle in (HTML_NAME, f"ID: {HTML_NAME_ID}", f"Halaman: {url}",
                   f"facilities/{HTML_NAME_ID}.yml", "- [ ] Jam buka", "- [ ] Alamat"):
        assert needle in body, needle
    assert link(page, "Ubah data ini") == f"{REPOSITORI}/edit/main/facilities/{HTML_NAME_ID}.yml"
    assert link(page, "Cetak poster") == "poster.html"
    assert (fixture_site.site / "fasilitas" / HTML_NAME_ID / "poster.html").is_file()
    # Directions and the record's verification status stay.
    assert "openstreetmap.org/directions" in link(page, "Petunjuk arah (OpenStreetMap)")
    assert "Belum diverifikasi" in page.plain


def test_without_a_repository_the_report_and_edit_links_are_left_out(fixture_site):
    config = load_config(fixture_site.root, {"repositori": ""})
    assert load_config(fixture_site.root).repositori == REPOSITORI
    facilities = check(config).facilities
    pages = generate_pages(config, load_vocab(), load_city(config.kota_kode), facilities,
                           site_url=fixture_site.url)
    facility_pages = {k: v for k, v in pages.items() if k.startswith("fasilitas/")
                      and k.endswith(".md")}
    assert len(facility_pages) == len(public_records())
    for uri, md in facility_pages.items():
        for needle in ("Laporkan perubahan", "Ubah data ini", "issues/new", "/edit/", "github",
                       'href=""', "None"):
            assert needle not in md, (uri, needle)
        assert "wa.me" in md and "poster.html" in md  # sharing does not need the repository
    # Without the site's address nothing absolute is written: the share buttons take the
    # page's own address in the browser (situs.js; tests/test_deploy.py clicks them).
    pages = generate_pages(config, load_vocab(), load_city(config.kota_kode), facilities)
    md = pages[f"fasilitas/{HTML_NAME_ID}.md"]
    assert 'data-pk-salin=""' in md and 'data-pk-wa="' in md and 'href=""' not in md
    assert "fasilitas/" + HTML_NAME_ID not in md.split("poster.html")[0]
    poster = posters(facilities, "", config.judul, config.kota_nama)[
        f"fasilitas/{HTML_NAME_ID}/poster.html"]
    assert 'class="pk-qr"' not in poster and "href=" not in poster  # no QR code, no link


# --- text-only lists ----------------------------------------------------------------------------


def test_text_only_list_per_kecamatan_has_every_facility_and_no_map(fixture_site):
    city = load_city(load_config(fixture_site.root).kota_kode)
    records = public_records()
    seen = []
    index = fetch(f"{fixture_site.url}kecamatan/")
    for slug in KECAMATAN:
        page = fetch(f"{fixture_site.url}kecamatan/{slug}/daftar/")
        assert "<iframe" not in page.raw
        assert not re.search(r"leaflet|peta\.js|peta\.html|mini\.html", page.raw)
        text = page.plain
        for fid, rec in records.items():
            kel = city.find_kelurahan(rec["kelurahan"])
            if kel.kecamatan.slug != slug:
                assert rec["nama"] not in text
                continue
            seen.append(fid)
            assert link(page, rec["nama"]) == f"../../../fasilitas/{fid}/"
            expected = [f"Kelurahan {kel.nama}", vocab_label(rec), STATUS[rec.get("status", "aktif")]]
            expected += [rec.get("alamat", "")]
            expected.append(jam_buka_text(rec["jam_buka"]) if "jam_buka" in rec else "Belum tercatat")
            expected.append(AKSES[rec["akses"]] if "akses" in rec else "Belum tercatat")
            expected += list((rec.get("kontak") or {}).values())
            ver = rec.get("verifikasi")
            expected.append(f"Diperiksa di tempat pada {ver['tanggal']} oleh {ver['oleh']}" if ver
                            else "Belum diverifikasi di tempat")
            missing = [v for v in expected if v not in text]
            assert not missing, (slug, fid, missing)
        # Linked from the kecamatan page and from /kecamatan/.
        kec = fetch(f"{fixture_site.url}kecamatan/{slug}/")
        assert link(kec, "Versi teks (hemat kuota)") == "daftar/"
        assert f"{slug}/daftar/" in [h for h, _ in index.links]
    assert sorted(seen) == sorted(records)


def vocab_label(rec: dict) -> str:
    return load_vocab().categories[rec["kategori"]].label


# --- posters -----------------------------------------------------------------------------------


def qr_svg_in(html: str) -> str:
    found = re.findall(r'<svg viewBox="[^"]*" class="pk-qr">.*?</svg>', html, re.S)
    assert len(found) == 1, "exactly one QR code"
    return found[0]


@pytest.mark.parametrize("fid", sorted(public_records()))
def test_poster_embeds_the_qr_code_of_the_facility_page(fixture_site, fid):
    html = (fixture_site.site / "fasilitas" / fid / "poster.html").read_text("utf-8")
    url = f"{fixture_site.url}fasilitas/{fid}/"
    assert qr_svg_in(html) == segno.make(url, error="m", micro=False, mask=0).svg_inline(**QR)
    # The address is also written out, as text below the code.
    figure = re.search(r'<figure class="qr">(.*?)</figure>', html, re.S).group(1)
    caption = re.search(r"<figcaption>(.*?)</figcaption>", figure, re.S).group(1)
    assert figure.index("pk-qr") < figure.index("<figcaption>")
    assert unescape(re.sub(r"<[^>]+>", "", caption)) == url
    # A standalone A4 document that fetches nothing.
    assert html.startswith("<!DOCTYPE html>") and '<html lang="id">' in html
    assert "size: A4" in html
    assert not re.search(r"\bsrc=|<link\b|@import|url\(", html)
    assert [u for u in re.findall(r'href="([^"]*)"', html)] == [url]
    name = public_records()[fid]["nama"]
    assert (name if fid != HTML_NAME_ID else "Taman &lt;b&gt;Uji&lt;/b&gt;") in html


def test_poster_is_byte_reproducible_and_escapes_record_text(fixture_site):
    config = load_config(fixture_site.root)
    facility = next(f for f in check(config).facilities if f.id == HTML_NAME_ID)
    html = poster_html(facility, fixture_site.url, config.judul, config.kota_nama)
    assert html == poster_html(facility, fixture_site.url, config.judul, config.kota_nama)
    built = (fixture_site.site / "fasilitas" / HTML_NAME_ID / "poster.html").read_text("utf-8")
    # The build adds the site's Content-Security-Policy (petakla/csp.py) and nothing else.
    assert built.count('<meta http-equiv="Content-Security-Policy"') == 1
    assert re.sub(r'<meta http-equiv="Content-Security-Policy"[^>]*>\n', "", built) == html
    assert "style=" not in html  # inline style attributes would be blocked by that policy
    assert "<b>Uji</b>" not in html and "<script>alert" not in html and "<i>Contoh" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_every_html_document_carries_its_content_security_policy(fixture_site):
    """Every page and standalone document (maps, form, posters) has exactly one CSP <meta>,
    inline scripts allowed only by hash."""
    documents = sorted(fixture_site.site.rglob("*.html"))
    assert len(documents) > 20
    for path in documents:
        html = path.read_text(encoding="utf-8")
        policies = re.findall(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', html)
        assert len(policies) == 1, path
        script_src = re.search(r"script-src ([^;]*)", policies[0]).group(1).split()
        assert "'self'" in script_src and "'unsafe-inline'" not in script_src, path
        assert "object-src 'none'" in policies[0], path
