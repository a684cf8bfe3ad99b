"""OpenStreetMap both ways.

Export: data/fasilitas.osm read back by two readers not written here — osmium-tool (Debian,
installed by `make test`) and GDAL's OSM driver (through pyogrio) — plus Python's XML parser
for well-formedness; the tags checked against the records themselves and against the table
/data/ documents. Import: `build_map.py impor-osm` as a fresh process on fixture files
(tests/fixtures/osm/), with the project's kelurahan boundaries (wilayah/)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from html import unescape
from pathlib import Path

import pyogrio
import pytest
import yaml
from helpers_site import (
    FIXTURE_RECORDS,
    PROTECTED_NAME,
    REPO,
    absolute_boundaries,
    without_boundaries,
)

from petakla.config import load_config
from petakla.osm_export import osm_export
from petakla.osm_import import generic_words, match_category, similar
from petakla.pipeline import check
from petakla.regions import load_city
from petakla.vocab import load_vocab

OSM_FIXTURES = REPO / "tests" / "fixtures" / "osm"
KATEGORI = yaml.safe_load((REPO / "petakla" / "data" / "kategori.yml").read_text("utf-8"))
NOT_EXPORTED_STATUS = {"direncanakan", "tutup"}
GDAL_IGNORED = {"created_by", "converted_by", "source", "time", "ele", "note", "todo", "fixme",
                "FIXME"}


# --- two real readers ------------------------------------------------------------------------

def osmium_nodes(path: Path) -> dict[int, dict]:
    """{id: {version, lat, lon, tags}} of every node, as osmium-tool reads the file."""
    exe = shutil.which("osmium")
    if exe is None:
        pytest.fail("osmium-tool is not installed: `make test` installs the Debian package "
                    "osmium-tool (or: apt-get install osmium-tool)")
    info = json.loads(subprocess.run([exe, "fileinfo", "-e", "-j", str(path)], check=True,
                                     capture_output=True, text=True).stdout)
    opl = subprocess.run([exe, "cat", str(path), "-f", "opl"], check=True,
                         capture_output=True, text=True).stdout
    nodes: dict[int, dict] = {}
    for line in opl.splitlines():
        fields = {f[0]: f[1:] for f in line.split(" ")}
        assert line.startswith("n"), f"osmium read something other than a node: {line}"
        tags = {}
        for pair in filter(None, fields["T"].split(",")):
            k, _, v = pair.partition("=")
            tags[_opl(k)] = _opl(v)
        nodes[int(line.split(" ")[0][1:])] = {"version": int(fields["v"]),
                                              "lon": float(fields["x"]),
                                              "lat": float(fields["y"]), "tags": tags}
    assert info["data"]["count"]["nodes"] == len(nodes)
    assert info["data"]["count"]["ways"] == info["data"]["count"]["relations"] == 0
    assert info["header"]["option"].get("xml_josm_upload") == "false"
    return nodes


def _opl(text: str) -> str:
    """OPL escapes special characters as %<hex code point>%."""
    return re.sub(r"%([0-9a-fA-F]+)%", lambda m: chr(int(m.group(1), 16)), text)


def gdal_nodes(path: Path) -> dict[int, dict[str, str]]:
    """{id: tags} of every node, as GDAL's OSM driver reads the file (layer "points"; tags
    without a column of their own are in other_tags, HSTORE syntax)."""
    assert "OSM" in pyogrio.list_drivers(), "the GDAL bundled with pyogrio has no OSM driver"
    df = pyogrio.read_dataframe(path, layer="points")
    out = {}
    for _, row in df.iterrows():
        tags = {k: unescape(v) for k, v in re.findall(r'"((?:[^"\\]|\\.)*)"=>"((?:[^"\\]|\\.)*)"',
                                                      row["other_tags"] or "")}
        tags = {k.replace('\\"', '"'): v.replace('\\"', '"') for k, v in tags.items()}
        for col in ("name", "barrier", "highway", "ref", "address", "is_in", "place",
                    "man_made"):
            if isinstance(row.get(col), str) and row[col]:
                tags[col] = row[col]
        out[int(row["osm_id"])] = tags
    return out


def read_both(path: Path) -> dict[int, dict]:
    raw = path.read_bytes()
    raw.decode("utf-8")  # strict: raises on invalid UTF-8
    ET.fromstring(raw)  # well-formed XML
    by_osmium = osmium_nodes(path)
    by_gdal = gdal_nodes(path)
    assert set(by_gdal) == set(by_osmium)
    for ident, node in by_osmium.items():
        # GDAL's default osmconf.ini drops a few annotation keys (fixme, note, source ...).
        kept = {k: v for k, v in node["tags"].items() if k not in GDAL_IGNORED}
        assert by_gdal[ident] == kept, f"node {ident}: GDAL and osmium disagree"
    return by_osmium


# --- export ----------------------------------------------------------------------------------

def _records(folder: Path) -> dict[str, dict]:
    return {p.stem: yaml.safe_load(p.read_text("utf-8")) for p in sorted(folder.glob("*.yml"))}


def _exported(rec: dict) -> bool:
    cat = KATEGORI[rec["kategori"]]
    return (not cat["dilindungi"] and bool(cat["osm"])
            and rec.get("status", "aktif") not in NOT_EXPORTED_STATUS)


def documented_tags(data_html: str) -> dict[str, set[str]]:
    """The /data/ page's tag table: {category slug: its documented tags}."""
    rows = re.findall(r'<tr id="osm-([a-z0-9-]+)"><td>[^<]*</td><td>(.*?)</td>', data_html)
    return {slug: set(re.findall(r"<code>([^<]+)</code>", cell)) for slug, cell in rows}


