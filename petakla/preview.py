"""The live preview's incremental rebuilds (`build_map.py serve`): after an editor saves one
record, only what changed is made and written again — the record's own check, its facility
page and poster, and every generated file whose bytes differ from the last build (its
kecamatan and kategori pages, the map data, the pages that count it); MkDocs renders only
those pages (its `dirty` build). Anything else that a build reads — configuration,
vocabularies, templates, hand-written pages, the code — changing means a full rebuild, and so
does a change in the errors the preview shows on every page.

Everything here is memoisation keyed on content: an incremental build makes the same bytes
as a full one (tests/test_preview.py compares them)."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
# What a build reads besides the records, under the package (code, vocabularies, templates,
# theme, scripts and styles) and under the project (see inputs()).
_PACKAGE_DIRS = ("data", "templates", "theme", "static")


def _digest(content: str | bytes | Path) -> str:
    if isinstance(content, Path):  # copied files (vendor libraries): their path and stamp
        st = content.stat()
        data = f"{content}\0{st.st_mtime_ns}\0{st.st_size}".encode()
    else:
        data = content.encode("utf-8") if isinstance(content, str) else content
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def _walk(folder: Path) -> Iterable[Path]:
    for parent, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            yield Path(parent) / name


def inputs(project: Path, extra: Iterable[Path] = ()) -> list[Path]:
    """Every file besides the records whose change may change any page: the project's
    configuration and hand-written pages, the package's code and data."""
    found = [project / "pyproject.toml", project / "mkdocs.yml", *extra]
    found += sorted(PACKAGE.glob("*.py"))
    for name in _PACKAGE_DIRS:
        found += list(_walk(PACKAGE / name))
    if (project / "content").is_dir():
        found += list(_walk(project / "content"))
    return found


def inputs_key(paths: Iterable[Path]) -> str:
    """A digest of those files' names, sizes and modification times: when it changes,
    everything is rebuilt."""
    h = hashlib.blake2b(digest_size=16)
    for path in paths:
        try:
            st = path.stat()
            h.update(f"{path}\0{st.st_mtime_ns}\0{st.st_size}\n".encode())
        except OSError:
            h.update(f"{path}\0-\n".encode())
    return h.hexdigest()


def facility_key(f) -> tuple:
    """Everything a facility's own page and poster are made from (vocabularies and
    configuration aside: they are in inputs_key)."""
    return (f.id, f.file, json.dumps(f.data, sort_keys=True, ensure_ascii=False, default=str),
            f.lat, f.lon, f.approx)


@dataclass
class Memo:
    """Per-facility results kept between rebuilds of one configuration (cleared with it)."""

    values: dict = field(default_factory=dict)
    used: set = field(default_factory=set)

    def get(self, key: tuple, make: Callable[[], object]):
        self.used.add(key)
        try:
            return self.values[key]
        except KeyError:
            value = self.values[key] = make()
            return value

    def prune(self) -> None:
        """Forget what the last build did not ask for (edited or removed records)."""
        self.values = {k: v for k, v in self.values.items() if k in self.used}
        self.used = set()


@dataclass
class Preview:
    """One served project's state between rebuilds.

    `build_map.py serve` rebuilds in two passes after a saved record (petakla.rebuild): a
    quick pass makes and renders only the record's own files (its page, poster and form
    original) — the edit is then visible — and a catch-up pass makes everything else that
    changed (kecamatan, kategori and counting pages, the map data), interrupted when the
    editor saves again meanwhile. `built`/`contents` say what the served folder holds."""

    key: str = ""
    full: bool = True  # this build renders every page
    records: dict = field(default_factory=dict)  # check()'s memo: path -> (stat, result)
    memo: Memo = field(default_factory=Memo)
    built: dict[str, str] = field(default_factory=dict)  # site path -> digest, served folder
    contents: dict = field(default_factory=dict)  # site path -> the content of that digest
    facilities: dict = field(default_factory=dict)  # id -> Facility the served files are of
    changed: set[str] = field(default_factory=set)  # site paths made anew by this build
    removed: set[str] = field(default_factory=set)  # site paths of the last build, now gone
    rendered: set[str] = field(default_factory=set)  # page URLs MkDocs rendered in this build
    pending: set[str] = field(default_factory=set)  # written by an interrupted build
    staged: tuple = ()  # (digests, contents) of this build, kept by commit()
    quick: bool = False  # this build is a quick pass (only the saved records' own files)
    same_pages: bool = False  # a quick pass that adds or removes no file
    want_quick: bool = False  # the next build may be a quick pass (petakla.rebuild)
    behind: bool = False  # a quick pass was served: the catch-up pass is due
    interrupt: Callable[[], bool] = lambda: False  # a newer save waits: stop a catch-up
    background: Background = field(default_factory=lambda: Background())

    errors: str | None = None  # the errors shown on every page by the last build

    def begin(self, key: str) -> bool:
        """Start a build; a different key (configuration, vocabularies, templates, content,
        code) makes it a full one, with every memo cleared. True if full."""
        self.full = key != self.key
        if self.full:
            self.key = key
            self.records.clear()
            self.memo = Memo()
            self.built, self.contents, self.facilities = {}, {}, {}
            self.pending, self.behind = set(), False
        self.changed, self.removed, self.rendered, self.quick = set(), set(), set(), False
        self.staged = ()
        return self.full

    def shown_errors(self, problems: list) -> None:
        """The banner of errors is on every page: when it changes, every page is rendered."""
        text = "\n".join(p.format() for p in sorted(problems))
        if text != self.errors:
            self.full, self.errors = True, text

    def compare(self, generated: dict, facilities: dict) -> None:
        """Which generated files differ from what the served folder holds (all of them in a
        full build; also those an interrupted build wrote). A content that is the very object
        of the last build is not hashed again."""
        digests = {}
        for uri, content in generated.items():
            if not self.full and self.contents.get(uri) is content and uri in self.built:
                digests[uri] = self.built[uri]
            else:
                digests[uri] = _digest(content)
        self.changed = {uri for uri, d in digests.items()
                        if self.full or self.built.get(uri) != d} | self.pending
        self.removed = set(self.built) - set(digests)
        self.staged = (digests, dict(generated), facilities)

    def compare_quick(self, made: dict, gone: set[str], facilities: dict) -> dict:
        """A quick pass: `made` (the saved records' own files) over what is served, without
        `gone` (removed records' files). Returns the whole site's files."""
        self.quick = True
        digests = dict(self.built)
        generated = {uri: c for uri, c in self.contents.items() if uri not in gone}
        for uri in gone:
            digests.pop(uri, None)
        self.changed = set()
        for uri, content in made.items():
            digests[uri] = d = _digest(content)
            generated[uri] = content
            if self.built.get(uri) != d:
                self.changed.add(uri)
        self.removed = set(gone) & set(self.built)
        self.same_pages = not self.removed and made.keys() <= self.built.keys()
        self.staged = (digests, generated, facilities)
        return generated

    def commit(self) -> None:
        """The build is complete: the served folder holds what it made."""
        if self.staged:
            self.built, self.contents, self.facilities = self.staged
        if not self.quick:
            self.pending = set()
        self.behind = self.quick
        self.staged = ()

    def abandon(self) -> None:
        """The build was interrupted: what it may have written is rendered again next time."""
        self.pending |= self.changed
        self.staged = ()

    def is_modified(self, uri: str) -> bool:
        return self.full or uri in self.changed


