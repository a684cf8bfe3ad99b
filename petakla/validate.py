"""Check loaded records: the JSON Schema, then what a schema cannot say (kelurahan lookup,
id = file name, coordinates inside the city, opening hours, phone numbers, dates).

Every problem of every record is collected; nothing here raises on bad input.
"""

from __future__ import annotations

import datetime
import difflib
import json
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import opening_hours

from ._lokal import parse_phone
from .config import Config
from .hours import weekly_problem
from .load import Document
from .model import Facility
from .regions import City, normalise
from .schema import SLUG_PATTERN, build_schema
from .vocab import Vocab

if TYPE_CHECKING:  # the detailed path imports jsonschema only for a record that fails
    from jsonschema import Draft202012Validator
    from jsonschema.exceptions import ValidationError

_TYPE_NAMES = {
    "string": "teks",
    "number": "angka",
    "integer": "bilangan bulat",
    "array": "daftar [ ... ]",
    "object": "kumpulan kunci (peta)",
    "boolean": "true atau false",
}
STALE_AFTER_DAYS = 365


_VALIDATORS: dict[tuple, tuple[Vocab, City, Any]] = {}


def _cached(kind: str, vocab: Vocab, city: City, kategori: Any, make) -> Any:
    # Cached by identity: Vocab holds dicts, so it cannot be a functools.cache key. The entry
    # keeps both objects alive, so their ids cannot be reused while it exists. A record of a
    # known category gets that category's specialised schema (see build_schema).
    kategori = kategori if isinstance(kategori, str) and kategori in vocab.categories else None
    key = (kind, id(vocab), id(city), kategori)
    if key not in _VALIDATORS:
        _VALIDATORS[key] = (vocab, city, make(build_schema(vocab, city, kategori)))
    return _VALIDATORS[key][2]


def _validator(vocab: Vocab, city: City, kategori: Any = None) -> Draft202012Validator:
    """The detailed path: Python's jsonschema, whose errors `_schema_problem` words. (The
    schemas are checked against the metaschema by the tests, not on every run.)"""
    from jsonschema import Draft202012Validator

    return _cached("detail", vocab, city, kategori, Draft202012Validator)


def _compiled(schema: dict) -> Any:
    try:
        import jsonschema_rs
    except ImportError:  # the detailed path alone gives the same results, more slowly
        return None
    return jsonschema_rs.Draft202012Validator(schema, validate_formats=False)


def schema_valid_fast(data: Any, vocab: Vocab, city: City) -> bool:
    """True when the compiled validator (jsonschema-rs) finds the record valid, the common
    case; False when it finds an error or cannot tell, and the detailed path must run.
    tests/test_check_fast.py holds the two paths to the same verdict."""
    kategori = data.get("kategori") if isinstance(data, dict) else None
    validator = _cached("fast", vocab, city, kategori, _compiled)
    if validator is None:
        return False
    try:
        return bool(validator.is_valid(data))
    except Exception:  # a value it cannot take (e.g. a lone surrogate): ask the detailed path
        return False


def schema_errors(data: Any, vocab: Vocab, city: City) -> list[ValidationError]:
    """Every schema error of a record, in the order check reports them (by field path)."""
    kategori = data.get("kategori") if isinstance(data, dict) else None
    return sorted(_validator(vocab, city, kategori).iter_errors(data),
                  key=lambda e: [str(p) for p in e.absolute_path])


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value
    return text if len(text) <= 60 else text[:57] + "..."


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return f" Maksud Anda '{close[0]}'?" if close else ""


def kelurahan_hint(name: str, city: City) -> str:
    """' Maksud Anda 'Pelambuan'?' for a near miss of an official kelurahan name, else ''."""
    names = {normalise(k.nama): k.nama for k in city.kelurahan}
    close = difflib.get_close_matches(normalise(name), list(names), n=1, cutoff=0.6)
    return f" Maksud Anda '{names[close[0]]}'?" if close else ""


