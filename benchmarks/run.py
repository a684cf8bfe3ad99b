#!/usr/bin/env python3
"""Scale benchmark of the map site: N synthetic facilities -> transfer bytes, browser timings,
`check` time, full `build` time and peak memory, each against a reference, in one run.

    .venv/bin/python benchmarks/run.py --sizes 100,1000,10000 --out benchmarks/results/latest.json

A measurement script, not a test: it prints a table and writes JSON. What each number means
is in benchmarks/README.md. A failure in one variant is recorded (and shown in the table) and
the run goes on.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import functools
import gzip
import hashlib
import http.server
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from importlib import metadata
from pathlib import Path
from urllib.parse import unquote, urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
KELURAHAN_GEOJSON = REPO.parent / "shared" / "geo" / "banjarmasin_kelurahan.geojson"
VENDOR = "assets/vendor"
LOCAL = "127.0.0.1"
VIEWPORT = {"width": 1280, "height": 800}
NON_LOCAL = re.compile(r"^(?!http://127\.0\.0\.1[:/])")
QUIET_MS = 500  # "settled": no new marker icon for this long, and no request in flight
SEED = 20240623

# Targets (issue #9).
P1_PLAIN_FRACTION = 1 / 5
P2_FIRST_MARKER_50K_S = 1.5
P3_BUILD_RATIO = 2.0
P3_PEAK_RSS_BYTES = 1_000_000_000  # 1 GB (SI): the stricter reading
P4_CHECK_10K_S = 3.0

try:  # the test suite's Chromium flags, so the benchmark runs the browser the tests run
    sys.path.insert(0, str(REPO / "tests"))
    from browser_util import CHROMIUM_ARGS  # type: ignore[import-not-found]
except Exception:  # noqa: BLE001 - the same list, should tests/ be unavailable
    CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                     "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync"]
finally:
    sys.path.remove(str(REPO / "tests"))


# ---- small helpers ------------------------------------------------------------------------


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def attempt(result: dict, key: str, fn: Callable[[], dict]) -> dict:
    """Run one measurement; on failure record the error under `key` instead of crashing."""
    t0 = time.perf_counter()
    try:
        value = fn()
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


# ---- synthetic records -----------------------------------------------------------------------

STREETS = ["Jl. A. Yani", "Jl. Sultan Adam", "Jl. Pramuka", "Jl. Veteran", "Jl. Kayu Tangi",
           "Jl. Belitung Darat", "Jl. Cempaka", "Jl. Sutoyo S.", "Jl. Pangeran Antasari",
           "Jl. Kelayan A", "Jl. Pekapuran", "Jl. Simpang Gusti", "Jl. Gatot Subroto",
           "Jl. Banua Anyar", "Jl. Sungai Andai", "Jl. Teluk Tiram Darat", "Jl. Kuin Selatan",
           "Komplek Herlina Perkasa", "Gg. Mawar", "Jl. Alalak Tengah"]
PLACES = ["Kantor Kelurahan", "Puskesmas", "Taman", "Masjid", "SDN", "Mall", "Balai Warga",
          "Perumahan", "RT 12", "Komplek", "Gedung", "Kampung"]
MANAGERS = [("Pemerintah Kota Banjarmasin", "pemerintah"), ("Dinas Kesehatan", "pemerintah"),
            ("Kelurahan setempat", "pemerintah"), ("Yayasan Anak Banua", "non-pemerintah"),
            ("Warga setempat", "non-pemerintah"), ("PT Contoh Sejahtera", "dunia-usaha"),
            ("Radio Contoh FM", "media")]
OPENING_HOURS = "Mo-Fr 08:00-16:00"
AGES = [[0, 2], [0, 6], [3, 12], [6, 12], [0, 18], [12, 18]]
AKSES = ["umum", "umum", "pengunjung", "karyawan"]


@functools.cache
def kelurahan_points_source() -> tuple[dict | None, str]:
    """{kode: shapely polygon} from the shared kelurahan GeoJSON, or None and why not."""
    if not KELURAHAN_GEOJSON.exists():
        return None, (f"{KELURAHAN_GEOJSON} not found: points are uniform in the configured "
                      "bounds (some will lie in another kelurahan or in the river)")
    import shapely

    data = json.loads(KELURAHAN_GEOJSON.read_text(encoding="utf-8"))
    shapes = {}
    for feat in data["features"]:
        geom = shapely.geometry.shape(feat["geometry"])
        shapely.prepare(geom)
        shapes[str(feat["properties"]["kode"])] = geom
    return shapes, (f"points sampled uniformly inside each kelurahan polygon of "
                    f"{KELURAHAN_GEOJSON.relative_to(REPO.parent)}")


def _point_in(rng: random.Random, kode: str, shapes: dict | None, bounds) -> tuple[float, float]:
    (s, w), (n, e) = bounds
    geom = shapes.get(kode) if shapes else None
    if geom is None:
        return round(rng.uniform(s, n), 6), round(rng.uniform(w, e), 6)
    import shapely

    minx, miny, maxx, maxy = geom.bounds
    for _ in range(10_000):
        lon, lat = round(rng.uniform(minx, maxx), 6), round(rng.uniform(miny, maxy), 6)
        if s <= lat <= n and w <= lon <= e and shapely.contains_xy(geom, lon, lat):
            return lat, lon
    point = geom.representative_point()
    return round(point.y, 6), round(point.x, 6)


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def make_records(n: int, seed: int, config) -> list[dict]:
    """N valid records spread over the city's kelurahan; every field as it would be written."""
    from petakla.regions import load_city, slugify
    from petakla.vocab import load_vocab

    rng = random.Random(seed)
    city = load_city(config.kota_kode)
    cats = [c for c in load_vocab().categories.values() if not c.dilindungi]
    shapes, _ = kelurahan_points_source()
    records = []
    for i in range(n):
        kel = rng.choice(city.kelurahan)
        cat = rng.choice(cats)
        lat, lon = _point_in(rng, kel.kode, shapes, config.batas)
        nama = f"{cat.label} {rng.choice(PLACES)} {kel.nama} {i + 1}"
        rec = {
            "id": f"{cat.slug}-{slugify(kel.nama)}-{i + 1:05d}",
            "nama": nama, "kategori": cat.slug,
            "alamat": f"{rng.choice(STREETS)} No. {rng.randint(1, 250)} RT {rng.randint(1, 40):02d}",
            "kelurahan": kel.nama, "lokasi": [lat, lon],
            "sumber": f"https://contoh.example/sumber/{i + 1}",
        }
        if rng.random() < 0.5:
            rec["jam_buka"] = OPENING_HOURS
        if rng.random() < 0.4:
            rec["usia"] = rng.choice(AGES)
        if rng.random() < 0.7:
            rec["akses"] = rng.choice(AKSES)
        if rng.random() < 0.7:
            nama_p, sektor = rng.choice(MANAGERS)
            rec["pengelola"] = {"nama": nama_p, "sektor": sektor}
        records.append(rec)
    return records


