"""The map: what the project's /peta/ map document transfers on opening and how soon its first
marker shows in Chromium, against plain Folium and Folium's FastMarkerCluster, loaded
round-robin in one browser."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..browser import browser_run, summarise_runs
from ..common import attempt, get, gz_size, log, sizes_of
from ..folium_refs import VENDOR, ensure_vendor, make_fast, make_plain
from ..registry import Column, Size, goal, measure, not_measured, options, target
from ..report import cell, kb, pair, sec_ms
from ..serving import serve

TRANSFER_PLAIN_FRACTION = 1 / 5  # at 10k: <= 1/5 of plain Folium and <= FastMarkerCluster
FIRST_MARKER_VS_BEST = 0.8  # issue 18: at 10k <= 0.8 x the better Folium variant
FIRST_MARKER_LARGE_N = 100_000
FIRST_MARKER_LARGE_S = 1.5  # issue 18: at 100k first marker <= 1.5 s
PAN_FRAME_P95_MS = 50  # "panning stays smooth": 95 % of frames within 50 ms (>= 20 fps)

# On a settled map: four animated pans (Leaflet's panBy, 0.4 s each) at the starting zoom and
# four more three levels closer, with requestAnimationFrame recording every frame interval
# meanwhile (MarkerCluster's redraw after each move included). Works on any Folium map.
PAN_JS = """async () => {
  const map = (window.PetaKLA && PetaKLA.app && PetaKLA.app.map) ||
              Object.values(window).find(v => v instanceof L.Map);
  const frames = [];
  let last = null, running = true;
  const tick = (t) => { if (last !== null) frames.push(t - last); last = t;
                        if (running) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  const settle = () => new Promise(r => setTimeout(r, 150));
  const pans = async () => {
    for (const d of [[300, 0], [0, 200], [-300, 0], [0, -200]]) {
      await new Promise(r => { map.once('moveend', r); map.panBy(d, {animate: true, duration: 0.4}); });
      await settle();
    }
  };
  const t0 = performance.now();
  await pans();
  await new Promise(r => { map.once('moveend', r); map.setZoom(map.getZoom() + 3, {animate: false}); });
  await settle();
  await pans();
  running = false;
  frames.sort((a, b) => a - b);
  const q = (p) => frames.length ? frames[Math.min(frames.length - 1, Math.floor(p * frames.length))] : null;
  return {frames: frames.length, p50_ms: q(0.5), p95_ms: q(0.95), max_ms: frames[frames.length - 1],
          over_50ms: frames.filter(f => f > 50).length, wall_ms: performance.now() - t0,
          icons: document.querySelectorAll('.leaflet-marker-icon').length};
}"""


def _pan(page) -> dict:
    r = page.evaluate(PAN_JS)
    return {k: round(v, 1) if isinstance(v, float) else v for k, v in r.items()}


@options
def _options(p) -> None:
    p.add_argument("--skip-plain-above", type=int, default=10**9, metavar="N",
                   help="skip the plain Folium map above N facilities (slow to generate)")
    p.add_argument("--skip-maps", action="store_true", help="no map measurement")
    p.add_argument("--marker-repeats", type=int, default=5, metavar="R",
                   help="timed loads of each map, interleaved (median reported; default 5)")
    p.add_argument("--pan-min", type=int, default=10_000, metavar="N",
                   help="from N facilities on, one more load of the project's map and of "
                        "FastMarkerCluster's that pans it, frame times recorded (default 10000)")


def _size_cell(name: str) -> Callable[[dict], str]:
    return lambda r: pair(r.get("maps"), (name, "transfer", "gzip"), "raw", kb, kb)


def _times_cell(key: str) -> Callable[[dict], str]:
    def text(r: dict) -> str:
        m = r.get("maps") or {}
        if not m or m.get("skipped") or m.get("error"):
            return cell(r, "maps", "project")
        return " / ".join(cell(m, v, "browser", key, fmt=sec_ms)
                          if not (m.get(v) or {}).get("skipped") else "skip"
                          for v in ("project", "plain", "fast"))
    return text


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


@measure("peta_page", order=45, columns=[
    Column("/peta/ page kB gz", lambda r: cell(r, "peta_page", "gzip", fmt=kb))])
def peta_page(size: Size) -> dict:
    """The Material page that embeds the map (site/peta/index.html)."""
    page = size.site / "peta" / "index.html"
    if page.exists():
        return sizes_of(page)
    if (size.result.get("build") or {}).get("skipped"):
        return {"skipped": "no build"}
    return {"error": "no site/peta/index.html"}


@measure("maps", order=50, columns=[
    Column("map kB gz (raw)", _size_cell("project")),
    Column("later kB gz", lambda r: cell(r.get("maps"), "project", "transfer",
                                         "not_loaded_on_open", "gzip", fmt=kb)),
    Column("plain kB gz (raw)", _size_cell("plain")),
    Column("fast kB gz (raw)", _size_cell("fast")),
    Column("1st marker s proj/plain/fast", _times_cell("first_marker_ms")),
    Column("settled s proj/plain/fast", _times_cell("settled_ms")),
    Column("pan p95 ms proj/fast", lambda r: " / ".join(
        cell(r.get("maps"), v, "pan", "p95_ms", fmt=lambda x: f"{x:.0f}")
        for v in ("project", "fast")) if get(r, "maps", "project", "pan") else "–")])
def maps(size: Size) -> dict:
    if size.args.skip_maps:
        return {"skipped": "--skip-maps"}
    if size.label == "real":
        return {"skipped": "the real records: see benchmarks/lighthouse.py"}
    args, records, config, browser = size.args, size.records, size.config, size.browser
    n, site = size.n, size.site
    site.mkdir(exist_ok=True)
    ensure_vendor(site)
    bench = site / "bench"
    bench.mkdir(exist_ok=True)
    project_map = site / "peta" / "peta.html"
    variants: dict[str, tuple[str, Callable[[], dict] | None]] = {
        "project": ("peta/peta.html", None),
        "plain": ("bench/plain.html", lambda: make_plain(records, config, bench / "plain.html")),
        "fast": ("bench/fast.html", lambda: make_fast(records, config, bench / "fast.html")),
    }
    found: dict = {name: {} for name in variants}
    ready = []
    for name, (_, make) in variants.items():
        entry = found[name]
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
                found[name]["transfer"] = transfer_of([variants[name][0]], site)
        return found
    runs: dict[str, list[dict]] = {name: [] for name in ready}
    with serve(site) as base:
        # Round-robin (project, plain, fast, project, ...) so that background load on a noisy
        # machine hits every variant alike; the first round warms the browser up, uncounted.
        for rnd in range(args.warmup + args.marker_repeats):
            for name in ready:
                if "error" in found[name]:
                    continue
                label = "warm-up" if rnd < args.warmup else f"run {rnd - args.warmup + 1}"
                try:
                    r = browser_run(browser, base + variants[name][0], args.browser_timeout)
                except Exception as exc:  # noqa: BLE001 - recorded, the others go on
                    found[name]["error"] = f"browser {label}: {type(exc).__name__}: {exc}"[:500]
                    log(f"  {name} {label}: FAILED {exc}")
                    continue
                log(f"  {name} {label}: first {r['first_marker_ms']} ms, "
                    f"settled {r['settled_ms']} ms")
                if rnd >= args.warmup:
                    runs[name].append(r)
        # Panning: one more load each, of the project's map and FastMarkerCluster's.
        for name in [v for v in ("project", "fast") if v in ready] if n >= args.pan_min else []:
            if "error" in found[name]:
                continue
            try:
                r = browser_run(browser, base + variants[name][0], args.browser_timeout, after=_pan)
            except Exception as exc:  # noqa: BLE001 - recorded, the others go on
                found[name]["pan"] = {"error": f"{type(exc).__name__}: {exc}"[:500]}
                continue
            found[name]["pan"] = r["after"]
            log(f"  {name} pan: p95 frame {r['after']['p95_ms']} ms, "
                f"{r['after']['over_50ms']} of {r['after']['frames']} frames over 50 ms")
    for name in ready:
        entry = found[name]
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
    return found


@target(order=50)
def map_targets(by_size: dict) -> list[dict]:
    out = []
    r = by_size.get(10_000)
    proj = get(r, "maps", "project", "transfer", "gzip")
    plain = get(r, "maps", "plain", "transfer", "gzip")
    fast = get(r, "maps", "fast", "transfer", "gzip")
    what = "10,000: map transfer (gzip) <= 1/5 plain Folium and <= FastMarkerCluster"
    if proj and plain and fast:
        limit = min(plain * TRANSFER_PLAIN_FRACTION, fast)
        out.append(goal("transfer-10k", what, proj, limit, proj <= limit,
                        f"project {proj:,} B = {proj / plain:.3f} x plain (limit 0.200), "
                        f"{proj / fast:.2f} x fast (limit 1.00)"))
    else:
        out.append(not_measured("transfer-10k", what))

    fm = {v: get(r, "maps", v, "browser", "first_marker_ms") for v in ("project", "plain", "fast")}
    refs = [x for x in (fm["plain"], fm["fast"]) if x]
    what = f"10,000: first marker <= {FIRST_MARKER_VS_BEST:g} x the better Folium variant"
    if fm["project"] and refs:
        best = min(refs)
        ratio = fm["project"] / best
        out.append(goal("marker-10k", what, round(ratio, 3), FIRST_MARKER_VS_BEST,
                        ratio <= FIRST_MARKER_VS_BEST,
                        f"project {fm['project']:.0f} ms vs best {best:.0f} ms = {ratio:.2f} x "
                        f"(limit {FIRST_MARKER_VS_BEST:.2f})"))
    else:
        out.append(not_measured("marker-10k", what))
    big = get(by_size.get(FIRST_MARKER_LARGE_N), "maps", "project", "browser", "first_marker_ms")
    what = f"{FIRST_MARKER_LARGE_N:,}: first marker <= {FIRST_MARKER_LARGE_S:g} s"
    if big:
        limit_ms = FIRST_MARKER_LARGE_S * 1000
        out.append(goal("marker-100k", what, big, limit_ms, big <= limit_ms,
                        f"{big:.0f} ms = {big / limit_ms:.2f} x limit"))
    else:
        out.append(not_measured("marker-100k", what, f"not measured ({FIRST_MARKER_LARGE_N:,} not run)"))
    pan = get(by_size.get(FIRST_MARKER_LARGE_N), "maps", "project", "pan")
    fast_pan = get(by_size.get(FIRST_MARKER_LARGE_N), "maps", "fast", "pan", "p95_ms")
    what = (f"{FIRST_MARKER_LARGE_N:,}: panning smooth, 95 % of frames <= {PAN_FRAME_P95_MS} ms "
            "(8 animated pans)")
    if pan and pan.get("p95_ms") is not None:
        p95 = pan["p95_ms"]
        out.append(goal("pan-100k", what, p95, PAN_FRAME_P95_MS, p95 <= PAN_FRAME_P95_MS,
                        f"p95 {p95:.0f} ms, max {pan['max_ms']:.0f} ms, {pan['over_50ms']} of "
                        f"{pan['frames']} frames over 50 ms"
                        + (f"; FastMarkerCluster p95 {fast_pan:.0f} ms" if fast_pan else "")))
    else:
        out.append(not_measured("pan-100k", what, f"not measured ({FIRST_MARKER_LARGE_N:,} not run)"))
    return out
