"""`new`: write a new record from a few answers (flags, or questions on a terminal), checked
with the same rules as `check` before anything is written.

Answers are read the way an editor types them: category and sector by number, slug or label in
any case, kelurahan with check's "Maksud Anda ...?" for a near miss, coordinates with decimal
commas. A record that would fail `check` is never written: on a terminal the failing answers
are asked again; otherwise the command says why and exits 1.
"""

from __future__ import annotations

import re
import sys
import tempfile
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .config import Config
from .edit import record_text
from .regions import load_city, normalise, slugify
from .report import Problem, display_path, errors, render, summary
from .schema import AKSES, SEKTOR, SLUG_PATTERN
from .validate import _suggest, jam_buka_problem, kelurahan_hint, telepon_problem
from .vocab import load_vocab


class UsageError(Exception):
    """A missing or wrong answer that the command line cannot ask for: exit code 2."""


def _number(text: str) -> float:
    text = text.strip()
    if text.count(",") == 1 and "." not in text:
        text = text.replace(",", ".")  # a decimal comma, as Indonesian writes numbers
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"'{text}' bukan angka; tulis misalnya -3.3263,114.5892") from None


def parse_lokasi(text: str) -> list[float]:
    """'-3.3263,114.5892', '-3.3263 114.5892', '-3,3263; 114,5892', '-3,31, 114,566' ..."""
    body = text.strip().strip("[]()").strip()
    if ";" in body:
        parts = body.split(";")
    elif re.search(r",\s", body):
        parts = re.split(r",\s+", body)
    elif re.search(r"\s", body):
        parts = body.split()
    elif body.count(",") == 1:
        parts = body.split(",")
    elif body.count(",") == 3:  # "-3,31,114,566": decimal commas, no separator
        a, b, c, d = body.split(",")
        parts = [f"{a}.{b}", f"{c}.{d}"]
    else:
        parts = [body]
    parts = [p for p in (p.strip() for p in parts) if p]
    if len(parts) != 2:
        raise ValueError("tulis dua angka: lintang,bujur — misalnya -3.3263,114.5892 "
                         "(koma desimal juga boleh: -3,3263; 114,5892)")
    lat, lon = (_number(p) for p in parts)
    return [round(lat, 6), round(lon, 6)]


def parse_usia(text: str) -> list[int]:
    parts = [p for p in re.split(r"[\s,;–-]+", text.strip().strip("[]")) if p]
    if len(parts) != 2 or not all(p.isdigit() for p in parts):
        raise ValueError("tulis dua bilangan bulat: usia terendah dan tertinggi, misalnya 0-12")
    low, high = (int(p) for p in parts)
    if low > high:
        raise ValueError(f"usia terendah ({low}) lebih besar dari usia tertinggi ({high}); "
                         "tukar urutannya")
    if high > 18:
        raise ValueError("usia anak paling tinggi 18 tahun; perbaiki angkanya")
    return [low, high]


def choose(text: str, choices: dict[str, str], what: str) -> str:
    """A slug from its number (1-based), slug or label, in any case; else a ValueError with
    check's near-miss suggestion."""
    slugs = list(choices)
    answer = " ".join(text.split())
    if answer.isdigit() and 1 <= int(answer) <= len(slugs):
        return slugs[int(answer) - 1]
    folded = normalise(answer)
    for slug, label in choices.items():
        if folded in (normalise(slug), normalise(label)):
            return slug
    shown = {normalise(x): x for slug, label in choices.items() for x in (slug, label)}
    hint = _suggest(folded, shown)
    if hint:
        hint = f" Maksud Anda '{shown[hint.split(chr(39))[1]]}'?"
    raise ValueError(f"{what} '{answer}' tidak dikenal.{hint} Pilih nomor, nama atau salah satu: "
                     f"{', '.join(slugs)}.")


Ask = Callable[[str], str]


