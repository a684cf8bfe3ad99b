"""The first steps of the pipeline: load every record, validate it, give it a location.

`check()` is what `build_map.py check` and the build run; it returns the facilities that can
be published and every problem found, in file order.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, replace
from pathlib import Path

from .config import Config
from .load import Document, load_document, record_paths
from .model import Facility
from .regions import City, load_city
from .report import Problem, errors
from .validate import validate_document
from .vocab import Vocab, load_vocab


@dataclass
class CheckResult:
    facilities: list[Facility]
    problems: list[Problem]
    n_files: int

    @property
    def ok(self) -> bool:
        return not errors(self.problems)


def locate(facility: Facility, doc: Document) -> Facility | None:
    """Give a record without `lokasi` a point. Geocoding arrives in a later step; until then
    such a record needs coordinates (protected records never get any)."""
    if facility.lat is not None or facility.protected:
        return facility
    doc.problem(("alamat",), "koordinat belum diketahui: tambahkan `lokasi: [lintang, bujur]` "
                             "(lihat panduan kontributor).")
    return None


def check(config: Config, targets: list[Path] | None = None,
          today: datetime.date | None = None) -> CheckResult:
    vocab: Vocab = load_vocab()
    city: City = load_city(config.kota_kode)
    paths: list[Path] = []
    for target in targets or [config.facilities_dir]:
        paths.extend(record_paths(Path(target)))
    facilities: list[Facility] = []
    problems: list[Problem] = []
    first_file: dict[str, str] = {}
    for path in paths:
        doc = load_document(path, config.root)
        facility = validate_document(doc, config, vocab, city, today=today)
        if doc.id in first_file:
            doc.problem((), f"id '{doc.id}' sudah dipakai oleh {first_file[doc.id]}; "
                            "ganti nama berkas ini.")
            facility = None
        first_file.setdefault(doc.id, doc.display)
        if facility is not None:
            facility = locate(facility, doc)
        if facility is not None:
            facilities.append(facility)
        problems.extend(doc.problems)
    return CheckResult(facilities=facilities, problems=problems, n_files=len(paths))


def with_location(facility: Facility, lat: float, lon: float, approx: str | None) -> Facility:
    return replace(facility, lat=lat, lon=lon, approx=approx)