def record_yaml(rec: dict) -> str:
    lines = ["# yaml-language-server: $schema=../petakla/data/fasilitas.schema.json",
             f"nama: {_q(rec['nama'])}", f"kategori: {rec['kategori']}",
             f"alamat: {_q(rec['alamat'])}", f"kelurahan: {rec['kelurahan']}",
             f"lokasi: [{rec['lokasi'][0]}, {rec['lokasi'][1]}]"]
    if "pengelola" in rec:
        lines += ["pengelola:", f"  nama: {_q(rec['pengelola']['nama'])}",
                  f"  sektor: {rec['pengelola']['sektor']}"]
    if "jam_buka" in rec:
        lines.append(f"jam_buka: {_q(rec['jam_buka'])}")
    if "usia" in rec:
        lines.append(f"usia: [{rec['usia'][0]}, {rec['usia'][1]}]")
    if "akses" in rec:
        lines.append(f"akses: {rec['akses']}")
    lines.append(f"sumber: {_q(rec['sumber'])}")
    return "\n".join(lines) + "\n"


def make_project(root: Path, records: list[dict], boundaries: bool) -> None:
    """Like tests/helpers_site.make_project: the repository's pyproject.toml, mkdocs.yml (hook
    path made absolute) and content/, plus the synthetic records."""
    (root / "facilities").mkdir(parents=True)
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    if boundaries:
        pyproject = re.sub(r'(?m)^batas_kelurahan\s*=.*\n', "", pyproject)
        pyproject, n = re.subn(r"(?m)^\[tool\.petakla\]\n",
                               f'[tool.petakla]\nbatas_kelurahan = "{KELURAHAN_GEOJSON}"\n',
                               pyproject)
        if n != 1:
            raise RuntimeError("pyproject.toml has no [tool.petakla] table")
    else:  # a relative path in the repository's table would not resolve from the copy
        pyproject = re.sub(r'(?m)^(batas_kelurahan\s*=\s*")(?!/)([^"]+)"',
                           lambda m: f'{m[1]}{(REPO / m[2]).resolve()}"', pyproject)
    (root / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    shutil.copytree(REPO / "content", root / "content")
    hook = (REPO / "petakla" / "mkdocs_hook.py").as_posix()
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    text, n = re.subn(r"(?m)^(\s*-\s*)petakla/mkdocs_hook\.py\s*$", rf"\g<1>{hook}", text)
    if n != 1:
        raise RuntimeError("mkdocs.yml no longer lists hooks: [petakla/mkdocs_hook.py]")
    (root / "mkdocs.yml").write_text(text, encoding="utf-8")
    folder = root / "facilities"
    for rec in records:
        (folder / f"{rec['id']}.yml").write_text(record_yaml(rec), encoding="utf-8")


# ---- check, build, MkDocs floor -------------------------------------------------------------


def measure_check(root: Path, n: int, repeats: int) -> dict:
    from petakla.config import load_config
    from petakla.pipeline import check

    config = load_config(root)
    times, cpu, result = [], [], None
    def cpu_now() -> float:  # this process and its finished children (check's worker pool)
        t = os.times()
        return t.user + t.system + t.children_user + t.children_system

    for _ in range(repeats):
        t0, c0 = time.perf_counter(), cpu_now()
        result = check(config)
        times.append(time.perf_counter() - t0)
        cpu.append(cpu_now() - c0)
    published = len(result.facilities)
    kinds: dict[str, int] = {}
    for p in result.problems:
        kinds[p.severity] = kinds.get(p.severity, 0) + 1
    out = {"runs_s": [round(t, 3) for t in times], "median_s": round(median(times), 3),
           "cpu_runs_s": [round(t, 3) for t in cpu], "cpu_median_s": round(median(cpu), 3),
           "per_record_ms": round(median(times) / n * 1000, 3), "published": published,
           "problems": kinds, "first_problems": [str(p) for p in result.problems[:3]]}
    if not result.ok or published != n:
        out["error"] = f"check: ok={result.ok}, {published}/{n} published, problems={kinds}"
    return out


class TreeMemory:
    """Peak memory of a process and all its descendants together, sampled every 0.1 s from
    /proc: GNU time reports the largest single process, which hides a build's worker
    processes. Sum of RSS (counts pages shared after fork once per process: an upper bound)
    and of PSS (shared pages split between the processes sharing them)."""

    def __init__(self, root: int):
        self.root, self.rss, self.pss, self.procs = root, 0, 0, 1
        self.available = Path(f"/proc/{root}").exists()

    def _tree(self) -> list[int]:
        parent: dict[int, list[int]] = {}
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parent.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        found, todo = [], [self.root]
        while todo:
            pid = todo.pop()
            found.append(pid)
            todo.extend(parent.get(pid, []))
        return found

    def sample(self) -> None:
        if not self.available:
            return
        rss = pss = 0
        pids = self._tree()
        for pid in pids:
            try:
                text = Path(f"/proc/{pid}/smaps_rollup").read_text()
            except OSError:
                continue
            for key, value in re.findall(r"^(Rss|Pss):\s+(\d+) kB", text, re.M):
                if key == "Rss":
                    rss += int(value) * 1024
                else:
                    pss += int(value) * 1024
        self.rss, self.pss = max(self.rss, rss), max(self.pss, pss)
        self.procs = max(self.procs, len(pids))

    def result(self) -> dict:
        if not self.available or not self.rss:
            return {}
        return {"tree_peak_rss_mb": round(self.rss / 1e6, 1),
                "tree_peak_pss_mb": round(self.pss / 1e6, 1), "tree_max_processes": self.procs}


def _memory_cell(r: dict) -> str:
    b = (r or {}).get("build") or {}
    mb = build_memory_mb(b)
    return "–" if mb is None else f"{mb:,.0f}"


def build_memory_mb(b: dict) -> float | None:
    """The build's peak memory for P3: the largest of GNU time's single-process peak and the
    summed RSS of its process tree (a worker forked by the build counts in full)."""
    values = [v for v in (b.get("peak_rss_mb"), b.get("tree_peak_rss_mb")) if v is not None]
    return max(values) if values else None


def _memory_note(b: dict) -> str:
    if b.get("tree_peak_rss_mb") is None:
        return ""
    return (f" (all {b.get('tree_max_processes')} processes together; largest single process "
            f"{b.get('peak_rss_mb')} MB; PSS {b.get('tree_peak_pss_mb')} MB)")


def timed_subprocess(cmd: list[str], cwd: Path, log_file: Path, timeout: float) -> dict:
    """Wall time, exit code and peak RSS (GNU time -v, else getrusage in a fresh child)."""
    gnu_time = Path("/usr/bin/time")
    use_time = gnu_time.exists() and subprocess.run(
        [str(gnu_time), "-v", "true"], capture_output=True).returncode == 0
    if use_time:
        full = [str(gnu_time), "-v", *cmd]
    else:
        wrapper = ("import resource, subprocess, sys; rc = subprocess.call(sys.argv[1:]); "
                   "u = resource.getrusage(resource.RUSAGE_CHILDREN); "
                   "print('Maximum resident set size (kbytes): %d' % u.ru_maxrss, "
                   "file=sys.stderr); print('User time (seconds): %.2f' % u.ru_utime, "
                   "file=sys.stderr); print('System time (seconds): %.2f' % u.ru_stime, "
                   "file=sys.stderr); sys.exit(rc)")
        full = [sys.executable, "-c", wrapper, *cmd]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    t0 = time.perf_counter()
    with open(log_file, "w", encoding="utf-8") as fh:
        proc = subprocess.Popen(full, cwd=cwd, stdout=fh, stderr=subprocess.STDOUT, env=env)
        tree = TreeMemory(proc.pid)
        try:
            while proc.poll() is None:
                tree.sample()
                if time.perf_counter() - t0 > timeout:
                    proc.kill()
                    raise subprocess.TimeoutExpired(full, timeout)
                time.sleep(0.1)
        finally:
            proc.wait()
    wall = time.perf_counter() - t0
    text = log_file.read_text(encoding="utf-8", errors="replace")
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    user = re.search(r"User time \(seconds\): ([\d.]+)", text)
    system = re.search(r"System time \(seconds\): ([\d.]+)", text)
    out = {"wall_s": round(wall, 2), "returncode": proc.returncode,
           "cpu_s": round(float(user[1]) + float(system[1]), 2) if user and system else None,
           "peak_rss_mb": round(int(m[1]) * 1024 / 1e6, 1) if m else None,
           "rss_tool": "GNU time -v" if use_time else "getrusage(RUSAGE_CHILDREN)",
           **tree.result(), "log": str(log_file)}
    if proc.returncode != 0:
        tail = [line for line in text.splitlines() if line.strip()
                and not line.startswith("\t")][-6:]
        out["error"] = f"exit {proc.returncode}: " + " | ".join(tail)[-400:]
    return out


def measure_build(root: Path, timeout: float) -> dict:
    out = timed_subprocess([sys.executable, str(REPO / "build_map.py"), "--root", str(root),
                            "build"], cwd=root, log_file=root / "build.log", timeout=timeout)
    site = root / "site"
    if site.is_dir():
        files = [p for p in site.rglob("*") if p.is_file()]
        out["site_files"] = len(files)
        out["site_mb"] = round(sum(p.stat().st_size for p in files) / 1e6, 1)
        out["html_pages"] = sum(1 for p in files if p.suffix == ".html")
    return out


def project_map_only(root: Path) -> dict:
    """The project's map files without MkDocs (for sizes whose full build is skipped):
    petakla.site.generate() without a site address (so no QR codes, which only the posters
    use), of which the files under peta/ and assets/ are written to root/site."""
    from petakla.config import load_config
    from petakla.site import generate

    t0 = time.perf_counter()
    files = generate(load_config(root), site_url="")
    written = 0
    for rel, content in files.items():
        if not rel.startswith(("peta/", "assets/")) or rel.endswith(".md"):
            continue
        target = root / "site" / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Path):
            shutil.copyfile(content, target)
        elif isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
        written += 1
    return {"maps_only_s": round(time.perf_counter() - t0, 2), "files_written": written,
            "note": "no build: site.generate() without site_url; peta/ and assets/ written"}


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


