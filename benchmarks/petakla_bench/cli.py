"""The run: for each size, make its project, then every registered measure in order; after
each size the targets are evaluated and the JSON is rewritten (an interrupted run keeps what
it measured)."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

from . import measures, readme
from .browser import CHROMIUM_ARGS, QUIET_MS, VIEWPORT, chromium
from .common import REPO, SEED, attempt, code_digest, log, machine_info
from .data import kelurahan_points_source, make_project, make_records, real_project
from .registry import OPTIONS, TARGETS, Size, ordered
from .report import report

DESCRIPTION = """Scale benchmark of the map site: N synthetic facilities (and the real records)
-> `check` and `build` as fresh processes, the build against the MkDocs floor, map transfer
bytes and browser timings, each against its target, in one run."""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    measures.load_all()
    p = argparse.ArgumentParser(description=DESCRIPTION,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--sizes", default="100,1000,10000",
                   help="comma-separated facility counts; `real` = the repository's own "
                        "records (default 100,1000,10000)")
    p.add_argument("--out", default=str(REPO / "benchmarks" / "results" / "latest.json"),
                   help="JSON results file")
    p.add_argument("--repeats", type=int, default=3,
                   help="runs per browser measurement and per check (median reported)")
    p.add_argument("--skip", default="", metavar="NAME,…",
                   help="measures not to run (names: " + ", ".join(m.name for m in ordered()) + ")")
    p.add_argument("--skip-browser", action="store_true")
    p.add_argument("--boundaries", action="store_true",
                   help="configure batas_kelurahan with the shared kelurahan GeoJSON")
    p.add_argument("--warmup", type=int, default=1,
                   help="uncounted browser rounds before the measured ones (default 1)")
    p.add_argument("--seed", type=int, default=SEED)
    p.add_argument("--workdir", help="where the temporary projects go (default: a temp dir)")
    p.add_argument("--keep", action="store_true", help="keep the temporary projects")
    p.add_argument("--browser-timeout", type=float, default=300,
                   help="seconds for one page load to settle")
    p.add_argument("--readme", action="store_true",
                   help="after the run, write its table into README.md (between the markers)")
    p.add_argument("--readme-only", action="store_true",
                   help="measure nothing: render README.md's table from the --out JSON")
    for add in OPTIONS:
        add(p)
    return p.parse_args(argv)


def parse_sizes(text: str) -> list[int | str]:
    out: list[int | str] = []
    for s in text.split(","):
        s = s.strip().replace("_", "")
        if s:
            out.append("real" if s == "real" else int(s))
    return out


def run_size(label: int | str, args, work: Path, browser) -> dict:
    from petakla.config import load_config

    log(f"N = {label}")
    res: dict = {"n": None, "size": label,
                 "loadavg_start": [round(x, 2) for x in os.getloadavg()]}
    folder = work / f"n{label}"
    if folder.exists():
        shutil.rmtree(folder)
    root = folder / "project"
    root.mkdir(parents=True)
    config = load_config(REPO)
    t0 = time.perf_counter()
    if label == "real":
        records: list[dict] = []
        n = real_project(root)
    else:
        n = label
        records = make_records(n, args.seed, config)
        make_project(root, records, args.boundaries)
    res["n"] = n
    res["records"] = {"generate_s": round(time.perf_counter() - t0, 2),
                      "yaml_bytes": sum(p.stat().st_size for p in (root / "facilities").iterdir()
                                        if p.is_file())}
    if records:
        res["records"].update({f"with_{k}": sum(k in r for r in records)
                               for k in ("jam_buka", "usia", "akses", "pengelola")})
    size = Size(label, n, args, folder, root, config, records, browser, res)
    skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    for m in ordered():
        if m.name in skip:
            res[m.name] = {"skipped": "--skip"}
            continue
        log(f"  {m.name}")
        out = attempt(res, m.name, lambda m=m: m.fn(size))
        if "wall_s" in out or "median_s" in out:
            log(f"    {out.get('median_s', out.get('wall_s'))} s")
    res["loadavg_end"] = [round(x, 2) for x in os.getloadavg()]
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    return res


def evaluate(results: list[dict]) -> list[dict]:
    by_size = {r.get("size", r.get("n")): r for r in results}
    return [t for _, fn in sorted(TARGETS, key=lambda t: t[0]) for t in fn(by_size)]


def write(path: Path, data: dict) -> None:
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.readme_only:
        readme.from_json(Path(args.out))
        print(f"README.md: table rendered from {args.out}")
        return 0
    sizes = parse_sizes(args.sizes)
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
            for label in sizes:
                t0 = time.perf_counter()
                try:
                    res = run_size(label, args, work, browser)
                except Exception as exc:  # noqa: BLE001 - report and go on with the next size
                    res = {"n": label, "size": label, "error": f"{type(exc).__name__}: {exc}",
                           "traceback": traceback.format_exc(limit=8)}
                    log(f"N={label} FAILED: {exc}")
                res["total_s"] = round(time.perf_counter() - t0, 1)
                data["results"].append(res)
                data["targets"] = evaluate(data["results"])
                data["total_s"] = round(time.perf_counter() - t_all, 1)
                write(out_path, data)
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    data["petakla_sha256_end"] = code_digest()
    if data["petakla_sha256_end"] != data["machine"]["petakla_sha256"]:
        data["warning"] = "petakla/ changed during the run: sizes may have measured different code"
    write(out_path, data)
    print(report(data))
    print(f"\nwritten: {out_path} ({data['total_s']} s in all)")
    if args.readme:
        readme.write(data)
        print("README.md: benchmark table rewritten")
    return 0
