"""Open data downloads of every published facility, written in one step through
geopandas/pyogrio so the files are what GIS tools expect: GeoJSON (RFC 7946), CSV (UTF-8) and
KML (Google Earth, Google My Maps).

Every column is listed in FIELDS with the record field (a path in the JSON Schema) it comes
from, so the /data/ page documents the columns from the schema's own descriptions."""

from __future__ import annotations

import csv
import tempfile
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from .model import APPROX_LABELS, Facility
from .osm_export import OSM_DOWNLOADS, osm_files
from .schema import STATUS

DATA_DIR = "data"
DOWNLOADS = [f"{DATA_DIR}/fasilitas.geojson", f"{DATA_DIR}/fasilitas.csv",
             f"{DATA_DIR}/fasilitas.kml", *OSM_DOWNLOADS]
# pyogrio's GDAL has both "KML" and "LIBKML". LIBKML writes the `id` column as the Placemark's
# id (it reads back as `id`, with no clash) and a column named "name"/"description" as the
# Placemark's <name>/<description>, without touching process-wide GDAL settings.
KML_DRIVER = "LIBKML"


@dataclass(frozen=True)
class Column:
    """One column of the downloads.

    `schema`: where the value comes from in a record, as a path in the JSON Schema
    ("properties.pengelola.properties.nama"), or "" for a column the pipeline derives.
    `keterangan`: what the column holds (Indonesian), for derived columns and wherever the
    schema's description alone would not say it."""

    schema: str = ""
    keterangan: str = ""


FIELDS: dict[str, Column] = {
    "id": Column("", "Pengenal unik fasilitas: nama berkas datanya tanpa .yml "
                     "(facilities/<id>.yml), juga bagian alamat halamannya (/fasilitas/<id>/)."),
    "nama": Column("properties.nama"),
    "kategori": Column("properties.kategori", "Kode kategori; namanya ada di kolom "
                                              "kategori_label."),
    "kategori_label": Column("", "Nama kategori, misalnya Ruang Laktasi."),
    "klaster": Column("", "Klaster Kota Layak Anak yang didukung kategori ini."),
    "alamat": Column("properties.alamat"),
    "kelurahan": Column("properties.kelurahan", "Ditulis dengan ejaan resmi Kemendagri."),
    "kelurahan_kode": Column("", "Kode wilayah Kemendagri kelurahan, misalnya 63.71.01.1001."),
    "kecamatan": Column("", "Nama resmi kecamatan, diturunkan dari kelurahan."),
    "kecamatan_kode": Column("", "Kode wilayah Kemendagri kecamatan, misalnya 63.71.01."),
    "lat": Column("properties.lokasi", "Lintang (WGS84, derajat desimal, 6 angka di belakang "
                                       "koma). Dari `lokasi`; bila kosong, dicari dari alamat "
                                       "(lihat lokasi_perkiraan)."),
    "lon": Column("properties.lokasi", "Bujur (WGS84, derajat desimal, 6 angka di belakang "
                                       "koma). Sumbernya sama dengan lat."),
    "lokasi_perkiraan": Column(
        "properties.lokasi_perkiraan",
        "Kosong bila titik diukur di tempat. Bila titik hanya perkiraan: editor (perkiraan "
        "penyunting), jalan (di jalan yang disebut alamat), geocode (dicari dari alamat di data "
        "OpenStreetMap) atau kelurahan (hanya kelurahannya yang diketahui; titik mewakili "
        "kelurahan)."),
    "ketelitian_lokasi": Column("properties.ketelitian_lokasi",
                                "Kosong bila data tidak menyebutnya."),
    "sumber_lokasi": Column("properties.sumber_lokasi",
                            "Diisi bila koordinat berasal dari sumber sekunder."),
    "pengelola": Column("properties.pengelola.properties.nama"),
    "sektor": Column("properties.pengelola.properties.sektor"),
    "jam_buka": Column("properties.jam_buka"),
    "usia_min": Column("properties.usia", "Usia anak terendah (tahun)."),
    "usia_max": Column("properties.usia", "Usia anak tertinggi (tahun)."),
    "fasilitas": Column("properties.fasilitas", "Kode sarana, dipisah titik koma (;)."),
    "akses": Column("properties.akses"),
    "telepon": Column("properties.kontak.properties.telepon"),
    "situs": Column("properties.kontak.properties.situs"),
    "email": Column("properties.kontak.properties.email"),
    "keterangan": Column("properties.keterangan"),
    "sumber": Column("properties.sumber"),
    "osm_id": Column("properties.osm.properties.id", "Kosong bila fasilitas tidak berasal dari "
                                                     "data OpenStreetMap."),
    "osm_versi": Column("properties.osm.properties.versi"),
    "status": Column("properties.status", "Bila tidak diisi di data: aktif."),
    "verifikasi_tanggal": Column("properties.verifikasi.properties.tanggal",
                                 "Kosong: belum diverifikasi di tempat."),
    "verifikasi_oleh": Column("properties.verifikasi.properties.oleh"),
}


