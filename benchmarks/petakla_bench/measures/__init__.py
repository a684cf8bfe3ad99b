"""The measures. Every module in this folder is imported by the run and registers itself
(see ../registry.py): adding a measure is adding a file here."""

from __future__ import annotations

import importlib
import pkgutil


def load_all() -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        importlib.import_module(f"{__name__}.{info.name}")
