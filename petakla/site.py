"""Runs the pipeline's steps in order and hands the result to MkDocs — the only module that
knows MkDocs. `generate()` returns every generated file as {site path: content}, which the
thin hook (mkdocs_hook.py) feeds to MkDocs; another static engine could take the same dict."""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import gc
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from pathlib import Path

from .assets import static_files, vendor_files
from .background import SideFiles
from .config import Config
from .coverage import coverage_files, map_extras
from .csp import add_csp, tile_origin
from .export import DOWNLOADS, downloads
from .form import form_files, form_originals
from .geo import kelurahan_points, load_boundaries
from .laporan import BuildInfo, build_info, laporan_files, laporan_side_files
from .mapimage import pictures
from .maps import (
    CATEGORY_CSS,
    DATA_FILE,
    category_css,
    map_data,
    map_documents,
)
from .pages import facility_pages, generate_pages
from .pipeline import CheckResult, check
from .poster import posters
from .preview import Memo, Preview
from .regions import load_city
from .report import Problem, errors, render, summary
from .vocab import load_vocab

Content = str | bytes | Path


@dataclass(frozen=True)
class _Plan:
    """What build_site() hands to the hook's generate() call: the records it has checked,
    whether it makes the posters and downloads itself (in the background: SideFiles), and
    the build's date, so that the pages and the background files carry the same one."""

    result: CheckResult
    side_files: bool = True
    info: BuildInfo | None = None
    # coverage_files() and the facility pages, made by a background process meanwhile
    # (SideFiles.first_result())
    early: SideFiles | None = None


_planned: dict[Path, _Plan] = {}


class RecordErrors(Exception):
    """The records have errors: nothing is generated."""

    def __init__(self, result: CheckResult):
        self.result = result
        super().__init__(render(result.problems) + "\n" + summary(result.problems,
                                                                   result.n_files))


def generate(config: Config, result: CheckResult | None = None, site_url: str = "",
             with_side_files: bool = True, memo: Memo | None = None) -> dict[str, Content]:
    """load -> validate -> locate -> export -> maps -> pages -> posters, as one dict of site
    files. Without `with_side_files`, the posters are left out, and the downloads and the KLA
    report's workbook, CSV files and print version are empty (build_site() makes them in the
    background: side_files()).

    `site_url` is the site's public address (absolute links: sharing, QR codes). `memo`
    (the live preview's): facility pages, posters (then always made) and their CSP are
    reused from earlier rebuilds where the record is the same."""
    plan = _planned.pop(config.root, None)
    info = early = None
    if plan and result is None:
        result, with_side_files = plan.result, with_side_files and plan.side_files
        info, early = plan.info, plan.early
    result = result or check(config)
    if not result.ok:
        raise RecordErrors(result)
    vocab, city = load_vocab(), load_city(config.kota_kode)
    facilities = result.facilities
    out: dict[str, Content] = {}
    out.update(vendor_files())
    out.update(static_files())
    if with_side_files:
        out.update(downloads(facilities, site_url=site_url))
    else:  # empty stand-ins, so MkDocs knows the /data/ page's links; build_site() fills them
        out.update(dict.fromkeys(DOWNLOADS, b""))
    boundaries = load_boundaries(config)  # checked already: check() reports a bad file
    points = kelurahan_points(city, boundaries, facilities)
    out.update(map_documents(config, vocab, city=city, facilities=facilities, points=points,
                             extras=map_extras(config)))
    out[DATA_FILE] = map_data(facilities)
    out[CATEGORY_CSS] = category_css(vocab)
    out.update(generate_pages(config, vocab, city, facilities, site_url=site_url, memo=memo,
                              with_facilities=early is None,
                              drawn=pictures(config, vocab, city, facilities, boundaries)))
    # /tambah/ and /kontribusi/kolom/; build_site() has the records' own files copied
    # in the background (side_files()): thousands of files no page needs while MkDocs renders
    out.update(form_files(config, facilities,
                          with_originals=with_side_files or memo is not None))
    if early is None:
        out.update(coverage_files(config, vocab, city, facilities))
    out.update(laporan_files(config, vocab, city, facilities, info or build_info(config.root),
                             with_side_files=with_side_files))
    if early is not None:
        out.update(early.first_result())
    if with_side_files or memo is not None:
        out.update(posters(facilities, site_url, config.judul, config.kota_nama, memo=memo))
    tiles = tile_origin(config.tiles)
    for uri, content in out.items():  # standalone documents (maps, posters) get their CSP here
        if uri.endswith(".html") and isinstance(content, str):
            out[uri] = (add_csp(content, tiles) if memo is None
                        else memo.get(("csp", content, tiles), lambda c=content: add_csp(c, tiles)))
    return out


