"""The editors' form at /tambah/ and the field reference: generated files (no browser), then the
form in Debian's chromium on the fixture site (every non-127.0.0.1 request aborted): its JSON
Schema validator agrees with Python's jsonschema, and a record made in the form — a map click
sets its location — passes `check`, builds and shows on the map."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from browser_util import form_frame as open_form
from browser_util import map_frame, reveal_marker
from helpers_site import PROTECTED_ID, PROTECTED_NAME, REPO, make_project, serve
from jsonschema import Draft202012Validator
from playwright.sync_api import Frame

from petakla.config import load_config
from petakla.edit import format_text
from petakla.form import form_files, github_repo
from petakla.load import load_document
from petakla.pipeline import check
from petakla.schema import SCHEMA_FILE
from petakla.site import build_site

FIXTURES = REPO / "tests" / "fixtures"
SCHEMA = json.loads((REPO / "petakla" / "data" / SCHEMA_FILE).read_text(encoding="utf-8"))
PROJECT_KELURAHAN = REPO / "wilayah" / "kelurahan.geojson"
NEW_ID = "ruang-laktasi-kantor-uji-teluk-dalam"
NEW_NAME = "Ruang Laktasi Kantor Uji Teluk Dalam"
TARGET = (-3.3178, 114.5835)  # inside Kelurahan Teluk Dalam, away from the fixture's record


# --- without a browser --------------------------------------------------------------------------


def test_form_files_never_contain_protected_records(fixture_site):
    folder = fixture_site.site / "tambah"
    index = json.loads((folder / "daftar.json").read_text(encoding="utf-8"))
    assert sorted(row[0] for row in index) == sorted(fixture_site.public_ids)
    data = {}
    for part in sorted((folder / "data").glob("*.json")):
        data.update(json.loads(part.read_text(encoding="utf-8")))
    assert sorted(data) == sorted(fixture_site.public_ids)
    assert PROTECTED_ID not in data
    for path in (fixture_site.site / "tambah").rglob("*"):
        if path.is_file():
            assert PROTECTED_NAME not in path.read_text(encoding="utf-8", errors="replace"), path
    served = json.loads((fixture_site.site / "tambah" / SCHEMA_FILE).read_text(encoding="utf-8"))
    assert served == SCHEMA


def test_form_uses_only_the_sites_own_files(fixture_site):
    html = (fixture_site.site / "tambah" / "form.html").read_text(encoding="utf-8")
    srcs = re.findall(r'<(?:script|link)[^>]+(?:src|href)="([^"]+)"', html)
    assert srcs and all(s.startswith("../assets/") for s in srcs), srcs
    # Leaflet and Folium's map script wait for the editor's first use of the form: the map
    # script is a function handed to PetaTambah.start, Leaflet only prefetched.
    start = html.index("PetaTambah.start({")
    assert start < html.index("L.map(") < html.index("return map_", start)
    assert '<link rel="prefetch" href="../assets/vendor/leaflet/leaflet.js">' in html
    assert not re.search(r'<script[^>]+leaflet\.js', html)
    assert 'id="pk-kirim"' in html  # the fixture project names a repository


def test_without_a_repository_the_form_offers_copying(fixture_site):
    config = load_config(fixture_site.root, overrides={"repositori": ""})
    html = form_files(config, [])["tambah/form.html"]
    assert 'id="pk-kirim"' not in html and 'id="pk-salin"' in html
    assert '"repo": ""' in html
    assert "kirimkan ke pengelola" in html


def test_github_repo_from_the_configured_url():
    assert github_repo("https://github.com/contoh/peta-kla/") == "contoh/peta-kla"
    assert github_repo("https://github.com/contoh/peta-kla.git") == "contoh/peta-kla"
    with pytest.raises(ValueError):
        github_repo("https://gitlab.com/contoh/peta-kla")


def test_field_reference_lists_every_schema_field(fixture_site):
    html = (fixture_site.site / "kontribusi" / "kolom" / "index.html").read_text(encoding="utf-8")
    for key, spec in SCHEMA["properties"].items():
        assert f"<code>{key}</code>" in html, key
        for sub in spec.get("properties", {}):
            assert f"<code>{key}.{sub}</code>" in html, f"{key}.{sub}"
    assert "Teluk Dalam" in html and "rumah-aman" in html


def test_contributor_guide_is_built_and_linked(fixture_site):
    guide = (fixture_site.site / "kontribusi" / "index.html").read_text(encoding="utf-8")
    assert "Arti pesan galat" in guide and 'href="kolom/"' in guide
    tambah = (fixture_site.site / "tambah" / "index.html").read_text(encoding="utf-8")
    assert 'href="../kontribusi/"' in tambah and 'src="form.html"' in tambah


# --- in the browser (the `page` fixture of conftest.py: one shared chromium) ---------------


def loaded_mappings() -> dict[str, dict]:
    """Every valid and invalid fixture whose YAML loads as a mapping, as `check` reads it."""
    out = {}
    for path in sorted(FIXTURES.glob("valid/*.yml")) + sorted(FIXTURES.glob("invalid/*.yml")):
        doc = load_document(path, REPO)
        if isinstance(doc.data, dict):
            out[f"{path.parent.name}/{path.name}"] = doc.data
    return out


def test_browser_validator_agrees_with_python_jsonschema(page, site_url):
    cases = loaded_mappings()
    assert len(cases) > 50
    frame = open_form(page, site_url)
    got = frame.evaluate("""([schema, cases]) => {
        const out = {};
        for (const [name, data] of Object.entries(cases)) {
          out[name] = PetaTambah.validate(schema, data).map(e => [e.path.join('.'), e.keyword]);
        }
        return out;
    }""", [SCHEMA, cases])
    validator = Draft202012Validator(SCHEMA)
    n_invalid = 0
    for name, data in cases.items():
        expected = sorted([".".join(str(p) for p in e.absolute_path), e.validator]
                          for e in validator.iter_errors(data))
        assert sorted(got[name]) == expected, name
        n_invalid += bool(expected)
    assert n_invalid >= 35  # the schema-level invalid fixtures
    page.context.recorder.assert_clean()


def test_protected_category_hides_address_location_and_contact(page, site_url):
    frame = open_form(page, site_url)
    frame.fill("#f-alamat", "Jl. Rahasia")
    frame.select_option("#f-kategori", "rumah-aman")
    assert frame.locator("#pk-dilindungi").is_visible()
    for field in ("#f-alamat", "#f-lat", "#f-telepon"):
        assert not frame.locator(field).is_visible()
    frame.fill("#f-nama", "Rumah Aman Uji")
    frame.select_option("#f-kelurahan", "Mawar")
    frame.fill("#f-sumber", "Data uji")
    yaml_text = frame.locator("#pk-yaml").input_value()
    assert "alamat" not in yaml_text and "Rahasia" not in yaml_text
    assert frame.locator("#pk-form").get_attribute("data-pk-valid") == "true"
    page.context.recorder.assert_clean()


def test_edit_an_existing_record_links_to_githubs_editor(page, site_url, fixture_site, tmp_path):
    frame = open_form(page, site_url)
    record = "contoh-ruang-laktasi-teluk-dalam"
    frame.focus("#f-ubah")  # an editor reaches for it: its options are added then
    frame.select_option("#f-ubah", record)
    frame.locator(f"#pk-form[data-pk-asli='{record}']").wait_for(state="attached")
    assert frame.locator("#f-nama").input_value() == "Contoh Ruang Laktasi Teluk Dalam"
    assert frame.locator("#f-id").input_value() == record
    assert frame.locator("#f-lat").input_value() == "-3.319241"
    assert frame.locator("#f-fasilitas input:checked").count() == 2
    frame.fill("#f-jam", "Mo-Fr 08:00-15:00")
    assert frame.locator("#pk-form").get_attribute("data-pk-valid") == "true"
    href = frame.locator("#pk-kirim").get_attribute("href")
    assert href == f"https://github.com/contoh/peta-kla/edit/main/facilities/{record}.yml"
    # The edited YAML says the same as the record, but for the changed hours.
    project = fixture_site.root
    original = load_document(project / "facilities" / f"{record}.yml", project).data
    edited = frame.locator("#pk-yaml").input_value()
    path = tmp_path / "facilities" / f"{record}.yml"
    path.parent.mkdir()
    path.write_text(edited, encoding="utf-8")
    assert load_document(path, tmp_path).data == {**original, "jam_buka": "Mo-Fr 08:00-15:00"}
    source = (project / "facilities" / f"{record}.yml").read_text(encoding="utf-8").splitlines()
    changed = [(a, b) for a, b in zip(source, edited.splitlines(), strict=True) if a != b]
    assert changed == [('jam_buka: "Mo-Fr 08:00-16:00"', 'jam_buka: "Mo-Fr 08:00-15:00"')]
    page.context.recorder.assert_clean()


def run_cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    return subprocess.run([sys.executable, str(REPO / "build_map.py"), "--root", str(root), *args],
                          env=env, capture_output=True, text=True, timeout=300)


def test_a_record_made_in_the_form_passes_check_and_shows_on_the_map(page, site_url, tmp_path):
    frame = open_form(page, site_url)
    assert frame.locator("#pk-form").get_attribute("data-pk-valid") == "false"
    frame.select_option("#f-kategori", "ruang-laktasi")
    frame.fill("#f-nama", NEW_NAME)
    frame.select_option("#f-kelurahan", "Teluk Dalam")
    frame.fill("#f-alamat", "Jl. Uji No. 7")
    # A click on the map sets the location: centre the map on the target, click its centre.
    frame.evaluate("async ([lat, lon]) => (await PetaTambah.peta()).setView([lat, lon], 17, "
                   "{animate: false})",
                   list(TARGET))
    centre = frame.evaluate("() => { const c = PetaTambah.map.getCenter(); return [c.lat, c.lng]; }")
    assert centre == pytest.approx(list(TARGET), abs=2e-5)
    slot = frame.locator("#pk-peta-slot .leaflet-container")
    slot.scroll_into_view_if_needed()
    box = slot.bounding_box()
    slot.click(position={"x": box["width"] / 2, "y": box["height"] / 2})
    lat = float(frame.locator("#f-lat").input_value())
    lon = float(frame.locator("#f-lon").input_value())
    assert abs(lat - TARGET[0]) < 3e-5 and abs(lon - TARGET[1]) < 3e-5, (lat, lon)
    assert frame.locator(".pk-titik").count() == 1  # the marker sits where the click was
    import geopandas as gpd
    from shapely.geometry import Point

    polygons = gpd.read_file(PROJECT_KELURAHAN).set_index("nama")
    assert polygons.loc["Teluk Dalam", "geometry"].contains(Point(lon, lat))
    frame.fill("#f-pengelola-nama", "Lembaga Uji")
    frame.select_option("#f-sektor", "pemerintah")
    frame.locator("#f-fasilitas input[value=wastafel]").check()
    frame.locator("#f-fasilitas input[value=kursi-menyusui]").check()
    frame.select_option("#f-akses", "umum")
    assert frame.locator("#pk-form").get_attribute("data-pk-valid") == "false"  # no sumber yet
    assert ("kolom wajib 'sumber' belum diisi; tambahkan baris `sumber: ...`."
            in frame.locator("#pk-masalah").inner_text())  # check's own words
    frame.fill("#f-sumber", "https://contoh.example/peresmian")
    assert frame.locator("#pk-form").get_attribute("data-pk-valid") == "true"
    assert frame.locator("#f-id").input_value() == NEW_ID
    yaml_text = frame.locator("#pk-yaml").input_value()

    # The button opens GitHub's "new file" page with that YAML in the configured repository.
    href = frame.locator("#pk-kirim").get_attribute("href")
    parts = urlsplit(href)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "github.com",
                                                        "/contoh/peta-kla/new/main")
    query = parse_qs(parts.query)
    assert query["filename"] == [f"facilities/{NEW_ID}.yml"]
    assert query["value"] == [yaml_text]
    page.context.recorder.assert_clean()

    # The YAML, added to a copy of the fixture project, passes check and fmt, and builds.
    with serve(tmp_path / "proyek" / "site") as url:
        root = make_project(tmp_path / "proyek", site_url=url)
        (root / "facilities" / f"{NEW_ID}.yml").write_text(yaml_text, encoding="utf-8")
        proc = run_cli(root, "check")
        assert proc.returncode == 0, proc.stderr
        assert "galat" not in proc.stderr.split("\n")[-2]
        assert format_text(yaml_text) == yaml_text  # already in canonical form
        new_file = str(root / "facilities" / f"{NEW_ID}.yml")
        assert run_cli(root, "fmt", "--check", new_file).returncode == 0
        facility = next(f for f in check(load_config(root)).facilities if f.id == NEW_ID)
        assert (facility.lat, facility.lon) == (lat, lon)
        assert build_site(load_config(root), strict=True) == 0
        data = json.loads((root / "site" / "peta" / "fasilitas.json").read_text(encoding="utf-8"))
        assert NEW_ID in [row[0] for row in data["baris"]]
        page.goto(url + "peta/")
        frame = map_frame(page, "peta.html")
        marker = reveal_marker(frame, NEW_ID, NEW_NAME)
        assert marker.is_visible()
        page.context.recorder.assert_clean()


def form_errors(frame: Frame) -> str:
    return frame.locator("#pk-masalah").inner_text()


def test_an_untouched_form_shows_no_errors_and_copies_nothing(page, site_url):
    """Before anything is typed, Hasil lists nothing in red; "Salin YAML" on an empty form
    refuses and says why instead of copying an invalid file."""
    frame = open_form(page, site_url)
    assert frame.locator("#pk-masalah li").count() == 0
    assert frame.locator(".pk-galat:not([hidden])").count() == 0
    assert "Isi formulir" in frame.locator("#pk-ringkasan").inner_text()
    # Record what would reach the clipboard (both ways the form copies).
    frame.evaluate("""() => {
        window.copied = [];
        Object.defineProperty(navigator, "clipboard", {configurable: true, value: {
            writeText: t => { window.copied.push(t); return Promise.resolve(); }}});
        document.execCommand = c => { window.copied.push("execCommand:" + c); return true; };
    }""")
    frame.click("#pk-salin")
    status = frame.locator("#pk-salin-status").inner_text()
    assert "Belum disalin" in status and "Tersalin" not in status
    assert frame.evaluate("() => window.copied") == []
    items = frame.locator("#pk-masalah li").all_inner_texts()
    assert len(items) == len(set(items)) == 6, items  # now each missing field, once (and the id)
    page.context.recorder.assert_clean()


def test_the_form_rejects_what_check_rejects_in_checks_words(page, site_url):
    frame = open_form(page, site_url)
    frame.select_option("#f-kategori", "ruang-laktasi")
    frame.fill("#f-nama", "Ruang Laktasi Uji Aturan")
    frame.select_option("#f-kelurahan", "Teluk Dalam")
    frame.fill("#f-sumber", "Data uji")
    # An address without a map point: check cannot place it (no geocode cache entry).
    frame.fill("#f-alamat", "Jl. Uji No. 9")
    assert frame.locator("#pk-form").get_attribute("data-pk-valid") == "false"
    assert "koordinat belum diketahui" in form_errors(frame)
    # A decimal comma typed into Lintang stays one number.
    frame.fill("#f-lat", "-3,3178")
    assert frame.locator("#f-lat").input_value() == "-3,3178"
    assert frame.locator("#f-lon").input_value() == ""
    frame.fill("#f-lon", "114,5835")
    yaml_text = frame.locator("#pk-yaml").input_value()
    assert "lokasi: [-3.3178, 114.5835]" in yaml_text
    assert frame.locator("#pk-form").get_attribute("data-pk-valid") == "true"
    # Swapped coordinates: check's message.
    frame.fill("#f-lat", "114.5835")
    frame.fill("#f-lon", "-3.3178")
    assert ("lintang dan bujur tertukar; tulis [-3.3178, 114.5835] (lintang dulu, lalu bujur)."
            in form_errors(frame))
    frame.fill("#f-lat", "-3.3178, 114.5835")  # a pasted pair fills both fields
    assert frame.locator("#f-lon").input_value() == "114.5835"
    # Opening hours and phone numbers, as check says.
    frame.fill("#f-jam", "Senin-Jumat 8-16")
    frame.fill("#f-telepon", "12345")
    errors = form_errors(frame)
    assert "jam buka 'Senin-Jumat 8-16' tidak sesuai sintaks opening_hours OpenStreetMap." in errors
    assert "nomor telepon '12345' tidak sah" in errors
    assert frame.locator("#pk-form").get_attribute("data-pk-valid") == "false"
    frame.fill("#f-jam", "Mo-Fr 08:00-16:00")
    frame.fill("#f-telepon", "(0511) 3352155")
    assert frame.locator("#pk-form").get_attribute("data-pk-valid") == "true"
    # Hours outside what the form can decide are named as check's to decide, before copying.
    frame.fill("#f-jam", "sunrise-sunset")
    assert frame.locator("#pk-form").get_attribute("data-pk-valid") == "true"
    assert frame.locator("#pk-hanya-check-judul").is_visible()
    assert "sunrise-sunset" in frame.locator("#pk-hanya-check").inner_text()
    page.context.recorder.assert_clean()


def test_the_guides_example_record_passes_check_and_is_formatted(project):
    guide = (REPO / "content" / "kontribusi" / "index.md").read_text(encoding="utf-8")
    block = re.search(r"(?m)^( +)# yaml-language-server:.*\n(?:\1.*\n)+", guide)
    assert block, "the guide no longer shows an example record"
    indent = len(block.group(1))
    text = "".join(line[indent:] + "\n" for line in block.group(0).splitlines())
    assert format_text(text) == text
    (project / "facilities" / "contoh-panduan.yml").write_text(text, encoding="utf-8")
    result = check(load_config(project))
    assert result.ok and not result.problems, result.problems
