#!/usr/bin/env python3
"""Lighthouse 12 (mobile preset) on every page template of the site, in one run:

- the real records (facilities/), built like `make site`;
- 1,000 synthetic facilities (benchmarks/run.py's generator, same seed);
- an untouched MkDocs Material page (one Markdown page, Material's defaults) as the baseline.

    .venv/bin/python benchmarks/lighthouse.py --out benchmarks/results/lighthouse-latest.json

For work on one page (the default above is the committed run; these never write it unless
--out says so):

    .venv/bin/python benchmarks/lighthouse.py --sites 1000 --pages peta,cakupan --runs 3 \
        --reports /tmp/lh --out /tmp/lh/summary.json

--sites takes real, 1000 (any number: that many synthetic facilities) and material; --pages
the template names of pages_of() (beranda, peta, fasilitas, kecamatan, kategori, cakupan,
tambah); --runs repeats each page (interleaved, so a before/after pair sees the same load) and
prints medians; --reports keeps every Lighthouse JSON there (main-thread breakdown, long
tasks; with --trace also the trace); --site-dir serves an already built site/ folder instead of building one.

Each site is served on 127.0.0.1 with gzip, as GitHub Pages serves it. Lighthouse comes from
npm into benchmarks/lighthouse/node_modules (installed on first use from package.json and
package-lock.json, never globally) and drives Debian's chromium (CHROME_PATH). The tile
server cannot be reached from here: its requests are blocked (--blocked-url-patterns), so no
page is scored for a tile that could not load. A measurement script, not a test: it prints a
Markdown table and writes JSON with the load average before and after (the machine is shared;
performance scores fall with load).
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import gzip
import http.server
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))
LH_DIR = REPO / "benchmarks" / "lighthouse"
LH_BIN = LH_DIR / "node_modules" / ".bin" / "lighthouse"
CHROME = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
COMPRESSIBLE = (".html", ".css", ".js", ".json", ".svg", ".geojson", ".xml", ".txt", ".csv", ".kml")
SYNTHETIC_N = 1000


def log(msg: str) -> None:
    print(f"[{datetime.datetime.now():%H:%M:%S}] {msg}", file=sys.stderr, flush=True)


def ensure_lighthouse() -> str:
    if not LH_BIN.exists():
        log("installing Lighthouse from npm into benchmarks/lighthouse/node_modules")
        flags = ["--no-audit", "--no-fund"]
        # A dependency of Lighthouse's asks for "latest" of two packages, so a lock file goes
        # stale when those publish; npm install then re-resolves just them.
        if subprocess.run(["npm", "ci", *flags], cwd=LH_DIR).returncode != 0:
            subprocess.run(["npm", "install", *flags], cwd=LH_DIR, check=True)
    return subprocess.run([str(LH_BIN), "--version"], capture_output=True, text=True,
                          check=True).stdout.strip()


# ---- serving with gzip ------------------------------------------------------------------------


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Static files; text types gzip-compressed when the browser accepts it (as GitHub Pages)."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".js": "text/javascript", ".json": "application/json",
                      ".geojson": "application/geo+json", ".svg": "image/svg+xml"}

    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                return super().send_head()  # the redirect to the folder URL
            path = path / "index.html"
        wants = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (wants and path.is_file() and path.suffix in COMPRESSIBLE):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")  # what GitHub Pages sends
        self.end_headers()
        return io.BytesIO(body)


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    import run as bench  # benchmarks/run.py: one loopback server for every benchmark

    with bench.serve(folder, GzipHandler) as url:
        yield url


# ---- the three sites -------------------------------------------------------------------------


def build(root: Path) -> Path:
    """`build_map.py build` in a project folder, as a fresh process (like `make site`)."""
    env = {**os.environ, "PETAKLA_SITE_URL": "http://127.0.0.1/"}
    subprocess.run([sys.executable, str(REPO / "build_map.py"), "--root", str(root), "build"],
                   cwd=root, env=env,
                   check=True, stdout=subprocess.DEVNULL)
    return root / "site"


def real_project(work: Path) -> Path:
    import run as bench  # benchmarks/run.py

    root = work / "nyata"
    bench.make_project(root, [], boundaries=False)
    for path in (REPO / "facilities").iterdir():
        if path.is_file():
            shutil.copy(path, root / "facilities" / path.name)
    return root


def synthetic_project(work: Path, n: int, seed: int) -> Path:
    import run as bench

    from petakla.config import load_config

    root = work / f"sintetis-{n}"
    bench.make_project(root, bench.make_records(n, seed, load_config(REPO)), boundaries=False)
    return root


def material_site(work: Path) -> Path:
    """An untouched MkDocs Material site: one page of text, Material's defaults."""
    root = work / "material"
    (root / "docs").mkdir(parents=True)
    (root / "docs" / "index.md").write_text(
        "# Halaman Material\n\nSebuah halaman MkDocs Material tanpa ubahan, sebagai pembanding.\n\n"
        + "Lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 20 + "\n",
        encoding="utf-8")
    (root / "mkdocs.yml").write_text(
        "site_name: Pembanding Material\nsite_description: Halaman Material tanpa ubahan.\n"
        "site_url: http://127.0.0.1/\ntheme:\n  name: material\n  language: id\n",
        encoding="utf-8")
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q"], cwd=root, check=True)
    return root / "site"


