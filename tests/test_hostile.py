"""Hostile records: text fields full of HTML, script, javascript: links and break-outs show as
text on every page type, in popups, search results and downloads; no dialog opens, no injected
element exists, and the Content-Security-Policy is never violated. Template syntax ("{{ 7*7 }}")
is never evaluated anywhere."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from browser_util import map_frame, map_still
from helpers_site import make_project, serve

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "hostile"
IDS = ["serangan-jinja", "serangan-laktasi", "serangan-taman"]
INJECTED = ("img[src='x'], svg[onload], iframe[src^='javascript'], a[href^='javascript'], "
            "[onmouseover], [onclick], [onerror], b[onclick], body > style")
CSP_PROBE = """window.__pkCsp = []; document.addEventListener('securitypolicyviolation',
  e => window.__pkCsp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile));"""
# An iframe's own document (situs.js gives it its src), loaded: its CSP <meta> is in place.
LOADED = """el => { const d = el.getAttribute('src') && el.contentDocument;
  return !!d && d.URL !== 'about:blank' && d.readyState === 'complete'; }"""
PAGES = ["", "peta/", "fasilitas/serangan-laktasi/", "fasilitas/serangan-taman/",
         "kecamatan/banjarmasin-tengah/", "kecamatan/banjarmasin-tengah/daftar/",
         "kategori/ruang-laktasi/", "data/", "cakupan/", "tambah/",
         "fasilitas/serangan-laktasi/poster.html"]


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    from petakla.config import load_config
    from petakla.site import build_site

    root = tmp_path_factory.mktemp("serangan") / "proyek"
    with serve(root / "site") as url:
        make_project(root, records=FIXTURES, site_url=url)
        assert build_site(load_config(root), strict=True) == 0
        yield root / "site", url


def _assert_clean_dom(frames, where: str) -> None:
    for frame in frames:
        found = frame.locator(INJECTED).evaluate_all("els => els.map(e => e.outerHTML.slice(0, 80))")
        assert found == [], f"{where} ({frame.url}): injected elements {found}"
        scripts = frame.locator("script").evaluate_all("els => els.map(e => e.textContent)")
        assert not [s for s in scripts if "alert(" in s], f"{where}: a record's script is in the DOM"
        # "no violation" means something only where a policy is in force
        policies = frame.locator('meta[http-equiv="Content-Security-Policy"]').count()
        assert policies == 1, f"{where} ({frame.url}): {policies} CSP <meta> instead of 1"
        violations = frame.evaluate("() => window.__pkCsp || []")
        assert violations == [], f"{where} ({frame.url}): CSP violations {violations}"


def test_every_page_type_shows_payloads_as_text(browser, hostile_site):
    site, url = hostile_site
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    ctx.add_init_script(CSP_PROBE)
    ctx.route("**/*", lambda r: r.continue_() if "127.0.0.1" in r.request.url else r.abort())
    dialogs: list[str] = []
    try:
        page = ctx.new_page()
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        for path in PAGES:
            page.goto(url + path)
            page.wait_for_load_state("networkidle")
            for start in page.locator(".pk-peta-buka").all():  # a map shown as its picture
                start.click()
            for iframe in page.locator("iframe").all():
                iframe.scroll_into_view_if_needed()  # lazy: loaded when near the viewport
                page.wait_for_function(LOADED, arg=iframe.element_handle())
            _assert_clean_dom(page.frames, path or "/")
        # The name is visible as text where it matters.
        page.goto(url + "fasilitas/serangan-laktasi/")
        assert "<script>alert('nama')</script>" in page.locator("article h1").text_content()

        # Popup and search results on the full map.
        page.goto(url + "peta/")
        frame = map_frame(page, "peta.html")
        frame.locator("#pk-panel").wait_for()
        frame.get_by_role("button", name="Filter dan daftar").click()  # the panel starts closed
        frame.get_by_label("Cari fasilitas").fill("alert")
        frame.wait_for_function("() => document.documentElement.dataset.pkShown === '2'")
        # Both fixture records match, so pkShown is '2' before the search applies too: wait for
        # the result list itself (it follows the full records, loaded on first search).
        frame.locator(".pk-hasil-nama").nth(1).wait_for()
        names = frame.locator(".pk-hasil-nama").all_text_contents()
        assert any("<img src=x onerror=alert('img')>" in n for n in names), names
        frame.locator(".pk-hasil-nama").first.click()
        frame.locator(".leaflet-popup .pk-nama").wait_for()
        map_still(frame)  # the popup in place
        _assert_clean_dom(page.frames, "popup")
    finally:
        ctx.close()
    assert dialogs == []


def test_downloads_keep_payloads_as_data(hostile_site):
    site, _ = hostile_site
    geo = json.loads((site / "data" / "fasilitas.geojson").read_text(encoding="utf-8"))
    names = sorted(f["properties"]["nama"] for f in geo["features"])
    assert names[0].startswith("</script><script>alert('json')")
    kml = (site / "data" / "fasilitas.kml").read_text(encoding="utf-8")
    # Names are plain-text elements (GDAL wraps them in CDATA); descriptions are rendered as
    # HTML by Google Earth, so every record text in them must be escaped.
    for description in kml.split("<description>")[1:]:
        body = description.split("</description>")[0]
        assert "<script>" not in body and "<img src=x" not in body, body[:200]
    data = (site / "peta" / "fasilitas.json").read_text(encoding="utf-8")
    assert json.loads(data)["baris"][0][1].startswith("<script>") or \
        json.loads(data)["baris"][1][1].startswith("<script>")


def test_payload_strings_never_reach_a_script_or_attribute_unescaped(hostile_site):
    site, _ = hostile_site
    for path in site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        for needle in ("<script>alert(", "<img src=x onerror", "<svg onload", "<iframe src=javascript",
                       'href="javascript:', "' onmouseover='", "<b onclick", "<style>body"):
            assert needle not in text, f"{path.relative_to(site)} contains {needle!r} unescaped"


# serangan-jinja.yml: what its text would become if a template engine evaluated it.
EVALUATED = ("Taman 49", "Lembaga 42", "Jl. Benar", "} mentah", "<Config ", "<function ")
JINJA_NAME = "Taman {{ 7*7 }} {{ config }}"


def test_template_syntax_in_a_record_is_never_evaluated(hostile_site):
    """Folium renders a map document's script through Jinja twice (branca wraps each rendered
    script in a new Template), so record text must never reach a map's options; MkDocs pages
    never evaluate page content. A lone "{% if" would stop the build if it were evaluated."""
    site, _ = hostile_site
    read = 0
    for path in site.rglob("*"):
        if path.suffix not in {".html", ".json", ".geojson", ".csv", ".kml", ".osm", ".xml"}:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        read += 1
        for needle in EVALUATED:
            assert needle not in text, f"{path.relative_to(site)}: {needle!r}"
    assert read > 30
    page = (site / "fasilitas" / "serangan-jinja" / "index.html").read_text(encoding="utf-8")
    assert f"<h1>{JINJA_NAME}</h1>" in page
    assert "{% if true %}Benar{% endif %} {# komentar #} {% if" in page
    for name in ("peta/fasilitas.json", "tambah/daftar.json", "tambah/data/0.json",
                 "data/fasilitas.geojson"):
        assert JINJA_NAME in (site / name).read_text(encoding="utf-8"), name


def _options(html: str, call: str) -> dict:
    """The options object a map document passes to `call` (e.g. "PetaKLA.main"), as the
    browser reads the JSON literal."""
    start = html.index(call + "(")
    start = html.index("{", start)
    options, _ = json.JSONDecoder().raw_decode(html[start:])
    return options


def test_template_syntax_in_the_vocabulary_is_never_evaluated():
    """A category's label and search words from kategori.yml do reach the map and form
    documents' options (rendered twice by Folium): written inert, read back unchanged."""
    import dataclasses

    from petakla.config import load_config
    from petakla.form import form_document
    from petakla.maps import map_documents
    from petakla.regions import load_city
    from petakla.vocab import load_vocab

    repo = Path(__file__).resolve().parent.parent
    vocab = load_vocab()
    label, words = "Taman {{ 7*7 }} {# x #}", ("ayunan {% if", "{{{ 6*7 }}}")
    changed = dataclasses.replace(vocab.categories["taman-bermain"], label=label, sinonim=words)
    vocab = dataclasses.replace(vocab, categories={**vocab.categories, "taman-bermain": changed})
    config = load_config(repo)
    city = load_city(config.kota_kode)
    docs = map_documents(config, vocab, city=city)
    calls = {"peta/peta.html": "PetaKLA.main", "peta/mini.html": "PetaKLA.mini"}
    for name, call in calls.items():
        html = docs[name]
        assert "Taman 49" not in html and "{ 42 }" not in html, name
        options = _options(html, call)
        assert options["kategori"]["taman-bermain"]["label"] == label
        assert options["kategori"]["taman-bermain"]["sinonim"] == list(words)
    form = form_document(config, vocab, city)
    assert "Taman 49" not in form
    assert _options(form, "PetaTambah.start")["kategori"]["taman-bermain"]["label"] == label
