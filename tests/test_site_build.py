"""The built site, without a browser: a fixture project (tests/fixtures/site/) built once per
session with the real pipeline and MkDocs (see the `fixture_site` fixture in conftest.py)."""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

import geopandas as gpd
import material
import pytest
import yaml
from helpers_site import (
    FIXTURE_RECORDS,
    HTML_NAME,
    HTML_NAME_ID,
    KECAMATAN,
    PROTECTED_ID,
    PROTECTED_NAME,
    REPO,
    tree_digest,
)

from petakla.config import load_config
from petakla.export import FIELDS
from petakla.regions import load_city
from petakla.site import build_site

CATEGORIES = list(yaml.safe_load((REPO / "petakla" / "data" / "kategori.yml").read_text("utf-8")))
PROTECTED_CATEGORIES = [slug for slug, cat in yaml.safe_load(
    (REPO / "petakla" / "data" / "kategori.yml").read_text("utf-8")).items() if cat["dilindungi"]]
HTML_NAME_ESCAPED = "Taman &lt;b&gt;Uji&lt;/b&gt; &#34;Kutip&#34; &amp; Co"
CDN = re.compile(r"cdn\.jsdelivr|cdnjs|unpkg|code\.jquery|bootstrapcdn|googleapis|fonts\.g",
                 re.I)


def records() -> dict[str, dict]:
    return {p.stem: yaml.safe_load(p.read_text("utf-8")) for p in FIXTURE_RECORDS.glob("*.yml")}


def public_records() -> dict[str, dict]:
    return {k: v for k, v in records().items() if v["kategori"] not in PROTECTED_CATEGORIES}


