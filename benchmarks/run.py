#!/usr/bin/env python3
"""Scale benchmark of the site (see benchmarks/README.md):

    .venv/bin/python benchmarks/run.py --sizes real,1000,10000 --out benchmarks/results/latest.json

A thin entry point: the measures live in benchmarks/petakla_bench/ (one module per measure in
petakla_bench/measures/). A measurement script, not a test: it prints a table and writes JSON.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from petakla_bench.cli import main  # noqa: E402

# What benchmarks/lighthouse.py uses: one loopback server and one record generator.
from petakla_bench.data import make_project, make_records  # noqa: E402,F401
from petakla_bench.serving import serve  # noqa: E402,F401

if __name__ == "__main__":
    sys.exit(main())
