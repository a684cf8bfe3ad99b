"""The coverage page (/cakupan/) on built sites: the session's fixture site (no kelurahan
boundaries) and, once per module, the same records built with the project's own boundaries
(wilayah/: outlines layer, choropleths, walking reach), checked in the generated files and in
a real headless Chromium. The figures themselves are checked by hand in test_stats.py."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from helpers_site import FIXTURE_RECORDS, PROTECTED_NAME, REPO, make_project, serve

from petakla import charts, stats
from petakla.config import load_config
from petakla.coverage import OUTLINE_LABEL, pct
from petakla.geo import load_boundaries
from petakla.pipeline import check
from petakla.regions import load_city
from petakla.vocab import load_vocab

PROJECT_KEL = REPO / "wilayah" / "kelurahan.geojson"  # the project's own (scripts/derive_boundaries.py)
CITY = load_city(load_config(REPO).kota_kode)
# Material's content column on a 360 px wide phone (0.8rem margins either side).
PHONE_CONTENT_PX = 328


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def geojson_in(html: str) -> dict:
    """The FeatureCollection a Folium GeoJson element embeds in a map document."""
    start = html.index("_add({") + len("_add(")
    data, _ = json.JSONDecoder().raw_decode(html, start)
    return data


# --- charts -----------------------------------------------------------------------------------


CHART = charts.Chart("uji", "Judul <uji>", "Teks alternatif & data",
                     (charts.Bar("Kampung Bermain", 9, 43, "9/52"),
                      charts.Bar("Ruang Bermain Ramah Anak yang namanya panjang", 0, 52)),
                     value_label="sudah ada", rest_label="belum ada", xlabel="kelurahan")


def test_chart_svg_is_byte_reproducible_and_labelled():
    first, second = charts.render_svg(CHART), charts.render_svg(CHART)
    assert first == second
    assert '<title>Judul &lt;uji&gt;</title>' in first
    assert "<desc>Teks alternatif &amp; data</desc>" in first
    assert re.search(r'<svg\b[^>]*viewBox="0 0 [\d.]+ [\d.]+"[^>]*role="img"', first)
    # Every label, value and legend text is in the file, the long label wrapped.
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", first)
    for t in ("Kampung Bermain", "9/52", "0", "sudah ada", "belum ada", "kelurahan",
              "Ruang Bermain Ramah", "Anak yang namanya", "panjang"):
        assert t in texts, t


def _rects(svg: str) -> list[dict]:
    return [dict(re.findall(r'(\w+)="([^"]*)"', r)) for r in re.findall(r"<rect [^>]*/>", svg)]


def test_chart_bars_are_drawn_to_scale():
    bars = (charts.Bar("a", 9, 43), charts.Bar("b", 26, 26), charts.Bar("c", 0, 52))
    svg = charts.render_svg(charts.Chart("skala", "t", "a", bars, "sudah", "belum", "kelurahan"))
    body = [r for r in _rects(svg) if r.get("height") == "18"]
    teal = [r for r in body if r["fill"] == charts.BAR]
    grey = [r for r in body if r["fill"] == charts.REST]
    assert len(teal) == 2 and len(grey) == 3  # no bar for a zero value
    x0 = float(teal[0]["x"])
    unit = float(teal[0]["width"]) / 9
    assert float(teal[1]["width"]) == pytest.approx(26 * unit, abs=0.02)
    for r, (start, rest) in zip(grey, ((9, 43), (26, 26), (0, 52)), strict=True):
        assert float(r["x"]) == pytest.approx(x0 + start * unit, abs=0.02)
        assert float(r["width"]) == pytest.approx(rest * unit, abs=0.02)
    # Whole-number ticks from 0, labelled, within the axis.
    ticks = re.findall(r'<text x="([\d.]+)" y="[\d.]+" text-anchor="middle">(\d+)</text>', svg)
    values = [int(t) for _, t in ticks]
    step = values[1]
    assert values == list(range(0, 53, step)) and step in (1, 2, 5, 10, 20, 50)
    for x, t in ticks:
        assert float(x) == pytest.approx(x0 + int(t) * unit, abs=0.02)


def test_chart_text_stays_readable_on_a_phone():
    svg = charts.render_svg(CHART)
    sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)"', svg)]
    assert sizes and min(sizes) >= charts.MIN_FONT_PT
    assert "<text" in svg and not re.search(r"<text[^>]*font-size", svg)  # all inherit it
    width_pt, _ = charts.view_box(svg)
    assert width_pt == pytest.approx(charts.FIG_WIDTH_IN * 72)
    # Shown at the content width of a 360 px phone, 1 pt of the viewBox is this many px:
    assert charts.MIN_FONT_PT * PHONE_CONTENT_PX / width_pt >= 11


# --- the fixture site, without boundaries -------------------------------------------------------


def test_coverage_page_without_boundaries(fixture_site):
    site = fixture_site.site
    html = text(site / "cakupan" / "index.html")
    vocab = load_vocab()
    # The matrix: every kelurahan of the city, linked to its list on the kecamatan page.
    matrix = html[html.index('class="pk-urut pk-matriks"'):]
    matrix = matrix[:matrix.index("</table>")]
    for kel in CITY.kelurahan:
        href = f'../kecamatan/{kel.kecamatan.slug}/#{kel.slug}'
        assert f'<a href="{href}">{kel.nama}</a>' in matrix, kel.nama
        assert f'id="{kel.slug}"' in text(site / "kecamatan" / kel.kecamatan.slug / "index.html")
    assert matrix.count("<tr>") == len(CITY.kelurahan) + 1
    for cat in vocab.categories.values():
        assert (f"<span>{cat.label}</span>" in matrix) != cat.dilindungi, cat.slug
    # Gap sentences: 1 of the 52 kelurahan (Teluk Dalam) has the fixture's ruang laktasi.
    n = len(CITY.kelurahan)
    assert f"{n - 1} dari {n} kelurahan belum memiliki Ruang Laktasi." in html
    assert f"{n} dari {n} kelurahan belum memiliki PUSPAGA." in html
    # Charts as files, each with alt text and its data table.
    for name in ("kategori", "kelurahan-kategori", "klaster", "sektor"):
        assert (site / "cakupan" / f"{name}.svg").is_file()
        m = re.search(rf'<img src="{name}.svg" alt="([^"]+)"', html)
        assert m and len(m.group(1)) > 40, name
    assert html.count("<table") >= 7 and html.count("<caption>") >= 4
    # Contributions: the fixture has no dunia usaha or media manager.
    assert "Belum ada fasilitas tercatat yang dikelola dunia usaha." in html
    # Without boundaries: no maps, no outlines, and the page says what they need.
    assert "membutuhkan berkas batas kelurahan" in html
    assert not (site / "peta" / "cakupan.html").exists()
    assert not (site / "peta" / "batas.geojson").exists()
    assert "batas.geojson" not in text(site / "peta" / "peta.html")
    assert PROTECTED_NAME not in html
    # The sort script is loaded on every page (instant navigation), not inlined here.
    assert "assets/peta/tabel-urut.js" in text(site / "index.html")
    assert "<script>" not in html[html.index('<article'):html.index("</article>")]


# --- a build with the reference boundaries ----------------------------------------------------


@pytest.fixture(scope="module")
def geo_site(tmp_path_factory) -> Iterator[tuple[Path, str]]:
    """The fixture records built (strict) with the project's kelurahan boundaries, served on
    127.0.0.1: (site folder, base URL)."""
    from petakla.site import build_site

    root = tmp_path_factory.mktemp("cakupan") / "proyek"
    with serve(root / "site") as url:
        make_project(root, site_url=url, boundaries=True)
        assert build_site(load_config(root), strict=True) == 0
        yield root / "site", url


def fixture_reach() -> dict[str, stats.Reach]:
    """Walking reach from the fixture records' play spaces, straight from their YAML."""
    points = [tuple(r["lokasi"]) for r in (yaml.safe_load(text(p))
                                           for p in FIXTURE_RECORDS.glob("*.yml"))
              if r["kategori"] in stats.PLAY_CATEGORIES]
    assert len(points) == 2
    return stats.walking_reach(load_boundaries(load_config(REPO)).frame, points)


