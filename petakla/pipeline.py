"""The first steps of the pipeline: load every record, validate it, give it a location.

`check()` is what `build_map.py check` and the build run; it returns the facilities that can
be published and every problem found, in file order.
"""

from __future__ import annotations

import datetime
import gc
from dataclasses import dataclass, field, replace
from pathlib import Path

from .config import Config
from .geo import Boundaries, BoundaryError, load_boundaries
from .geocode import CacheError, load_cache, query_for
from .load import Document, load_document, record_paths
from .model import Facility
from .parallel import fork_map
from .regions import City, load_city
from .report import Problem, display_path, errors
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


@dataclass
class Locator:
    """What `locate` needs besides the record: the geocode cache (read only; `geocode` fills
    it) and, when configured, the kelurahan boundaries."""

    config: Config
    cache: dict = field(default_factory=dict)
    boundaries: Boundaries | None = None
    strict: bool = False


def locate(facility: Facility, doc: Document, locator: Locator | None = None) -> Facility | None:
    """Give a record without `lokasi` a point: its cached geocode result, else (with kelurahan
    boundaries) a point inside its kelurahan. Protected records never get any."""
    if facility.lat is not None or facility.protected:
        return facility
    if locator is not None:
        config = locator.config
        entry = locator.cache.get(query_for(facility, config))
        if entry is not None:
            lat, lon = float(entry["lat"]), float(entry["lon"])
            if not config.in_bounds(lat, lon):
                doc.problem(("alamat",), f"hasil geocode alamat ini [{lat}, {lon}] berada di luar "
                                         f"{config.kota_nama}; perbaiki alamat atau tambahkan "
                                         "`lokasi: [lintang, bujur]`.")
                return None
            return with_location(facility, lat, lon, "geocode")
        point = locator.boundaries.fallback_point(facility.kelurahan.kode) \
            if locator.boundaries is not None else None
        if point is not None:
            doc.problem(("alamat",), f"lokasi perkiraan: titik tengah kelurahan "
                                     f"{facility.kelurahan.nama}; jalankan `python build_map.py "
                                     "geocode` atau tambahkan `lokasi: [lintang, bujur]`.",
                        severity="error" if locator.strict else "warning")
            return None if locator.strict else with_location(facility, *point, "kelurahan")
    doc.problem(("alamat",), "koordinat belum diketahui: tambahkan `lokasi: [lintang, bujur]` "
                             "atau jalankan `python build_map.py geocode` (lihat panduan "
                             "kontributor).")
    return None


def check_kelurahan(located: list[tuple[Document, Facility]], boundaries: Boundaries,
                    city: City) -> set[int]:
    """Check every point against its declared kelurahan with one spatial join; return the
    indexes (into `located`) of the facilities whose point lies elsewhere."""
    todo = [(i, doc, f) for i, (doc, f) in enumerate(located)
            # a fallback point lies inside its kelurahan by construction; written ones may not
            if f.has_location and not (f.approx == "kelurahan" and "lokasi" not in f.data)]
    where = boundaries.kelurahan_of([(f.lat, f.lon) for _, _, f in todo])
    names = boundaries.names()
    official = {k.kode: k.nama for k in city.kelurahan}
    rejected: set[int] = set()
    for (i, doc, f), found in zip(todo, where, strict=True):
        declared = f.kelurahan
        if not boundaries.has(declared.kode):
            doc.problem(("kelurahan",), f"Kelurahan {declared.nama} ({declared.kode}) tidak ada di "
                                        "berkas batas kelurahan; titiknya tidak diperiksa.",
                        severity="warning")
            continue
        if declared.kode in found:
            continue
        if found:
            other = " / ".join(f"Kelurahan {official.get(k, names.get(k, k))}" for k in sorted(found))
            place = f"berada di {other}, bukan Kelurahan {declared.nama}"
        else:
            place = ("tidak berada di kelurahan mana pun menurut berkas batas kelurahan, bukan di "
                     f"Kelurahan {declared.nama}")
        if f.approx == "geocode":
            doc.problem(("alamat",), f"hasil geocode alamat ini [{f.lat}, {f.lon}] {place}; "
                                     "perbaiki alamat atau tambahkan `lokasi: [lintang, bujur]`.")
        else:
            doc.problem(("lokasi",), f"titik {place}; periksa `lokasi` atau `kelurahan`.")
        rejected.add(i)
    return rejected