_previews: dict[Path, Preview] = {}


def preview_of(project: Path) -> Preview:
    return _previews.setdefault(project, Preview())


class Background:
    """Files no page needs (downloads, the report's workbook) made after a preview build and
    written into the served folder: the edited page is served without waiting for them. They
    are made by a forked process (a thread where processes cannot be forked): at 10,000
    facilities a thread held the interpreter for seconds while the next save was rebuilt. A
    newer build stops an older one's (`stop()`, before MkDocs writes)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.generation = 0
        self.thread: threading.Thread | None = None
        self.proc = None

    def stop(self) -> None:
        with self.lock:
            self.generation += 1
        if self.proc is not None:
            if self.proc.is_alive():
                self.proc.kill()
            self.proc.join()
            self.proc = None

    def start(self, tasks: list[Callable[[], dict]], finish: Callable[[str, object], object],
              site_dir: Path) -> None:
        from .parallel import can_fork

        self.stop()
        with self.lock:
            mine = self.generation
        args = (tasks, finish, site_dir, mine)
        if can_fork():
            import multiprocessing as mp

            self.proc = mp.get_context("fork").Process(target=self._run, args=args, daemon=True,
                                                       name="petakla-preview-side-files")
            self.proc.start()
            return
        self.thread = threading.Thread(target=self._run, args=args, daemon=True,
                                       name="petakla-preview-side-files")
        self.thread.start()

    def _run(self, tasks, finish, site_dir: Path, mine: int) -> None:
        for task in tasks:
            if self.generation != mine:
                return
            files = task()
            with self.lock:
                if self.generation != mine:
                    return
                for uri, content in files.items():
                    content = finish(uri, content)
                    data = content.encode("utf-8") if isinstance(content, str) else content
                    target = site_dir / uri
                    target.parent.mkdir(parents=True, exist_ok=True)
                    part = target.with_name(f".{target.name}.part")
                    part.write_bytes(data)
                    os.replace(part, target)

    def join(self, timeout: float | None = None) -> None:
        if self.proc is not None:
            self.proc.join(timeout)
        if self.thread is not None:
            self.thread.join(timeout)


class _Bytecode:
    """Compiled theme templates kept in memory between rebuilds (MkDocs makes a new Jinja
    environment, so compiles Material's templates again, on every build). Jinja checks each
    template's source checksum, so an edited template is compiled anew."""

    def __init__(self) -> None:
        import jinja2

        class Cache(jinja2.BytecodeCache):
            def __init__(self) -> None:
                self.store: dict[str, bytes] = {}

            def load_bytecode(self, bucket) -> None:
                code = self.store.get(bucket.key)
                if code is not None:
                    bucket.bytecode_from_string(code)

            def dump_bytecode(self, bucket) -> None:
                self.store[bucket.key] = bucket.bytecode_to_string()

        self.cache = Cache()


_bytecode: _Bytecode | None = None


def keep_compiled_templates() -> None:
    """For the rest of this process, MkDocs' theme environments share compiled templates."""
    global _bytecode
    if _bytecode is not None:
        return
    from mkdocs.theme import Theme

    _bytecode = _Bytecode()
    make_env = Theme.get_env

    def get_env(self):
        env = make_env(self)
        env.bytecode_cache = _bytecode.cache
        return env

    Theme.get_env = get_env
