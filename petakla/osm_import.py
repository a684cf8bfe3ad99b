"""`build_map.py impor-osm FILE`: propose records from OpenStreetMap objects.

Each object that maps to a category (kategori.yml `osm.impor`) becomes a new, unverified
record in facilities/, written like `new` writes one (never overwriting) and then checked.
Skipped, each with its reason: objects that map to no category, have no name or no point, lie
outside the city, were imported before (same `osm` id), or lie within 50 m of a record with a
similar name. Running it twice writes nothing new."""

from __future__ import annotations

import difflib
import math
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .config import Config
from .edit import record_text
from .geo import Boundaries, BoundaryError, load_boundaries
from .load import record_paths
from .osm_read import Element, OsmFileError, read_elements
from .osm_tags import ACCESS, OPERATOR_TYPE
from .regions import City, load_city, slugify
from .report import display_path, render, summary
from .schema import SLUG_PATTERN
from .vocab import Category, Vocab, load_vocab

NEAR_M = 50.0
SIMILAR = 0.6  # difflib ratio of the distinctive words of two names
KETERANGAN = ("Diusulkan otomatis dari data OpenStreetMap (© kontributor OpenStreetMap, ODbL); "
              "belum diverifikasi di tempat.")
_MAIN_KEYS = ("amenity", "leisure", "healthcare", "social_facility", "community_centre",
              "office", "shop", "tourism", "baby_feeding", "building")
_EMAIL = re.compile(r"^[^@\s<>\"']+@[^@\s<>\"']+\.[A-Za-z]{2,}$")
_URL = re.compile(r"^https?://[^\s<>\"']+$")


@dataclass
class Known:
    """A record already in facilities/ (or written in this run), for the duplicate checks."""

    file: str
    nama: str
    point: tuple[float, float] | None


@dataclass
class Outcome:
    element: Element
    file: str = ""  # written (or, in a dry run, to be written)
    reason: str = ""  # why it was skipped
    values: dict[str, Any] = field(default_factory=dict)


