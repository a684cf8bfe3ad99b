"""The README's benchmark section, rendered from a run's JSON alone (so the committed JSON and
the README cannot disagree: tests/test_benchmark_readme.py renders it again and compares).

    .venv/bin/python benchmarks/run.py --readme-only    # from benchmarks/results/latest.json
"""

from __future__ import annotations

import json
from pathlib import Path

from .common import REPO
from .report import table

README = REPO / "README.md"
START = "<!-- benchmark:start: made by benchmarks/run.py --readme from the JSON; do not edit -->"
END = "<!-- benchmark:end -->"


def _number(v) -> str:
    if v is None:
        return "–"
    if isinstance(v, float) and abs(v) < 100:
        return f"{v:,.2f}"
    return f"{v:,.0f}"


def _loads(results: list[dict]) -> str:
    parts = []
    for r in results:
        start, end = r.get("loadavg_start"), r.get("loadavg_end")
        if start and end:
            label = "real" if r.get("size") == "real" else f"{r['n']:,}"
            parts.append(f"{label}: {start[0]} → {end[0]}")
    return ", ".join(parts)


def render(data: dict) -> str:
    """The Markdown between the markers: what ran where, the measures, the targets."""
    m = data.get("machine", {})
    minutes = data.get("total_s")
    lines = [
        f"Run of commit {str(m.get('git_commit', '?'))[:7]}"
        + (f" (+{m['git_dirty_files']} uncommitted files)" if m.get("git_dirty_files") else "")
        + f", {m.get('date', '?')}, {m.get('nproc', '?')} cores ({m.get('cpu', '?')}), "
        f"Python {m.get('python', '?')}, Chromium {m.get('chromium', '–')}"
        + (f", {minutes / 60:.1f} minutes" if minutes else "") + ":",
        "",
        "```sh",
        f".venv/bin/{data.get('command', 'python benchmarks/run.py').strip()}",
        "```",
        "",
        table(data.get("results", [])),
        "",
        "| target | what | value | limit | ratio | result |",
        "| --- | --- | ---: | ---: | ---: | --- |",
    ]
    for t in data.get("targets", []):
        ratio = t.get("ratio")
        if ratio is None and t.get("value") is not None and t.get("limit"):
            ratio = t["value"] / t["limit"]
        status = t.get("status", "n/a")
        lines.append(f"| `{t['target']}` | {t['what']} | {_number(t.get('value'))} | "
                     f"{_number(t.get('limit'))} | {'–' if ratio is None else f'{ratio:.2f}'} | "
                     f"{'**' + status + '**' if status in ('PASS', 'FAIL') else status}: "
                     f"{t.get('detail', '')} |")
    lines += ["", "Load average (1 min) at the start → end of each size: "
              f"{_loads(data.get('results', []))}."]
    if data.get("warning"):
        lines += ["", f"Warning: {data['warning']}"]
    return "\n".join(lines)


def section(text: str) -> str | None:
    """What stands between the markers of a README, or None without markers."""
    if START not in text or END not in text:
        return None
    return text.split(START, 1)[1].split(END, 1)[0].strip("\n")


def write(data: dict, readme: Path = README) -> None:
    text = readme.read_text(encoding="utf-8")
    if section(text) is None:
        raise SystemExit(f"{readme}: no {START!r} … {END!r} markers")
    before, rest = text.split(START, 1)
    after = rest.split(END, 1)[1]
    readme.write_text(f"{before}{START}\n{render(data)}\n{END}{after}", encoding="utf-8")


def from_json(path: Path, readme: Path = README) -> None:
    write(json.loads(path.read_text(encoding="utf-8")), readme)
