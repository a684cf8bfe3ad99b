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


def _run(tasks: list[Task], tiles: str, dest: Path, worker: int) -> None:
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


class SideFiles:
    """Runs `tasks` (each returns {site path: content}) in background processes writing into
    the staging folder `dest`; `finish(site)` waits and moves every file into the site."""

    def __init__(self, tasks: list[Task], tiles: str, dest: Path, workers: int | None = None):
        self.dest, self.tiles = dest, tiles
        n = max(1, min(workers or (os.cpu_count() or 1) - 1, len(tasks)))  # one core stays free
        # fork: the records are already in memory; nothing here holds threads or locks yet.
        # Without fork (the tasks are closures, not picklable) they run in finish() instead.
        self.inline: list[Task] = []
        self.procs: list = []
        if not can_fork():
            self.inline, self.parts = tasks, 1
            return
        self.parts = n
        self.procs = [mp.get_context("fork").Process(target=_run, daemon=True,
                                                     args=(tasks[i::n], tiles, dest, i))
                      for i in range(n)]
        for proc in self.procs:
            proc.start()

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


class Early:
    """One part of generate() computed by a forked process while this one goes on (MkDocs
    loads its configuration and theme, the other pages are made): `result()` waits for it.
    The same function, the same bytes; if the process fails, or without fork, the part is
    computed here instead."""

    def __init__(self, fn: Callable[[], dict]):
        self.fn, self.pid, self.fd = fn, 0, -1
        if not can_fork():
            return
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: compute, send, leave without running the parent's cleanup
            status = 1
            try:
                with os.fdopen(write, "wb") as out:
                    pickle.dump(fn(), out, protocol=pickle.HIGHEST_PROTOCOL)
                status = 0
            finally:
                os._exit(status)
        os.close(write)
        self.pid, self.fd = pid, read

    def result(self) -> dict:
        if not self.pid:
            return self.fn()
        try:
            with os.fdopen(self.fd, "rb") as src:
                data = src.read()
        finally:
            _, status = os.waitpid(self.pid, 0)
            self.pid = 0
        if status != 0 or not data:
            return self.fn()
        return pickle.loads(data)

    def cancel(self) -> None:
        if self.pid:
            try:
                os.kill(self.pid, 9)
                os.waitpid(self.pid, 0)
            except OSError:
                pass
            os.close(self.fd)
            self.pid = 0