def schema_node(schema: dict, path: str) -> dict:
    """The part of the JSON Schema at a dotted path such as "properties.usia"."""
    node: Any = schema
    for key in path.split("."):
        node = node[key]
    return node


def column_docs(schema: dict) -> list[dict]:
    """Per column, what the /data/ page says about it: the record field it comes from and
    the schema's description of it (so the documentation cannot drift from the schema)."""
    docs = []
    for name, col in FIELDS.items():
        node = schema_node(schema, col.schema) if col.schema else {}
        docs.append({
            "nama": name,
            "field": ".".join(p for p in col.schema.split(".") if p != "properties"),
            "schema": node.get("description", ""),
            "keterangan": col.keterangan,
            "nilai": list(node.get("enum", [])) if name != "kategori" else [],
        })
    return docs


def _row(f: Facility) -> dict:
    d = f.data
    usia = d.get("usia") or [None, None]
    kontak = d.get("kontak") or {}
    pengelola = d.get("pengelola") or {}
    ver = d.get("verifikasi") or {}
    return {
        "id": f.id, "nama": f.nama, "kategori": f.category.slug,
        "kategori_label": f.category.label, "klaster": f.category.klaster.judul,
        "alamat": d.get("alamat", ""), "kelurahan": f.kelurahan.nama,
        "kelurahan_kode": f.kelurahan.kode, "kecamatan": f.kelurahan.kecamatan.nama,
        "kecamatan_kode": f.kelurahan.kecamatan.kode,
        "lat": round(f.lat, 6), "lon": round(f.lon, 6), "lokasi_perkiraan": f.approx or "",
        "ketelitian_lokasi": d.get("ketelitian_lokasi", ""),
        "sumber_lokasi": d.get("sumber_lokasi", ""),
        "pengelola": pengelola.get("nama", ""), "sektor": pengelola.get("sektor", ""),
        "jam_buka": d.get("jam_buka", ""), "usia_min": usia[0], "usia_max": usia[1],
        "fasilitas": ";".join(d.get("fasilitas", [])), "akses": d.get("akses", ""),
        "telepon": kontak.get("telepon", ""), "situs": kontak.get("situs", ""),
        "email": kontak.get("email", ""), "keterangan": d.get("keterangan", ""),
        "sumber": d.get("sumber", ""), "osm_id": (d.get("osm") or {}).get("id", ""),
        "osm_versi": (d.get("osm") or {}).get("versi"), "status": f.status,
        "verifikasi_tanggal": ver.get("tanggal", ""), "verifikasi_oleh": ver.get("oleh", ""),
    }


def frame(facilities: list[Facility]) -> gpd.GeoDataFrame:
    """Published facilities (never protected ones) as a GeoDataFrame in WGS84."""
    rows = [_row(f) for f in facilities if f.has_location]
    geometry = [Point(r["lon"], r["lat"]) for r in rows]
    gdf = gpd.GeoDataFrame(rows, columns=list(FIELDS), geometry=geometry, crs="EPSG:4326")
    return gdf.astype({"usia_min": "Int64", "usia_max": "Int64", "osm_versi": "Int64"})


def kml_description(f: Facility, site_url: str = "") -> str:
    """A short HTML summary for the KML balloon (Google Earth and My Maps show <description>
    as HTML, so every value is escaped here)."""
    kel = f.kelurahan
    where = ", ".join(x for x in (f.data.get("alamat", ""), f"Kelurahan {kel.nama}",
                                  f"Kecamatan {kel.kecamatan.nama}") if x)
    lines = [f"{f.category.label} ({f.category.klaster.judul})", where]
    if f.data.get("jam_buka"):
        lines.append(f"Jam buka: {f.data['jam_buka']}")
    status = STATUS[f.status]
    ver = f.verified
    lines.append(f"Status: {status}; " + (f"diverifikasi {ver['tanggal']}" if ver
                                          else "belum diverifikasi"))
    if f.approx:
        lines.append(APPROX_LABELS[f.approx])
    if f.secondary_point:
        lines.append(f"Titik dari sumber sekunder: {f.secondary_point}")
    html = "<br>".join(escape(line) for line in lines)
    if site_url:
        url = f"{site_url.rstrip('/')}/fasilitas/{f.id}/"
        html += f'<br><a href="{escape(url)}">Halaman fasilitas</a>'
    return html