def _early_files(config: Config, result: CheckResult, site_url: str) -> dict[str, Content]:
    vocab, city = load_vocab(), load_city(config.kota_kode)
    out: dict[str, Content] = dict(coverage_files(config, vocab, city, result.facilities))
    out.update(facility_pages(config, vocab, result.facilities, site_url=site_url))
    return out


def write_map_files(files: dict[str, Content], site: Path) -> int:
    """Write the map documents and assets (`peta/`, `assets/`) of generate()'s output under
    `site`, without MkDocs: how the benchmark and the map tests open the map on its own.
    Returns the number of files written."""
    written = 0
    for rel, content in files.items():
        if not rel.startswith(("peta/", "assets/")) or rel.endswith(".md"):
            continue
        target = site / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Path):
            shutil.copyfile(content, target)
        elif isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")
        written += 1
    return written


def site_description(config: Config) -> str:
    """The site's meta description (MkDocs' site_description)."""
    return (f"Peta fasilitas ramah anak di {config.kota_nama} — kampung bermain, ruang laktasi, "
            "pojok baca dan lainnya.")


# --- `serve`: a live preview keeps working while a record is broken ------------------------

_last_good: dict[Path, dict[str, Content]] = {}


def preview_files(config: Config, site_url: str = "", state: Preview | None = None,
                  ) -> tuple[dict[str, Content], list[Problem], CheckResult]:
    """For the live preview: the site files, the errors of the records and the check result
    the files were made from. With errors, the files of the last good check (none yet: of the
    records without errors), so the preview keeps serving while the editor fixes the record;
    error_banner() shows what is wrong.

    With `state` (the incremental preview, petakla.preview) unchanged records are not read
    again, unchanged facility pages and posters not made again, and the downloads and the KLA
    report's files are left to preview_side_files() (empty here)."""
    memo = state.memo if state else None
    result = check(config, memo=state.records if state else None)
    side = state is None
    if result.ok:
        files = _preview_generate(config, result, site_url, state)
        _last_good[config.root] = (files, result)
        return files, [], result
    problems = errors(result.problems)
    if config.root in _last_good:
        files, good = _last_good[config.root]
        return files, problems, good
    without_errors = CheckResult(result.facilities, [], result.n_files)
    files = generate(config, without_errors, site_url=site_url, with_side_files=side, memo=memo)
    if memo is not None:
        memo.prune()
    return files, problems, without_errors


def _preview_generate(config: Config, result: CheckResult, site_url: str,
                      state: Preview | None) -> dict[str, Content]:
    """generate() for the preview: with `state`, a quick pass or a catch-up pass when the
    served site is only a few saved records behind (petakla.rebuild)."""
    from .rebuild import catch_up_files, quick_files

    if state is None:
        return generate(config, result, site_url=site_url)
    quick = quick_files(config, result, site_url, state)
    if quick is not None:
        return quick

    def make() -> dict[str, Content]:
        return generate(config, result, site_url=site_url, with_side_files=False,
                        memo=state.memo)

    if not state.full and state.contents:
        return catch_up_files(make, state)  # the memo is pruned by the next full build
    files = make()
    state.memo.prune()
    return files


def record_files(config: Config, facilities: list, site_url: str, memo: Memo) -> dict[str, Content]:
    """What generate(memo=) makes of each of these records alone (the live preview's quick
    pass, petakla.rebuild): its page, its poster with its CSP and the form's copy of the
    record; the same bytes, from the same memo."""
    from .form import FORM_ORIGINALS
    from .preview import facility_key

    vocab, tiles = load_vocab(), tile_origin(config.tiles)
    public = [f for f in facilities if not f.protected]
    out: dict[str, Content] = {}
    for f in public:
        uri = f"fasilitas/{f.id}.md"
        out[uri] = memo.get(("page", facility_key(f), site_url),
                            lambda f=f, uri=uri: facility_pages(config, vocab, [f], site_url)[uri])
        if (config.root / f.file).is_file():
            out[f"{FORM_ORIGINALS}/{f.id}.yml"] = config.root / f.file
    for uri, content in posters(public, site_url, config.judul, config.kota_nama,
                                memo=memo).items():
        out[uri] = memo.get(("csp", content, tiles), lambda c=content: add_csp(c, tiles))
    return out


