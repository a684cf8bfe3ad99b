"""Downloads stay safe and well-formed whatever a valid record contains: the CSV read the way a
spreadsheet would see it (no cell a formula), the KML read by Python's XML parser and by GDAL
(what Google Earth, My Maps and QGIS need), and every value read back exactly."""

from __future__ import annotations

import csv
import html
import io
import re
import string
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from petakla.config import load_config
from petakla.export import FIELDS, downloads
from petakla.pipeline import check

KML_NS = "{http://www.opengis.net/kml/2.2}"
# What check refuses (independently written here): C0/C1 controls but tab and newline, DEL,
# bidi controls, surrogates, noncharacters.
_INVISIBLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
                        "\u2066-\u2069\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]")
FORMULA_START = "=+-@\t\r\uff1d\uff0b\uff0d\uff20"
NUMBER_COLUMNS = {"lat", "lon", "usia_min", "usia_max"}
HOSTILE_NAMES = ['=HYPERLINK("http://x.example","klik")', "+cmd|' /C calc'!A0", "@SUM(1+1)",
                 "-1+1", "=1+1", "\uff1d1+1"]


def record(nama: str, **extra: str) -> str:
    lines = [f"nama: {yaml_quote(nama)}", "kategori: ruang-laktasi",
             "kelurahan: Kertak Baru Ilir", "lokasi: [-3.3263, 114.5892]", "sumber: Data uji"]
    lines += [f"{key}: {yaml_quote(value)}" for key, value in extra.items()]
    return "\n".join(lines) + "\n"


def yaml_quote(value: str) -> str:
    """A YAML double-quoted scalar holding exactly `value`."""
    out = []
    for ch in value:
        if ch in '"\\':
            out.append("\\" + ch)
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\n":
            out.append("\\n")
        elif ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F or ch in "\u2028\u2029\ufeff":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def build_downloads(project: Path, records: dict[str, str]) -> dict[str, bytes]:
    for path in (project / "facilities").glob("*.yml"):
        path.unlink()
    for name, text in records.items():
        (project / "facilities" / f"{name}.yml").write_text(text, encoding="utf-8")
    result = check(load_config(project))
    assert result.ok, [p.message for p in result.problems]
    return downloads(result.facilities, site_url="https://peta.example/")


def csv_cells(content: bytes) -> list[dict[str, str]]:
    """The CSV as a spreadsheet's import sees it: the raw cell text (no type guessing)."""
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"), newline="")))


def kml_placemarks(content: bytes) -> dict[str, dict[str, str]]:
    """Placemark id -> {name, description, every SimpleData}, read with Python's XML parser."""
    root = ET.fromstring(content)
    out = {}
    for pm in root.iter(f"{KML_NS}Placemark"):
        values = {"name": pm.findtext(f"{KML_NS}name") or "",
                  "description": pm.findtext(f"{KML_NS}description") or ""}
        for data in pm.iter(f"{KML_NS}SimpleData"):
            values[data.get("name")] = data.text or ""
        out[pm.get("id")] = values
    return out


def read_with_gdal(content: bytes, suffix: str, tmp: Path) -> gpd.GeoDataFrame:
    path = tmp / f"unduhan{suffix}"
    path.write_bytes(content)
    return gpd.read_file(path, engine="pyogrio")


# --- 1. spreadsheet formula injection ----------------------------------------------------------


def test_csv_text_cells_never_start_a_formula_and_numbers_stay_numbers(project):
    records = {f"fasilitas-{i}": record(nama, alamat=nama, keterangan=nama)
               for i, nama in enumerate(HOSTILE_NAMES)}
    files = build_downloads(project, records)
    rows = csv_cells(files["data/fasilitas.csv"])
    assert len(rows) == len(HOSTILE_NAMES)
    for row in rows:
        for column, cell in row.items():
            if column in NUMBER_COLUMNS:  # a number (-3.3263) is what a spreadsheet should see
                assert cell == "" or float(cell) == float(cell), (column, cell)
            else:
                assert not cell.startswith(tuple(FORMULA_START)), (column, cell)
        original = HOSTILE_NAMES[int(row["id"].rsplit("-", 1)[1])]
        for column in ("nama", "alamat", "keterangan"):
            assert row[column] == "'" + original  # the apostrophe only; nothing else changed
        assert float(row["lat"]) == pytest.approx(-3.3263) and float(row["lon"]) == 114.5892
    # Numbers are written bare (a spreadsheet reads them as numbers); text is quoted.
    text = files["data/fasilitas.csv"].decode("utf-8")
    data_line = text.splitlines()[1]
    assert ",-3.3263,114.5892," in data_line and data_line.startswith('"fasilitas-0"')


def test_other_downloads_keep_the_values_unchanged(project, tmp_path):
    records = {f"fasilitas-{i}": record(nama) for i, nama in enumerate(HOSTILE_NAMES)}
    files = build_downloads(project, records)
    geojson = read_with_gdal(files["data/fasilitas.geojson"], ".geojson", tmp_path)
    assert sorted(geojson["nama"]) == sorted(HOSTILE_NAMES)


