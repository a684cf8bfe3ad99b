"""`build_map.py build` as a fresh process (wall, CPU, peak memory of its whole process tree)
against the MkDocs floor: a bare Material build of N trivial pages. Sizes whose build is
skipped get the project's map files from petakla.site.generate() alone (`maps_only`)."""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path
from statistics import median

from ..common import REPO, get
from ..proc import timed_subprocess
from ..registry import Column, Size, goal, measure, not_measured, options, target
from ..report import pair, s1

BUILD_RATIO = {1_000: 2.0, 10_000: 1.5}  # issue 18: build <= this x the MkDocs floor
PEAK_RSS_BYTES = 1_000_000_000  # 1 GB (SI): the stricter reading, at 10k


@options
def _options(p) -> None:
    p.add_argument("--build-max", type=int, default=10**9, metavar="N",
                   help="above N, skip the full build and the MkDocs floor; the project's map "
                        "files are then written by the pipeline functions alone")
    p.add_argument("--skip-build", action="store_true",
                   help="no full build and no MkDocs floor at any size (as --build-max 0)")
    p.add_argument("--build-timeout", type=float, default=3600)
    p.add_argument("--build-repeats", type=int, default=3, metavar="R",
                   help="runs of the build and of the floor at each size (median reported; "
                        "a single floor run at 1k varied 2.6-4.2 s between runs)")


def _skip(size: Size) -> str | None:
    if size.args.skip_build:
        return "--skip-build"
    if size.n > size.args.build_max:
        return f"N > --build-max {size.args.build_max}"
    return None


def build_memory_mb(b: dict) -> float | None:
    """The build's peak memory: the largest of GNU time's single-process peak and the summed
    RSS of its process tree (a worker forked by the build counts in full)."""
    values = [v for v in (b.get("peak_rss_mb"), b.get("tree_peak_rss_mb")) if v is not None]
    return max(values) if values else None


def _memory_note(b: dict) -> str:
    if b.get("tree_peak_rss_mb") is None:
        return ""
    return (f" (all {b.get('tree_max_processes')} processes together; largest single process "
            f"{b.get('peak_rss_mb')} MB; PSS {b.get('tree_peak_pss_mb')} MB)")


def _ratio_cell(r: dict) -> str:
    b, f = r.get("build") or {}, r.get("floor") or {}
    if not (b.get("wall_s") and f.get("wall_s")) or "error" in b or "error" in f:
        return "–"
    text = f"{b['wall_s'] / f['wall_s']:.2f}"
    if b.get("cpu_s") and f.get("cpu_s"):
        text += f" ({b['cpu_s'] / f['cpu_s']:.2f})"
    return text


def _memory_cell(r: dict) -> str:
    mb = build_memory_mb(r.get("build") or {})
    return "–" if mb is None else f"{mb:,.0f}"