def test_outlines_file_and_layer(geo_site):
    site, _ = geo_site
    data = json.loads(text(site / "peta" / "batas.geojson"))
    levels = [f["properties"]["tingkat"] for f in data["features"]]
    assert levels.count("kelurahan") == len(CITY.kelurahan) == 52
    assert levels.count("kecamatan") == len(CITY.kecamatan) == 5
    coords = re.findall(r"-?\d+\.\d+", text(site / "peta" / "batas.geojson"))
    assert coords and max(len(c.split(".")[1]) for c in coords) <= 5  # rounded to ~1 m
    source = json.loads(text(PROJECT_KEL))
    source_vertices = sum(len(ring) for f in source["features"]
                          for ring in f["geometry"]["coordinates"])
    kel_vertices = sum(len(ring) for f in data["features"] if f["id"].count(".") == 3
                       for ring in f["geometry"]["coordinates"])
    assert kel_vertices < source_vertices * 0.8  # simplified
    for name in ("peta.html", "mini.html"):
        html = text(site / "peta" / name)
        assert 'fetch("batas.geojson")' in html and json.dumps(OUTLINE_LABEL) in html


def test_choropleths_and_walking_reach_on_the_page(geo_site):
    site, _ = geo_site
    page = text(site / "cakupan" / "index.html")
    assert "membutuhkan berkas batas kelurahan" not in page
    assert '<iframe data-pk-src="../peta/cakupan.html"' in page
    assert '<iframe data-pk-src="../peta/jangkauan.html"' in page
    # Types per kelurahan on the choropleth = the matrix's "Jenis" column.
    result = check(load_config(site.parent))
    matrix = stats.coverage_matrix(CITY, stats.public_categories(load_vocab()), result.facilities)
    types = stats.types_present(matrix)
    cakupan = geojson_in(text(site / "peta" / "cakupan.html"))
    assert {f["id"]: f["properties"]["nilai"] for f in cakupan["features"]} == types
    assert sum(types.values()) == 6  # six published categories in six kelurahan
    by_code = {k.kode: k for k in CITY.kelurahan}
    for f in cakupan["features"]:
        kel = by_code[f["id"]]
        assert f["properties"]["keterangan"].startswith(
            f"{kel.nama} (Kecamatan {kel.kecamatan.nama}): {types[kel.kode]} jenis fasilitas")
    # Walking reach: the same numbers on the choropleth and in the table.
    reach = fixture_reach()
    jangkauan = geojson_in(text(site / "peta" / "jangkauan.html"))
    assert {f["id"]: f["properties"]["nilai"] for f in jangkauan["features"]} == \
        {k: round(r.share * 100, 1) for k, r in reach.items()}
    table = page[page.index("Dalam 500 m dari ruang bermain"):]
    for kel in CITY.kelurahan:
        row = re.search(rf'#{kel.slug}">{kel.nama}</a></th>(.*?)</tr>', table).group(1)
        assert f">{pct(reach[kel.kode].share)}</td>" in row, kel.nama
    # The two play spaces (Kelayan Tengah, Sungai Miai) reach into their kelurahan; Mantuil
    # (the far south-west) is out of reach.
    code = {k.nama: k.kode for k in CITY.kelurahan}
    assert reach[code["Kelayan Tengah"]].share > 0.3 and reach[code["Sungai Miai"]].share > 0.1
    assert reach[code["Mantuil"]].share == 0
    total = sum(r.covered_m2 for r in reach.values()) / sum(r.area_m2 for r in reach.values())
    assert f"secara keseluruhan {pct(total)} wilayah" in page