@dataclass
class NewAnswers:
    nama: str | None = None
    kategori: str | None = None
    kelurahan: str | None = None
    alamat: str | None = None
    lokasi: str | None = None
    pengelola_nama: str | None = None
    sektor: str | None = None
    jam_buka: str | None = None
    usia: str | None = None
    fasilitas: str | None = None
    akses: str | None = None
    telepon: str | None = None
    sumber: str | None = None
    id: str | None = None


def _ask_until(ask: Ask, prompt: str, parse: Callable[[str], Any], optional: bool = False) -> Any:
    while True:
        answer = ask(prompt).strip()
        if not answer and optional:
            return None
        if not answer:
            print("  wajib diisi.", file=sys.stderr)
            continue
        try:
            return parse(answer)
        except ValueError as exc:
            print(f"  {exc}", file=sys.stderr)


def _text(text: str) -> str:
    return " ".join(text.split())


def _checked(problem: Callable[[str], str | None]) -> Callable[[str], str]:
    def parse(text: str) -> str:
        value = _text(text)
        found = problem(value)
        if found:
            raise ValueError(found)
        return value
    return parse


def collect(config: Config, given: NewAnswers, interactive: bool, ask: Ask = input,
            insist: frozenset[str] = frozenset()) -> dict:
    """The new record's values from the flags, asking for what is missing when `interactive`.
    `insist`: optional questions that may not be left empty this time. Raises UsageError
    (exit 2) for a missing or wrong flag."""
    vocab, city = load_vocab(), load_city(config.kota_kode)
    categories = {slug: c.label for slug, c in vocab.categories.items()}
    missing: list[str] = []

    def need(flag: str, value: str | None, prompt: str, parse: Callable[[str], Any],
             optional: bool = False) -> Any:
        if value == "" and optional:
            return None  # already answered: left empty
        if value not in (None, ""):
            try:
                return parse(value)
            except ValueError as exc:
                raise UsageError(f"--{flag}: {exc}") from None
        if interactive:
            return _ask_until(ask, prompt, parse, optional)
        if not optional:
            missing.append(f"--{flag}")
        return None

    def kelurahan(text: str) -> str:
        found = city.find_kelurahan(text)
        if found is None:
            raise ValueError(f"kelurahan '{_text(text)}' tidak ada di {city.nama}."
                             f"{kelurahan_hint(text, city)} Tulis nama kelurahan resmi.")
        return found.nama

    if interactive and given.kategori is None:
        print("Kategori:", file=sys.stderr)
        for i, (slug, cat) in enumerate(vocab.categories.items(), 1):
            note = " (dilindungi: tanpa alamat/lokasi)" if cat.dilindungi else ""
            print(f"  {i:2}. {cat.label} ({slug}){note}", file=sys.stderr)
    values: dict[str, Any] = {}
    values["nama"] = need("nama", given.nama, "Nama fasilitas: ", _text)
    values["kategori"] = need("kategori", given.kategori, "Kategori (nomor, nama atau slug): ",
                              lambda t: choose(t, categories, "kategori"))
    category = vocab.categories.get(values["kategori"] or "")
    protected = bool(category and category.dilindungi)
    values["kelurahan"] = need("kelurahan", given.kelurahan, "Kelurahan: ", kelurahan)
    if protected:
        if given.alamat or given.lokasi or given.telepon:
            raise UsageError(f"kategori '{values['kategori']}' dilindungi: jangan menulis alamat, "
                             "lokasi atau kontak (data ini publik dan bisa membahayakan anak).")
    else:
        values["lokasi"] = need("lokasi", given.lokasi,
                                "Lokasi 'lintang,bujur' (di Google Maps/OSM: ketuk lama "
                                "tempatnya, salin angkanya)" + (": " if "lokasi" in insist else
                                "; kosongkan bila belum tahu: "), parse_lokasi,
                                optional="lokasi" not in insist)
        values["alamat"] = need("alamat", given.alamat, "Alamat jalan"
                                + (" (boleh kosong): " if values["lokasi"] else ": "), _text,
                                optional=bool(values["lokasi"]) or not interactive)
        if not interactive and not values["lokasi"] and not values["alamat"]:
            missing.append("--lokasi (atau --alamat)")
    pengelola = need("pengelola-nama", given.pengelola_nama,
                     "Nama lembaga pengelola (boleh kosong): ", _text, optional=True)
    if pengelola:
        values["pengelola"] = {"nama": pengelola, "sektor": need(
            "sektor", given.sektor, f"Sektor pengelola ({', '.join(SEKTOR)}): ",
            lambda t: choose(t, SEKTOR, "sektor"))}
    elif given.sektor:
        raise UsageError("--sektor hanya berarti bersama --pengelola-nama.")
    # What a parent needs: when it is open, for which ages, what is there, who may use it, whom
    # to call. Optional, asked on a terminal, checked as `check` checks them.
    values["jam_buka"] = need("jam-buka", given.jam_buka,
                              "Jam buka, sintaks OpenStreetMap (misalnya Mo-Fr 08:00-16:00; "
                              "boleh kosong): ", _checked(jam_buka_problem), optional=True)
    values["usia"] = need("usia", given.usia, "Usia anak, misalnya 0-12 (boleh kosong): ",
                          parse_usia, optional=True)
    if category and category.fasilitas:
        allowed = {a: vocab.amenitas[a] for a in category.fasilitas}
        if interactive and given.fasilitas is None:
            print("Sarana yang tersedia:", file=sys.stderr)
            for i, (slug, label) in enumerate(allowed.items(), 1):
                print(f"  {i:2}. {label} ({slug})", file=sys.stderr)
        values["fasilitas"] = need(
            "fasilitas", given.fasilitas, "Sarana (nomor dipisah koma, boleh kosong): ",
            lambda t: list(dict.fromkeys(choose(p, allowed, "sarana")
                                         for p in re.split(r"\s*[,;]\s*", t.strip()) if p)),
            optional=True)
    elif given.fasilitas:
        raise UsageError(f"--fasilitas: kategori '{values['kategori']}' tidak punya pilihan sarana.")
    values["akses"] = need("akses", given.akses,
                           f"Siapa yang boleh memakai ({', '.join(AKSES)}; boleh kosong): ",
                           lambda t: choose(t, AKSES, "akses"), optional=True)
    if not protected:
        phone = need("telepon", given.telepon, "Telepon lembaga (bukan nomor pribadi; boleh "
                     "kosong): ", _checked(telepon_problem), optional=True)
        if phone:
            values["kontak"] = {"telepon": phone}
    values["sumber"] = need("sumber", given.sumber, "Sumber informasi (alamat web atau dokumen): ",
                            _text)
    if missing:
        raise UsageError("belum diisi: " + ", ".join(missing) + ". Tanpa terminal interaktif "
                         "semua isian wajib diberikan sebagai opsi, misalnya: python build_map.py "
                         "new --nama \"...\" --kategori ruang-laktasi --kelurahan \"Teluk Dalam\" "
                         "--lokasi \"-3.3263,114.5892\" --sumber \"...\".")
    # Like the web form: accents dropped ("Café" -> "cafe"), then a slug.
    ascii_name = unicodedata.normalize("NFKD", values["nama"] or "").encode("ascii", "ignore")
    ident = given.id or slugify(ascii_name.decode())
    if not re.fullmatch(SLUG_PATTERN, ident):
        raise UsageError(f"id '{ident}' harus huruf kecil, angka dan tanda hubung saja, "
                         "misalnya ruang-laktasi-balai-kota.")
    values["id"] = ident
    return values


