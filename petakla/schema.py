"""The JSON Schema of a facility record, generated from the vocabularies.

The generated file is committed (`petakla/data/fasilitas.schema.json`) so editors get
completion and checking in their editor through yaml-language-server; a test keeps it equal
to what this module generates. Run `python build_map.py schema` after changing a vocabulary.
"""

from __future__ import annotations

import json

from .regions import City
from .vocab import Vocab

SCHEMA_FILE = "fasilitas.schema.json"
SLUG_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
OSM_ID_PATTERN = r"^(node|way|relation)/[1-9][0-9]*$"
SEKTOR = {
    "pemerintah": "Pemerintah",
    "non-pemerintah": "Non-pemerintah (LSM, organisasi masyarakat)",
    "media": "Media",
    "dunia-usaha": "Dunia usaha",
}
AKSES = {
    "umum": "Terbuka untuk umum",
    "pengunjung": "Untuk pengunjung tempat itu",
    "karyawan": "Hanya untuk karyawan",
}
# How precisely `lokasi` places the facility (shown on the site in words and shape).
KETELITIAN = {
    "tepat": "Tepat di tempatnya",
    "jalan": "Di jalan yang disebut alamat; letak persisnya belum diketahui",
    "kelurahan": "Hanya kelurahannya yang diketahui; titik mewakili kelurahan",
}
STATUS = {
    "aktif": "Aktif",
    "tutup-sementara": "Tutup sementara",
    "direncanakan": "Direncanakan",
    "tutup": "Tutup",
}


def _text(description: str, **extra) -> dict:
    return {"type": "string", "minLength": 1, "description": description, **extra}


def _amenities(choices: tuple[str, ...] | list[str]) -> dict:
    """A category's amenity rule. Written the way every validator accepts (Ajv in strict mode
    too): `type` beside `items`, and no empty `enum` (a category without choices allows an
    empty list only)."""
    if not choices:
        return {"type": "array", "maxItems": 0}
    return {"type": "array", "items": {"enum": list(choices)}}