def test_osm_export_read_back_by_osmium_and_gdal(fixture_site):
    path = fixture_site.site / "data" / "fasilitas.osm"
    nodes = read_both(path)
    records = _records(FIXTURE_RECORDS)
    expected = {k: r for k, r in records.items() if _exported(r)}
    assert len(nodes) == len(expected) >= 4
    assert all(i < 0 for i in nodes), "fixture records have no `osm` link: all nodes are new"
    html = (fixture_site.site / "data" / "index.html").read_text("utf-8")
    documented = documented_tags(html)
    assert set(documented) == set(KATEGORI)
    by_name = {unescape(n["tags"]["name"]): n for n in nodes.values()}
    assert set(by_name) == {r["nama"] for r in expected.values()}
    for rec in expected.values():
        node = by_name[rec["nama"]]
        tags = node["tags"]
        if rec.get("lokasi"):  # the others are placed from the geocode cache (fixme below)
            assert (node["lat"], node["lon"]) == pytest.approx(tuple(rec["lokasi"]), abs=1e-7)
        cat_tags = {f"{k}={v}" for k, v in tags.items()} & {
            f"{k}={v}" for k, v in (KATEGORI[rec["kategori"]]["osm"].get("tag") or {}).items()}
        assert cat_tags == documented[rec["kategori"]], rec["nama"]
        assert tags.get("opening_hours") == rec.get("jam_buka")
        assert tags.get("addr:full") == rec.get("alamat")
        usia = rec.get("usia")
        assert (tags.get("min_age"), tags.get("max_age")) == \
            ((str(usia[0]), str(usia[1])) if usia else (None, None))
        assert tags.get("operator") == (rec.get("pengelola") or {}).get("nama")
        assert tags.get("check_date") == ((rec.get("verifikasi") or {}).get("tanggal") or None)
        assert ("fixme" in tags) == (not rec.get("lokasi") or bool(rec.get("lokasi_perkiraan"))
                                     or rec.get("ketelitian_lokasi") in ("jalan", "kelurahan"))
        phone = (rec.get("kontak") or {}).get("telepon")
        if phone:
            assert re.fullmatch(r"\+62 \d{2,4} \d{4,9}", tags["phone"])
            assert re.sub(r"\D", "", tags["phone"]) == "62" + re.sub(r"\D", "", phone)[1:]
    # The protected record appears nowhere, not even by name.
    assert PROTECTED_NAME.encode() not in path.read_bytes()
    assert not any(t.get("social_facility") == "shelter" for t in
                   (n["tags"] for n in nodes.values()))


