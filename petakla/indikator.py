"""Which KLA indicators each category gives evidence for: petakla/data/indikator_kla.yml, read
and checked against the vocabularies (every category mapped, every indicator documented)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import yaml

from .vocab import DATA, Category, Klaster, Vocab

MAPPING_FILE = "indikator_kla.yml"
REQUIRED = ("klaster", "nomor", "nomor_pasti", "teks", "teks_dari", "sumber")


@dataclass(frozen=True)
class Indicator:
    key: str
    klaster: Klaster
    nomor: str
    nomor_pasti: bool  # the number is the current regulation's, read in a source
    teks: str
    teks_dari: str
    nomor_2011: str
    sumber: tuple[str, ...]
    catatan: str
    categories: tuple[Category, ...]  # in vocabulary order

    @property
    def label(self) -> str:
        """"Indikator 5: Ketersediaan …" or "Klaster II (nomor belum dipastikan): …"."""
        if self.nomor_pasti:
            return f"Indikator {self.nomor}: {self.teks}"
        return f"Klaster {self.nomor} (nomor belum dipastikan): {self.teks}"

    @property
    def protected(self) -> tuple[Category, ...]:
        return tuple(c for c in self.categories if c.dilindungi)


class MappingError(ValueError):
    pass


def _text(value) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def parse_mapping(data: dict, vocab: Vocab) -> tuple[list[Indicator], dict[str, str]]:
    """The indicators (in file order, each with its categories) and the notes on disputed
    category mappings; MappingError lists every problem of the file at once."""
    problems: list[str] = []
    raw_ind = data.get("indikator") or {}
    raw_cat = data.get("kategori") or {}
    for key, entry in raw_ind.items():
        for field in REQUIRED:
            value = (entry or {}).get(field)
            if value is None or value == "" or value == []:
                problems.append(f"indikator {key}: `{field}` kosong")
        if (entry or {}).get("klaster") not in vocab.klaster:
            problems.append(f"indikator {key}: klaster {entry.get('klaster')!r} tidak dikenal")
        if not (entry or {}).get("nomor_pasti", True) and not _text(entry.get("catatan")):
            problems.append(f"indikator {key}: nomor belum pasti tetapi `catatan` kosong")
        for url in (entry or {}).get("sumber") or []:
            if not str(url).startswith(("https://", "http://")):
                problems.append(f"indikator {key}: sumber {url!r} bukan alamat web")
    for slug in vocab.categories:
        entry = raw_cat.get(slug) or {}
        if slug not in raw_cat or entry.get("indikator") is None:
            problems.append(f"kategori {slug}: belum dipetakan ke indikator")
        elif not entry["indikator"] and not _text(entry.get("catatan")):
            problems.append(f"kategori {slug}: tanpa indikator, `catatan` harus menjelaskan "
                            "mengapa")
    for slug, entry in raw_cat.items():
        if slug not in vocab.categories:
            problems.append(f"kategori {slug}: tidak ada di kategori.yml")
        for key in (entry or {}).get("indikator") or []:
            if key not in raw_ind:
                problems.append(f"kategori {slug}: indikator {key!r} tidak dikenal")
    if problems:
        raise MappingError(f"{MAPPING_FILE}: " + "; ".join(problems))
    used = {slug: entry["indikator"] for slug, entry in raw_cat.items()}
    indicators = []
    for key, e in raw_ind.items():
        cats = tuple(c for c in vocab.categories.values() if key in used.get(c.slug, ()))
        if not cats:
            problems.append(f"indikator {key}: tidak dipakai kategori mana pun")
        indicators.append(Indicator(
            key=key, klaster=vocab.klaster[e["klaster"]], nomor=_text(e["nomor"]),
            nomor_pasti=bool(e["nomor_pasti"]), teks=_text(e["teks"]),
            teks_dari=_text(e["teks_dari"]), nomor_2011=_text(e.get("nomor_2011")),
            sumber=tuple(str(u) for u in e["sumber"]), catatan=_text(e.get("catatan")),
            categories=cats))
    if problems:
        raise MappingError(f"{MAPPING_FILE}: " + "; ".join(problems))
    notes = {slug: _text((entry or {}).get("catatan")) for slug, entry in raw_cat.items()}
    return indicators, notes


@cache
def _raw() -> dict:
    return yaml.safe_load((DATA / MAPPING_FILE).read_text(encoding="utf-8"))


def load_indicators(vocab: Vocab) -> list[Indicator]:
    return parse_mapping(_raw(), vocab)[0]


def category_notes(vocab: Vocab) -> dict[str, str]:
    return parse_mapping(_raw(), vocab)[1]