def pages_of(site: Path) -> dict[str, str]:
    """One page per template: {template: path below the site root}."""
    def first(folder: str, prefer: str = "") -> str:
        names = sorted(p.name for p in (site / folder).iterdir()
                       if p.is_dir() and (p / "index.html").exists())
        name = prefer if prefer in names else names[0]
        return f"{folder}/{name}/"

    return {"beranda": "", "peta": "peta/", "fasilitas": first("fasilitas"),
            "kecamatan": first("kecamatan", "banjarmasin-tengah"),
            "kategori": first("kategori", "ruang-laktasi"), "cakupan": "cakupan/",
            "tambah": "tambah/"}


# ---- Lighthouse -------------------------------------------------------------------------------


def lighthouse(url: str, out: Path, assets: bool = False) -> dict:
    """One Lighthouse run; `assets` also keeps its trace and DevTools log beside `out`."""
    cmd = [str(LH_BIN), url, "--output=json", f"--output-path={out}", "--quiet",
           *(["--save-assets"] if assets else []),
           f"--only-categories={','.join(CATEGORIES)}",
           "--blocked-url-patterns=*tile.openstreetmap.org*",
           "--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run"]
    done = subprocess.run(cmd, env={**os.environ, "CHROME_PATH": CHROME}, capture_output=True,
                          text=True, timeout=300)
    if done.returncode != 0 or not out.exists():
        return {"error": (done.stderr or done.stdout)[-500:]}
    report = json.loads(out.read_text(encoding="utf-8"))
    scores = {c: round(100 * report["categories"][c]["score"])
              if report["categories"][c]["score"] is not None else None for c in CATEGORIES}
    failed = {c: [a["id"] for a in report["categories"][c]["auditRefs"]
                  if a.get("weight") and (report["audits"][a["id"]].get("score") or 0) < 1
                  and report["audits"][a["id"]].get("scoreDisplayMode") == "binary"]
              for c in ("accessibility", "seo")}
    metrics = {k: report["audits"][k].get("numericValue") for k in
               ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time",
                "cumulative-layout-shift", "speed-index")}
    return {"scores": scores, "failed": failed, "metrics": metrics,
            "lighthouse": report.get("lighthouseVersion")}