def test_osm_geojson_has_the_same_points_with_osm_tags(fixture_site):
    data = json.loads((fixture_site.site / "data" / "fasilitas-osm.geojson").read_text("utf-8"))
    osm = read_both(fixture_site.site / "data" / "fasilitas.osm")
    assert len(data["features"]) == len(osm)
    assert sorted(f["properties"]["name"] for f in data["features"]) == \
        sorted(n["tags"]["name"] for n in osm.values())
    gdf = pyogrio.read_dataframe(fixture_site.site / "data" / "fasilitas-osm.geojson")
    assert len(gdf) == len(osm) and gdf.crs.to_epsg() == 4326


def test_data_page_documents_each_choice_with_its_wiki_page(fixture_site):
    html = (fixture_site.site / "data" / "index.html").read_text("utf-8")
    for slug, cat in KATEGORI.items():
        row = re.search(rf'<tr id="osm-{slug}">(.*?)</tr>', html, re.S).group(1)
        if cat["dilindungi"]:
            assert "tidak pernah diekspor" in row and "<code>" not in row
            continue
        for page in (cat["osm"] or {}).get("wiki", []):
            assert f'href="{page}"' in row
    assert "lactation_room" in html  # says why the old guess was replaced
    for page in ("https://wiki.openstreetmap.org/wiki/Import/Guidelines",
                 "https://wiki.openstreetmap.org/wiki/Key:baby_feeding",
                 "https://wiki.openstreetmap.org/wiki/Key:min_age",
                 "https://wiki.openstreetmap.org/wiki/Key:opening_hours",
                 "https://wiki.openstreetmap.org/wiki/Key:wheelchair",
                 "Cover_letter_and_waiver_template_for_CC_BY_4.0"):
        assert page in html, page


def _project(tmp: Path, records: dict[str, str]) -> Path:
    root = tmp / "proyek"
    (root / "facilities").mkdir(parents=True)
    (root / "pyproject.toml").write_text(  # the checks here do not need boundaries
        without_boundaries((REPO / "pyproject.toml").read_text("utf-8")), encoding="utf-8")
    for name, text in records.items():
        (root / "facilities" / f"{name}.yml").write_text(text, encoding="utf-8")
    return root


LINKED = {
    # An imported node with its version: a modification of that node.
    "taman-dari-osm": "nama: Taman Ceria “Kampung Café”\nkategori: ruang-bermain-ramah-anak\n"
                      "kelurahan: Kuripan\nlokasi: [-3.327333, 114.620146]\n"
                      "sumber: https://www.openstreetmap.org/node/1001\n"
                      "osm: {id: node/1001, versi: 2}\n",
    # An imported way: it cannot be rewritten without its nodes, so not in the .osm file.
    "pojok-dari-way": "nama: Pojok Baca Way\nkategori: pojok-baca\nkelurahan: Sungai Miai\n"
                      "lokasi: [-3.294737, 114.594674]\n"
                      "sumber: https://www.openstreetmap.org/way/2001\nosm: {id: way/2001}\n",
    # A new facility, and one that is planned (OpenStreetMap maps what exists).
    "perpustakaan-baru": "nama: Perpustakaan Baru Ñ\nkategori: perpustakaan-ramah-anak\n"
                         "kelurahan: Belitung Utara\nlokasi: [-3.305503, 114.581227]\n"
                         "sumber: Data uji\n",
    "perpustakaan-rencana": "nama: Perpustakaan Rencana\nkategori: perpustakaan-ramah-anak\n"
                            "kelurahan: Belitung Utara\nlokasi: [-3.3056, 114.5813]\n"
                            "sumber: Data uji\nstatus: direncanakan\n",
}


