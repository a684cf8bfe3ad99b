"""Controlled vocabularies (categories, KLA klaster, amenities), read from data files."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

DATA = resources.files("petakla") / "data"


@dataclass(frozen=True)
class Klaster:
    slug: str
    nomor: str
    label: str
    ringkasan: str

    @property
    def judul(self) -> str:
        return self.label if self.slug == "kelembagaan" else f"Klaster {self.nomor}: {self.label}"


@dataclass(frozen=True)
class Category:
    slug: str
    label: str
    klaster: Klaster
    ikon: str
    warna: str
    deskripsi: str
    fasilitas: tuple[str, ...]
    osm: tuple[tuple[str, str], ...]
    dilindungi: bool


@dataclass(frozen=True)
class Vocab:
    categories: dict[str, Category]
    klaster: dict[str, Klaster]
    amenitas: dict[str, str]


def _read(name: str) -> dict:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


@cache
def load_vocab() -> Vocab:
    klaster = {
        slug: Klaster(slug, str(v["nomor"]), v["label"], v["ringkasan"])
        for slug, v in _read("klaster.yml").items()
    }
    amenitas = {str(k): str(v) for k, v in _read("amenitas.yml").items()}
    categories = {}
    for slug, v in _read("kategori.yml").items():
        unknown = set(v["fasilitas"]) - set(amenitas)
        if unknown or v["klaster"] not in klaster:
            raise ValueError(f"kategori.yml: {slug}: unknown amenity/klaster {unknown or v['klaster']}")
        categories[slug] = Category(
            slug=slug,
            label=v["label"],
            klaster=klaster[v["klaster"]],
            ikon=v["ikon"],
            warna=v["warna"],
            deskripsi=v["deskripsi"],
            fasilitas=tuple(v["fasilitas"]),
            osm=tuple(sorted((str(k), str(t)) for k, t in v["osm"].items())),
            dilindungi=bool(v["dilindungi"]),
        )
    return Vocab(categories=categories, klaster=klaster, amenitas=amenitas)