def check_text(config: Config, ident: str, text: str) -> list[Problem]:
    """Every problem `check` would report for `text` as facilities/<ident>.yml."""
    from .pipeline import check

    final = display_path(config.facilities_dir / f"{ident}.yml", config.root)
    with tempfile.TemporaryDirectory(prefix="petakla-new-") as folder:
        path = Path(folder) / f"{ident}.yml"
        path.write_text(text, encoding="utf-8", newline="\n")
        result = check(config, [path])
    return [replace(p, file=final) for p in result.problems]


# Which question to ask again for a problem of a field (a field not asked is not re-asked).
_REASK = {"lokasi": "lokasi", "alamat": "lokasi", "kelurahan": "kelurahan", "nama": "nama",
          "jam_buka": "jam_buka", "kontak": "telepon", "usia": "usia", "sumber": "sumber"}


def run_new(config: Config, given: NewAnswers, interactive: bool | None = None,
            ask: Ask = input) -> int:
    """Write facilities/<id>.yml (never overwriting) only if it passes `check`."""
    interactive = sys.stdin.isatty() if interactive is None else interactive
    insist: frozenset[str] = frozenset()
    try:
        while True:
            values = collect(config, given, interactive, ask, insist)
            ident = values.pop("id")
            text = record_text(values)
            problems = check_text(config, ident, text)
            if not errors(problems):
                break
            print(render(problems), file=sys.stderr)
            redo = {_REASK.get(p.field.split(".")[0]) for p in errors(problems)} - {None}
            if not interactive or not redo:
                print("Berkas tidak ditulis karena galat di atas; perbaiki isiannya lalu jalankan "
                      "lagi.", file=sys.stderr)
                return 1
            print("Perbaiki isian berikut:", file=sys.stderr)
            answers = {k: v for k, v in vars(given).items() if k not in redo}
            given = _keep(values, NewAnswers(**answers, **dict.fromkeys(redo)), redo)
            if "nama" not in redo:
                given.id = ident
            insist = frozenset(redo)
    except UsageError as exc:
        print(f"build_map.py new: {exc}", file=sys.stderr)
        return 2
    except (EOFError, KeyboardInterrupt):
        print("\ndibatalkan; tidak ada berkas yang ditulis.", file=sys.stderr)
        return 130
    path = config.facilities_dir / f"{ident}.yml"
    try:
        with open(path, "x", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
    except FileExistsError:
        print(f"{display_path(path, config.root)} sudah ada; tidak ditimpa. Pilih id lain "
              "dengan --id, atau ubah berkas itu langsung.", file=sys.stderr)
        return 1
    print(f"ditulis: {display_path(path, config.root)}")
    if problems:
        print(render(problems), file=sys.stderr)
    print(summary(problems, 1), file=sys.stderr)
    return 0


def _keep(values: dict[str, Any], given: NewAnswers, redo: set[str]) -> NewAnswers:
    """The answers already given (as flag text), so that only `redo` is asked again."""
    def flat(v: Any) -> str | None:
        if v in (None, "", [], {}):
            return ""  # asked and left empty: not asked again
        return ", ".join(str(x) for x in v) if isinstance(v, list) else str(v)

    kept = {"nama": flat(values.get("nama")), "kategori": flat(values.get("kategori")),
            "kelurahan": flat(values.get("kelurahan")), "alamat": flat(values.get("alamat")),
            "lokasi": flat(values.get("lokasi")), "sumber": flat(values.get("sumber")),
            "pengelola_nama": flat((values.get("pengelola") or {}).get("nama")),
            "sektor": flat((values.get("pengelola") or {}).get("sektor")),
            "jam_buka": flat(values.get("jam_buka")), "usia": flat(values.get("usia")),
            "fasilitas": flat(values.get("fasilitas")), "akses": flat(values.get("akses")),
            "telepon": flat((values.get("kontak") or {}).get("telepon"))}
    for key, value in kept.items():
        if key not in redo and getattr(given, key) is None:
            setattr(given, key, value)
    return given