def measure_floor(folder: Path, n: int, timeout: float) -> dict:
    """A bare MkDocs Material build of N trivial pages kept out of the nav."""
    docs = folder / "docs" / "p"
    docs.mkdir(parents=True)
    (folder / "mkdocs.yml").write_text(FLOOR_YML, encoding="utf-8")
    (folder / "docs" / "index.md").write_text("# Floor\n\nBare MkDocs build.\n", encoding="utf-8")
    for i in range(n):
        (docs / f"{i:05d}.md").write_text(f"# Page {i}\n\nA trivial page number {i}.\n",
                                          encoding="utf-8")
    out = timed_subprocess([sys.executable, "-m", "mkdocs", "build", "-q", "-f",
                            str(folder / "mkdocs.yml")], cwd=folder,
                           log_file=folder / "build.log", timeout=timeout)
    out["html_pages"] = sum(1 for _ in (folder / "site").rglob("*.html"))
    return out


# ---- the two Folium references --------------------------------------------------------------


def _local_libs(m, clusters) -> None:
    """Folium's defaults, with Leaflet, MarkerCluster and jQuery (Folium's Popup builds its
    content with `$(...)`) pointed at local copies; Bootstrap, Font Awesome and
    awesome-markers are dropped: plain Marker, Popup and MarkerCluster do not use them."""
    m.default_js = [("leaflet", f"../{VENDOR}/leaflet/leaflet.js"),
                    ("jquery", f"../{VENDOR}/bench-jquery/jquery.min.js")]
    m.default_css = [("leaflet_css", f"../{VENDOR}/leaflet/leaflet.css")]
    for c in clusters:
        c.default_js = [("markerclusterjs", f"../{VENDOR}/markercluster/leaflet.markercluster.js")]
        c.default_css = [
            ("markerclustercss", f"../{VENDOR}/markercluster/MarkerCluster.css"),
            ("markerclusterdefaultcss", f"../{VENDOR}/markercluster/MarkerCluster.Default.css")]