def _haversine(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371008.8 * math.asin(math.sqrt(h))


def _words(text: str) -> list[str]:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.findall(r"[a-z0-9]+", ascii_text.lower())


def generic_words(vocab: Vocab, city: City) -> set[str]:
    """Words that say what a place is, not which one (category labels, "taman", the city):
    left out when comparing names, so "Taman A" and "Taman B" are not alike."""
    words = {"taman", "rbra", "rpta", "kota", "umum", "dan", "di", "the"}
    words.update(_words(city.nama))
    for cat in vocab.categories.values():
        words.update(_words(cat.label))
        words.update(_words(cat.osm_info.awalan))
    return words


def similar(a: str, b: str, generic: set[str]) -> bool:
    wa, wb = _words(a), _words(b)
    da, db = [w for w in wa if w not in generic], [w for w in wb if w not in generic]
    if da and db:
        wa, wb = da, db
    if not wa or not wb:
        return False
    if set(wa) <= set(wb) or set(wb) <= set(wa):
        return True
    return difflib.SequenceMatcher(None, " ".join(wa), " ".join(wb)).ratio() >= SIMILAR


def match_category(tags: dict[str, str], vocab: Vocab) -> Category | None:
    """The first category (kategori.yml order) whose `osm.impor` tags the object carries."""
    name = tags.get("name", "").casefold()
    for cat in vocab.categories.values():
        info = cat.osm_info
        if cat.dilindungi or not info.impor:
            continue
        if all(tags.get(k) in values for k, values in info.impor) and \
                (not info.impor_nama or info.impor_nama.casefold() in name):
            return cat
    return None


def overpass_query(config: Config, vocab: Vocab) -> str:
    """An Overpass API query for everything impor-osm can use inside the city's bounding box,
    with `out center meta` (ways get a point, and every object its version)."""
    (s, w), (n, e) = config.batas
    lines = [f"[out:json][timeout:120][bbox:{s},{w},{n},{e}];", "("]
    for cat in vocab.categories.values():
        info = cat.osm_info
        if cat.dilindungi or not info.impor:
            continue
        filters = "".join(f'["{k}"="{v[0]}"]' if len(v) == 1 else f'["{k}"~"^({"|".join(v)})$"]'
                          for k, v in info.impor)
        if info.impor_nama:
            filters += f'["name"~"{info.impor_nama}",i]'
        lines.append(f"  nwr{filters};  // {cat.slug}")
    lines += [");", "out center meta;"]
    return "\n".join(lines) + "\n"


def _main_tags(tags: dict[str, str]) -> str:
    shown = [f"{k}={tags[k]}" for k in _MAIN_KEYS if k in tags]
    return ", ".join(shown) or ", ".join(f"{k}={v}" for k, v in list(tags.items())[:3])


def record_values(el: Element, cat: Category, kelurahan: str, vocab: Vocab) -> dict[str, Any]:
    """The new record's values: only what the OSM object says and the records allow."""
    import opening_hours
    from lokal import parse_phone

    t = el.tags
    nama = " ".join(t["name"].split())
    awalan = cat.osm_info.awalan
    if awalan and awalan.casefold() not in nama.casefold():
        nama = f"{awalan} {nama}"
    values: dict[str, Any] = {"nama": nama[:150], "kategori": cat.slug, "kelurahan": kelurahan,
                              "lokasi": [round(el.lat, 6), round(el.lon, 6)],
                              # a third party's map, not a survey: the site says so
                              "sumber_lokasi": f"OpenStreetMap ({el.url})"}
    street = t.get("addr:street", "").strip()
    if t.get("addr:full"):
        values["alamat"] = " ".join(t["addr:full"].split())[:200]
    elif street:
        number = t.get("addr:housenumber", "").strip()
        values["alamat"] = f"{street} No. {number}" if number else street
    operator = " ".join(t.get("operator", "").split())
    sektor = {v: k for k, v in OPERATOR_TYPE.items()}.get(t.get("operator:type", ""))
    if operator and sektor:
        values["pengelola"] = {"nama": operator[:150], "sektor": sektor}
    hours = t.get("opening_hours", "").strip()
    if hours:
        try:
            opening_hours.OpeningHours(hours)
            values["jam_buka"] = hours
        except Exception:
            pass  # OSM sometimes holds text the syntax does not allow; leave it out
    try:
        lo, hi = int(t.get("min_age", "")), int(t.get("max_age", ""))
        if 0 <= lo <= hi <= 18:
            values["usia"] = [lo, hi]
    except ValueError:
        pass
    fasilitas = [slug for slug in cat.fasilitas
                 if (a := vocab.amenity_osm.get(slug)) and a.osm
                 and all(t.get(k) == v for k, v in a.osm)]
    if fasilitas:
        values["fasilitas"] = fasilitas
    akses = {v: k for k, v in ACCESS.items()}.get(t.get("access", ""))
    if akses:
        values["akses"] = akses
    kontak: dict[str, str] = {}
    phone = (t.get("phone") or t.get("contact:phone") or "").split(";")[0].strip()
    if phone:
        try:
            if parse_phone(phone).valid:
                kontak["telepon"] = phone
        except Exception:
            pass
    site = (t.get("website") or t.get("contact:website") or "").strip()
    if _URL.match(site):
        kontak["situs"] = site
    email = (t.get("email") or t.get("contact:email") or "").split(";")[0].strip()
    if _EMAIL.match(email):
        kontak["email"] = email
    if kontak:
        values["kontak"] = kontak
    values["keterangan"] = KETERANGAN
    values["sumber"] = el.url
    values["osm"] = {"id": el.ref, **({"versi": el.version} if el.version else {})}
    return values


def existing_records(config: Config) -> tuple[list[Known], dict[str, str]]:
    """Records already in facilities/ with their points (as `check` places them), and
    {osm id: file} of those imported before. Records that do not pass `check` still count
    for their `osm` id and their own `lokasi`."""
    from .pipeline import check

    placed = {f.file: (f.lat, f.lon) for f in check(config).facilities if f.lat is not None}
    known: list[Known] = []
    osm_ids: dict[str, str] = {}
    for path in record_paths(config.facilities_dir):
        display = display_path(path, config.root)
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        if not isinstance(data, dict):
            continue
        osm = data.get("osm")
        if isinstance(osm, dict) and isinstance(osm.get("id"), str):
            osm_ids[osm["id"]] = display
        point = placed.get(display)
        lokasi = data.get("lokasi")
        if point is None and isinstance(lokasi, list) and len(lokasi) == 2 \
                and all(isinstance(v, int | float) for v in lokasi):
            point = (float(lokasi[0]), float(lokasi[1]))
        known.append(Known(display, str(data.get("nama", "")), point))
    return known, osm_ids


def plan_import(config: Config, elements: list[Element], boundaries: Boundaries) -> list[Outcome]:
    """What impor-osm would do with each object, in the file's order; writes nothing."""
    vocab, city = load_vocab(), load_city(config.kota_kode)
    names = {k.kode: k.nama for k in city.kelurahan}
    generic = generic_words(vocab, city)
    known, osm_ids = existing_records(config)
    used = {p.stem for p in config.facilities_dir.glob("*.y*ml")}
    placed = [e for e in elements if e.lat is not None]
    where = dict(zip((id(e) for e in placed),
                     boundaries.kelurahan_of([(e.lat, e.lon) for e in placed]), strict=True))
    outcomes: list[Outcome] = []
    for el in elements:
        out = Outcome(el)
        outcomes.append(out)
        cat = match_category(el.tags, vocab)
        if el.ref in osm_ids:
            out.reason = f"sudah ada sebagai {osm_ids[el.ref]} (osm: {el.ref})"
            continue
        if cat is None:
            out.reason = f"tidak cocok dengan kategori mana pun ({_main_tags(el.tags)})"
            continue
        if not el.tags.get("name", "").strip():
            out.reason = "tidak punya nama (tag name); tambahkan sendiri bila perlu"
            continue
        if el.lat is None:
            out.reason = ("tidak punya koordinat; ambil data Overpass dengan `out center` "
                          "atau `out geom`")
            continue
        codes = sorted(k for k in where[id(el)] if k in names)
        if not codes or not config.in_bounds(el.lat, el.lon):
            out.reason = (f"di luar {config.kota_nama}: titik [{el.lat:.6f}, {el.lon:.6f}] "
                          "tidak berada di kelurahan mana pun")
            continue
        values = record_values(el, cat, names[codes[0]], vocab)
        point = (values["lokasi"][0], values["lokasi"][1])
        near = [(d, k) for k in known if k.point
                and (d := _haversine(point, k.point)) <= NEAR_M and similar(values["nama"], k.nama,
                                                                            generic)]
        if near:
            d, k = min(near, key=lambda x: x[0])
            out.reason = f"mirip “{k.nama}” ({k.file}), berjarak {d:.0f} m"
            continue
        ascii_name = unicodedata.normalize("NFKD", values["nama"]).encode("ascii", "ignore")
        ident = slugify(ascii_name.decode()) or el.kind
        if ident in used or not re.fullmatch(SLUG_PATTERN, ident):
            ident = f"{ident}-{el.kind[0]}{el.ident}".strip("-")
        if ident in used:
            out.reason = f"berkas facilities/{ident}.yml sudah ada"
            continue
        used.add(ident)
        out.file = f"facilities/{ident}.yml"
        out.values = values
        known.append(Known(out.file, values["nama"], point))
        osm_ids[el.ref] = out.file
    return outcomes


def run_import(config: Config, file: str, dry_run: bool = False) -> int:
    from .pipeline import check

    try:
        boundaries = load_boundaries(config)
    except BoundaryError as exc:
        print(f"build_map.py impor-osm: {exc}", file=sys.stderr)
        return 2
    if boundaries is None:
        print("build_map.py impor-osm: batas kelurahan belum diatur. Isi `batas_kelurahan` di "
              "[tool.petakla] pyproject.toml (GeoJSON poligon kelurahan dengan properti `kode`); "
              "tanpanya kelurahan setiap titik OSM tidak dapat ditentukan. Tidak ada berkas "
              "yang ditulis.", file=sys.stderr)
        return 2
    try:
        elements = read_elements(Path(file))
    except OsmFileError as exc:
        print(f"build_map.py impor-osm: {exc}", file=sys.stderr)
        return 2
    outcomes = plan_import(config, elements, boundaries)
    written: list[Path] = []
    for out in outcomes:
        label = f"{out.element.ref} “{out.element.tags.get('name', '')}”"
        if out.reason:
            print(f"dilewati: {label}: {out.reason}")
            continue
        if dry_run:
            print(f"akan ditulis: {out.file} — {label} ({out.values['kategori']}, "
                  f"Kelurahan {out.values['kelurahan']})")
            continue
        path = config.root / out.file
        try:
            with open(path, "x", encoding="utf-8", newline="\n") as fh:
                fh.write(record_text(out.values))
        except FileExistsError:
            print(f"dilewati: {label}: {out.file} sudah ada; tidak ditimpa")
            continue
        written.append(path)
        print(f"ditulis: {out.file} — {label} ({out.values['kategori']}, "
              f"Kelurahan {out.values['kelurahan']})")
    n_skip = sum(1 for o in outcomes if o.reason)
    n_new = len(outcomes) - n_skip
    verb = "akan ditulis" if dry_run else "ditulis"
    print(f"{len(outcomes)} objek OSM dibaca: {n_new if dry_run else len(written)} {verb}, "
          f"{n_skip} dilewati." + (" (uji coba: tidak ada berkas yang ditulis)" if dry_run else ""),
          file=sys.stderr)
    if not written:
        return 0
    print("Data ini berasal dari OpenStreetMap (ODbL): periksa setiap fasilitas di tempat "
          "sebelum diterbitkan; lihat halaman Data terbuka.", file=sys.stderr)
    result = check(config, written)
    if result.problems:
        print(render(result.problems), file=sys.stderr)
    print(summary(result.problems, result.n_files), file=sys.stderr)
    # A record that does not pass check is not left behind (OSM text can hold what records
    # may not); the errors above say why.
    bad = {p.file for p in result.problems if p.severity == "error"}
    for path in written:
        name = display_path(path, config.root)
        if name in bad:
            path.unlink()
            print(f"dihapus lagi: {name}: tidak lolos pemeriksaan (lihat galat di atas)")
    return 0 if result.ok else 1