def test_data_page_says_how_the_csv_is_made_safe(project):
    from petakla.pages import generate_pages
    from petakla.regions import load_city
    from petakla.vocab import load_vocab

    config = load_config(project)
    pages = generate_pages(config, load_vocab(), load_city(config.kota_kode), [])
    assert "diberi awalan tanda kutip tunggal (')" in html.unescape(pages["data/index.md"])


# --- 2. control characters and well-formed downloads -----------------------------------------


@pytest.mark.parametrize("escape, code", [("\\x01", "U+0001"), ("\\0", "U+0000"),
                                           ("\\e", "U+001B"), ("\\x0b", "U+000B"),
                                           ("\\x85", "U+0085"), ("\\u202e", "U+202E"),
                                           ("\\u2066", "U+2066"), ("\\uffff", "U+FFFF")])
def test_check_rejects_control_characters_with_their_position(project, escape, code):
    text = record("Taman").replace("sumber: Data uji", f'sumber: "Data{escape} uji"')
    (project / "facilities" / "taman.yml").write_text(text, encoding="utf-8")
    result = check(load_config(project))
    assert not result.ok and not result.facilities
    [problem] = [p for p in result.problems if p.severity == "error"]
    assert (problem.file, problem.line, problem.col, problem.field) == \
        ("facilities/taman.yml", 5, 9, "sumber")
    assert code in problem.message and "Hapus karakter itu" in problem.message


def test_check_points_at_a_bidi_control_written_as_is(project):
    text = record("Taman").replace("nama: \"Taman\"", "nama: Taman \u202egnp.exe")
    (project / "facilities" / "taman.yml").write_text(text, encoding="utf-8")
    [problem] = check(load_config(project)).problems
    assert (problem.line, problem.col, problem.field) == (1, 13, "nama")
    assert "U+202E" in problem.message and "pengarah teks" in problem.message


def test_tab_and_newline_only_in_multiline_text(project):
    ok = record("Taman", keterangan="Baris satu\nbaris\tdua")
    (project / "facilities" / "taman.yml").write_text(ok, encoding="utf-8")
    assert check(load_config(project)).ok
    bad = record("Taman\tUji")
    (project / "facilities" / "taman.yml").write_text(bad, encoding="utf-8")
    [problem] = check(load_config(project)).problems
    assert problem.field == "nama" and "U+0009" in problem.message


def test_cdata_end_in_a_value_keeps_the_kml_well_formed(project, tmp_path):
    awkward = "Jl. A ]]> B & <b>C</b> ]]]]> \"'"
    files = build_downloads(project, {"taman-a": record("Taman ]]> A", alamat=awkward),
                                      "taman-b": record("Taman B", alamat="Jl. <B>")})
    placemarks = kml_placemarks(files["data/fasilitas.kml"])
    assert placemarks["taman-a"]["alamat"] == awkward
    assert placemarks["taman-a"]["name"] == "Taman ]]> A"
    assert placemarks["taman-b"]["alamat"] == "Jl. <B>"
    gdal = read_with_gdal(files["data/fasilitas.kml"], ".kml", tmp_path).set_index("id")
    assert gdal.loc["taman-a", "alamat"] == awkward and gdal.loc["taman-a", "Name"] == "Taman ]]> A"


# Any text a record may hold: every character but the ones check refuses (and, outside
# keterangan, tab and newline).
_text = st.text(st.characters(codec="utf-8").filter(lambda c: not _INVISIBLE.match(c)),
                min_size=1, max_size=30).filter(lambda s: s.strip() and s == s.strip())


@settings(max_examples=25, deadline=None, phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(nama=_text.filter(lambda s: "\t" not in s and "\n" not in s),
       alamat=_text.filter(lambda s: "\t" not in s and "\n" not in s),
       keterangan=_text | st.sampled_from(["]]>", "a]]>b]]>", "<![CDATA[x]]>", "&amp;"]))
def test_every_download_is_well_formed_whatever_a_valid_record_holds(project, tmp_path, nama,
                                                                      alamat, keterangan):
    files = build_downloads(project, {"taman": record(nama, alamat=alamat,
                                                      keterangan=keterangan)})
    [kml] = kml_placemarks(files["data/fasilitas.kml"]).values()
    assert (kml["name"], kml["alamat"], kml["keterangan"]) == (nama, alamat, keterangan)
    for suffix in (".kml", ".geojson"):
        gdal = read_with_gdal(files[f"data/fasilitas{suffix}"], suffix, tmp_path)
        name_column = "Name" if suffix == ".kml" else "nama"
        assert gdal.iloc[0][name_column] == nama and gdal.iloc[0]["alamat"] == alamat
        assert gdal.iloc[0]["keterangan"] == keterangan
    [row] = csv_cells(files["data/fasilitas.csv"])
    for column, value in (("nama", nama), ("alamat", alamat), ("keterangan", keterangan)):
        expected = "'" + value if value.startswith(tuple(FORMULA_START)) else value
        assert row[column] == expected
    assert set(row) == set(FIELDS)


def test_printable_ascii_survives(project):
    files = build_downloads(project, {"taman": record("Taman", keterangan=string.printable.strip()
                                                       .replace("\t", " ").replace("\n", " ")
                                                       .replace("\r", " ").replace("\x0b", " ")
                                                       .replace("\x0c", " "))})
    ET.fromstring(files["data/fasilitas.kml"])