def table(results: dict) -> str:
    head = ("| site | page | performance | accessibility | best practices | SEO | TBT ms |\n"
            "| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    rows = []
    for site, pages in results.items():
        for page, r in pages.items():
            s = r.get("scores")
            cells = [str(s[c]) if s and s[c] is not None else "ERR" for c in CATEGORIES]
            tbt = (r.get("metrics") or {}).get("total-blocking-time")
            cells.append(f"{tbt:.0f}" if tbt is not None else "ERR")
            if r.get("runs"):
                cells[-1] += " (runs: " + ", ".join(
                    f"{x['performance']}/{x['total-blocking-time']:.0f}" for x in r["runs"]) + ")"
            rows.append(f"| {site} | {page} | " + " | ".join(cells) + " |")
    return head + "\n" + "\n".join(rows)


def median_result(runs: list[dict]) -> dict:
    """One page's runs: the run of median performance, with every run's scores and metrics."""
    ok = [r for r in runs if "scores" in r]
    if not ok:
        return runs[0]
    ok.sort(key=lambda r: r["scores"]["performance"] or 0)
    out = dict(ok[len(ok) // 2])
    out["runs"] = [{"performance": r["scores"]["performance"], **r["metrics"]} for r in ok]
    return out


def build_sites(args: argparse.Namespace, work: Path) -> dict[str, Path]:
    sites: dict[str, Path] = {}
    for which in args.sites.split(","):
        if args.site_dir is not None:
            sites[which] = args.site_dir
        elif which == "real":
            sites["nyata"] = build(real_project(work))
        elif which == "material":
            sites["Material tanpa ubahan"] = material_site(work)
        else:
            n = int(which)
            sites[f"sintetis {n}"] = build(synthetic_project(work, n, args.seed))
    return sites


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", type=Path, default=REPO / "benchmarks/results/lighthouse-latest.json")
    ap.add_argument("--synthetic", type=int, default=SYNTHETIC_N)
    ap.add_argument("--seed", type=int, default=20240623)
    ap.add_argument("--keep", action="store_true", help="keep the temporary sites")
    ap.add_argument("--sites", default=None,
                    help="comma-separated: real, material, or a number of synthetic facilities "
                         "(default: real, the --synthetic size, material)")
    ap.add_argument("--pages", default="",
                    help="comma-separated templates (beranda, peta, fasilitas, kecamatan, "
                         "kategori, cakupan, tambah); default: all")
    ap.add_argument("--runs", type=int, default=1, help="runs of each page, interleaved")
    ap.add_argument("--reports", type=Path, default=None, help="keep every Lighthouse JSON here")
    ap.add_argument("--trace", action="store_true",
                    help="with --reports: also keep each run's trace (Lighthouse --save-assets)")
    ap.add_argument("--site-dir", type=Path, default=None,
                    help="serve this built site/ instead of building (with one --sites name)")
    args = ap.parse_args()
    args.sites = args.sites or f"real,{args.synthetic},material"
    version = ensure_lighthouse()
    work = Path(tempfile.mkdtemp(prefix="petakla-lh-"))
    reports = args.reports or work
    reports.mkdir(parents=True, exist_ok=True)
    wanted = [p for p in args.pages.split(",") if p]
    results: dict[str, dict] = {}
    info = {"lighthouse": version, "chrome": CHROME, "preset": "mobile (Lighthouse default)",
            "started": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "loadavg_before": os.getloadavg(), "cpus": os.cpu_count()}
    try:
        log(f"building: {args.sites}")
        sites = build_sites(args, work)
        info["loadavg_after_builds"] = os.getloadavg()
        for name, site in sites.items():
            pages = {"halaman": ""} if name.startswith("Material") else pages_of(site)
            if wanted and not name.startswith("Material"):
                pages = {k: v for k, v in pages.items() if k in wanted}
            runs: dict[str, list[dict]] = {f"/{path}": [] for path in pages.values()}
            with serve(site) as base:
                for i in range(args.runs):
                    for page, path in pages.items():
                        log(f"lighthouse: {name} {page} /{path} (run {i + 1}, "
                            f"load {os.getloadavg()[0]:.1f})")
                        slug = name.split()[-1].lower()
                        report = reports / f"lh-{slug}-{page}-{i + 1}.json"
                        runs[f"/{path}"].append(lighthouse(base + path, report, args.trace))
            results[name] = {path: median_result(r) if args.runs > 1 else r[0]
                             for path, r in runs.items()}
        info["loadavg_after"] = os.getloadavg()
        info["finished"] = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"info": info, "results": results}, indent=1, ensure_ascii=False)
                        + "\n", encoding="utf-8")
    print(table(results))
    print(f"\nload average (1, 5, 15 min): before {info['loadavg_before']}, "
          f"after {info.get('loadavg_after')}; {info['cpus']} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
