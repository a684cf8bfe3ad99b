"""`build_map.py serve` after a saved record: two passes, so that the editor sees the change
before everything that counts it has been made again.

1. The quick pass makes only the saved records' own files (facility page, poster, the form's
   copy of the record) — the same bytes generate() makes of them — and MkDocs renders only
   those; everything else is served as it was.
2. The catch-up pass makes the whole site again (generate(), with unchanged records' pages
   reused) in a forked process, and MkDocs renders what differs: the kecamatan and kategori
   pages, the map data, the pages that count (home, coverage, report, quality). A newer save
   interrupts it (the process is killed, rendering stops between pages); what it may have
   written is rendered again by the next catch-up.

After the catch-up the served folder is the same as a full build's (tests/test_preview.py)."""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import time
from collections.abc import Callable
from pathlib import Path

from .config import Config
from .parallel import can_fork
from .pipeline import CheckResult
from .preview import Preview

QUICK_MAX = 20  # saved records: more (a branch switched, a folder copied) is one normal build
CHILD_MAX_S = 600  # a catch-up child that takes longer is killed (and its work done here)


class Interrupted(Exception):
    """A newer save waits: this catch-up pass stops."""


def _differs(old, new) -> bool:
    return (old is None or old.data is not new.data or old.file != new.file
            or (old.lat, old.lon, old.approx) != (new.lat, new.lon, new.approx))


def _own_uris(f) -> set[str]:
    from .form import FORM_ORIGINALS
    from .poster import poster_uri

    if f.protected:
        return set()
    return {f"fasilitas/{f.id}.md", poster_uri(f), f"{FORM_ORIGINALS}/{f.id}.yml"}


def quick_files(config: Config, result: CheckResult, site_url: str,
                state: Preview) -> dict | None:
    """The site's files for a quick pass (the saved records' own files made anew, the rest
    as served), or None when this build cannot be one: a full build, errors shown or found,
    nothing served yet, or many records changed."""
    if (state.full or not state.want_quick or not result.ok or state.errors
            or not state.contents):
        return None
    old = state.facilities
    new = {f.id: f for f in result.facilities}
    touched = [f for i, f in new.items() if _differs(old.get(i), f)]
    removed = [old[i] for i in old.keys() - new.keys()]
    if not touched and not removed:
        return None
    if len(touched) + len(removed) > QUICK_MAX:
        return None
    from .site import record_files

    made = record_files(config, touched, site_url, state.memo)
    gone: set[str] = set()
    for f in [*removed, *(old[f.id] for f in touched if f.id in old)]:
        gone |= _own_uris(f) - made.keys()
    return state.compare_quick(made, gone, new)


class _Child:
    """generate() in a forked process, which sends back only the files that differ from the
    served ones (and every site path); killed when a newer save waits."""

    def __init__(self, make: Callable[[], dict], state: Preview):
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: make, compare, send, leave without the parent's cleanup
            status = 1
            try:
                os.close(read)  # else a write to a gone parent would wait for ever
                files = make()
                differ = {}
                for uri, content in files.items():
                    if state.contents.get(uri) is content and uri in state.built:
                        continue
                    from .preview import _digest

                    if state.built.get(uri) != _digest(content):
                        differ[uri] = content
                with os.fdopen(write, "wb") as out:
                    pickle.dump((list(files), differ), out, protocol=pickle.HIGHEST_PROTOCOL)
                status = 0
            finally:
                os._exit(status)
        os.close(write)
        self.pid, self.fd = pid, read

    def result(self, interrupt: Callable[[], bool]) -> tuple[list, dict] | None:
        """The child's answer; None if it failed or took more than CHILD_MAX_S (it is then
        made here: a forked child of this threaded server could, rarely, hang on a lock)."""
        chunks = []
        deadline = time.monotonic() + CHILD_MAX_S
        try:
            while True:
                ready, _, _ = select.select([self.fd], [], [], 0.05)
                if not ready:
                    if interrupt():
                        raise Interrupted
                    if time.monotonic() > deadline:
                        self.kill()
                        break
                    continue
                chunk = os.read(self.fd, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
        except BaseException:  # interrupted, or the server stops
            self.kill()
            raise
        finally:
            if self.pid:
                _, status = os.waitpid(self.pid, 0)
                self.pid = 0
                os.close(self.fd)
            else:
                status = 1
        if status != 0 or not chunks:
            return None
        return pickle.loads(b"".join(chunks))

    def kill(self) -> None:
        with contextlib.suppress(OSError):
            os.kill(self.pid, 9)


def catch_up_files(make: Callable[[], dict], state: Preview) -> dict:
    """make() — the whole site's files — in a forked process that a newer save interrupts
    (Interrupted); contents that did not change are the served objects (not hashed again)."""
    if not can_fork():
        return make()
    got = _Child(make, state).result(state.interrupt)
    if got is None:  # the process failed: the same work here, for its error message
        return make()
    uris, differ = got
    return {uri: differ[uri] if uri in differ else state.contents[uri] for uri in uris}


def rebuild(build: Callable[[], None], state: Preview, waiting: Callable[[], bool],
            publish: Callable[[], None] = lambda: None) -> None:
    """What `serve` does when files changed: a quick pass when it can be one, then catch-up
    passes until the site is complete or a newer save waits (`waiting()`). `publish()`
    serves the folder as it is, after the quick pass and after the catch-up."""
    state.interrupt = waiting
    state.want_quick = True
    try:
        build()
        state.want_quick = False
        if state.behind:
            publish()
            while state.behind and not waiting():
                build()
            publish()
    except Interrupted:
        state.abandon()
    finally:
        state.want_quick = False


def tracked(root: Path) -> list[Path]:
    """What `serve` watches besides MkDocs' own (content/, mkdocs.yml): the records, the
    configuration, the boundaries and the package's data, templates, theme and scripts."""
    from .preview import _PACKAGE_DIRS, PACKAGE

    return [root / "facilities", root / "pyproject.toml",
            *(PACKAGE / name for name in _PACKAGE_DIRS)]