def html_files(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


class LinkCollector(HTMLParser):
    """Every URL attribute (href/src) of the document, and the hrefs of links inside elements
    with one of `region_classes` (e.g. Material's .md-nav navigation)."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
            "track", "wbr"}

    def __init__(self, region_classes: set[str] = frozenset()):
        super().__init__(convert_charrefs=True)
        self.region_classes = region_classes
        self.stack: list[bool] = []  # per open element: does it start a region?
        self.urls: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.region_links: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        # data-pk-src: a map or form iframe, given its src by situs.js once the page loaded;
        # data-pk-peta: the map a kecamatan or kategori page starts in place of its picture
        for name in ("href", "src", "data-pk-src", "data-pk-peta"):
            if attrs.get(name):
                self.urls.append((tag, name, attrs[name]))
        inside = any(self.stack)
        if tag == "a" and inside and attrs.get("href"):
            self.region_links.append(attrs["href"])
        if tag not in self.VOID:
            classes = set((attrs.get("class") or "").split())
            self.stack.append(bool(classes & self.region_classes))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in self.VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()


def collect(path: Path, region_classes: set[str] = frozenset()) -> LinkCollector:
    parser = LinkCollector(region_classes)
    parser.feed(text(path))
    parser.close()
    return parser


# --- pages -------------------------------------------------------------------------------------


def test_fixture_records_cover_what_the_site_tests_need():
    recs = records()
    city = load_city(load_config(REPO).kota_kode)
    assert len(public_records()) >= 6
    assert any(r["kategori"] == "ruang-laktasi" and r["kelurahan"] == "Teluk Dalam"
               for r in recs.values())
    kecamatan = {city.find_kelurahan(r["kelurahan"]).kecamatan.slug
                 for r in public_records().values()}
    assert kecamatan == set(KECAMATAN) == {k.slug for k in city.kecamatan}
    assert len({r["kategori"] for r in public_records().values()}) == len(public_records())
    assert recs[HTML_NAME_ID]["nama"] == HTML_NAME
    assert set(recs[PROTECTED_ID]) == {"nama", "kategori", "kelurahan", "sumber"}
    assert recs[PROTECTED_ID]["nama"] == PROTECTED_NAME
    assert any(r.get("lokasi_perkiraan") is True for r in recs.values())


def test_every_page_type_is_built(fixture_site):
    site = fixture_site.site
    pages = ["", "peta/", "kecamatan/", "kategori/", "tentang/", "privasi/", "data/"]
    pages += [f"fasilitas/{i}/" for i in fixture_site.public_ids]
    pages += [f"kecamatan/{slug}/" for slug in KECAMATAN]
    pages += [f"kategori/{slug}/" for slug in CATEGORIES]
    missing = [p for p in pages if not (site / p / "index.html").is_file()]
    assert not missing, f"pages not built: {missing}"
    for name in ("peta/peta.html", "peta/mini.html", "peta/fasilitas.json",
                 "data/fasilitas.geojson", "data/fasilitas.csv", "search/search_index.json",
                 "sitemap.xml", "assets/vendor/leaflet/leaflet.js",
                 "assets/vendor/markercluster/leaflet.markercluster.js", "assets/peta/peta.js"):
        assert (site / name).is_file(), name
    # Exactly one page per published facility: none for the protected one, none left over.
    built = sorted(p.name for p in (site / "fasilitas").iterdir() if p.is_dir())
    assert built == sorted(fixture_site.public_ids)
    assert PROTECTED_ID not in built
    # Every facility page is linked from its kecamatan page and its category page.
    for fid, rec in public_records().items():
        link = f'href="../../fasilitas/{fid}/"'
        assert link in text(site / "kategori" / rec["kategori"] / "index.html"), fid
        assert sum(link in text(site / "kecamatan" / k / "index.html") for k in KECAMATAN) == 1


def test_map_data_has_every_published_facility(fixture_site):
    data = json.loads(text(fixture_site.site / "peta" / "fasilitas.json"))
    ids = [row[data["kolom"].index("id")] for row in data["baris"]]
    assert sorted(ids) == sorted(fixture_site.public_ids)
    names = {row[data["kolom"].index("id")]: row[data["kolom"].index("nama")]
             for row in data["baris"]}
    assert names[HTML_NAME_ID] == HTML_NAME  # data, not HTML: peta.js sets it as text


def test_facility_pages_are_not_in_the_navigation(fixture_site):
    for page in ("", "peta/", f"fasilitas/{HTML_NAME_ID}/"):
        found = collect(fixture_site.site / page / "index.html", {"md-nav", "md-tabs"})
        links = {urlsplit(urljoin(f"http://situs/{page}", h)).path for h in found.region_links}
        assert {"/", "/peta/", "/kecamatan/", "/kategori/", "/data/"} <= links, (page, links)
        assert not [h for h in links if h.startswith("/fasilitas/")], \
            f"facility pages in the navigation of /{page}: {sorted(links)}"


# --- no CDN ------------------------------------------------------------------------------------


def _material_theme_copy(path: Path, site: Path) -> bool:
    """True if `path` is byte-for-byte a file of the installed mkdocs-material theme."""
    theme = Path(material.__file__).parent / "templates" / path.relative_to(site)
    return theme.is_file() and theme.read_bytes() == path.read_bytes()


def test_no_file_references_a_cdn(fixture_site):
    site = fixture_site.site
    offenders = []
    exempt = []
    for path in sorted(site.rglob("*")):
        if path.suffix not in {".html", ".js", ".css", ".json", ".map"} or not path.is_file():
            continue
        if not CDN.search(path.read_text(encoding="utf-8", errors="replace")):
            continue
        # Material's own bundle names unpkg.com for polyfills it loads only when the browser
        # lacks a feature (ResizeObserver) or a page has a Mermaid diagram; the browser tests
        # check that no such request is made. Anything else is a failure.
        (exempt if _material_theme_copy(path, site) else offenders).append(
            path.relative_to(site).as_posix())
    assert not offenders, f"files referencing a CDN: {offenders}"
    assert all(p.startswith("assets/javascripts/") for p in exempt), exempt


def test_pages_load_scripts_and_styles_only_from_the_site(fixture_site):
    """Every URL a page fetches (script, stylesheet, icon, image, iframe) is a file of the
    site; canonical links point at the site itself."""
    site, origin = fixture_site.site, fixture_site.url
    for page in html_files(site):
        page_url = origin + page.relative_to(site).as_posix()
        for tag, _attr, url in collect(page).urls:
            if tag == "a" or url.startswith(("#", "data:")):
                continue  # links are for people; only fetched resources count here
            full = urljoin(page_url, url)
            assert full.startswith(origin), (page, tag, url)
            path = unquote(urlsplit(full).path).lstrip("/")
            target = site / path / "index.html" if path.endswith("/") or not path else site / path
            assert target.is_file(), (page, tag, url)
    # The map documents use the site's own copies of Leaflet and MarkerCluster (the mini map,
    # one marker, none of MarkerCluster).
    for doc in ("peta/peta.html", "peta/mini.html"):
        srcs = [u for t, _, u in collect(site / doc).urls if t in {"script", "link"}]
        assert "../assets/vendor/leaflet/leaflet.js" in srcs, srcs
        cluster = "../assets/vendor/markercluster/leaflet.markercluster.js"
        assert (cluster in srcs) == (doc == "peta/peta.html"), (doc, srcs)
        assert all(not urlsplit(u).scheme for u in srcs), srcs


# --- escaping and protected records ----------------------------------------------------------


def test_html_in_a_name_is_escaped_everywhere(fixture_site):
    site = fixture_site.site
    for page in html_files(site):
        html = text(page)
        assert "<b>Uji</b>" not in html, page
        assert "<i>Contoh</i>" not in html, page  # the record's alamat
        assert "<script>alert(1)" not in html, page  # the record's keterangan
    for page in (f"fasilitas/{HTML_NAME_ID}/index.html", "kecamatan/banjarmasin-utara/index.html",
                 "kategori/ruang-bermain-ramah-anak/index.html"):
        assert HTML_NAME_ESCAPED in text(site / page), page
    page = text(site / "fasilitas" / HTML_NAME_ID / "index.html")
    assert f"<h1>{HTML_NAME_ESCAPED}</h1>" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # The mini map's parameters carry the name URL-encoded, never as markup.
    assert "n=" + quote(HTML_NAME, safe="") in page
    # Material renders search results as HTML: the index must hold the escaped form only.
    for doc in json.loads(text(site / "search" / "search_index.json"))["docs"]:
        assert "<b>Uji</b>" not in doc["title"] + doc["text"], doc["location"]


def _all_text(site: Path) -> dict[str, str]:
    out = {}
    for path in sorted(site.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        out[path.relative_to(site).as_posix()] = data.decode("utf-8", errors="replace")
    return out


def test_protected_record_appears_nowhere(fixture_site):
    files = _all_text(fixture_site.site)
    assert {"search/search_index.json", "sitemap.xml", "sitemap.xml.gz", "data/fasilitas.csv",
            "data/fasilitas.geojson", "peta/fasilitas.json"} <= set(files)
    needles = [PROTECTED_NAME, "Zamrud", PROTECTED_ID, quote(PROTECTED_NAME, safe="")]
    leaks = [(name, n) for name, body in files.items() for n in needles if n in body]
    assert not leaks, f"protected record leaked: {leaks}"
    # Only its existence is counted, on the category page.
    assert (fixture_site.site / "kategori" / "rumah-aman" / "index.html").is_file()


# --- open data ---------------------------------------------------------------------------------


def test_geojson_is_rfc7946_with_every_record_and_column(fixture_site):
    path = fixture_site.site / "data" / "fasilitas.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    assert doc["type"] == "FeatureCollection"
    assert "crs" not in doc  # RFC 7946: WGS84 only, no crs member
    expected = public_records()
    features = {f["properties"]["id"]: f for f in doc["features"]}
    assert sorted(features) == sorted(expected) and len(doc["features"]) == len(expected)
    for fid, rec in expected.items():
        feature = features[fid]
        assert feature["type"] == "Feature"
        assert feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]  # RFC 7946: longitude first
        assert (lat, lon) == pytest.approx(tuple(rec["lokasi"]), abs=1e-6)
        assert 114 < lon < 115 and -4 < lat < -3
        assert list(feature["properties"]) == list(FIELDS)
        assert feature["properties"]["nama"] == rec["nama"]

    gdf = gpd.read_file(path)
    assert gdf.crs.to_epsg() == 4326
    assert sorted(gdf["id"]) == sorted(expected)
    assert [c for c in gdf.columns if c != "geometry"] == list(FIELDS)
    for _, row in gdf.iterrows():
        assert row.geometry.x == pytest.approx(row["lon"]) and row.geometry.y == pytest.approx(
            row["lat"])
    names = dict(zip(gdf["id"], gdf["nama"], strict=True))
    assert names[HTML_NAME_ID] == HTML_NAME
    approx = dict(zip(gdf["id"], gdf["lokasi_perkiraan"], strict=True))
    assert approx["contoh-pojok-baca-telawang"] == "editor"


def test_csv_is_utf8_with_the_same_rows(fixture_site):
    raw = (fixture_site.site / "data" / "fasilitas.csv").read_bytes()
    body = raw.decode("utf-8")  # strict: fails on anything but UTF-8
    rows = list(csv.DictReader(io.StringIO(body)))
    assert list(rows[0]) == list(FIELDS)
    geo = json.loads((fixture_site.site / "data" / "fasilitas.geojson").read_text("utf-8"))
    by_id = {f["properties"]["id"]: f["properties"] for f in geo["features"]}
    assert sorted(r["id"] for r in rows) == sorted(by_id) == sorted(public_records())
    for row in rows:
        props = by_id[row["id"]]
        for name in FIELDS:
            expected = props[name]
            expected = "" if expected is None else expected
            if name in {"lat", "lon"}:
                assert float(row[name]) == pytest.approx(expected), (row["id"], name)
            elif name in {"usia_min", "usia_max"} and expected != "":
                assert int(row[name]) == expected, (row["id"], name)
            else:
                assert row[name] == str(expected), (row["id"], name)
    assert {r["id"]: r["nama"] for r in rows}[HTML_NAME_ID] == HTML_NAME
    data_page = text(fixture_site.site / "data" / "index.html")
    assert 'href="fasilitas.geojson"' in data_page and 'href="fasilitas.csv"' in data_page


# --- failed builds -----------------------------------------------------------------------------

BROKEN_RECORD = """\
nama: Contoh Rusak
kategori: kategori-yang-tidak-ada
kelurahan: Teluk Dalam
lokasi: [-3.319241, 114.579766]
sumber: Data uji
"""
BROKEN_YAML = "nama: [Contoh Rusak\nkategori: pojok-baca\n"
BROKEN_PAGE = "# Rusak\n\n[Tautan ke halaman yang tidak ada](tidak-ada.md)\n"


@pytest.mark.parametrize(("where", "content"), [
    ("facilities/contoh-rusak.yml", BROKEN_RECORD),
    ("facilities/contoh-rusak-yaml.yml", BROKEN_YAML),
    ("content/rusak.md", BROKEN_PAGE),  # records fine, MkDocs fails (strict: broken link)
], ids=["invalid-record", "invalid-yaml", "mkdocs-warning"])
def test_failed_build_returns_1_and_keeps_the_previous_site(fixture_site, tmp_path, capsys,
                                                            where, content):
    root = tmp_path / "proyek"
    shutil.copytree(fixture_site.root, root, symlinks=True)
    before = tree_digest(root / "site")
    assert before, "the copied site is empty"
    (root / where).write_text(content, encoding="utf-8")
    assert build_site(load_config(root), strict=True) == 1
    assert tree_digest(root / "site") == before
    leftovers = sorted(p.name for p in root.iterdir() if p.name not in
                       {"site", "content", "facilities", "mkdocs.yml", "pyproject.toml"})
    assert not leftovers, f"temporary folders left behind: {leftovers}"
    err = capsys.readouterr().err
    assert "Situs tidak dibangun" in err
    if where.startswith("facilities/"):
        assert Path(where).name in err


def test_mkdocs_build_strict_cli_has_no_warnings(fixture_site, tmp_path):
    out = tmp_path / "site-cli"
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f",
         str(fixture_site.root / "mkdocs.yml"), "-d", str(out)],
        cwd=fixture_site.root, capture_output=True, text=True, timeout=120)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log
    assert not [line for line in log.splitlines() if "WARNING" in line], log
    # Every page is either in the nav or meant to be outside it (mkdocs.yml not_in_nav).
    assert 'not included in the "nav"' not in log, log
    assert (out / "fasilitas" / HTML_NAME_ID / "index.html").is_file()
    assert (out / "data" / "fasilitas.geojson").is_file()


def test_repository_mkdocs_yml_takes_site_url_from_the_environment(monkeypatch):
    """site_url is the deploy's PETAKLA_SITE_URL (sitemap, Material's navigation.instant,
    absolute links); without it there is none, never a placeholder domain (MkDocs then writes
    an empty sitemap.xml and instant navigation falls back to full page loads)."""
    from mkdocs.config import load_config as mkdocs_config

    monkeypatch.setenv("PETAKLA_SITE_URL", "https://kota.github.io/peta-kla/")
    config = mkdocs_config(config_file=str(REPO / "mkdocs.yml"))
    assert config["site_url"] == "https://kota.github.io/peta-kla/"
    monkeypatch.delenv("PETAKLA_SITE_URL")
    assert mkdocs_config(config_file=str(REPO / "mkdocs.yml"))["site_url"] is None