def build_schema(vocab: Vocab, city: City, kategori: str | None = None) -> dict:
    """The record schema. With `kategori`, the same rules for a record known to be of that
    category: its amenity rule applies directly instead of one if/then per category, which
    makes checking thousands of records several times faster (same errors)."""
    categories = sorted(vocab.categories)
    protected = sorted(c.slug for c in vocab.categories.values() if c.dilindungi)
    per_category = [
        {
            "if": {"properties": {"kategori": {"const": slug}}, "required": ["kategori"]},
            "then": {"properties": {"fasilitas": _amenities(cat.fasilitas)}},
        }
        for slug, cat in sorted(vocab.categories.items())
    ]
    specialised = kategori in vocab.categories
    if specialised:
        per_category = [rule["then"] for rule in per_category
                        if rule["if"]["properties"]["kategori"]["const"] == kategori]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:petakla:fasilitas.schema.json",  # no domain: the schema is the same on every site
        "title": "Fasilitas ramah anak",
        "description": f"Satu fasilitas ramah anak di {city.nama}. Satu berkas per fasilitas.",
        "type": "object",
        "additionalProperties": False,
        "required": ["nama", "kategori", "kelurahan", "sumber"],
        "properties": {
            "nama": _text("Nama fasilitas, seperti tertulis di papan namanya.", maxLength=150),
            "kategori": {
                "description": "Jenis fasilitas; menentukan klaster KLA, ikon dan warna di peta.",
                "enum": categories,
            },
            "alamat": _text("Alamat jalan (tanpa kelurahan/kecamatan/kota). Wajib bila "
                            "`lokasi` tidak diisi.", maxLength=200),
            "kelurahan": _text(f"Kelurahan tempat fasilitas berada ({city.nama}). "
                               "Kecamatan diturunkan otomatis.",
                               examples=[k.nama for k in city.kelurahan]),
            "lokasi": {
                "description": "Koordinat [lintang, bujur] dalam derajat desimal (WGS84), "
                               "misalnya [-3.3263, 114.5892].",
                "type": "array",
                "prefixItems": [
                    {"type": "number", "minimum": -90, "maximum": 90},
                    {"type": "number", "minimum": -180, "maximum": 180},
                ],
                "minItems": 2,
                "maxItems": 2,
            },
            "lokasi_perkiraan": {
                "description": "true bila koordinat hanya perkiraan (belum diukur di tempat).",
                "type": "boolean",
            },
            "ketelitian_lokasi": {
                "description": "Seberapa tepat `lokasi`: tepat (di tempatnya), jalan (di jalan "
                               "yang disebut alamat) atau kelurahan (hanya kelurahannya yang "
                               "diketahui; di peta digambar sebagai wilayah kelurahan).",
                "enum": list(KETELITIAN),
            },
            "sumber_lokasi": _text("Asal koordinat bila diambil dari sumber sekunder (aplikasi "
                                   "atau peta pihak ketiga, bukan pengukuran di tempat atau "
                                   "sumber resmi); di situs ditandai sebagai sumber sekunder.",
                                   maxLength=300),
            "pengelola": {
                "description": "Lembaga yang mengelola fasilitas.",
                "type": "object",
                "additionalProperties": False,
                "required": ["nama", "sektor"],
                "properties": {
                    "nama": _text("Nama lembaga pengelola.", maxLength=150),
                    "sektor": {"description": "Kelompok pemangku kepentingan KLA.",
                               "enum": list(SEKTOR)},
                },
            },
            "jam_buka": _text("Jam buka dalam sintaks opening_hours OpenStreetMap, "
                              "misalnya \"Mo-Fr 08:00-16:00; Sa 08:00-12:00\".", maxLength=300),
            "usia": {
                "description": "Rentang usia anak [min, maks] dalam tahun.",
                "type": "array",
                "items": {"type": "integer", "minimum": 0, "maximum": 18},
                "minItems": 2,
                "maxItems": 2,
            },
            "fasilitas": {
                "description": "Sarana yang tersedia; pilihan bergantung pada kategori.",
                "type": "array",
                "items": {"type": "string"},
                "uniqueItems": True,
            },
            "akses": {"description": "Siapa yang boleh memakai fasilitas.", "enum": list(AKSES)},
            "kontak": {
                "description": "Kontak lembaga (bukan nomor atau email pribadi).",
                "type": "object",
                "additionalProperties": False,
                "minProperties": 1,
                # Patterns are ECMA-262 regexes (JSON Schema's dialect, also run by the web
                # form and check-jsonschema): no needless escapes such as \" in them.
                "properties": {
                    "telepon": _text("Nomor telepon kantor, misalnya \"(0511) 3352155\".",
                                     maxLength=30),
                    "situs": _text("Alamat situs web, diawali https:// atau http://.",
                                   pattern="^https?://[^\\s<>\"']+$", maxLength=300),
                    "email": _text("Email lembaga.",
                                   pattern="^[^@\\s<>\"']+@[^@\\s<>\"']+\\.[A-Za-z]{2,}$",
                                   maxLength=200),
                },
            },
            "keterangan": _text("Keterangan singkat untuk pengunjung (teks biasa).",
                                maxLength=1000),
            "sumber": _text("Asal informasi: alamat web atau nama dokumen.", maxLength=500),
            "osm": {
                "description": "Objek OpenStreetMap yang sama dengan fasilitas ini (diisi oleh "
                               "`build_map.py impor-osm`). Ekspor OSM menulisnya sebagai "
                               "perubahan objek itu, bukan objek baru.",
                "type": "object",
                "additionalProperties": False,
                "required": ["id"],
                "properties": {
                    "id": _text("Jenis dan nomor objek OSM, misalnya node/123456.",
                                pattern=OSM_ID_PATTERN),
                    "versi": {"description": "Versi objek OSM saat diimpor.",
                              "type": "integer", "minimum": 1},
                },
            },
            "verifikasi": {
                "description": "Kapan dan oleh siapa data diperiksa di tempat. "
                               "Kosongkan bila belum diverifikasi.",
                "type": "object",
                "additionalProperties": False,
                "required": ["tanggal", "oleh"],
                "properties": {
                    "tanggal": _text("Tanggal pemeriksaan, TTTT-BB-HH.",
                                     pattern=r"^\d{4}-\d{2}-\d{2}$"),
                    "oleh": _text("Nama petugas atau lembaga yang memeriksa.", maxLength=150),
                },
            },
            "status": {"description": "Status fasilitas; bawaan: aktif.", "enum": list(STATUS)},
        },
        "allOf": [
            {
                "if": {
                    "not": {"anyOf": [
                        {"properties": {"lokasi": {}}, "required": ["lokasi"]},
                        {"properties": {"kategori": {"enum": protected}}, "required": ["kategori"]},
                    ]},
                },
                "then": {"properties": {"alamat": {}}, "required": ["alamat"]},
            },
            *(per_category if specialised else []),
        ],
        # The amenity rules apply only once `fasilitas` is written: placed in allOf, their
        # `properties` made yaml-language-server offer `fasilitas` twice in completion.
        **({} if specialised else {"dependentSchemas": {"fasilitas": {"allOf": per_category}}}),
    }


def schema_text(vocab: Vocab, city: City) -> str:
    return json.dumps(build_schema(vocab, city), ensure_ascii=False, indent=2) + "\n"
