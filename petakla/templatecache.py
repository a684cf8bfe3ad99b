"""Compiled Jinja templates kept between builds, as Python keeps its .pyc files.

Every build compiles the theme's templates (Material's ~50) and the project's own: about a
fifth of a small site's build, the same work each time. Jinja's bytecode cache keeps each
compiled template keyed by its name and a checksum of its source (and Jinja's and Python's
versions), so an edited template is compiled again and the output is the same either way
(tests/test_build_shortcuts.py builds with a cold cache, a warm one and none).

Jinja's default place: a folder of the user's own in the system's temporary folder
(`_jinja2-cache-<uid>`, created private). PETAKLA_TEMPLATE_CACHE=<folder> puts it elsewhere;
PETAKLA_TEMPLATE_CACHE=0 turns it off."""

from __future__ import annotations

import os

from jinja2 import BytecodeCache, FileSystemBytecodeCache


def template_cache() -> BytecodeCache | None:
    where = os.environ.get("PETAKLA_TEMPLATE_CACHE", "")
    if where == "0":
        return None
    try:
        return FileSystemBytecodeCache(where or None)
    except (OSError, RuntimeError):  # no usable folder: compile as without a cache
        return None
