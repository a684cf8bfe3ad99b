"""The printed table and target lines, from the JSON of a run (also used for the README)."""

from __future__ import annotations

from collections.abc import Callable

from .registry import ordered


def cell(d: dict | None, *keys, fmt: Callable = str) -> str:
    """d[k1][k2]… formatted; `skip`, `ERR` or `–` when a step was skipped, failed or missing."""
    for k in keys:
        if isinstance(d, dict) and d.get("skipped"):
            return "skip"
        if isinstance(d, dict) and d.get("error"):
            return "ERR"
        if not isinstance(d, dict) or k not in d:
            return "–"
        d = d[k]
    return "–" if d is None else fmt(d)


def pair(d: dict | None, keys: tuple, second: str, fmt: Callable, fmt2: Callable) -> str:
    """`first (second)`, or just the marker when the first is missing, skipped or failed."""
    first = cell(d, *keys, fmt=fmt)
    if first in ("skip", "ERR", "–"):
        return first
    other = cell(d, *keys[:-1], second, fmt=fmt2)
    return first if other in ("skip", "ERR", "–") else f"{first} ({other})"


def kb(v) -> str:
    return f"{v / 1000:,.1f}"


def s1(v) -> str:
    return f"{v:.1f}"


def s2(v) -> str:
    return f"{v:.2f}"


def sec_ms(v) -> str:
    return f"{v / 1000:.2f}"


def size_label(r: dict) -> str:
    if r.get("size") == "real":
        return f"real ({r.get('n', '?')})"
    return f"{r['n']:,}"


def table(results: list[dict]) -> str:
    columns = [c for m in ordered() for c in m.columns]
    head = ["N", *(c.header for c in columns)]
    rows = [[size_label(r), *(c.cell(r) for c in columns)] for r in results]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


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
    for r in data["results"]:
        for path, err in _errors(r):
            lines.append(f"error N={r['n']} {path}: {err}")
    return "\n".join(lines)


def _errors(d, prefix: str = ""):
    if isinstance(d, dict):
        if "error" in d and isinstance(d["error"], str):
            yield prefix or "(top)", d["error"]
            return
        for k, v in d.items():
            yield from _errors(v, f"{prefix}.{k}" if prefix else k)