def preview_side_files(config: Config, result: CheckResult, site_url: str) -> list:
    """What preview_files() left out with a `state`: the downloads and the KLA report's
    workbook, CSV files and print version, as tasks (preview.Background makes them after the
    pages are served)."""
    info = build_info(config.root)
    return [lambda: downloads(result.facilities, site_url=site_url),
            lambda: laporan_side_files(config, load_vocab(), load_city(config.kota_kode),
                                       result.facilities, info)]


def error_banner(problems: list[Problem]) -> str:
    """The preview's banner (Material's admonition style): every error, file:line:col."""
    items = "".join(f"<li><code>{escape(p.format())}</code></li>" for p in sorted(problems))
    return ('<div class="admonition danger" role="alert" id="pk-galat-data">'
            '<p class="admonition-title">Data fasilitas bermasalah: pratinjau ini memakai data '
            'terakhir yang benar (isi berkas yang salah belum dimuat)</p>'
            f"<ul>{items}</ul><p>Perbaiki lalu simpan berkasnya; pratinjau diperbarui "
            "sendiri.</p></div>")


_CONTENT_START = re.compile(r'<article class="md-content__inner[^"]*">|<body[^>]*>')


def with_error_banner(html: str, problems: list[Problem]) -> str:
    found = _CONTENT_START.search(html)
    if not problems or found is None:
        return html
    return html[:found.end()] + error_banner(problems) + html[found.end():]


POSTERS_PER_TASK = 500


def side_files(config: Config, result: CheckResult, site_url: str,
               info: BuildInfo | None = None) -> list:
    """generate()'s downloads, posters and the KLA report's workbook, CSV files and print
    version as tasks for SideFiles: no page needs them while MkDocs renders, so build_site()
    has them made on the other cores meanwhile."""
    public = [f for f in result.facilities if not f.protected]
    info = info or build_info(config.root)
    tasks = [lambda: {uri: path.read_bytes()
                      for uri, path in form_originals(config, result.facilities).items()},
             lambda: downloads(result.facilities, site_url=site_url),
             lambda: laporan_side_files(config, load_vocab(), load_city(config.kota_kode),
                                        result.facilities, info)]
    for i in range(0, len(public), POSTERS_PER_TASK):
        chunk = public[i:i + POSTERS_PER_TASK]
        tasks.append(lambda chunk=chunk: posters(chunk, site_url, config.judul, config.kota_nama))
    return tasks


def _mkdocs_logging() -> None:
    log = logging.getLogger("mkdocs")
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)


DIR_MODE, FILE_MODE = 0o755, 0o644


def public_modes(folder: Path) -> None:
    """Directories 755, files 644 under `folder`, whatever the umask: mkdtemp() makes the
    build folder 0700, and a web server running as another user would answer 403."""
    os.chmod(folder, DIR_MODE)
    for parent, dirs, files in os.walk(folder):
        for name in dirs:
            os.chmod(os.path.join(parent, name), DIR_MODE)
        for name in files:
            path = os.path.join(parent, name)
            if not os.path.islink(path):
                os.chmod(path, FILE_MODE)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False where the system
    or the file system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0


def _swap(new: Path, target: Path) -> None:
    """Replace `target` with `new` so a reader never sees a half-written site, nor (where the
    system can exchange two folders at once) a moment without one."""
    if target.is_dir() and not target.is_symlink() and _exchange(new, target):
        shutil.rmtree(new, ignore_errors=True)  # `new` now holds the old site
        return
    old = target.with_name(f".{target.name}.old-{os.getpid()}")
    if target.exists():
        target.rename(old)
    new.rename(target)
    shutil.rmtree(old, ignore_errors=True)