def _schema_problem(doc: Document, err: ValidationError) -> None:
    path = tuple(err.absolute_path)
    kw = err.validator
    if kw == "required":
        missing = [k for k in err.validator_value if k not in err.instance]
        for key in missing:
            if key == "alamat":
                msg = "kolom 'alamat' wajib diisi bila 'lokasi' tidak diisi; tambahkan alamat jalan."
            else:
                msg = f"kolom wajib '{key}' belum diisi; tambahkan baris `{key}: ...`."
            doc.problem(path + (key,), msg)
        return
    if kw == "additionalProperties":
        allowed = err.schema.get("properties", {})
        for key in err.instance:
            if key not in allowed:
                doc.problem(path + (key,), f"kunci '{key}' tidak dikenal.{_suggest(key, allowed)}"
                            " Hapus atau perbaiki nama kuncinya.", key=True)
        return
    value = err.instance
    if kw == "enum":
        choices = [str(c) for c in err.validator_value]
        field = path[0] if path else ""
        if field == "fasilitas":
            msg = (f"'{_show(value)}' tidak tersedia untuk kategori ini; pilih dari: "
                   f"{', '.join(choices) or '(tidak ada)'}.")
        else:
            msg = (f"nilai '{_show(value)}' tidak dikenal.{_suggest(value, choices)} "
                   f"Pilih salah satu: {', '.join(choices)}.")
        doc.problem(path, msg)
    elif kw == "type":
        quote = (f" Bila memang teks, apit dengan tanda kutip: \"{_show(value)}\"."
                 if err.validator_value == "string" and isinstance(value, bool | int | float)
                 and value is not None else "")
        doc.problem(path, f"harus berupa {_TYPE_NAMES.get(err.validator_value, err.validator_value)},"
                          f" bukan '{_show(value)}'.{quote}")
    elif kw == "minLength":
        doc.problem(path, "tidak boleh kosong; isi atau hapus baris ini.")
    elif kw == "maxLength":
        doc.problem(path, f"terlalu panjang ({len(value)} karakter, paling banyak "
                          f"{err.validator_value}); persingkat.")
    elif kw in ("minItems", "maxItems"):
        if path and path[0] == "lokasi":
            doc.problem(path, "tulis tepat dua angka: [lintang, bujur], misalnya [-3.3263, 114.5892].")
        elif path == ("fasilitas",) and kw == "maxItems" and err.validator_value == 0:
            doc.problem(path, "kategori ini tidak punya pilihan sarana; hapus 'fasilitas'.")
        elif path and path[0] == "usia":
            doc.problem(path, "tulis tepat dua angka: [usia terendah, usia tertinggi], misalnya [0, 12].")
        else:
            doc.problem(path, f"jumlah isi daftar tidak sesuai ({len(value)}).")
    elif kw in ("minimum", "maximum") and path and path[0] == "lokasi":
        return  # _check_lokasi says where the point is (outside the city, or swapped)
    elif kw in ("minimum", "maximum"):
        doc.problem(path, f"nilai {_show(value)} di luar batas "
                          f"({'paling kecil' if kw == 'minimum' else 'paling besar'} "
                          f"{err.validator_value}); perbaiki angkanya.")
    elif kw == "pattern":
        hints = {
            "situs": "harus alamat web lengkap yang diawali https:// atau http://.",
            "email": "alamat email tidak sah; contoh: dp3a@banjarmasinkota.go.id.",
            "tanggal": "tulis tanggal sebagai TTTT-BB-HH, misalnya 2026-01-31.",
        }
        doc.problem(path, hints.get(str(path[-1]), f"format '{_show(value)}' tidak sah."))
    elif kw == "uniqueItems":
        doc.problem(path, "ada nilai yang ditulis lebih dari sekali; hapus duplikatnya.")
    elif kw == "minProperties":
        doc.problem(path, "isi paling sedikit satu dari: telepon, situs, email — atau hapus 'kontak'.")
    else:  # a keyword this table does not know yet: still say where, in Indonesian
        doc.problem(path, f"nilai '{_show(value)}' tidak sesuai aturan ({kw}).")


