"""`check`: in the benchmark's own process (petakla.pipeline.check, imports already paid) and
as users run it, `python build_map.py check` as a fresh process (interpreter start, imports,
worker pool and output included)."""

from __future__ import annotations

import os
import sys
import time

from ..common import REPO, get, median
from ..proc import timed_subprocess
from ..registry import Column, Size, goal, measure, not_measured, options, target
from ..report import pair, s2

CHECK_REAL_S = 0.8  # issue 18: fresh process, the repository's records
CHECK_10K_S = 3.0  # issue 18: fresh process, 10,000 records


@options
def _options(p) -> None:
    p.add_argument("--check-repeat-above", type=int, default=10**9, metavar="N",
                   help="above N records, run check once instead of --repeats times")
    p.add_argument("--check-max", type=int, default=10**9, metavar="N",
                   help="above N records, do not measure check at all")
    p.add_argument("--skip-check", action="store_true", help="no check measurement")


def _repeats(size: Size) -> int:
    return size.args.repeats if size.n <= size.args.check_repeat_above else 1


def _skip(size: Size) -> str | None:
    if size.args.skip_check:
        return "--skip-check"
    if size.n > size.args.check_max:
        return f"N > --check-max {size.args.check_max}"
    return None


def _cpu_now() -> float:  # this process and its finished children (check's worker pool)
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


@measure("check", order=10, columns=[Column(
    "check in-process s (cpu)", lambda r: pair(r, ("check", "median_s"), "cpu_median_s", s2, s2))])
def check_in_process(size: Size) -> dict:
    if why := _skip(size):
        return {"skipped": why}
    from petakla.config import load_config
    from petakla.pipeline import check

    config = load_config(size.root)
    times, cpu, result = [], [], None
    for _ in range(_repeats(size)):
        t0, c0 = time.perf_counter(), _cpu_now()
        result = check(config)
        times.append(time.perf_counter() - t0)
        cpu.append(_cpu_now() - c0)
    published = len(result.facilities)
    kinds: dict[str, int] = {}
    for p in result.problems:
        kinds[p.severity] = kinds.get(p.severity, 0) + 1
    out = {"runs_s": [round(t, 3) for t in times], "median_s": round(median(times), 3),
           "cpu_runs_s": [round(t, 3) for t in cpu], "cpu_median_s": round(median(cpu), 3),
           "per_record_ms": round(median(times) / size.n * 1000, 3), "published": published,
           "problems": kinds, "first_problems": [str(p) for p in result.problems[:3]]}
    if not result.ok or (size.label != "real" and published != size.n):
        out["error"] = f"check: ok={result.ok}, {published}/{size.n} published, problems={kinds}"
    return out


@measure("check_cli", order=11, columns=[Column(
    "check fresh s (cpu)", lambda r: pair(r, ("check_cli", "median_s"), "cpu_median_s", s2, s2))])
def check_fresh(size: Size) -> dict:
    if why := _skip(size):
        return {"skipped": why}
    runs = []
    for i in range(_repeats(size)):
        runs.append(timed_subprocess(
            [sys.executable, str(REPO / "build_map.py"), "--root", str(size.root), "check"],
            cwd=size.root, log_file=size.work / f"check-{i}.log", timeout=600))
        if "error" in runs[-1]:
            return {"runs": runs, "error": runs[-1]["error"]}
    walls = [r["wall_s"] for r in runs]
    cpus = [r["cpu_s"] for r in runs if r.get("cpu_s") is not None]
    return {"median_s": round(median(walls), 3), "runs_s": walls,
            "cpu_median_s": round(median(cpus), 3) if cpus else None, "cpu_runs_s": cpus,
            "peak_rss_mb": max((r.get("peak_rss_mb") or 0) for r in runs) or None,
            "per_record_ms": round(median(walls) / size.n * 1000, 3)}


def _check_goal(name: str, r: dict | None, limit: float, what: str) -> dict:
    c = get(r, "check_cli", "median_s")
    if c is None or "error" in (get(r, "check_cli") or {}):
        return not_measured(name, what)
    cpu = get(r, "check_cli", "cpu_median_s")
    inproc = get(r, "check", "median_s")
    detail = f"{c:.2f} s = {c / limit:.2f} x limit ({r['n']:,} records)"
    if cpu is not None:
        detail += f"; CPU {cpu:.2f} s"
    if inproc is not None:
        detail += f"; in-process {inproc:.2f} s"
    return goal(name, what, c, limit, c <= limit, detail)


@target(order=10)
def check_targets(by_size: dict) -> list[dict]:
    return [
        _check_goal("check-real", by_size.get("real"), CHECK_REAL_S,
                    "`build_map.py check` of the real records, fresh process <= 0.8 s"),
        _check_goal("check-10k", by_size.get(10_000), CHECK_10K_S,
                    "`build_map.py check` of 10k records, fresh process <= 3 s"),
    ]
