"""Controlled vocabularies (categories, KLA klaster, amenities), read from data files."""

from __future__ import annotations

from dataclasses import dataclass, field
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
class OsmMapping:
    """How a category is tagged in OpenStreetMap (kategori.yml `osm`).

    `tags`: written on export. `impor`: what an OSM object must carry to be imported into
    this category ({} = never imported); a value may list alternatives. `impor_nama`: a word
    the object's name must contain. `awalan`: put before an imported name that lacks it.
    `wiki`: the OSM wiki pages behind the choice."""

    tags: tuple[tuple[str, str], ...] = ()
    impor: tuple[tuple[str, tuple[str, ...]], ...] = ()
    impor_nama: str = ""
    awalan: str = ""
    wiki: tuple[str, ...] = ()
    catatan: str = ""


@dataclass(frozen=True)
class Amenity:
    slug: str
    label: str
    osm: tuple[tuple[str, str], ...] = ()
    wiki: tuple[str, ...] = ()


@dataclass(frozen=True)
class Category:
    slug: str
    label: str
    klaster: Klaster
    ikon: str
    warna: str
    deskripsi: str
    fasilitas: tuple[str, ...]
    osm: tuple[tuple[str, str], ...]  # the tags written on export (= osm_info.tags)
    dilindungi: bool
    osm_info: OsmMapping = OsmMapping()
    sinonim: tuple[str, ...] = ()  # words the map's search also finds the category by


@dataclass(frozen=True)
class Vocab:
    categories: dict[str, Category]
    klaster: dict[str, Klaster]
    amenitas: dict[str, str]
    amenity_osm: dict[str, Amenity] = field(default_factory=dict)


def _pairs(mapping: dict | None) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((str(k), str(v)) for k, v in (mapping or {}).items()))


def _osm(value: dict | None) -> OsmMapping:
    """kategori.yml `osm`: either plain tags ({amenity: library}: exported, not imported) or
    {tag, impor, impor_nama, awalan, wiki, catatan}."""
    value = value or {}
    if "tag" not in value:
        return OsmMapping(tags=_pairs(value))
    impor = tuple(sorted((str(k), tuple(str(x) for x in (v if isinstance(v, list) else [v])))
                         for k, v in (value.get("impor") or {}).items()))
    return OsmMapping(tags=_pairs(value["tag"]), impor=impor,
                      impor_nama=str(value.get("impor_nama", "")),
                      awalan=str(value.get("awalan", "")),
                      wiki=tuple(str(w) for w in value.get("wiki", [])),
                      catatan=" ".join(str(value.get("catatan", "")).split()))


def _amenity(slug: str, value) -> Amenity:
    """amenitas.yml: `slug: label`, or `slug: {label, osm, wiki}` for one with an OSM tag."""
    if isinstance(value, dict):
        wiki = value.get("wiki", [])
        return Amenity(slug, str(value["label"]), _pairs(value.get("osm")),
                       tuple(str(w) for w in (wiki if isinstance(wiki, list) else [wiki])))
    return Amenity(slug, str(value))


def _read(name: str) -> dict:
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


@cache
def load_vocab() -> Vocab:
    klaster = {
        slug: Klaster(slug, str(v["nomor"]), v["label"], v["ringkasan"])
        for slug, v in _read("klaster.yml").items()
    }
    amenity_osm = {str(k): _amenity(str(k), v) for k, v in _read("amenitas.yml").items()}
    amenitas = {k: a.label for k, a in amenity_osm.items()}
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
            osm=(osm := _osm(v.get("osm"))).tags,
            dilindungi=bool(v["dilindungi"]),
            osm_info=osm,
            sinonim=tuple(str(w) for w in v.get("sinonim") or ()),
        )
    return Vocab(categories=categories, klaster=klaster, amenitas=amenitas, amenity_osm=amenity_osm)