PARALLEL_ABOVE = 2000  # records: below this a process pool costs more than it saves
_CHUNK = 500
_reading: tuple = ()  # what forked workers read records with (set just before the fork)


def _read(path: Path) -> tuple[Document, Facility | None]:
    config, vocab, city, today = _reading
    doc = load_document(path, config.root)
    return doc, validate_document(doc, config, vocab, city, today=today)


def read_records(paths: list[Path], config: Config, vocab: Vocab, city: City,
                 today: datetime.date | None = None,
                 memo: dict | None = None) -> list[tuple[Document, Facility | None]]:
    """Load and validate every file, in order; on every core when there are many (parsing
    YAML and validating is most of `check` at 10,000 records; results are the same).

    `memo` (the live preview's, kept between rebuilds of one configuration): a file whose
    modification time, size and inode are unchanged since it was last read is not read
    again."""
    global _reading
    if memo is None:
        todo = paths
    else:
        stamps = {path: _stamp(path, today or datetime.date.today()) for path in paths}
        todo = [path for path in paths if memo.get(path, (None,))[0] != stamps[path]]
    _reading = (config, vocab, city, today)
    try:
        fresh = fork_map(_read, todo, above=PARALLEL_ABOVE, chunksize=_CHUNK)
    finally:
        _reading = ()
    if memo is None:
        return fresh
    for path, result in zip(todo, fresh, strict=True):
        memo[path] = (stamps[path], result)
    for path in set(memo) - stamps.keys():
        del memo[path]
    # check() adds later problems (duplicate id, location) to the Document: a copy each time
    return [(replace(doc, problems=list(doc.problems)), facility)
            for doc, facility in (memo[path][1] for path in paths)]


def _stamp(path: Path, today: datetime.date | None) -> tuple:
    try:
        st = path.stat()
    except OSError:
        return (None, today)  # read again: load_document reports what is wrong
    return (st.st_mtime_ns, st.st_size, st.st_ino, today)


def check(config: Config, targets: list[Path] | None = None,
          today: datetime.date | None = None, strict: bool = False,
          memo: dict | None = None) -> CheckResult:
    """`strict`: a fallback point (kelurahan centre) is an error instead of a warning.
    `memo`: see read_records()."""
    # Reading makes many small objects and no reference cycles: without the cyclic collector
    # running over the growing heap again and again, check of 10,000 records takes a fifth
    # less CPU (the forked readers inherit this). Cycles made meanwhile are collected after.
    enabled = gc.isenabled()
    gc.disable()
    try:
        return _check(config, targets, today, strict, memo)
    finally:
        if enabled:
            gc.enable()


def _check(config: Config, targets: list[Path] | None, today: datetime.date | None,
           strict: bool, memo: dict | None) -> CheckResult:
    vocab: Vocab = load_vocab()
    city: City = load_city(config.kota_kode)
    paths: list[Path] = []
    for target in targets or [config.facilities_dir]:
        paths.extend(record_paths(Path(target)))
    problems: list[Problem] = []
    locator = Locator(config=config, strict=strict)
    cache_file = config.geocode_cache
    try:
        locator.cache = load_cache(cache_file)
    except CacheError as exc:
        problems.append(Problem(display_path(cache_file, config.root), exc.line, exc.col, "error",
                                "", exc.message))
    try:
        locator.boundaries = load_boundaries(config)
    except BoundaryError as exc:
        problems.append(Problem("pyproject.toml", 1, 1, "error", "batas_kelurahan", str(exc)))
    docs: list[Document] = []
    located: list[tuple[Document, Facility]] = []
    first_file: dict[str, str] = {}
    for doc, facility in read_records(paths, config, vocab, city, today, memo):
        docs.append(doc)
        if doc.id in first_file:
            doc.problem((), f"id '{doc.id}' sudah dipakai oleh {first_file[doc.id]}; "
                            "ganti nama berkas ini.")
            facility = None
        first_file.setdefault(doc.id, doc.display)
        if facility is not None:
            facility = locate(facility, doc, locator)
        if facility is not None:
            located.append((doc, facility))
    rejected = (check_kelurahan(located, locator.boundaries, city)
                if locator.boundaries is not None else set())
    facilities = [f for i, (_, f) in enumerate(located) if i not in rejected]
    for doc in docs:
        problems.extend(doc.problems)
    return CheckResult(facilities=facilities, problems=problems, n_files=len(paths))


def with_location(facility: Facility, lat: float, lon: float, approx: str | None) -> Facility:
    return replace(facility, lat=lat, lon=lon, approx=approx)
