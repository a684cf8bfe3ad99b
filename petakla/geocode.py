"""Addresses to coordinates: the committed cache and `python build_map.py geocode`.

`check` and `build` only read the cache (facilities/_geocode-cache.json); only `geocode`
touches the network, through geopy's Nominatim, following Nominatim's usage policy: one
request at a time, at least one second apart, with a User-Agent naming the project.

The cache is a JSON list sorted by query, one entry per normalised query:
{query, lat, lon, provider, display_name, date}. It is rewritten atomically (temporary file in
the same folder, fsync, os.replace) after every successful lookup, so an interrupted or failing
run keeps everything cached so far. A cache that cannot be read is reported, never overwritten.
"""

from __future__ import annotations

import datetime
import json
import math
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

from .config import Config
from .load import Document
from .model import Facility

USER_AGENT = "peta-kla-banjarmasin/0.1"
PROVIDER = "nominatim"
MIN_INTERVAL = 1.0  # seconds between the end of one request and the start of the next
MAX_RETRY_AFTER = 10.0  # a 429 asking to wait longer than this ends the run
ENV_URL = "PETAKLA_GEOCODER_URL"
_FIELDS = ("query", "lat", "lon", "provider", "display_name", "date")


class CacheError(Exception):
    """The cache file exists but is not a valid cache."""

    def __init__(self, message: str, line: int = 1, col: int = 1):
        super().__init__(message)
        self.message, self.line, self.col = message, line, col


def normalise_query(text: str) -> str:
    return " ".join(text.lower().split())


def query_for(facility: Facility, config: Config) -> str:
    """"Jl. Pramuka No. 5" in Sungai Lulut -> "jl. pramuka no. 5, sungai lulut, banjarmasin
    timur, kota banjarmasin"."""
    kel = facility.kelurahan
    parts = [str(facility.data.get("alamat") or ""), kel.nama, kel.kecamatan.nama, config.kota_nama]
    return normalise_query(", ".join(p.strip() for p in parts if p and p.strip()))


# --- the cache ------------------------------------------------------------------------------