def test_imported_records_are_exported_as_modifications_not_duplicates(tmp_path):
    root = _project(tmp_path, LINKED)
    result = check(load_config(root))
    assert result.ok, [p.format() for p in result.problems]
    export = osm_export(result.facilities)
    path = tmp_path / "fasilitas.osm"
    path.write_bytes(export.osm)
    nodes = read_both(path)
    assert set(nodes) == {1001, -1}
    assert nodes[1001]["version"] == 2
    assert nodes[1001]["tags"]["name"] == "Taman Ceria “Kampung Café”"
    assert nodes[-1]["tags"]["name"] == "Perpustakaan Baru Ñ"
    assert b'<node id="1001" version="2" action="modify"' in export.osm
    assert [f.id for f in export.linked_elsewhere] == ["pojok-dari-way"]
    features = json.loads(export.geojson)["features"]
    assert {f["properties"].get("@id") for f in features} == {"node/1001", "way/2001", None}


# --- import ----------------------------------------------------------------------------------

def cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "build_map.py"), "--root", str(root),
                           *args], capture_output=True, text=True, timeout=300)


@pytest.fixture
def import_project(tmp_path: Path) -> Path:
    """An empty project with the project's kelurahan boundaries (wilayah/) and one existing
    record (the near-duplicate's twin)."""
    root = tmp_path / "proyek"
    (root / "facilities").mkdir(parents=True)
    text = absolute_boundaries((REPO / "pyproject.toml").read_text("utf-8"))
    (root / "pyproject.toml").write_text(text, encoding="utf-8")
    shutil.copy(FIXTURE_RECORDS / "contoh-ruang-laktasi-teluk-dalam.yml", root / "facilities")
    return root


# The fixture's objects and what impor-osm must do with each (tests/fixtures/osm/overpass.json).
EXPECTED_WRITES = {
    "node/1001": ("contoh-taman-bermain-kuripan", "Contoh Taman Bermain Kuripan",
                  "taman-bermain", "Kuripan"),
    "node/1002": ("contoh-perpustakaan-belitung", "Contoh Perpustakaan Belitung",
                  "perpustakaan-ramah-anak", "Belitung Utara"),
    "way/2001": ("contoh-pojok-baca-sungai-miai", "Contoh Pojok Baca Sungai Miai", "pojok-baca",
                 "Sungai Miai"),
    "way/2002": ("contoh-sanggar-anak-pasar-lama", "Contoh Sanggar Anak Pasar Lama",
                 "pusat-kreativitas-anak", "Pasar Lama"),
    "node/1009": ("ruang-laktasi-contoh-kantor-kelurahan-kuripan",
                  "Ruang Laktasi Contoh Kantor Kelurahan Kuripan", "ruang-laktasi", "Kuripan"),
}
EXPECTED_SKIPS = {
    "node/1003": "tidak cocok dengan kategori mana pun (amenity=cafe)",
    "node/1004": "mirip “Contoh Ruang Laktasi Teluk Dalam” "
                 "(facilities/contoh-ruang-laktasi-teluk-dalam.yml), berjarak 20 m",
    "node/1005": "di luar Kota Banjarmasin",
    "node/1006": "tidak punya nama",
    "node/1007": "tidak cocok dengan kategori mana pun (amenity=social_facility, "
                 "social_facility=shelter)",
    "node/1008": "tidak cocok dengan kategori mana pun (amenity=clinic)",
}


def _skips(stdout: str) -> dict[str, str]:
    return dict(re.findall(r"^dilewati: (\w+/\d+) “[^”]*”: (.*)$", stdout, re.M))


