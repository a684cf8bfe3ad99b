"""Site files that no page needs while MkDocs renders (posters, downloads), made by background
processes meanwhile: MkDocs renders on one core, these use the others. The files are the same
bytes `site.generate()` makes (HTML documents get the same CSP)."""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import pickle
from collections.abc import Callable
from pathlib import Path

from .csp import add_csp
from .parallel import can_fork

Task = Callable[[], dict[str, str | bytes]]


FIRST = "first.pickle"  # in the staging folder: what `first` returned, for the parent


def _run(tasks: list[Task], tiles: str, dest: Path, worker: int,
         first: Callable[[], dict] | None = None, signal: int = -1,
         close: tuple[int, ...] = ()) -> None:
    for fd in close:  # the other processes' ends of the parent's pipe
        os.close(fd)
    if first is not None:
        _hand_over(first, dest, signal)
    manifest = []
    for task in tasks:
        for uri, content in task().items():
            if uri.endswith(".html") and isinstance(content, str):
                content = add_csp(content, tiles)
            name = f"w{worker}-{len(manifest)}"  # flat: no folders while staging
            data = content.encode("utf-8") if isinstance(content, str) else content
            (dest / name).write_bytes(data)
            manifest.append([uri, name])
    (dest / f"w{worker}.json").write_text(json.dumps(manifest), encoding="utf-8")


def _hand_over(first: Callable[[], dict], dest: Path, signal: int) -> None:
    """Compute `first`, pickle it into a file (the page cache, not this process, then holds
    it) and tell the parent through `signal` ("1": done, "0": failed; the parent then
    computes it itself)."""
    done = b"0"
    try:
        part = dest / f"{FIRST}.part"
        with open(part, "wb") as out:
            pickle.dump(first(), out, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(part, dest / FIRST)
        done = b"1"
    except Exception:  # noqa: BLE001 - the parent makes it the long way and reports errors
        pass
    finally:
        os.write(signal, done)
        os.close(signal)


class SideFiles:
    """Runs `tasks` (each returns {site path: content}) in background processes writing into
    the staging folder `dest`; `finish(site)` waits and moves every file into the site.

    `first`, if given, is computed by the first background process before its tasks, and
    `first_result()` hands it to this process: a part of generate() the build needs soon (the
    facility pages) is made on another core while this one goes on, without a process more
    (each forked process counts the parent's memory once more)."""

    def __init__(self, tasks: list[Task], tiles: str, dest: Path, workers: int | None = None,
                 first: Callable[[], dict] | None = None):
        self.dest, self.tiles, self.first = dest, tiles, first
        self.signal = -1
        n = max(1, min(workers or (os.cpu_count() or 1) - 1, len(tasks)))  # one core stays free
        # fork: the records are already in memory; nothing here holds threads or locks yet.
        # Without fork (the tasks are closures, not picklable) they run in finish() instead.
        self.inline: list[Task] = []
        self.procs: list = []
        if not can_fork():
            self.inline, self.parts = tasks, 1
            return
        self.parts = n
        pipe = os.pipe() if first is not None else ()
        ctx = mp.get_context("fork")
        for i in range(n):
            extra = ((first, pipe[1], (pipe[0],)) if i == 0 and pipe
                     else (None, -1, pipe))
            self.procs.append(ctx.Process(target=_run, daemon=True,
                                          args=(tasks[i::n], tiles, dest, i, *extra)))
            self.procs[-1].start()
        if pipe:
            os.close(pipe[1])
            self.signal = pipe[0]

    def first_result(self) -> dict:
        """What `first()` returns: from the background process, or computed here (without
        fork, or if that process failed)."""
        if self.signal < 0:
            return self.first() if self.first else {}
        with os.fdopen(self.signal, "rb") as signal:  # waits for the process to say
            done = signal.read(1) == b"1"
        self.signal = -1
        path = self.dest / FIRST
        if not done or not path.is_file():
            return self.first()
        with open(path, "rb") as src:
            out = pickle.load(src)
        path.unlink()
        return out

    def wait(self) -> None:
        """Raise RuntimeError if a file could not be made."""
        for proc in self.procs:
            proc.join()
        failed = [p.exitcode for p in self.procs if p.exitcode != 0]
        if failed:
            raise RuntimeError(f"poster atau berkas unduhan gagal dibuat (proses keluar dengan "
                               f"kode {failed[0]})")

    def finish(self, site: Path) -> None:
        """Wait, then move every file into `site` (same file system: renames; a facility
        page's folder is normally there already)."""
        self.wait()
        if self.inline:
            _run(self.inline, self.tiles, self.dest, 0)
        for i in range(self.parts):
            for uri, name in json.loads((self.dest / f"w{i}.json").read_text(encoding="utf-8")):
                target = site / uri
                try:
                    os.replace(self.dest / name, target)
                except FileNotFoundError:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    os.replace(self.dest / name, target)

    def cancel(self) -> None:
        for proc in self.procs:
            if proc.is_alive():
                proc.kill()
            proc.join()
        if self.signal >= 0:
            os.close(self.signal)
            self.signal = -1