def load_cache(path: Path) -> dict[str, dict]:
    """query -> entry; {} when the file does not exist. Raises CacheError when it is damaged."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise CacheError(f"berkas cache geocode tidak dapat dibaca ({exc}).") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CacheError(f"berkas cache geocode rusak (JSON tidak sah: {exc.msg}); pulihkan dari "
                         "git (`git checkout -- facilities/_geocode-cache.json`) atau hapus "
                         "lalu jalankan `python build_map.py geocode`.", exc.lineno, exc.colno) from None
    if not isinstance(data, list):
        raise CacheError("berkas cache geocode rusak: isinya harus daftar JSON [...]; pulihkan "
                         "dari git atau hapus lalu jalankan `python build_map.py geocode`.")
    cache: dict[str, dict] = {}
    for i, entry in enumerate(data):
        where = f"entri ke-{i + 1}"
        if not isinstance(entry, dict) or any(k not in entry for k in _FIELDS):
            raise CacheError(f"berkas cache geocode rusak: {where} harus punya kunci "
                             f"{', '.join(_FIELDS)}.")
        lat, lon = entry["lat"], entry["lon"]
        if not all(isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
                   for v in (lat, lon)) or not isinstance(entry["query"], str):
            raise CacheError(f"berkas cache geocode rusak: {where} ('{entry.get('query')}') "
                             "harus berisi query teks dan lat/lon berupa angka.")
        if entry["query"] in cache:
            raise CacheError(f"berkas cache geocode rusak: query '{entry['query']}' muncul dua kali.")
        cache[entry["query"]] = entry
    return cache


def cache_text(cache: dict[str, dict]) -> str:
    entries = [{k: cache[q][k] for k in _FIELDS} for q in sorted(cache)]
    return json.dumps(entries, ensure_ascii=False, indent=2) + "\n"


def save_cache(path: Path, cache: dict[str, dict]) -> None:
    """Write atomically: a reader (or a crash) sees the old file or the new one, never half."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(cache_text(cache))
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    try:  # make the rename itself durable
        dir_fd = os.open(path.parent, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def cached_point(facility: Facility, config: Config, cache: dict[str, dict]) -> dict | None:
    return cache.get(query_for(facility, config))


# --- the lookups ----------------------------------------------------------------------------


def endpoint(config: Config) -> str:
    return os.environ.get(ENV_URL) or config.geocoder_url


def make_geocoder(config: Config):
    from geopy.adapters import URLLibAdapter
    from geopy.geocoders import Nominatim

    url = urlsplit(endpoint(config))
    if url.scheme not in ("http", "https") or not url.netloc:
        raise ValueError(f"alamat geocoder tidak sah: '{endpoint(config)}' (contoh: "
                         "https://nominatim.openstreetmap.org)")
    return Nominatim(user_agent=USER_AGENT, domain=url.netloc + url.path.rstrip("/"),
                     scheme=url.scheme, timeout=config.geocoder_timeout,
                     # urllib never retries on its own: every request goes through our spacing
                     adapter_factory=URLLibAdapter)


class _Stop(Exception):
    """The service asked us to stop (rate limit) or cannot be reached: skip the rest."""


@dataclass
class Pending:
    query: str
    docs: list[tuple[Document, Facility]]


class Spacer:
    """At most one request per MIN_INTERVAL, measured from the end of the previous one, so the
    server sees its requests at least that far apart."""

    def __init__(self, interval: float = MIN_INTERVAL, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep):
        self.interval, self.clock, self.sleep = interval, clock, sleep
        self.last_end: float | None = None

    def wait(self, extra: float = 0.0) -> None:
        if self.last_end is not None:
            delay = self.last_end + max(self.interval, extra) - self.clock()
            if delay > 0:
                self.sleep(delay)

    def done(self) -> None:
        self.last_end = self.clock()


def _lookup(geocoder, query: str, config: Config, spacer: Spacer):
    """One result, or None when nothing is found. Raises _Failed (this address failed) or
    _Stop (the service asked us to stop or cannot be reached: skip the rest)."""
    from geopy import exc as gx

    (s, w), (n, e) = config.batas
    retried = False
    extra = 0.0
    while True:
        spacer.wait(extra)
        try:
            return geocoder.geocode(query, exactly_one=True, country_codes="id",
                                    viewbox=[(s, w), (n, e)], bounded=False)
        except gx.GeocoderRateLimited as exc:
            after = exc.retry_after
            if retried or after is None or after > MAX_RETRY_AFTER:
                wait = f"{int(after)} detik" if after is not None else "beberapa saat"
                raise _Stop(f"server membatasi permintaan (HTTP 429); coba lagi setelah {wait}.") \
                    from None
            retried, extra = True, float(after)
        except gx.GeocoderTimedOut:
            raise _Failed(f"server tidak menjawab dalam {config.geocoder_timeout:g} detik "
                          "(timeout).") from None
        except gx.GeocoderUnavailable as exc:
            raise _Stop(f"server geocoder tidak dapat dihubungi ({_short(exc)}).") from None
        except gx.GeocoderParseError:
            raise _Failed("jawaban server bukan JSON yang sah.") from None
        except gx.GeocoderServiceError as exc:
            if _connection_error(exc):  # refused, reset, DNS: the service cannot be reached
                raise _Stop(f"server geocoder tidak dapat dihubungi ({_short(exc)}).") from None
            raise _Failed(f"server geocoder galat ({_short(exc)}).") from None
        except (KeyError, TypeError, ValueError, IndexError) as exc:
            raise _Failed(f"jawaban server tidak dapat dipahami ({type(exc).__name__}).") from None
        finally:
            spacer.done()


class _Failed(Exception):
    pass


def _connection_error(exc: BaseException) -> bool:
    """geopy's urllib adapter reports a refused connection as a plain GeocoderServiceError;
    the urllib error it came from says what happened."""
    from urllib.error import HTTPError, URLError

    seen = exc.__cause__ or exc.__context__
    while seen is not None:
        if isinstance(seen, HTTPError):
            return False
        if isinstance(seen, URLError | ConnectionError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def _short(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= 160 else text[:157] + "..."


def _fail(doc: Document, message: str, out: TextIO) -> None:
    doc.problem(("alamat",), message)
    print(doc.problems[-1].format(), file=out)


def run_geocode(config: Config, out: TextIO | None = None, spacer: Spacer | None = None) -> int:
    """Look up every record without `lokasi` whose query is not cached yet. 0 when every
    such record now has a cached point, 1 otherwise (each failure is printed)."""
    from .load import load_document, record_paths
    from .regions import load_city
    from .validate import validate_document
    from .vocab import load_vocab

    out = out or sys.stderr
    path = config.geocode_cache
    try:
        cache = load_cache(path)
    except CacheError as exc:
        rel = path.relative_to(config.root).as_posix() if path.is_relative_to(config.root) else path
        print(f"{rel}:{exc.line}:{exc.col}: error: {exc.message}", file=out)
        print("geocode dibatalkan: berkas cache tidak disentuh.", file=out)
        return 1
    vocab, city = load_vocab(), load_city(config.kota_kode)
    pending: dict[str, Pending] = {}
    invalid = 0
    for p in record_paths(config.facilities_dir):
        doc = load_document(p, config.root)
        facility = validate_document(doc, config, vocab, city)
        if facility is None:
            invalid += 1
            continue
        if facility.lat is not None or facility.protected:
            continue
        query = query_for(facility, config)
        if query not in cache:
            pending.setdefault(query, Pending(query, [])).docs.append((doc, facility))
    if invalid:
        print(f"{invalid} berkas tidak sah dilewati; jalankan `python build_map.py check`.",
              file=out)
    if not pending:
        print(f"geocode: tidak ada alamat baru ({len(cache)} di cache).", file=out)
        return 1 if invalid else 0
    try:
        geocoder = make_geocoder(config)
    except ValueError as exc:
        print(f"error: {exc}", file=out)
        return 1
    spacer = spacer or Spacer()
    found = failed = 0
    stop: str | None = None
    today = datetime.date.today().isoformat()
    for item in pending.values():
        if stop:
            for doc, _ in item.docs:
                _fail(doc, f"alamat belum dicari: {stop}", out)
            failed += 1
            continue
        try:
            location = _lookup(geocoder, item.query, config, spacer)
        except _Stop as exc:
            stop = str(exc)
            for doc, _ in item.docs:
                _fail(doc, f"geocode gagal: {stop}", out)
            failed += 1
            continue
        except _Failed as exc:
            for doc, _ in item.docs:
                _fail(doc, f"geocode gagal: {exc}", out)
            failed += 1
            continue
        if location is None:
            for doc, _ in item.docs:
                _fail(doc, f"alamat tidak ditemukan oleh geocoder ('{item.query}'); perbaiki "
                           "alamat atau tambahkan `lokasi: [lintang, bujur]`.", out)
            failed += 1
            continue
        lat, lon = float(location.latitude), float(location.longitude)
        cache[item.query] = {"query": item.query, "lat": lat, "lon": lon, "provider": PROVIDER,
                             "display_name": str(location.address or ""), "date": today}
        try:
            save_cache(path, cache)
        except OSError as exc:
            print(f"error: cache geocode tidak dapat ditulis ({exc}); dihentikan.", file=out)
            return 1
        found += 1
        note = "" if config.in_bounds(lat, lon) else f" (di luar {config.kota_nama}!)"
        print(f"ditemukan: {item.query} -> [{lat:.6f}, {lon:.6f}]{note}", file=out)
    print(f"geocode: {found} ditemukan, {failed} gagal; cache: {len(cache)} alamat.", file=out)
    return 1 if failed or invalid else 0