NO_ADDRESS = ("Dibangun tanpa alamat situs: tautan ke halaman fasilitas tidak dimuat. "
              "Atur alamatnya saat membangun (PETAKLA_SITE_URL=https://alamat-situs/ "
              "python build_map.py build); situs yang diterbitkan lewat GitHub Pages memakainya.")


def kml_document_description(site_url: str) -> str:
    """What the KML document says about itself: where it comes from, or that it was built
    without the site's address (so it has no links to facility pages)."""
    if site_url:
        return f"Data terbuka, CC BY 4.0: {site_url.rstrip('/')}/data/"
    return NO_ADDRESS


def _kml(gdf: gpd.GeoDataFrame, facilities: list[Facility], site_url: str, path: Path) -> None:
    by_id = {f.id: f for f in facilities}
    kml = gdf.copy()
    # LIBKML writes a column named "name" as the Placemark's <name> and "description" as its
    # <description>; every other column goes into ExtendedData.
    kml.insert(1, "name", kml.pop("nama"))
    kml.insert(2, "description", [kml_description(by_id[i], site_url) for i in kml["id"]])
    # LIBKML wraps text with & < > in CDATA without splitting a "]]>" inside it, which ends the
    # CDATA early: the file is then not XML at all. Such values are written as plain tokens and
    # put back, XML-escaped, into the written file.
    tokens: dict[str, str] = {}
    for column in _text_columns(kml):
        kml[column] = [_kml_token(v, tokens, kml) for v in kml[column]]
    kml.to_file(path, driver=KML_DRIVER, engine="pyogrio", layer="fasilitas",
                dataset_options={"NAME": "Fasilitas ramah anak",
                                 "DESCRIPTION": kml_document_description(site_url)})
    if tokens:
        text = path.read_text(encoding="utf-8")
        for token, value in tokens.items():
            text = text.replace(f">{token}<", f">{escape(value, quote=False)}<")
        path.write_text(text, encoding="utf-8")


def _kml_token(value: Any, tokens: dict[str, str], frame: gpd.GeoDataFrame) -> Any:
    if not (isinstance(value, str) and "]]>" in value):
        return value
    token = f"petaklakmlvalue{len(tokens)}x"
    while any(isinstance(v, str) and token in v for c in _text_columns(frame) for v in frame[c]):
        token += "x"
    tokens[token] = value
    return token


# OWASP "CSV Injection": a spreadsheet runs a cell that starts with one of these as a formula
# (full-width forms too, which some spreadsheets fold to ASCII). Such a text cell gets a
# leading apostrophe, which spreadsheets show as text and do not store in the cell.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
CSV_NOTE = ("Teks yang diawali =, +, -, @, tab atau CR diberi awalan tanda kutip tunggal (') "
            "agar spreadsheet tidak menjalankannya sebagai rumus; hapus tanda itu bila "
            "mengolah berkas dengan program lain. Kolom angka (lat, lon, usia) tetap angka.")


def _text_columns(frame: gpd.GeoDataFrame) -> list[str]:
    return [c for c in frame.columns
            if c != "geometry" and not pd.api.types.is_numeric_dtype(frame[c])]


def spreadsheet_safe(value: Any) -> Any:
    """A text cell as OWASP's CSV-injection guidance says; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_text(gdf: gpd.GeoDataFrame) -> str:
    """The CSV download: every text column neutralised and quoted, numbers left bare."""
    table = gdf.drop(columns="geometry")
    for column in _text_columns(table):
        table[column] = [spreadsheet_safe(v) for v in table[column]]
    return table.to_csv(index=False, lineterminator="\n", quoting=csv.QUOTE_NONNUMERIC)


def downloads(facilities: list[Facility], site_url: str = "") -> dict[str, bytes]:
    gdf = frame(facilities)
    with tempfile.TemporaryDirectory() as tmp:
        geojson = Path(tmp) / "fasilitas.geojson"
        gdf.to_file(geojson, driver="GeoJSON", engine="pyogrio",
                    layer_options={"RFC7946": "YES", "COORDINATE_PRECISION": "6",
                                   "WRITE_NAME": "NO"})
        kml = Path(tmp) / "fasilitas.kml"
        _kml(gdf, facilities, site_url, kml)
        table = csv_text(gdf)
        files = [geojson.read_bytes(), table.encode("utf-8"), kml.read_bytes()]
        return {**dict(zip(DOWNLOADS[:3], files, strict=True)), **osm_files(facilities)}