def _check_kelurahan(doc: Document, city: City) -> Any:
    name = doc.data.get("kelurahan")
    if not isinstance(name, str) or not name.strip():
        return None
    found = city.find_kelurahan(name)
    if found is None:
        doc.problem(("kelurahan",), f"kelurahan '{name}' tidak ada di {city.nama}."
                                    f"{kelurahan_hint(name, city)} "
                                    "Tulis nama kelurahan resmi (kecamatan tidak perlu ditulis).")
    elif found.nama != name:
        doc.problem(("kelurahan",), f"ejaan resmi: '{found.nama}'; sebaiknya tulis ejaan itu.",
                    severity="warning")
    return found


def _check_lokasi(doc: Document, config: Config) -> None:
    lokasi = doc.data.get("lokasi")
    if lokasi is None:  # precision and point source describe a written point only
        for key in ("ketelitian_lokasi", "sumber_lokasi"):
            if key in doc.data:
                doc.problem((key,), f"'{key}' hanya berlaku untuk koordinat yang ditulis; "
                                    "tambahkan `lokasi: [lintang, bujur]` atau hapus baris ini.",
                            key=True)
    if not (isinstance(lokasi, list) and len(lokasi) == 2
            and all(isinstance(v, int | float) and not isinstance(v, bool) for v in lokasi)):
        return
    lat, lon = lokasi
    if doc.data.get("ketelitian_lokasi") == "tepat" and doc.data.get("lokasi_perkiraan") is True:
        doc.problem(("ketelitian_lokasi",), "'tepat' bertentangan dengan `lokasi_perkiraan: "
                                            "true`; pilih jalan atau kelurahan, atau hapus "
                                            "`lokasi_perkiraan`.")
    if config.in_bounds(lat, lon):
        return
    if config.in_bounds(lon, lat):
        doc.problem(("lokasi",), f"lintang dan bujur tertukar; tulis [{lon}, {lat}] "
                                 "(lintang dulu, lalu bujur).")
    else:
        doc.problem(("lokasi",), f"titik [{lat}, {lon}] berada di luar {config.kota_nama}; "
                                 "periksa koordinatnya (lintang dulu, lalu bujur).")


@lru_cache(maxsize=4096)  # many facilities share their hours; the answer depends on the text
def jam_buka_problem(value: str) -> str | None:
    """What is wrong with an opening_hours text (check's message), or None."""
    try:
        opening_hours.OpeningHours(value)
    except Exception:  # the parser raises its own error types; any failure means invalid
        return (f"jam buka '{_show(value)}' tidak sesuai sintaks opening_hours OpenStreetMap. "
                "Contoh: \"Mo-Fr 08:00-16:00; Sa 08:00-12:00\", \"24/7\".")
    return weekly_problem(value) or None  # the map shows one ordinary week: refuse what it cannot


def _check_jam_buka(doc: Document) -> None:
    value = doc.data.get("jam_buka")
    if not isinstance(value, str) or not value.strip():
        return
    problem = jam_buka_problem(value)
    if problem:
        doc.problem(("jam_buka",), problem)


def _check_usia(doc: Document) -> None:
    usia = doc.data.get("usia")
    if (isinstance(usia, list) and len(usia) == 2
            and all(isinstance(v, int) and not isinstance(v, bool) for v in usia)
            and usia[0] > usia[1]):
        doc.problem(("usia",), f"usia terendah ({usia[0]}) lebih besar dari usia tertinggi "
                               f"({usia[1]}); tukar urutannya.")


@lru_cache(maxsize=4096)
def telepon_problem(phone: str) -> str | None:
    """What is wrong with a phone number (check's message), or None."""
    try:
        valid = parse_phone(phone).valid
    except Exception:
        valid = False
    if valid:
        return None
    return (f"nomor telepon '{_show(phone)}' tidak sah; tulis nomor Indonesia lengkap dengan kode "
            "area, misalnya \"(0511) 3352155\".")


def _check_kontak(doc: Document) -> None:
    kontak = doc.data.get("kontak")
    if not isinstance(kontak, dict):
        return
    phone = kontak.get("telepon")
    if isinstance(phone, str) and phone.strip():
        problem = telepon_problem(phone)
        if problem:
            doc.problem(("kontak", "telepon"), problem)