def ensure_vendor(site: Path) -> None:
    """The shared libraries the reference maps load (the project's build copies the same)."""
    from petakla.assets import vendor_files

    for rel, src in vendor_files().items():
        target = site / rel
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, target)
    import mkdocs

    jq = Path(mkdocs.__file__).parent / "themes" / "readthedocs" / "js" / "jquery-3.6.0.min.js"
    target = site / VENDOR / "bench-jquery" / "jquery.min.js"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(jq, target)


def make_plain(records: list[dict], config, path: Path) -> dict:
    import folium
    from folium.plugins import MarkerCluster

    t0 = time.perf_counter()
    m = folium.Map(location=list(config.pusat), zoom_start=config.zoom)
    cluster = MarkerCluster().add_to(m)
    for rec in records:
        folium.Marker(rec["lokasi"], popup=folium.Popup(rec["nama"])).add_to(cluster)
    _local_libs(m, [cluster])
    m.save(str(path))
    return {"generate_s": round(time.perf_counter() - t0, 2), **sizes_of(path)}


FAST_CALLBACK = """function (row) {
    var marker = L.marker(new L.LatLng(row[0], row[1]));
    marker.bindPopup(row[2]);
    return marker;
}"""


def make_fast(records: list[dict], config, path: Path) -> dict:
    import folium
    from folium.plugins import FastMarkerCluster

    t0 = time.perf_counter()
    m = folium.Map(location=list(config.pusat), zoom_start=config.zoom)
    # Folium's default callback needs awesome-markers; this one is the plain Leaflet marker
    # with the same popup text as the plain variant.
    data = [[rec["lokasi"][0], rec["lokasi"][1], rec["nama"]] for rec in records]
    cluster = FastMarkerCluster(data, callback=FAST_CALLBACK).add_to(m)
    _local_libs(m, [cluster])
    m.save(str(path))
    return {"generate_s": round(time.perf_counter() - t0, 2), **sizes_of(path)}


