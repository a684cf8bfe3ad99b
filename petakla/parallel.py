"""Work spread over forked processes when there is enough of it: fork shares what is already
in memory (records, vocabularies) without pickling it. Where fork is unavailable, or on one
core, everything runs in this process with the same results."""

from __future__ import annotations

import multiprocessing as mp
import os
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def can_fork() -> bool:
    return "fork" in mp.get_all_start_methods()


def fork_map(fn: Callable[[T], R], items: Sequence[T], above: int, chunksize: int) -> list[R]:
    """[fn(x) for x in items], in order; on every core (at most 8) above `above` items."""
    workers = min(os.cpu_count() or 1, 8)
    if len(items) <= above or workers < 2 or not can_fork():
        return [fn(x) for x in items]
    with mp.get_context("fork").Pool(workers) as pool:
        return pool.map(fn, items, chunksize=chunksize)