def test_coverage_page_in_a_browser(geo_site, browser):
    from browser_util import map_frame, new_page

    site, url = geo_site
    ctx, page = new_page(browser, viewport={"width": 360, "height": 780})
    recorder = ctx.recorder
    try:
        page.goto(url + "cakupan/")
        # The choropleth draws one interactive polygon per kelurahan.
        iframe = page.locator("iframe[src$='peta/cakupan.html']")
        iframe.scroll_into_view_if_needed()
        frame = iframe.element_handle().content_frame()
        polygons = frame.locator("path.leaflet-interactive")
        polygons.nth(51).wait_for(state="attached")
        assert polygons.count() == 52
        assert frame.locator(".pk-legenda").is_visible()
        # Charts: at 360 px, no chart text is smaller than 11 px.
        for img in page.locator(".pk-diagram img").all():
            img.scroll_into_view_if_needed()
            img.evaluate("i => i.decode()")  # loaded (they are lazy)
            width = img.evaluate("i => i.getBoundingClientRect().width")
            name = img.get_attribute("src").rsplit("/", 1)[-1]  # made absolute by Material
            vb_width, _ = charts.view_box(text(site / "cakupan" / name))
            assert charts.MIN_FONT_PT * width / vb_width >= 11, (name, width)
        # Sorting with the keyboard: the header button says its state with aria-sort.
        table = page.locator("table.pk-matriks")
        header = table.locator("thead th").last  # "Jumlah"
        button = header.get_by_role("button")
        button.focus()
        page.keyboard.press("Enter")
        assert header.get_attribute("aria-sort") == "ascending"
        page.keyboard.press("Enter")
        assert header.get_attribute("aria-sort") == "descending"
        totals = [int(t) for t in table.locator("tbody tr td:last-child").all_inner_texts()]
        assert totals == sorted(totals, reverse=True) and totals[0] >= 1
        status = table.locator("xpath=following-sibling::*[@role='status']")
        assert status.text_content() == "Diurutkan menurut Jumlah, turun."
        # The facility map: the outlines switch on from their own checkbox.
        page.goto(url + "peta/")
        frame = map_frame(page, "peta.html")
        before = frame.locator(".leaflet-overlay-pane path").count()
        frame.get_by_label(OUTLINE_LABEL).check()
        frame.locator(".leaflet-overlay-pane path").nth(before + 56).wait_for(state="attached")
        assert frame.locator(".leaflet-overlay-pane path").count() == before + 57
        recorder.assert_clean()
    finally:
        ctx.close()


