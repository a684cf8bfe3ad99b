"""Open data downloads of every published facility: GeoJSON (RFC 7946) and CSV (UTF-8),
written through geopandas/pyogrio so the files are what GIS tools expect."""

from __future__ import annotations

import tempfile
from pathlib import Path

import geopandas as gpd
from shapely.geometry import Point

from .model import Facility

DATA_DIR = "data"
# Column name -> description (Indonesian); the /data/ page documents these.
FIELDS: dict[str, str] = {
    "id": "Pengenal unik (nama berkas data).",
    "nama": "Nama fasilitas.",
    "kategori": "Kode kategori.",
    "kategori_label": "Nama kategori.",
    "klaster": "Klaster KLA yang dilayani.",
    "alamat": "Alamat jalan.",
    "kelurahan": "Nama resmi kelurahan.",
    "kelurahan_kode": "Kode wilayah Kemendagri kelurahan.",
    "kecamatan": "Nama resmi kecamatan.",
    "kecamatan_kode": "Kode wilayah Kemendagri kecamatan.",
    "lat": "Lintang (WGS84).",
    "lon": "Bujur (WGS84).",
    "lokasi_perkiraan": "Kosong bila titik tepat; bila perkiraan: 'editor' (perkiraan penyunting), "
                        "'geocode' (dari alamat) atau 'kelurahan' (titik di dalam kelurahan).",
    "pengelola": "Nama lembaga pengelola.",
    "sektor": "Sektor pengelola: pemerintah, non-pemerintah, media, dunia-usaha.",
    "jam_buka": "Jam buka (sintaks opening_hours OpenStreetMap).",
    "usia_min": "Usia anak terendah (tahun).",
    "usia_max": "Usia anak tertinggi (tahun).",
    "fasilitas": "Sarana yang tersedia, dipisah titik koma.",
    "akses": "Siapa yang boleh memakai: umum, pengunjung, karyawan.",
    "telepon": "Telepon lembaga.",
    "situs": "Situs web lembaga.",
    "email": "Email lembaga.",
    "keterangan": "Keterangan.",
    "sumber": "Sumber informasi.",
    "status": "Status: aktif, tutup-sementara, direncanakan, tutup.",
    "verifikasi_tanggal": "Tanggal verifikasi di tempat (kosong: belum diverifikasi).",
    "verifikasi_oleh": "Pemeriksa.",
}


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
        "pengelola": pengelola.get("nama", ""), "sektor": pengelola.get("sektor", ""),
        "jam_buka": d.get("jam_buka", ""), "usia_min": usia[0], "usia_max": usia[1],
        "fasilitas": ";".join(d.get("fasilitas", [])), "akses": d.get("akses", ""),
        "telepon": kontak.get("telepon", ""), "situs": kontak.get("situs", ""),
        "email": kontak.get("email", ""), "keterangan": d.get("keterangan", ""),
        "sumber": d.get("sumber", ""), "status": f.status,
        "verifikasi_tanggal": ver.get("tanggal", ""), "verifikasi_oleh": ver.get("oleh", ""),
    }


def frame(facilities: list[Facility]) -> gpd.GeoDataFrame:
    """Published facilities (never protected ones) as a GeoDataFrame in WGS84."""
    rows = [_row(f) for f in facilities if f.has_location]
    geometry = [Point(r["lon"], r["lat"]) for r in rows]
    gdf = gpd.GeoDataFrame(rows, columns=list(FIELDS), geometry=geometry, crs="EPSG:4326")
    return gdf.astype({"usia_min": "Int64", "usia_max": "Int64"})


def downloads(facilities: list[Facility]) -> dict[str, bytes]:
    gdf = frame(facilities)
    with tempfile.TemporaryDirectory() as tmp:
        geojson = Path(tmp) / "fasilitas.geojson"
        gdf.to_file(geojson, driver="GeoJSON", engine="pyogrio",
                    layer_options={"RFC7946": "YES", "COORDINATE_PRECISION": "6",
                                   "WRITE_NAME": "NO"})
        csv = gdf.drop(columns="geometry").to_csv(index=False, lineterminator="\n")
        return {
            f"{DATA_DIR}/fasilitas.geojson": geojson.read_bytes(),
            f"{DATA_DIR}/fasilitas.csv": csv.encode("utf-8"),
        }
