"""Shared helpers of the benchmark: paths, logging, one-measure-may-fail, sizes, machine."""

from __future__ import annotations

import contextlib
import datetime
import gzip
import hashlib
import os
import platform
import statistics
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))
KELURAHAN_GEOJSON = REPO.parent / "shared" / "geo" / "banjarmasin_kelurahan.geojson"
SEED = 20240623


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def attempt(result: dict, key: str, fn: Callable[[], dict | None]) -> dict:
    """Run one measurement; on failure record the error under `key` instead of crashing."""
    t0 = time.perf_counter()
    try:
        value = fn() or {}
    except Exception as exc:  # noqa: BLE001 - any failure is a result to report
        value = {"error": f"{type(exc).__name__}: {exc}".strip()[:500],
                 "traceback": traceback.format_exc(limit=6)[-2000:]}
        log(f"  {key}: FAILED {value['error']}")
    value.setdefault("elapsed_s", round(time.perf_counter() - t0, 3))
    result[key] = value
    return value


def gz_size(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=6, mtime=0))


def sizes_of(path: Path) -> dict:
    data = path.read_bytes()
    return {"raw": len(data), "gzip": gz_size(data)}


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def get(d: dict | None, *keys):
    """d[k1][k2]…, or None when any step is missing."""
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def code_digest() -> str:
    """Digest of petakla/ (code, templates, static files): shows whether it changed mid-run."""
    code = hashlib.sha256()
    for p in sorted((REPO / "petakla").rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts:
            code.update(p.relative_to(REPO).as_posix().encode() + b"\0" + p.read_bytes())
    return code.hexdigest()[:16]


def machine_info() -> dict:
    def version(name: str) -> str | None:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return None

    def git(*args: str) -> str:
        try:
            return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True,
                                  timeout=20).stdout.strip()
        except Exception:  # noqa: BLE001
            return ""

    mem = ""
    with contextlib.suppress(OSError):
        mem = next((line.split(":", 1)[1].strip() for line in
                    Path("/proc/meminfo").read_text().splitlines()
                    if line.startswith("MemTotal")), "")
    cpu = ""
    with contextlib.suppress(OSError):
        cpu = next((line.split(":", 1)[1].strip() for line in
                    Path("/proc/cpuinfo").read_text().splitlines()
                    if line.startswith("model name")), "")
    return {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "memory": mem,
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "packages": {n: version(n) for n in (
            "petakla", "mkdocs", "mkdocs-material", "folium", "branca", "jsonschema", "pyyaml",
            "geopandas", "shapely", "playwright", "xstatic-leaflet",
            "xstatic-leaflet-markercluster")},
        "git_commit": git("rev-parse", "HEAD"),
        "git_dirty_files": len(git("status", "--porcelain").splitlines()),
        "petakla_sha256": code_digest(),
    }