def _check_verifikasi(doc: Document, today: datetime.date) -> None:
    ver = doc.data.get("verifikasi")
    if not isinstance(ver, dict) or not isinstance(ver.get("tanggal"), str):
        return
    text = ver["tanggal"]
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return  # the schema already said how to write it
    try:
        day = datetime.date.fromisoformat(text)
    except ValueError:
        doc.problem(("verifikasi", "tanggal"), f"tanggal '{text}' tidak ada di kalender; "
                                               "periksa tanggal dan bulannya.")
        return
    if day > today:
        doc.problem(("verifikasi", "tanggal"), f"tanggal {text} belum terjadi; tulis tanggal "
                                               "pemeriksaan yang sebenarnya.")
    elif (today - day).days > STALE_AFTER_DAYS:
        doc.problem(("verifikasi", "tanggal"), f"diverifikasi lebih dari 12 bulan lalu ({text}); "
                                               "mohon periksa ulang di tempat.", severity="warning")


def _check_protected(doc: Document, vocab: Vocab) -> None:
    kategori = doc.data.get("kategori")
    cat = vocab.categories.get(kategori) if isinstance(kategori, str) else None  # may be a list
    if cat is None or not cat.dilindungi:
        return
    for key in ("lokasi", "alamat", "kontak"):
        if key in doc.data:
            doc.problem((key,), f"kategori '{cat.slug}' dilindungi: jangan pernah menulis "
                                f"'{key}' (data ini publik dan bisa membahayakan anak). Hapus "
                                "baris ini; cukup nama dan kelurahan.", key=True)


def validate_document(doc: Document, config: Config, vocab: Vocab, city: City,
                      today: datetime.date | None = None) -> Facility | None:
    """Add every problem of one record to `doc.problems`; return the facility if it has none."""
    today = today or datetime.date.today()
    read_cleanly = not doc.problems
    if doc.data is None and not doc.problems:
        doc.problem((), "berkas kosong; isi dengan data satu fasilitas.")
    if doc.data is None:
        return None
    if not isinstance(doc.data, dict):
        doc.problem((), "isi berkas harus berupa kumpulan kunci (nama: ..., kategori: ...), "
                        "bukan daftar atau teks tunggal.")
        return None
    suffix = doc.path.suffix.lower()  # X.YML is read, and must be renamed to be published
    if not re.fullmatch(SLUG_PATTERN, doc.id):
        suggestion = re.sub(r"[^a-z0-9]+", "-", doc.id.lower()).strip("-") or "nama-fasilitas"
        doc.problem((), f"nama berkas '{doc.id}' harus huruf kecil, angka dan tanda hubung saja; "
                        f"ganti menjadi '{suggestion}{suffix}'.")
    elif doc.path.suffix != suffix:
        doc.problem((), f"akhiran nama berkas '{doc.path.suffix}' harus huruf kecil; ganti "
                        f"menjadi '{doc.id}{suffix}'.")
    # The compiled validator answers for the common valid record; every record it does not
    # pass, and every record that already has a problem from reading it (e.g. a control
    # character, which the two regex engines may class differently), takes the detailed path.
    if not (read_cleanly and schema_valid_fast(doc.data, vocab, city)):
        for err in schema_errors(doc.data, vocab, city):
            _schema_problem(doc, err)
    kelurahan = _check_kelurahan(doc, city)
    _check_lokasi(doc, config)
    _check_jam_buka(doc)
    _check_usia(doc)
    _check_kontak(doc)
    _check_verifikasi(doc, today)
    _check_protected(doc, vocab)
    if any(p.severity == "error" for p in doc.problems) or kelurahan is None:
        return None
    lokasi = doc.data.get("lokasi")
    category = vocab.categories[doc.data["kategori"]]
    return Facility(
        id=doc.id,
        file=doc.display,
        data=doc.data,
        category=category,
        kelurahan=kelurahan,
        lat=float(lokasi[0]) if lokasi else None,
        lon=float(lokasi[1]) if lokasi else None,
        approx=_approx(doc.data) if lokasi else None,
    )


def _approx(data: dict) -> str | None:
    """Why a written point is not exact (see model.APPROX_LABELS), from its precision first."""
    ketelitian = data.get("ketelitian_lokasi")
    if ketelitian in ("jalan", "kelurahan"):
        return ketelitian
    if ketelitian == "tepat":
        return None
    return "editor" if data.get("lokasi_perkiraan") else None
