"""The editor's loop: `build_map.py serve` on the size's project (a fresh process on
127.0.0.1), then, after its first build, one record saved with a changed name a few times;
each time the seconds from the save to the served facility page showing the new name (polled
over HTTP every 50 ms), and (JSON only) to its kategori page listing it: the page appears after
the preview's quick pass, the listing after its catch-up pass (README, "How the preview
works")."""

from __future__ import annotations

import contextlib
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

from ..common import REPO
from ..registry import Column, Size, goal, measure, not_measured, options, target
from ..report import cell, s2

PREVIEW_LIMIT_S = {1_000: 2.0, 10_000: 5.0}  # issue 18: saved record -> shown by `serve`


@options
def _options(p) -> None:
    p.add_argument("--preview-edits", type=int, default=3, metavar="K",
                   help="records saved per size in the preview measure (median reported)")
    p.add_argument("--preview-max", type=int, default=10_000, metavar="N",
                   help="above N, skip the preview measure")
    p.add_argument("--skip-preview", action="store_true")
    p.add_argument("--preview-timeout", type=float, default=900,
                   help="seconds to wait for the first build of `serve`")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=30) as resp:
            return resp.read().decode("utf-8")
    except OSError:
        return None


def _wait_for(url: str, needle: str, seconds: float, every: float = 0.05) -> float | None:
    """Seconds until `url` answers with `needle` in it (None: not within `seconds`)."""
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        body = _fetch(url)
        if body and needle in body:
            return time.monotonic() - start
        time.sleep(every)
    return None


@contextlib.contextmanager
def serving(root: Path, log_file: Path) -> Iterator[str]:
    """`build_map.py --root ROOT serve` as a fresh process; yields its base URL."""
    port = _free_port()
    with open(log_file, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, str(REPO / "build_map.py"), "--root", str(root), "serve",
             "--dev-addr", f"127.0.0.1:{port}"], stdout=log, stderr=subprocess.STDOUT,
            env={**os.environ, "PETAKLA_SITE_URL": ""})
        try:
            yield f"http://127.0.0.1:{port}/"
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def edit_loop(root: Path, work: Path, edits: int, first_timeout: float) -> dict:
    """Serve `root`, then rename one record `edits` times; the save-to-shown seconds."""
    records = sorted((root / "facilities").glob("*.yml"))
    record = records[len(records) // 2]
    original = record.read_text(encoding="utf-8")
    page = f"fasilitas/{record.stem}/"
    first_line = next(line for line in original.splitlines() if line.startswith("nama: "))
    kategori = next(line for line in original.splitlines() if line.startswith("kategori: "))
    listing = f"kategori/{kategori.removeprefix('kategori: ').strip().strip(chr(34))}/"
    name = first_line.removeprefix("nama: ").strip('"')
    runs: list[dict] = []
    try:
        with serving(root, work / "serve.log") as base:
            started = time.monotonic()
            first = _wait_for(base + page, name, first_timeout, every=0.5)
            if first is None:
                raise RuntimeError(f"serve did not show {page} within {first_timeout:.0f} s "
                                   f"(log: {work / 'serve.log'})")
            first_build = time.monotonic() - started
            time.sleep(2)  # the first build's downloads (made after it) settle
            for i in range(edits):
                new = f"{name} Sunting {i + 1}"
                text = original.replace(first_line, f'nama: "{new}"', 1)
                saved = time.monotonic()
                record.write_text(text, encoding="utf-8")
                shown = _wait_for(base + page, new, 120)
                if shown is None:
                    raise RuntimeError(f"edit {i + 1} not shown within 120 s")
                shown_s = time.monotonic() - saved
                listed = _wait_for(base + listing, new, 600)
                runs.append({"edit": i + 1, "shown_s": round(shown_s, 3),
                             "listed_s": None if listed is None
                             else round(time.monotonic() - saved, 3)})
                time.sleep(1.5)  # an editor does not save twice a second; downloads settle
    finally:
        record.write_text(original, encoding="utf-8")
    listed = [r["listed_s"] for r in runs if r["listed_s"] is not None]
    return {"first_build_s": round(first_build, 2), "page": page, "listing": listing,
            "runs": runs, "median_s": round(statistics.median(r["shown_s"] for r in runs), 3),
            "listed_median_s": round(statistics.median(listed), 3) if listed else None}


@measure("preview", order=40, columns=[
    Column("preview s", lambda r: cell(r, "preview", "median_s", fmt=s2)),
    Column("serve 1st build s", lambda r: cell(r, "preview", "first_build_s", fmt=s2)),
])
def preview(size: Size) -> dict:
    if size.args.skip_preview:
        return {"skipped": "--skip-preview"}
    if size.n > size.args.preview_max:
        return {"skipped": f"N > --preview-max {size.args.preview_max}"}
    work = size.work / "preview"
    work.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()[0]
    out = edit_loop(size.root, work, size.args.preview_edits, size.args.preview_timeout)
    out["load_start"] = round(load, 2)
    return out


@target(order=40)
def preview_targets(by_size: dict) -> list[dict]:
    goals = []
    for n, limit in PREVIEW_LIMIT_S.items():
        name, what = f"preview-{n // 1000}k", f"{n:,}: saved record shown by serve <= {limit:g} s"
        v = ((by_size.get(n) or {}).get("preview") or {}).get("median_s")
        if v is None:
            goals.append(not_measured(name, what))
            continue
        runs = ", ".join(f"{r['shown_s']:.2f}" for r in by_size[n]["preview"]["runs"])
        goals.append(goal(name, what, v, limit, v <= limit,
                          f"median {v:.2f} s of {runs} s (limit {limit:g} s)"))
    return goals