def source_date_epoch(root: Path) -> str | None:
    """The time of the last commit: every date a build writes (sitemap, gzip headers) comes
    from it, so two builds of one commit are byte-identical. SOURCE_DATE_EPOCH wins if set."""
    if os.environ.get("SOURCE_DATE_EPOCH"):
        return os.environ["SOURCE_DATE_EPOCH"]
    try:
        out = subprocess.run(["git", "-C", str(root), "log", "-1", "--format=%ct"],
                             capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    stamp = out.stdout.strip()
    return stamp if out.returncode == 0 and stamp.isdigit() else None


def build_site(config: Config, strict: bool = False, site_dir: Path | None = None) -> int:
    result = check(config)
    if result.problems:
        print(render(result.problems, github=os.environ.get("GITHUB_ACTIONS") == "true"),
              file=sys.stderr)
    if not result.ok:
        print(summary(result.problems, result.n_files), file=sys.stderr)
        print("Situs tidak dibangun: perbaiki galat di atas dulu.", file=sys.stderr)
        return 1
    given = Path(site_dir or config.site_dir)
    target = given.parent.resolve() / given.name  # not resolved itself: it may be a link
    target.parent.mkdir(parents=True, exist_ok=True)
    refusal = _not_a_built_site(target)
    if refusal:
        print(f"Situs tidak dibangun: {refusal}", file=sys.stderr)
        return 1
    # What exists now (modules, records) lives until the build ends: the cyclic collector
    # need not go over it again and again, and forked helpers then share its pages.
    gc.freeze()
    try:
        with _build_lock(target):
            return _build_locked(config, result, target, strict)
    finally:
        gc.unfreeze()


def _not_a_built_site(target: Path) -> str:
    """Why `target` must not be replaced by a build ("" if it may): only a folder that a build
    made (MkDocs always writes sitemap.xml) or an empty one is replaced."""
    if not target.exists() and not target.is_symlink():
        return ""
    if target.is_symlink() or not target.is_dir():
        return (f"{target} sudah ada tetapi bukan folder (berkas atau tautan); pindahkan atau "
                "hapus dulu, lalu bangun lagi.")
    if any(target.iterdir()) and not (target / "sitemap.xml").is_file():
        return (f"folder {target} berisi berkas lain, bukan situs hasil build; pindahkan atau "
                "hapus dulu, lalu bangun lagi.")
    return ""


STAGING = ("new", "side", "old")  # build_site()'s temporary folders beside the site


@contextlib.contextmanager
def _build_lock(target: Path) -> Iterator[None]:
    """One build beside a site folder at a time (a lock on its parent folder). Holding the
    lock, every staging folder beside the site is a leftover of a killed build: removed."""
    lock = os.open(target.parent, os.O_RDONLY)  # the folder itself: no lock file left behind
    try:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print("Menunggu build lain selesai…", file=sys.stderr)
            fcntl.flock(lock, fcntl.LOCK_EX)
        for kind in STAGING:
            for stale in target.parent.glob(f".{target.name}.{kind}-*"):
                shutil.rmtree(stale, ignore_errors=True)
        yield
    finally:
        os.close(lock)  # releases the lock


def _build_locked(config: Config, result: CheckResult, target: Path, strict: bool) -> int:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config as mkdocs_config
    from mkdocs.exceptions import MkDocsException

    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.new-", dir=target.parent))
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.side-", dir=target.parent))
    _mkdocs_logging()
    saved_epoch = os.environ.get("SOURCE_DATE_EPOCH")
    epoch = source_date_epoch(config.root)
    if epoch:
        os.environ["SOURCE_DATE_EPOCH"] = epoch
    job: SideFiles | None = None
    try:
        cfg = mkdocs_config(config_file=str(config.root / "mkdocs.yml"), site_dir=str(tmp),
                            strict=strict)
        # Posters (QR codes) and downloads are made on the other cores while MkDocs renders;
        # first of all, the coverage page, its charts and the facility pages, while MkDocs
        # starts and this process makes the other pages. The first background process makes
        # them and hands them over in a file, not one more process: each forked process
        # counts this one's memory once more (10k: a process of its own for the pages took
        # the build's summed RSS from 0.96 to 1.12 GB), and it would hold them until read.
        info = build_info(config.root)
        site_url = cfg.site_url or ""
        job = SideFiles(side_files(config, result, site_url, info), tile_origin(config.tiles),
                        staging, first=lambda: _early_files(config, result, site_url))
        _planned[config.root] = _Plan(result, side_files=False, info=info, early=job)
        cfg.plugins.on_startup(command="build", dirty=False)
        try:
            build(cfg)
        finally:
            cfg.plugins.on_shutdown()
        job.finish(tmp)
    except (MkDocsException, RecordErrors, RuntimeError) as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        print(f"Situs tidak dibangun: {exc}", file=sys.stderr)
        return 1
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        if job:
            job.cancel()
        shutil.rmtree(staging, ignore_errors=True)
        _planned.pop(config.root, None)
        if saved_epoch is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = saved_epoch
    public_modes(tmp)
    _swap(tmp, target)
    print(f"Situs dibangun: {target} ({len(result.facilities)} fasilitas).", file=sys.stderr)
    return 0


def serve_site(config: Config, dev_addr: str) -> int:
    from mkdocs.exceptions import MkDocsException

    from .serve import serve

    _mkdocs_logging()
    try:
        # dirty builds: MkDocs renders only the pages the hook marks as changed, in two
        # passes after a saved record (petakla.preview, petakla.rebuild)
        serve(config_file=str(config.root / "mkdocs.yml"), dev_addr=dev_addr)
    except MkDocsException as exc:
        print(f"Pratinjau berhenti: {exc}", file=sys.stderr)
        return 1
    return 0