def _repeated(size: Size, cmd: list[str], cwd: Path, site: Path, log: str) -> dict:
    """`cmd` run --build-repeats times, each into an empty site folder (a first build, as a
    fresh clone's): the run of median wall time, with every run's wall and CPU time, and the
    largest memory of any run."""
    runs = []
    for i in range(max(1, size.args.build_repeats)):
        shutil.rmtree(site, ignore_errors=True)
        runs.append(timed_subprocess(cmd, cwd=cwd, log_file=size.work / f"{log}-{i}.log",
                                     timeout=size.args.build_timeout))
        if "error" in runs[-1]:
            return runs[-1]
    walls = [r["wall_s"] for r in runs]
    out = dict(sorted(runs, key=lambda r: r["wall_s"])[len(runs) // 2])
    out["wall_s"] = round(median(walls), 3)
    out["runs_wall_s"] = walls
    cpus = [r["cpu_s"] for r in runs if r.get("cpu_s") is not None]
    if cpus:
        out["cpu_s"], out["runs_cpu_s"] = round(median(cpus), 3), cpus
    for key in ("peak_rss_mb", "tree_peak_rss_mb", "tree_peak_pss_mb"):
        values = [r[key] for r in runs if r.get(key) is not None]
        if values:
            out[key] = max(values)
    return out


@measure("build", order=30, columns=[
    Column("build s (cpu)", lambda r: pair(r, ("build", "wall_s"), "cpu_s", s1, s1)),
    Column("peak RSS MB", _memory_cell)])
def build(size: Size) -> dict:
    if why := _skip(size):
        return {"skipped": why}
    root = size.root
    site = root / "site"
    out = _repeated(size, [sys.executable, str(REPO / "build_map.py"), "--root", str(root),
                           "build"], root, site, "build")
    if site.is_dir():
        files = [p for p in site.rglob("*") if p.is_file()]
        out["site_files"] = len(files)
        out["site_mb"] = round(sum(p.stat().st_size for p in files) / 1e6, 1)
        out["html_pages"] = sum(1 for p in files if p.suffix == ".html")
    return out


FLOOR_YML = """\
site_name: MkDocs floor
site_url: https://peta-kla-banjarmasin.example/
docs_dir: docs
site_dir: site
use_directory_urls: true
theme:
  name: material
  language: id
  font: false
  palette:
    primary: teal
    accent: deep orange
  features:
    - navigation.instant
    - navigation.tabs
    - navigation.top
    - search.suggest
plugins:
  - search:
      lang: en
nav:
  - index.md
not_in_nav: |
  /p/
"""


@measure("floor", order=31, columns=[
    Column("floor s (cpu)", lambda r: pair(r, ("floor", "wall_s"), "cpu_s", s1, s1)),
    Column("build/floor (cpu)", _ratio_cell)])
def floor(size: Size) -> dict:
    """A bare MkDocs Material build of N trivial pages kept out of the nav."""
    if why := _skip(size):
        return {"skipped": why}
    folder, n = size.work / "floor", size.n
    docs = folder / "docs" / "p"
    docs.mkdir(parents=True)
    (folder / "mkdocs.yml").write_text(FLOOR_YML, encoding="utf-8")
    (folder / "docs" / "index.md").write_text("# Floor\n\nBare MkDocs build.\n", encoding="utf-8")
    for i in range(n):
        (docs / f"{i:05d}.md").write_text(f"# Page {i}\n\nA trivial page number {i}.\n",
                                          encoding="utf-8")
    out = _repeated(size, [sys.executable, "-m", "mkdocs", "build", "-q", "-f",
                           str(folder / "mkdocs.yml")], folder, folder / "site", "floor")
    out["html_pages"] = sum(1 for _ in (folder / "site").rglob("*.html"))
    return out


@measure("maps_only", order=32)
def maps_only(size: Size) -> dict:
    """The project's map files without MkDocs (for sizes whose full build is skipped):
    petakla.site.generate() without a site address (so no QR codes, which only the posters
    use), of which the files under peta/ and assets/ are written to root/site."""
    if not (size.result.get("build") or {}).get("skipped"):
        return {"skipped": "the full build ran"}
    from petakla.config import load_config
    from petakla.site import generate, write_map_files

    t0 = time.perf_counter()
    written = write_map_files(generate(load_config(size.root), site_url=""), size.site)
    return {"maps_only_s": round(time.perf_counter() - t0, 2), "files_written": written,
            "note": "no build: site.generate() without site_url; peta/ and assets/ written"}


def _build_goal(n: int, r: dict | None) -> dict:
    limit = BUILD_RATIO[n]
    name, what = f"build-{n // 1000}k", f"{n:,}: `build_map.py build` <= {limit:g} x MkDocs floor"
    b, f = get(r, "build") or {}, get(r, "floor") or {}
    if not (b.get("wall_s") and f.get("wall_s")) or "error" in b or "error" in f:
        return not_measured(name, what)
    ratio = b["wall_s"] / f["wall_s"]
    cpu = (f"; in CPU time {b['cpu_s']:.1f} s / {f['cpu_s']:.1f} s = "
           f"{b['cpu_s'] / f['cpu_s']:.2f} x" if b.get("cpu_s") and f.get("cpu_s") else "")
    return goal(name, what, round(ratio, 3), limit, ratio <= limit,
                f"build {b['wall_s']:.1f} s / floor {f['wall_s']:.1f} s = {ratio:.2f} x "
                f"(limit {limit:.2f}){cpu}{_runs_note(b, f)}", ratio=ratio / limit)


def _runs_note(b: dict, f: dict) -> str:
    if len(b.get("runs_wall_s") or []) < 2:
        return ""
    def fmt(r: dict) -> str:
        return ", ".join(f"{w:.1f}" for w in r["runs_wall_s"])
    return f"; medians of {len(b['runs_wall_s'])} runs: build {fmt(b)} s, floor {fmt(f)} s"


@target(order=30)
def build_targets(by_size: dict) -> list[dict]:
    out = [_build_goal(n, by_size.get(n)) for n in BUILD_RATIO]
    b = get(by_size.get(10_000), "build") or {}
    rss = build_memory_mb(b) if "error" not in b else None
    what = "10,000: peak memory of the build (whole process tree) <= 1 GB"
    if rss is None:
        out.append(not_measured("memory-10k", what))
    else:
        out.append(goal("memory-10k", what, rss, PEAK_RSS_BYTES / 1e6,
                        rss * 1e6 <= PEAK_RSS_BYTES, f"{rss:,.0f} MB{_memory_note(b)}"))
    return out