def test_impor_osm_writes_exactly_the_expected_records(import_project):
    root = import_project
    before = {p.name for p in (root / "facilities").iterdir()}
    dry = cli(root, "impor-osm", str(OSM_FIXTURES / "overpass.json"), "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert {p.name for p in (root / "facilities").iterdir()} == before
    assert len(re.findall(r"^akan ditulis: ", dry.stdout, re.M)) == len(EXPECTED_WRITES)

    run = cli(root, "impor-osm", str(OSM_FIXTURES / "overpass.json"))
    assert run.returncode == 0, run.stdout + run.stderr
    written = {p.stem for p in (root / "facilities").iterdir()} - {Path(n).stem for n in before}
    assert written == {w[0] for w in EXPECTED_WRITES.values()}
    for ref, (ident, nama, kategori, kelurahan) in EXPECTED_WRITES.items():
        rec = yaml.safe_load((root / "facilities" / f"{ident}.yml").read_text("utf-8"))
        assert (rec["nama"], rec["kategori"], rec["kelurahan"]) == (nama, kategori, kelurahan)
        assert rec["sumber"] == f"https://www.openstreetmap.org/{ref}"
        assert rec["osm"]["id"] == ref
        assert rec["sumber_lokasi"] == f"OpenStreetMap (https://www.openstreetmap.org/{ref})"
        assert "verifikasi" not in rec and "belum diverifikasi" in rec["keterangan"]
    lib = yaml.safe_load((root / "facilities" / "contoh-perpustakaan-belitung.yml").read_text())
    assert lib["osm"] == {"id": "node/1002", "versi": 5}
    assert lib["jam_buka"] == "Mo-Fr 08:00-15:00" and lib["fasilitas"] == ["buku-anak"]
    assert lib["pengelola"] == {"nama": "Dinas Contoh", "sektor": "pemerintah"}
    taman = yaml.safe_load((root / "facilities" / "contoh-taman-bermain-kuripan.yml").read_text())
    assert taman["usia"] == [2, 12] and taman["fasilitas"] == ["akses-kursi-roda"]
    way = yaml.safe_load((root / "facilities" / "contoh-pojok-baca-sungai-miai.yml").read_text())
    assert way["lokasi"] == pytest.approx([-3.294737, 114.594674], abs=1e-6)  # its centroid
    skips = _skips(run.stdout)
    assert set(skips) == set(EXPECTED_SKIPS)
    for ref, reason in EXPECTED_SKIPS.items():
        assert skips[ref].startswith(reason), (ref, skips[ref])
    # Every written record passes check, as a separate command.
    checked = cli(root, "check")
    assert checked.returncode == 0, checked.stderr

    # A second run writes nothing new and changes nothing.
    files = {p.name: p.read_bytes() for p in (root / "facilities").iterdir()}
    again = cli(root, "impor-osm", str(OSM_FIXTURES / "overpass.json"))
    assert again.returncode == 0, again.stderr
    assert {p.name: p.read_bytes() for p in (root / "facilities").iterdir()} == files
    assert "0 ditulis" in again.stderr
    for ref, (ident, *_rest) in EXPECTED_WRITES.items():
        assert _skips(again.stdout)[ref] == f"sudah ada sebagai facilities/{ident}.yml (osm: {ref})"

    # And the imported records go back out as modifications of their objects.
    result = check(load_config(root))
    export = osm_export(result.facilities)
    (root / "x.osm").write_bytes(export.osm)
    nodes = read_both(root / "x.osm")
    assert {i for i in nodes if i > 0} == {1001, 1002, 1009}
    assert nodes[1002]["version"] == 5
    assert sorted(f.id for f in export.linked_elsewhere) == [
        "contoh-pojok-baca-sungai-miai", "contoh-sanggar-anak-pasar-lama"]


def test_impor_osm_reads_a_geojson_export(import_project):
    run = cli(import_project, "impor-osm", str(OSM_FIXTURES / "overpass-turbo.geojson"))
    assert run.returncode == 0, run.stdout + run.stderr
    taman = yaml.safe_load((import_project / "facilities" /
                            "contoh-taman-bermain-belitung-selatan.yml").read_text("utf-8"))
    assert taman["osm"] == {"id": "way/3001"} and taman["kelurahan"] == "Belitung Selatan"
    assert taman["lokasi"] == pytest.approx([-3.30886, 114.5780], abs=1e-6)
    rak = yaml.safe_load((import_project / "facilities" / "contoh-rak-buku-kelayan.yml")
                         .read_text("utf-8"))
    assert rak["osm"] == {"id": "node/3002", "versi": 4} and rak["kategori"] == "pojok-baca"
    assert _skips(run.stdout) == {"node/3003": "tidak cocok dengan kategori mana pun "
                                               "(shop=bakery)"}


def test_impor_osm_without_boundaries_says_so_and_writes_nothing(project):
    run = cli(project, "impor-osm", str(OSM_FIXTURES / "overpass.json"))
    assert run.returncode == 2
    assert "batas kelurahan belum diatur" in run.stderr and "batas_kelurahan" in run.stderr
    assert list((project / "facilities").iterdir()) == []


def test_impor_osm_refuses_a_file_that_is_not_osm_data(tmp_path, import_project):
    bad = tmp_path / "bukan.json"
    bad.write_text('{"halo": 1}', encoding="utf-8")
    run = cli(import_project, "impor-osm", str(bad))
    assert run.returncode == 2 and "bukan jawaban Overpass API" in run.stderr


def test_category_matching_never_reaches_a_protected_category():
    vocab = load_vocab()
    assert match_category({"amenity": "clinic", "name": "Puskesmas Contoh"},
                          vocab).slug == "puskesmas"
    assert match_category({"amenity": "clinic", "name": "Klinik Contoh"}, vocab) is None
    assert match_category({"leisure": "playground"}, vocab).slug == "taman-bermain"
    for slug, cat in vocab.categories.items():
        if cat.dilindungi:
            assert not cat.osm and not cat.osm_info.impor, slug
    assert match_category({"amenity": "social_facility", "social_facility": "shelter",
                           "name": "Rumah Aman"}, vocab) is None


def test_similar_names_ignore_words_that_only_say_what_a_place_is():
    vocab = load_vocab()
    generic = generic_words(vocab, load_city("63.71"))
    assert similar("Taman Bermain Kamboja", "Taman Kamboja", generic)
    assert similar("Ruang Laktasi Balai Kota", "Balai Kota Banjarmasin", generic)
    assert not similar("Taman Kamboja", "Taman Siring", generic)
    assert not similar("Perpustakaan Kelayan", "Perpustakaan Pekauman", generic)


def test_a_written_record_that_fails_check_is_removed_again(import_project, monkeypatch, capsys):
    from petakla import osm_import

    real = osm_import.record_values

    def wrong_ages(*args, **kwargs):  # a value check refuses (min above max)
        return {**real(*args, **kwargs), "usia": [9, 3]}

    monkeypatch.setattr(osm_import, "record_values", wrong_ages)
    before = sorted(p.name for p in (import_project / "facilities").iterdir())
    code = osm_import.run_import(load_config(import_project),
                                 str(OSM_FIXTURES / "overpass-turbo.geojson"))
    out = capsys.readouterr()
    assert code == 1
    assert sorted(p.name for p in (import_project / "facilities").iterdir()) == before
    assert "dihapus lagi: facilities/contoh-rak-buku-kelayan.yml" in out.out
    assert "usia" in out.err


def test_kueri_prints_an_overpass_query_for_every_imported_category():
    run = cli(REPO, "impor-osm", "--kueri")
    assert run.returncode == 0, run.stderr
    query = run.stdout
    config = load_config(REPO)
    (s, w), (n, e) = config.batas
    assert query.startswith(f"[out:json][timeout:120][bbox:{s},{w},{n},{e}];")
    assert query.rstrip().endswith("out center meta;")  # ways get a point, objects a version
    for slug, cat in load_vocab().categories.items():
        listed = f"// {slug}\n" in query
        assert listed == bool(cat.osm_info.impor), slug
        for key, values in cat.osm_info.impor:
            assert f'["{key}"="{values[0]}"]' in query
    missing = cli(REPO, "impor-osm")
    assert missing.returncode == 2 and "--kueri" in missing.stderr
