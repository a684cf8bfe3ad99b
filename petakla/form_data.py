"""The published records as the editors' form reads them: a small list for its "Ubah data yang
ada" select and its map's grey points (tambah/daftar.json), and the full records in parts of
SHARD_SIZE (tambah/data/<n>.json), one of which the form fetches when an editor chooses a
record. At 1,000 facilities the form used to fetch and parse every record (341 kB) on start,
on the page's main thread, for a list of names.

Protected records never appear in either (their very existence at an address is what must stay
private).
"""

from __future__ import annotations

import json
import unicodedata

from .model import Facility

FORM_DIR = "tambah"
FORM_INDEX = f"{FORM_DIR}/daftar.json"
FORM_SHARDS = f"{FORM_DIR}/data"
SHARD_SIZE = 100


def _dumps(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=False)


def _name_key(name: str) -> str:
    """Case and accents ignored, as the select's reader expects an alphabetical list."""
    text = unicodedata.normalize("NFKD", name)
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


def published(facilities: list[Facility]) -> list[Facility]:
    """Published records by id: the order that numbers their parts."""
    return sorted((f for f in facilities if not f.protected), key=lambda f: f.id)


def form_index(facilities: list[Facility]) -> str:
    """[id, nama, kelurahan, lintang|null, bujur|null, part] per published record, by name.
    The point is the record's own `lokasi` (none for an address the build looked up)."""
    rows = []
    for i, f in enumerate(published(facilities)):
        point = f.data.get("lokasi")
        lat, lon = (point[0], point[1]) if isinstance(point, list) and len(point) == 2 else (None, None)
        rows.append([f.id, f.nama, f.data.get("kelurahan", ""), lat, lon, i // SHARD_SIZE])
    rows.sort(key=lambda r: (_name_key(r[1]), r[1], r[0]))
    return _dumps(rows)


def form_shards(facilities: list[Facility]) -> dict[str, str]:
    """{site path: {id: record as written}} for each part of SHARD_SIZE records."""
    records = published(facilities)
    return {f"{FORM_SHARDS}/{start // SHARD_SIZE}.json":
            _dumps({f.id: f.data for f in records[start:start + SHARD_SIZE]})
            for start in range(0, len(records), SHARD_SIZE)}


def form_data_files(facilities: list[Facility]) -> dict[str, str]:
    """Every record file of the form, as {site path: content}."""
    return {FORM_INDEX: form_index(facilities), **form_shards(facilities)}