_CHART_BOXES = """() => {
  const svg = document.querySelector("svg");
  const box = e => { const b = e.getBBox(); return [b.x, b.y, b.x + b.width, b.y + b.height]; };
  return {
    view: [svg.viewBox.baseVal.width, svg.viewBox.baseVal.height],
    texts: [...svg.querySelectorAll("text")].map(t => ({
      text: t.textContent, box: box(t), length: t.getComputedTextLength(),
      anchor: t.getAttribute("text-anchor") || "start"})),
    rects: [...svg.querySelectorAll("rect")].filter(r => r.getAttribute("fill") !== "#ffffff")
      .map(box),
    axis: Math.min(...[...svg.querySelectorAll("line")]
      .filter(l => l.x1.baseVal.value === l.x2.baseVal.value).map(l => l.x1.baseVal.value)),
  };
}"""


def _overlap(a: list[float], b: list[float]) -> bool:
    return a[0] < b[2] - 0.01 and b[0] < a[2] - 0.01 and a[1] < b[3] - 0.01 and b[1] < a[3] - 0.01


def test_chart_layout_in_a_browser(geo_site, browser):
    """Chromium lays out every chart of the page (and one with a long, wrapped label): all
    text inside the picture, no text over another or over a bar, labels left of the axis, and
    the widths the layout assumed never smaller than the ones Chromium measures."""
    from browser_util import new_page

    site, url = geo_site
    ctx, page = new_page(browser)
    try:
        names = sorted(p.name for p in (site / "cakupan").glob("*.svg"))
        assert names == ["kategori.svg", "kelurahan-kategori.svg", "klaster.svg", "sektor.svg"]
        page.set_content(charts.render_svg(CHART))  # inline in an HTML document
        layouts = [("uji", page.evaluate(_CHART_BOXES))]
        for name in names:  # the files, as SVG documents
            page.goto(f"{url}cakupan/{name}")
            layouts.append((name, page.evaluate(_CHART_BOXES)))
        for name, lay in layouts:
            width, height = lay["view"]
            for t in lay["texts"]:
                x1, y1, x2, y2 = t["box"]
                assert x1 >= 0 and x2 <= width and y1 >= 0 and y2 <= height, (name, t)
                assert charts.text_width(t["text"], charts.MIN_FONT_PT) >= t["length"] - 0.01, \
                    (name, t)
                if t["anchor"] == "end":  # a bar's label
                    assert x2 <= lay["axis"], (name, t)
                assert not any(_overlap(t["box"], r) for r in lay["rects"]), (name, t)
            boxes = [t["box"] for t in lay["texts"]]
            for i, a in enumerate(boxes):
                assert not any(_overlap(a, b) for b in boxes[i + 1:]), (name, lay["texts"][i])
    finally:
        ctx.close()


def test_contributors_are_listed_with_links_and_escaped(project):
    """A dunia-usaha manager whose name carries markup: listed with its facility, escaped."""
    from petakla.coverage import coverage_files
    from petakla.model import Facility

    vocab = load_vocab()
    kel = CITY.find_kelurahan("Teluk Dalam")
    name = 'PT <b>Uji</b> "Kutip" & Co'
    f = Facility(id="laktasi-pt-uji", file="facilities/laktasi-pt-uji.yml",
                 data={"nama": "Ruang Laktasi <i>PT</i>", "kategori": "ruang-laktasi",
                       "kelurahan": kel.nama, "sumber": "uji",
                       "pengelola": {"nama": name, "sektor": "dunia-usaha"}},
                 category=vocab.categories["ruang-laktasi"], kelurahan=kel, lat=-3.3192,
                 lon=114.5797)
    page = coverage_files(load_config(project), vocab, CITY, [f])["cakupan/index.md"]
    section = page[page.index(">Dunia usaha</h3>"):page.index(">Media</h3>")]
    assert ("<strong>PT &lt;b&gt;Uji&lt;/b&gt; &#34;Kutip&#34; &amp; Co</strong>: "
            '<a href="../fasilitas/laktasi-pt-uji/">Ruang Laktasi &lt;i&gt;PT&lt;/i&gt;</a> '
            "(Ruang Laktasi)") in section
    assert "<b>" not in page and "<i>" not in page
    assert "Belum ada fasilitas tercatat yang dikelola media." in page
