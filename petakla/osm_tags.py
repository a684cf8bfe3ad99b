"""OpenStreetMap tags of a facility, and the documentation of that mapping.

The category and amenity tags come from the vocabularies (kategori.yml `osm`, amenitas.yml);
the record fields' tags are listed here in FIELD_TAGS, each with the OSM wiki page it follows,
so /data/ documents exactly what the export writes."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from .model import Facility
from .vocab import Category, Vocab

WIKI = "https://wiki.openstreetmap.org/wiki/"
# Facilities in these states are not exported: OpenStreetMap maps what exists now.
NOT_EXPORTED_STATUS = {"direncanakan": "belum ada", "tutup": "sudah tutup"}
# pengelola.sektor -> operator:type (Key:operator:type). Media has no matching value.
OPERATOR_TYPE = {"pemerintah": "government", "non-pemerintah": "ngo", "dunia-usaha": "private"}
# akses -> access (Key:access).
ACCESS = {"umum": "yes", "pengunjung": "customers", "karyawan": "private"}
FIXME_APPROX = "lokasi perkiraan; periksa posisinya di tempat atau pada citra"


@dataclass(frozen=True)
class FieldTag:
    field: str  # record field (Indonesian key)
    tags: str  # OSM key(s) written
    wiki: tuple[str, ...]
    catatan: str = ""


FIELD_TAGS: tuple[FieldTag, ...] = (
    FieldTag("nama", "name", (f"{WIKI}Key:name",)),
    FieldTag("alamat", "addr:full", (f"{WIKI}Addresses",),
             "Alamat ditulis bebas di data ini, jadi tidak dipecah ke addr:street/addr:housenumber."),
    FieldTag("jam_buka", "opening_hours", (f"{WIKI}Key:opening_hours",),
             "Sintaksnya sama; diperiksa saat data diperiksa."),
    FieldTag("usia", "min_age, max_age", (f"{WIKI}Key:min_age", f"{WIKI}Key:max_age"),
             "Dalam tahun."),
    FieldTag("pengelola.nama", "operator", (f"{WIKI}Key:operator",)),
    FieldTag("pengelola.sektor", "operator:type", (f"{WIKI}Key:operator:type",),
             "pemerintah → government, non-pemerintah → ngo, dunia-usaha → private; media tidak "
             "ditulis (tidak ada nilai yang cocok)."),
    FieldTag("akses", "access", (f"{WIKI}Key:access",),
             "umum → yes, pengunjung → customers, karyawan → private."),
    FieldTag("kontak.telepon", "phone", (f"{WIKI}Key:phone",),
             "Format internasional, misalnya +62 511 3352155."),
    FieldTag("kontak.situs", "website", (f"{WIKI}Key:website",)),
    FieldTag("kontak.email", "email", (f"{WIKI}Key:email",)),
    FieldTag("verifikasi.tanggal", "check_date", (f"{WIKI}Key:check_date",),
             "Tanggal terakhir diperiksa di tempat."),
    FieldTag("lokasi (perkiraan)", "fixme", (f"{WIKI}Key:fixme",),
             f"Titik perkiraan diberi fixme=\"{FIXME_APPROX}\"."),
)


@cache  # the same office numbers recur across many records
def osm_phone(text: str) -> str:
    """An Indonesian number in the international format Key:phone asks for ("+62 511
    3352155"); "" when it cannot be read."""
    from lokal import parse_phone

    try:
        info = parse_phone(text)
    except Exception:
        return ""
    if not info.valid or not info.e164 or not info.e164.startswith("+62"):
        return ""
    digits = info.e164[3:]
    split = len(info.area_code) - 1 if info.area_code else 3
    return f"+62 {digits[:split]} {digits[split:]}"


def exportable(f: Facility) -> bool:
    """Whether a facility belongs in the OpenStreetMap export: published with a location, a
    category with OSM tags, and a place that exists now."""
    return (f.has_location and not f.protected and bool(f.category.osm)
            and f.status not in NOT_EXPORTED_STATUS)


def facility_tags(f: Facility, vocab: Vocab) -> dict[str, str]:
    """The OSM tags of one facility, in a stable order (category tags first)."""
    d = f.data
    tags: dict[str, str] = dict(f.category.osm)
    tags["name"] = f.nama
    for slug in d.get("fasilitas", []):
        amenity = vocab.amenity_osm.get(slug)
        if amenity is not None:
            tags.update(amenity.osm)
    if d.get("alamat"):
        tags["addr:full"] = d["alamat"]
    if d.get("jam_buka"):
        tags["opening_hours"] = d["jam_buka"]
    usia = d.get("usia")
    if usia:
        tags["min_age"], tags["max_age"] = str(usia[0]), str(usia[1])
    pengelola = d.get("pengelola") or {}
    if pengelola.get("nama"):
        tags["operator"] = pengelola["nama"]
        if pengelola.get("sektor") in OPERATOR_TYPE:
            tags["operator:type"] = OPERATOR_TYPE[pengelola["sektor"]]
    if d.get("akses") in ACCESS:
        tags["access"] = ACCESS[d["akses"]]
    kontak = d.get("kontak") or {}
    if kontak.get("telepon") and (phone := osm_phone(kontak["telepon"])):
        tags["phone"] = phone
    if kontak.get("situs"):
        tags["website"] = kontak["situs"]
    if kontak.get("email"):
        tags["email"] = kontak["email"]
    ver = d.get("verifikasi") or {}
    if ver.get("tanggal"):
        tags["check_date"] = str(ver["tanggal"])
    if f.approx:
        tags["fixme"] = FIXME_APPROX
    return tags


def category_rows(vocab: Vocab) -> list[dict]:
    """The category part of the /data/ tag table."""
    rows = []
    for cat in vocab.categories.values():
        rows.append({"kategori": cat.label, "slug": cat.slug, "tags": _tag_list(cat),
                     "impor": _impor_text(cat),
                     "impor_nama": cat.osm_info.impor_nama, "wiki": list(cat.osm_info.wiki),
                     "catatan": _note(cat)})
    return rows


def amenity_rows(vocab: Vocab) -> list[dict]:
    return [{"sarana": a.label, "slug": a.slug, "tags": [f"{k}={v}" for k, v in a.osm],
             "wiki": list(a.wiki)} for a in vocab.amenity_osm.values() if a.osm]


def _tag_list(cat: Category) -> list[str]:
    return [f"{k}={v}" for k, v in cat.osm]


def _impor_text(cat: Category) -> str:
    info = cat.osm_info
    if not info.impor:
        return ""
    return " + ".join(f"{k}={'|'.join(v)}" for k, v in info.impor)


def _note(cat: Category) -> str:
    if cat.dilindungi:
        return "Dilindungi: tidak pernah diekspor ke atau diimpor dari OpenStreetMap."
    if not cat.osm:
        return "Bukan tempat (organisasi): tidak diekspor."
    return cat.osm_info.catatan
