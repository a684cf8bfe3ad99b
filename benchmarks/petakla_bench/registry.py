"""How a measure plugs into the run: a function over one size, registered with `@measure`.

A measure module lives in `petakla_bench/measures/` (every module there is imported, so a new
file is all it takes) and registers, with decorators from here:

- `@measure(name, order)`: `fn(size: Size) -> dict | None`, run once per size in `order`;
  what it returns is stored as `results[i][name]` in the JSON (an exception is stored as
  `{"error": …}` and the run goes on; return `{"skipped": why}` to skip a size);
- `columns=[Column(header, cell)]` on the same decorator: `cell(size_result) -> str` for the
  printed table (and the README table);
- `@target(order)`: `fn(by_size: dict) -> list[dict]` made with `goal(…)`, evaluated after
  every size;
- `@options`: `fn(parser)` adding the measure's command-line options.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Size:
    """One size of the run: its synthetic (or the real) project and where results go."""

    label: int | str  # the facility count, or "real" for the repository's own records
    n: int  # number of records in the project
    args: argparse.Namespace
    work: Path  # a scratch folder of this size (removed afterwards unless --keep)
    root: Path  # the project: pyproject.toml, mkdocs.yml, content/, facilities/
    config: object  # petakla.config.Config of the repository (bounds, centre, zoom)
    records: list[dict]  # the synthetic records as dicts ([] for the real project)
    browser: object | None  # a Playwright browser, or None with --skip-browser
    result: dict = field(default_factory=dict)  # this size's JSON object

    @property
    def site(self) -> Path:
        return self.root / "site"


@dataclass(frozen=True)
class Column:
    header: str
    cell: Callable[[dict], str]


@dataclass(frozen=True)
class Measure:
    name: str
    fn: Callable[[Size], dict | None]
    order: int
    columns: tuple[Column, ...] = ()


MEASURES: dict[str, Measure] = {}
TARGETS: list[tuple[int, Callable[[dict], list[dict]]]] = []
OPTIONS: list[Callable[[argparse.ArgumentParser], None]] = []


def measure(name: str, order: int, columns: list[Column] | tuple[Column, ...] = ()):
    def register(fn: Callable[[Size], dict | None]):
        if name in MEASURES:
            raise ValueError(f"measure {name!r} registered twice")
        MEASURES[name] = Measure(name, fn, order, tuple(columns))
        return fn
    return register


def target(order: int):
    """`fn(by_size) -> [goal(…), …]`; `by_size` maps "real" or N to that size's results.
    `order` places its lines in the report (check 10, build 30, preview 40, map 50)."""
    def register(fn: Callable[[dict], list[dict]]):
        TARGETS.append((order, fn))
        return fn
    return register


def options(fn: Callable[[argparse.ArgumentParser], None]):
    OPTIONS.append(fn)
    return fn


def ordered() -> list[Measure]:
    return sorted(MEASURES.values(), key=lambda m: (m.order, m.name))


def goal(name: str, what: str, value: float | None, limit: float | None,
         passed: bool | None, detail: str, ratio: float | None = None) -> dict:
    """One target's verdict. `ratio` is value ÷ limit (≤ 1 passes) unless given."""
    if ratio is None and value is not None and limit:
        ratio = value / limit
    return {"target": name, "what": what, "value": value, "limit": limit,
            "ratio": None if ratio is None else round(ratio, 3),
            "status": "n/a" if passed is None else ("PASS" if passed else "FAIL"),
            "detail": detail}


def not_measured(name: str, what: str, why: str = "not measured") -> dict:
    return goal(name, what, None, None, None, why)