# ---- browser -------------------------------------------------------------------------------


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".geojson": "application/geo+json", ".json": "application/json",
                      ".js": "text/javascript"}

    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(folder: Path, handler_class: type = _Handler) -> Iterator[str]:
    """Serve `folder` on the loopback; `handler_class` lets lighthouse.py add gzip."""
    handler = functools.partial(handler_class, directory=str(folder))
    server = _Server((LOCAL, 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# Installed in every document before its own scripts: performance.now() of the first and the
# last insertion of a marker icon (.leaflet-marker-icon: a marker or a cluster icon).
INIT_SCRIPT = """(() => {
  const s = window.__bench = {first: null, last: null, added: 0};
  const isIcon = (n) => n.nodeType === 1 && (n.classList.contains('leaflet-marker-icon') ||
      (n.firstElementChild !== null && n.querySelector('.leaflet-marker-icon') !== null));
  new MutationObserver((records) => {
    const t = performance.now();
    for (const r of records) for (const n of r.addedNodes) {
      if (isIcon(n)) { if (s.first === null) s.first = t; s.last = t; s.added++; }
    }
  }).observe(document, {childList: true, subtree: true});
})();"""

STATE_JS = """() => {
  // The browser's own favicon.ico request is not the page's.
  const res = performance.getEntriesByType('resource')
    .filter(e => !e.name.endsWith('/favicon.ico')).map(e => e.responseEnd);
  const nav = performance.getEntriesByType('navigation')[0];
  return {now: performance.now(), first: window.__bench.first, last: window.__bench.last,
          added: window.__bench.added, lastResponse: Math.max(0, ...res),
          load: nav ? nav.loadEventEnd : null,
          icons: document.querySelectorAll('.leaflet-marker-icon').length};
}"""


def browser_run(browser, url: str, timeout_s: float) -> dict:
    """One cold load (fresh context, empty cache): first marker, settled, requests made."""
    context = browser.new_context(viewport=VIEWPORT)
    requested: list[str] = []
    errors: list[str] = []
    inflight: set = set()
    last_net = [time.monotonic()]

    def route(r) -> None:  # tiles: no internet here, and they are not the site's bytes
        r.abort()

    def started(req) -> None:
        if req.url.endswith("/favicon.ico"):
            return
        inflight.add(req)
        last_net[0] = time.monotonic()

    def ended(req) -> None:
        inflight.discard(req)
        last_net[0] = time.monotonic()

    def response(resp) -> None:
        if (urlsplit(resp.url).hostname or "") == LOCAL:
            if resp.status < 400:
                requested.append(resp.url)
            elif not resp.url.endswith("/favicon.ico"):
                errors.append(f"HTTP {resp.status} {resp.url}")

    try:
        # Only other hosts are intercepted (the pattern is matched in the browser), so the
        # site's own requests take no detour through this process.
        context.route(NON_LOCAL, route)
        context.add_init_script(INIT_SCRIPT)
        page = context.new_page()
        page.on("request", started)
        page.on("requestfinished", ended)
        page.on("requestfailed", ended)
        page.on("response", response)
        page.on("pageerror", lambda exc: errors.append(f"page error: {exc}"))
        t_start = time.monotonic()
        page.goto(url, wait_until="load", timeout=timeout_s * 1000)
        while True:
            st = page.evaluate(STATE_JS)
            quiet_icons = st["first"] is not None and st["now"] - st["last"] >= QUIET_MS
            quiet_net = not inflight and time.monotonic() - last_net[0] >= QUIET_MS / 1000
            if quiet_icons and quiet_net:
                break
            if time.monotonic() - t_start > timeout_s:
                raise TimeoutError(f"not settled after {timeout_s:.0f} s (first marker: "
                                   f"{st['first']}, icons: {st['icons']})")
            page.wait_for_timeout(100)
        settled = max(st["last"], st["lastResponse"], st["load"] or 0)
        return {"first_marker_ms": round(st["first"], 1), "settled_ms": round(settled, 1),
                "load_ms": round(st["load"], 1) if st["load"] else None,
                "icons_in_dom": st["icons"], "icon_insertions": st["added"],
                "requested": requested, "errors": errors[:5]}
    finally:
        context.close()


def summarise_runs(runs: list[dict]) -> dict:
    out = {"first_marker_ms": median([r["first_marker_ms"] for r in runs]),
           "settled_ms": median([r["settled_ms"] for r in runs]),
           "runs": [{k: v for k, v in r.items() if k != "requested"} for r in runs],
           "requested": runs[0]["requested"]}
    errs = [e for r in runs for e in r["errors"]]
    if errs:
        out["page_errors"] = errs[:5]
    return out


def transfer_of(paths: list[str], site: Path) -> dict:
    """Sum raw and gzip -6 sizes of the given site files (each compressed on its own, as a
    server would), leaving out shared libraries (assets/vendor/)."""
    files, raw, gz = {}, 0, 0
    for rel in dict.fromkeys(paths):
        if rel.startswith(VENDOR + "/"):
            continue
        path = site / rel
        if not rel or path.is_dir():
            path = path / "index.html"
        s = sizes_of(path)
        files[rel] = s
        raw += s["raw"]
        gz += s["gzip"]
    return {"raw": raw, "gzip": gz, "files": files}


def data_file_breakdown(path: Path) -> dict:
    """Bytes per row of one of the map's JSON data files, and what each part costs after gzip:
    for a {"kolom", "baris"} table the saving when a column is null in every row, for an
    object of arrays (columns) the saving when that array is empty."""
    data = json.loads(path.read_text(encoding="utf-8"))

    def dumps(d) -> bytes:
        return json.dumps(d, ensure_ascii=False, separators=(",", ":")).encode()

    whole = dumps(data)
    base = gz_size(whole)
    parts: dict[str, int] = {}
    rows = 0
    if isinstance(data, dict) and isinstance(data.get("baris"), list):
        cols, table = data["kolom"], data["baris"]
        rows = len(table)
        for i, name in enumerate(cols):
            slim = {**data, "baris": [r[:i] + [None] + r[i + 1:] for r in table]}
            parts[name] = base - gz_size(dumps(slim))
    elif isinstance(data, dict):
        lists = {k: v for k, v in data.items() if isinstance(v, list)}
        rows = max((len(v) for v in lists.values()), default=0)
        for key in lists:
            parts[key] = base - gz_size(dumps({**data, key: []}))
    n = max(rows, 1)
    return {"rows": rows, "raw": len(whole), "gzip": base,
            "raw_per_row": round(len(whole) / n, 1), "gzip_per_row": round(base / n, 1),
            "gzip_saved_if_dropped": dict(sorted(parts.items(), key=lambda kv: -kv[1]))}


# ---- one size --------------------------------------------------------------------------------


def run_size(n: int, args, work: Path, browser) -> dict:
    from petakla.config import load_config

    log(f"N = {n}")
    res: dict = {"n": n, "loadavg_start": [round(x, 2) for x in os.getloadavg()]}
    root = work / f"n{n}" / "project"
    if root.parent.exists():
        shutil.rmtree(root.parent)
    root.mkdir(parents=True)
    config = load_config(REPO)
    t0 = time.perf_counter()
    records = make_records(n, args.seed, config)
    make_project(root, records, args.boundaries)
    res["records"] = {"generate_s": round(time.perf_counter() - t0, 2),
                      "yaml_bytes": sum(p.stat().st_size for p in (root / "facilities").iterdir()),
                      "with_jam_buka": sum("jam_buka" in r for r in records),
                      "with_usia": sum("usia" in r for r in records),
                      "with_akses": sum("akses" in r for r in records),
                      "with_pengelola": sum("pengelola" in r for r in records)}

    if not args.skip_check:
        log("  check (in-process)")
        attempt(res, "check", lambda: measure_check(root, n, args.repeats if n <= args.check_repeat_above
                                                    else 1))
    if args.skip_build or n > args.build_max:
        why = "--skip-build" if args.skip_build else f"N > --build-max {args.build_max}"
        log(f"  build skipped ({why}): project map files only")
        res["build"] = {"skipped": why}
        res["floor"] = {"skipped": why}
        attempt(res, "maps_only", lambda: project_map_only(root))
    else:
        log("  build (subprocess)")
        attempt(res, "build", lambda: measure_build(root, args.build_timeout))
        log(f"    {res['build'].get('wall_s')} s, {res['build'].get('peak_rss_mb')} MB")
        log("  MkDocs floor")
        attempt(res, "floor", lambda: measure_floor(work / f"n{n}" / "floor", n, args.build_timeout))
        log(f"    {res['floor'].get('wall_s')} s, {res['floor'].get('peak_rss_mb')} MB")

    site = root / "site"
    site.mkdir(exist_ok=True)
    ensure_vendor(site)
    bench = site / "bench"
    bench.mkdir(exist_ok=True)
    project_map = site / "peta" / "peta.html"
    page = site / "peta" / "index.html"
    if page.exists():
        res["peta_page"] = sizes_of(page)
    elif res.get("build", {}).get("skipped"):
        res["peta_page"] = {"skipped": "no build"}
    else:
        res["peta_page"] = {"error": "no site/peta/index.html"}

    variants: dict[str, tuple[str, Callable[[], dict] | None]] = {
        "project": ("peta/peta.html", None),
        "plain": ("bench/plain.html", lambda: make_plain(records, config, bench / "plain.html")),
        "fast": ("bench/fast.html", lambda: make_fast(records, config, bench / "fast.html")),
    }
    res["maps"] = maps = {name: {} for name in variants}
    ready = []
    for name, (_, make) in variants.items():
        entry = maps[name]
        if name == "plain" and n > args.skip_plain_above:
            entry["skipped"] = f"N > --skip-plain-above {args.skip_plain_above}"
        elif make is None and not project_map.exists():
            entry["error"] = "no site/peta/peta.html (the build failed or was skipped)"
        elif make is not None:
            log(f"  generate {name} Folium map")
            made = attempt(entry, "generate", make)
            if "error" in made:
                entry["error"] = made["error"]
            else:
                ready.append(name)
                log(f"    {made['generate_s']} s, {made['raw']:,} B")
        else:
            ready.append(name)
    if browser is None:
        for name in ready:  # without a browser only the Folium references' HTML is known
            if variants[name][1] is not None:
                maps[name]["transfer"] = transfer_of([variants[name][0]], site)
        return _finish(res, args, work, n)
    runs: dict[str, list[dict]] = {name: [] for name in ready}
    with serve(site) as base:
        # Round-robin (project, plain, fast, project, ...) so that background load on a noisy
        # machine hits every variant alike; the first round warms the browser up, uncounted.
        for rnd in range(args.warmup + args.repeats):
            for name in ready:
                if "error" in maps[name]:
                    continue
                label = "warm-up" if rnd < args.warmup else f"run {rnd - args.warmup + 1}"
                try:
                    r = browser_run(browser, base + variants[name][0], args.browser_timeout)
                except Exception as exc:  # noqa: BLE001 - recorded, the others go on
                    maps[name]["error"] = f"browser {label}: {type(exc).__name__}: {exc}"[:500]
                    log(f"  {name} {label}: FAILED {exc}")
                    continue
                log(f"  {name} {label}: first {r['first_marker_ms']} ms, "
                    f"settled {r['settled_ms']} ms")
                if rnd >= args.warmup:
                    runs[name].append(r)
    for name in ready:
        entry = maps[name]
        if not runs[name] or "error" in entry:
            continue
        entry["browser"] = b = summarise_runs(runs[name])
        # The project: everything it requested but shared libraries; the Folium references:
        # their HTML only (everything else they load is a shared library).
        fetched = b.pop("requested")
        local = [unquote(urlsplit(u).path).lstrip("/") for u in fetched]
        entry["transfer"] = transfer_of(local if variants[name][1] is None
                                        else [variants[name][0]], site)
        entry["transfer"]["requested_non_vendor"] = sorted(
            {p for p in local if not p.startswith(VENDOR + "/")})
        if name == "project":
            # The map's data files: those it loaded, and those it did not load (yet): a file
            # fetched only on interaction (a popup, the list, search) is not in the transfer.
            loaded = {p for p in local if p.endswith(".json")}
            entry["data_files"] = {}
            for path in sorted((site / "peta").glob("*.json")):
                rel = path.relative_to(site).as_posix()
                attempt(entry["data_files"], rel, lambda path=path: data_file_breakdown(path))
                entry["data_files"][rel]["loaded_on_open"] = rel in loaded
            later = {rel: sizes_of(site / rel) for rel, d in entry["data_files"].items()
                     if not d["loaded_on_open"]}
            entry["transfer"]["not_loaded_on_open"] = {
                "raw": sum(v["raw"] for v in later.values()),
                "gzip": sum(v["gzip"] for v in later.values()), "files": later}
        log(f"  {name}: median first {b['first_marker_ms']} ms, settled {b['settled_ms']} ms, "
            f"{entry['transfer']['gzip']:,} B gzip ({entry['transfer']['raw']:,} B raw)")
    return _finish(res, args, work, n)


def _finish(res: dict, args, work: Path, n: int) -> dict:
    res["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    if not args.keep:
        shutil.rmtree(work / f"n{n}", ignore_errors=True)
    return res


# ---- report ----------------------------------------------------------------------------------


def _get(d: dict | None, *keys):
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def _cell(d: dict, *keys, fmt: Callable = str) -> str:
    for k in keys:
        if isinstance(d, dict) and d.get("skipped"):
            return "skip"
        if isinstance(d, dict) and d.get("error"):
            return "ERR"
        if not isinstance(d, dict) or k not in d:
            return "–"
        d = d[k]
    return "–" if d is None else fmt(d)


def _pair(d: dict, keys: tuple, second: str, fmt: Callable, fmt2: Callable) -> str:
    """`first (second)`, or just the marker when the first is missing, skipped or failed."""
    first = _cell(d, *keys, fmt=fmt)
    if first in ("skip", "ERR", "–"):
        return first
    other = _cell(d, *keys[:-1], second, fmt=fmt2)
    return first if other in ("skip", "ERR", "–") else f"{first} ({other})"


def kb(v) -> str:
    return f"{v / 1000:,.1f}"


def s1(v) -> str:
    return f"{v:.1f}"


def s2(v) -> str:
    return f"{v:.2f}"


def sec_ms(v) -> str:
    return f"{v / 1000:.2f}"


def table(results: list[dict]) -> str:
    head = ["N",
            "map kB gz (raw)", "later kB gz", "plain kB gz (raw)", "fast kB gz (raw)",
            "/peta/ page kB gz",
            "1st marker s proj/plain/fast", "settled s proj/plain/fast",
            "check s (cpu)", "build s (cpu)", "floor s (cpu)", "build/floor (cpu)",
            "peak RSS MB"]
    rows = []
    for r in results:
        m = r.get("maps", {})

        def size(name: str, m=m) -> str:
            return _pair(m, (name, "transfer", "gzip"), "raw", kb, kb)

        def times(key: str, m=m) -> str:
            return " / ".join(_cell(m, v, "browser", key, fmt=sec_ms)
                              if not m.get(v, {}).get("skipped") else "skip"
                              for v in ("project", "plain", "fast"))

        b, f = r.get("build", {}), r.get("floor", {})
        ratio = "–"
        if b.get("wall_s") and f.get("wall_s") and "error" not in b and "error" not in f:
            ratio = f"{b['wall_s'] / f['wall_s']:.2f}"
            if b.get("cpu_s") and f.get("cpu_s"):
                ratio += f" ({b['cpu_s'] / f['cpu_s']:.2f})"
        rows.append([f"{r['n']:,}", size("project"),
                     _cell(m, "project", "transfer", "not_loaded_on_open", "gzip", fmt=kb),
                     size("plain"), size("fast"),
                     _cell(r, "peta_page", "gzip", fmt=kb),
                     times("first_marker_ms"), times("settled_ms"),
                     _pair(r, ("check", "median_s"), "cpu_median_s", s2, s2),
                     _pair(r, ("build", "wall_s"), "cpu_s", s1, s1),
                     _pair(r, ("floor", "wall_s"), "cpu_s", s1, s1), ratio,
                     _memory_cell(r)])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def targets(results: list[dict]) -> list[dict]:
    by_n = {r["n"]: r for r in results}
    out = []

    def add(name: str, text: str, value, limit, passed, detail: str) -> None:
        out.append({"target": name, "what": text, "value": value, "limit": limit,
                    "status": "n/a" if passed is None else ("PASS" if passed else "FAIL"),
                    "detail": detail})

    r = by_n.get(10_000)
    proj = _get(r, "maps", "project", "transfer", "gzip")
    plain = _get(r, "maps", "plain", "transfer", "gzip")
    fast = _get(r, "maps", "fast", "transfer", "gzip")
    if proj and plain and fast:
        ok = proj <= plain * P1_PLAIN_FRACTION and proj <= fast
        add("P1", "10k: map transfer (gzip) <= 1/5 plain Folium and <= FastMarkerCluster",
            proj, min(plain * P1_PLAIN_FRACTION, fast), ok,
            f"project {proj:,} B = {proj / plain:.3f} x plain (limit 0.200), "
            f"{proj / fast:.2f} x fast (limit 1.00)")
    else:
        add("P1", "10k: map transfer", None, None, None, "not measured")

    fm = {v: _get(r, "maps", v, "browser", "first_marker_ms") for v in ("project", "plain", "fast")}
    refs = [x for x in (fm["plain"], fm["fast"]) if x]
    if fm["project"] and refs:
        best = min(refs)
        add("P2a", "10k: first marker <= best Folium variant", fm["project"], best,
            fm["project"] <= best, f"project {fm['project']:.0f} ms vs best {best:.0f} ms "
                                   f"= {fm['project'] / best:.2f} x (limit 1.00)")
    else:
        add("P2a", "10k: first marker", None, None, None, "not measured")
    f50 = _get(by_n.get(50_000), "maps", "project", "browser", "first_marker_ms")
    if f50:
        add("P2b", "50k: first marker <= 1.5 s", f50, P2_FIRST_MARKER_50K_S * 1000,
            f50 <= P2_FIRST_MARKER_50K_S * 1000,
            f"{f50:.0f} ms = {f50 / (P2_FIRST_MARKER_50K_S * 1000):.2f} x limit")
    else:
        add("P2b", "50k: first marker <= 1.5 s", None, None, None, "not measured (50k not run)")

    b, f = _get(r, "build") or {}, _get(r, "floor") or {}
    if b.get("wall_s") and f.get("wall_s") and "error" not in b and "error" not in f:
        ratio = b["wall_s"] / f["wall_s"]
        rss = build_memory_mb(b)
        ok = ratio <= P3_BUILD_RATIO and rss is not None and rss * 1e6 <= P3_PEAK_RSS_BYTES
        cpu = (f"; in CPU time {b['cpu_s']:.1f} s / {f['cpu_s']:.1f} s = "
               f"{b['cpu_s'] / f['cpu_s']:.2f} x" if b.get("cpu_s") and f.get("cpu_s") else "")
        add("P3", "10k: build <= 2 x MkDocs floor and peak RSS <= 1 GB", ratio, P3_BUILD_RATIO, ok,
            f"build {b['wall_s']:.1f} s / floor {f['wall_s']:.1f} s = {ratio:.2f} x "
            f"(limit 2.00){cpu}; peak RSS {rss} MB{_memory_note(b)} (limit 1000 MB)")
    else:
        add("P3", "10k: build", None, None, None, "not measured")

    c = _get(r, "check", "median_s")
    if c is not None and "error" not in (r or {}).get("check", {}):
        cpu = _get(r, "check", "cpu_median_s")
        add("P4", "check of 10k records <= 3 s", c, P4_CHECK_10K_S, c <= P4_CHECK_10K_S,
            f"{c:.2f} s = {c / P4_CHECK_10K_S:.2f} x limit "
            f"({_get(r, 'check', 'per_record_ms')} ms per record)"
            + (f"; CPU time {cpu:.2f} s = {cpu / P4_CHECK_10K_S:.2f} x limit" if cpu else ""))
    else:
        add("P4", "check of 10k records", None, None, None, "not measured")
    return out


def report(data: dict) -> str:
    lines = [table(data["results"]), ""]
    for t in data["targets"]:
        lines.append(f"{t['target']} {t['status']}: {t['what']} — {t['detail']}")
    lines.append("")
    lines.append(f"points: {data['points']}")
    lines.append("load average (1 min) at start -> end of each size: " + ", ".join(
        f"N={r['n']}: {r['loadavg_start'][0]} -> {(r.get('loadavg_end') or ['?'])[0]}"
        for r in data["results"] if "loadavg_start" in r) + f" (nproc {data['machine']['nproc']})")
    if data.get("warning"):
        lines.append("WARNING: " + data["warning"])
    failed = [(r["n"], path, v) for r in data["results"] for path, v in _errors(r)]
    for n, path, err in failed:
        lines.append(f"error N={n} {path}: {err}")
    return "\n".join(lines)


def _errors(d, prefix: str = ""):
    if isinstance(d, dict):
        if "error" in d and isinstance(d["error"], str):
            yield prefix or "(top)", d["error"]
            return
        for k, v in d.items():
            yield from _errors(v, f"{prefix}.{k}" if prefix else k)


# ---- main ------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="100,1000,10000",
                   help="comma-separated facility counts (default 100,1000,10000; 50000 works)")
    p.add_argument("--out", default=str(REPO / "benchmarks" / "results" / "latest.json"),
                   help="JSON results file")
    p.add_argument("--repeats", type=int, default=3,
                   help="runs per browser measurement and per check (median reported)")
    p.add_argument("--check-repeat-above", type=int, default=10**9, metavar="N",
                   help="above N records, run check once instead of --repeats times")
    p.add_argument("--skip-plain-above", type=int, default=10**9, metavar="N",
                   help="skip the plain Folium map above N facilities (slow to generate)")
    p.add_argument("--build-max", type=int, default=10**9, metavar="N",
                   help="above N, skip the full build and the MkDocs floor; the project's map "
                        "files are then written by the pipeline functions alone")
    p.add_argument("--skip-check", action="store_true")
    p.add_argument("--skip-build", action="store_true",
                   help="no full build and no MkDocs floor at any size (as --build-max 0)")
    p.add_argument("--skip-browser", action="store_true")
    p.add_argument("--boundaries", action="store_true",
                   help="configure batas_kelurahan with the shared kelurahan GeoJSON")
    p.add_argument("--warmup", type=int, default=1,
                   help="uncounted browser rounds before the measured ones (default 1)")
    p.add_argument("--seed", type=int, default=SEED)
    p.add_argument("--workdir", help="where the temporary projects go (default: a temp dir)")
    p.add_argument("--keep", action="store_true", help="keep the temporary projects")
    p.add_argument("--build-timeout", type=float, default=3600)
    p.add_argument("--browser-timeout", type=float, default=300,
                   help="seconds for one page load to settle")
    return p.parse_args(argv)


@contextlib.contextmanager
def chromium(skip: bool) -> Iterator[object]:
    if skip:
        yield None
        return
    from playwright.sync_api import sync_playwright

    exe = shutil.which("chromium")
    if not exe:
        log("chromium not found (apt-get install chromium): browser measurements skipped")
        yield None
        return
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    work = Path(args.workdir or tempfile.mkdtemp(prefix="petakla-bench-")).resolve()
    work.mkdir(parents=True, exist_ok=True)
    out_path = Path(args.out)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    _, points = kelurahan_points_source()
    log(points)
    data = {"command": "python benchmarks/run.py " + " ".join(argv if argv is not None
                                                              else sys.argv[1:]),
            "machine": machine_info(), "points": points,
            "settings": {"viewport": VIEWPORT, "quiet_ms": QUIET_MS, "seed": args.seed,
                         "repeats": args.repeats, "boundaries": args.boundaries,
                         "chromium_args": CHROMIUM_ARGS},
            "results": [], "targets": []}
    t_all = time.perf_counter()
    try:
        with chromium(args.skip_browser) as browser:
            if browser is not None:
                data["machine"]["chromium"] = browser.version
            for n in sizes:
                t0 = time.perf_counter()
                try:
                    res = run_size(n, args, work, browser)
                except Exception as exc:  # noqa: BLE001 - report and go on with the next size
                    res = {"n": n, "error": f"{type(exc).__name__}: {exc}",
                           "traceback": traceback.format_exc(limit=8)}
                    log(f"N={n} FAILED: {exc}")
                res["total_s"] = round(time.perf_counter() - t0, 1)
                data["results"].append(res)
                data["targets"] = targets(data["results"])
                data["total_s"] = round(time.perf_counter() - t_all, 1)
                out_path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n",
                                    encoding="utf-8")
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    data["petakla_sha256_end"] = code_digest()
    if data["petakla_sha256_end"] != data["machine"]["petakla_sha256"]:
        data["warning"] = "petakla/ changed during the run: sizes may have measured different code"
    out_path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(report(data))
    print(f"\nwritten: {out_path} ({data['total_s']} s in all)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
