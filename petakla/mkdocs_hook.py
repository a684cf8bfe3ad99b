"""Thin MkDocs hook: adds the pipeline's generated files to the build, and makes
`mkdocs serve` rebuild when records or the package's data change. All logic is in site.py."""

from __future__ import annotations

import logging
import os
import posixpath
import shutil
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import CombinedEvent, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc
from mkdocs.utils import clean_directory, get_build_date

from petakla import rawblocks, searchinput
from petakla.blockmemo import TitledMemo
from petakla.config import load_config
from petakla.csp import add_csp, tile_origin
from petakla.form import FORM_ORIGINALS
from petakla.pages import HtmlOnly, html_ids
from petakla.preview import inputs, inputs_key, keep_compiled_templates, preview_of
from petakla.rebuild import Interrupted, tracked
from petakla.site import (
    RecordErrors,
    generate,
    preview_files,
    preview_side_files,
    site_description,
    with_error_banner,
)
from petakla.templatecache import template_cache


class _HtmlPage(Page):
    """A page whose Markdown body is raw HTML only (pages.HtmlOnly): Python-Markdown would
    output it unchanged, so it is used as is, with the front matter the generator already
    has. Skipping the Markdown pass (and the two HTML parses in it) and the YAML parse is
    most of the build time saved at 10,000 facility pages."""

    def read_source(self, config) -> None:
        source = self.file.content_string
        if not isinstance(source, HtmlOnly):  # changed by another plugin: the usual way
            return super().read_source(config)
        self.markdown, self.meta = source[source.body_start:], dict(source.meta)

    def render(self, config, files) -> None:
        self.content = self.markdown
        self.toc = get_toc([])
        self.present_anchor_ids = set(html_ids(self.content))
        self.links_to_anchors = {}


THEME_DIR = Path(__file__).parent / "theme"


def on_config(config):
    # Our main.html (block memos, see _nav_key) goes before Material's own templates.
    if str(THEME_DIR) not in config.theme.dirs:
        config.theme.dirs.insert(0, str(THEME_DIR))
    # The site's name is the configured city's (another city changes only [tool.petakla]).
    project = load_config(_project(config))
    config.site_name = project.judul
    config.site_description = site_description(project)
    return config


def _nav_key(page, block: str) -> str | None:
    """Which pages share a block's HTML: pages outside the navigation with an HTML-only body
    (no table of contents) and no `hide`, in the same parent folder (`fasilitas/<id>/`:
    every relative link to a navigation page is the same). PETAKLA_NAV_MEMO=0 renders every
    page in full (the test compares both)."""
    if (not isinstance(page, _HtmlPage) or page.file.inclusion.is_in_nav() or page.meta.get("hide")
            or os.environ.get("PETAKLA_NAV_MEMO") == "0"):
        return None
    return f"{block}:{posixpath.dirname(page.url.rstrip('/'))}"


def on_env(env, config, files):
    # fresh memos every build (petakla/blockmemo.py)
    env.globals.update(pk_nav_memo={}, pk_titled=TitledMemo(), pk_nav_key=_nav_key)
    env.bytecode_cache = template_cache()  # the theme's templates compiled once, not per build
    return env


def _project(config) -> Path:
    return Path(config.config_file_path).resolve().parent


_tiles: dict[str, str] = {}  # config file -> tile server origin, read once per build


_serving = False
_incremental = False  # `serve` with MkDocs' dirty builds (build_map.py serve): petakla.preview
_record_errors: dict[str, list] = {}  # config file -> errors the preview shows in its pages
_results: dict[str, object] = {}  # config file -> the check result the preview's files are of


def _not_the_dirty_notice(record: logging.LogRecord) -> bool:
    """MkDocs warns that a dirty build may leave navigation stale: the preview makes every
    page whose bytes change and rebuilds in full when anything but a record changes, and the
    warning would stop the build in strict mode."""
    return not record.getMessage().startswith("A 'dirty' build is being performed")


def on_startup(command, dirty):
    global _serving, _incremental
    _serving = command == "serve"
    _incremental = _serving and dirty
    if _incremental:
        logging.getLogger("mkdocs.commands.build").addFilter(_not_the_dirty_notice)
        keep_compiled_templates()


def _true() -> bool:
    return True


def _false() -> bool:
    return False


def on_pre_build(config):
    if not _incremental:
        return
    project = load_config(_project(config))
    state = preview_of(project.root)
    state.background.stop()  # an older build's downloads are not written over this one's
    extra = [project.geocode_cache]
    if project.batas_kelurahan:
        extra.append(project.root / project.batas_kelurahan)
    if state.begin(inputs_key(inputs(project.root, extra))):
        clean_directory(config.site_dir)  # a full rebuild: nothing stale survives


def on_files(files: Files, config) -> Files:
    project = load_config(_project(config))
    _tiles[config.config_file_path] = tile_origin(project.tiles)
    state = preview_of(project.root) if _incremental else None
    if _serving:  # keep serving (the last good data) with the errors shown in every page
        generated, problems, _results[config.config_file_path] = preview_files(
            project, site_url=config.site_url or "", state=state)
        _record_errors[config.config_file_path] = problems
        for problem in problems:  # not logged: strict would stop
            print(problem.format(), file=sys.stderr)
        if state is not None:
            state.shown_errors(problems)
            if not state.quick:  # a quick pass has compared what it made (petakla.rebuild)
                state.compare(generated, {f.id: f for f in
                                          _results[config.config_file_path].facilities})
            if state.full:
                for f in files:  # hand-written pages and theme files too
                    f.is_modified = _true
            elif state.quick and state.same_pages:  # the same pages: the same sitemap and 404
                config.theme.static_templates.difference_update({"sitemap.xml", "404.html"})
    else:
        try:
            generated = generate(project, site_url=config.site_url or "")
        except RecordErrors as exc:
            raise PluginError(f"data fasilitas bermasalah:\n{exc}") from None
    made: dict[str, tuple] = {}
    last = _made.get(config.config_file_path, {}) if state is not None else {}
    today = get_build_date()
    for uri, content in sorted(generated.items()):
        # Facility pages are reached from lists and the map, never through the site navigation
        # (thousands of nav entries make Material's build minutes long).
        inclusion = (InclusionLevel.NOT_IN_NAV if uri.endswith(".md") and uri.count("/") >= 1
                     and not uri.endswith("/index.md") else InclusionLevel.UNDEFINED)
        if state is not None and not uri.endswith(".md"):
            # the preview writes these itself, whole (MkDocs writes a text file in place)
            if state.is_modified(uri):
                _write(Path(config.site_dir) / uri, content)
            if uri.startswith(_PER_RECORD):  # no page links to them: MkDocs need not know
                continue
        if state is not None and (not uri.endswith(".md")
                                  or inclusion is InclusionLevel.NOT_IN_NAV):
            kept = _kept_file(last.get(uri), content, state.is_modified(uri), today)
            if kept is not None:
                if uri in files.src_uris:
                    files.remove(files.get_file_from_path(uri))
                made[uri] = (content, kept)
                files.append(kept)
                continue
        if isinstance(content, Path):
            f = File.generated(config, uri, abs_src_path=str(content), inclusion=inclusion)
        else:
            f = File.generated(config, uri, content=content, inclusion=inclusion)
        if uri in files.src_uris:
            files.remove(files.get_file_from_path(uri))
        files.append(f)
        if state is not None:
            f.is_modified = _true if state.is_modified(uri) and uri.endswith(".md") else _false
        if isinstance(content, HtmlOnly):
            _HtmlPage(None, f, config)  # becomes f.page; MkDocs then makes no Page of its own
        made[uri] = (content, f)
    if state is not None:
        _made[config.config_file_path] = made
    return files


_made: dict[str, dict[str, tuple]] = {}  # config file -> site path -> (content, File), serve
# Per-record files (posters, the form's copies of the records): 20,000 of the 30,000 generated
# files at 10,000 facilities, which MkDocs' every loop over its files would go through.
_PER_RECORD = (f"{FORM_ORIGINALS}/", "fasilitas/")


def _write(target: Path, content) -> None:
    """A generated file written beside and renamed over the served one."""
    target.parent.mkdir(parents=True, exist_ok=True)
    part = target.with_name(f".{target.name}.part")
    if isinstance(content, Path):
        shutil.copyfile(content, part)
    else:
        part.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    os.replace(part, target)


def _kept_file(last: tuple | None, content, modified: bool, today: str) -> File | None:
    """The last build's File (and page) of an unchanged generated file outside the navigation:
    at 10,000 facilities making 30,000 File and 10,000 Page objects anew took seconds of every
    preview rebuild."""
    if modified or last is None or not (last[0] is content or (isinstance(content, Path)
                                                               and last[0] == content)):
        return None
    f = last[1]
    f.is_modified = _false
    if f.page is not None:
        f.page.update_date = today
    return f


_raw_blocks: dict[str, list[str]] = {}  # page src_uri -> its raw HTML blocks set aside


def on_page_markdown(markdown: str, page, config, files) -> str:
    """A generated page's large raw HTML blocks skip the Markdown pass (petakla.rawblocks)."""
    if (isinstance(page, _HtmlPage) or page.file.generated_by is None
            or not rawblocks.enabled()):
        return markdown
    skeleton, blocks = rawblocks.split(markdown)
    if not blocks:
        return markdown
    _raw_blocks[page.file.src_uri] = blocks
    return skeleton


def on_page_content(html: str, page, config, files) -> str:
    blocks = _raw_blocks.pop(page.file.src_uri, None)
    if blocks is None:
        return html
    restored = rawblocks.restore(html, blocks)
    if restored is None:  # Markdown changed a placeholder: never seen; fail rather than differ
        raise PluginError(f"{page.file.src_uri}: raw HTML block placeholder not found")
    page.present_anchor_ids = (page.present_anchor_ids or set()) | rawblocks.anchors(blocks)
    return restored


_full_content: dict[str, tuple[str, str]] = {}  # page src_uri -> (content, what search reads)


@event_priority(50)  # before the search plugin reads the page
def _search_reads_less(context, page, config, nav):
    """The search plugin reads a generated page without the inside of the elements it would
    parse and leave out of its index, or nothing of a page it neither indexes nor changes
    (petakla.searchinput); the page keeps them."""
    content = page.content
    if page.file.generated_by is not None and content and searchinput.enabled():
        shorter = searchinput.for_page(content, page.meta)
        if shorter is not content:
            _full_content[page.file.src_uri] = (content, shorter)
            page.content = shorter
    return context


@event_priority(-50)  # after the search plugin
def _page_context(context, page, config, nav):
    kept = _full_content.pop(page.file.src_uri, None)
    if kept is not None:
        content = searchinput.restored(page.content, *kept)
        if content is None:  # another plugin changed the page meanwhile: fail rather than differ
            raise PluginError(f"{page.file.src_uri}: page changed while the search index read it")
        page.content = content
    if _incremental:
        state = preview_of(_project(config))
        if not state.full and not state.quick and state.interrupt():
            raise Interrupted  # a newer save waits (petakla.rebuild): this pass stops here
        state.rendered.add(page.url)
    return context


on_page_context = CombinedEvent(_search_reads_less, _page_context)


@event_priority(100)  # before the search plugin writes its index
def on_post_build(config):
    if not _incremental:
        return
    root = _project(config)
    state = preview_of(root)
    site = Path(config.site_dir)
    for uri in state.removed:  # a removed record's page and poster
        target = site / (uri[:-3] + "/index.html" if uri.endswith(".md") else uri)
        target.unlink(missing_ok=True)
    _merge_search_index(config, state)
    state.commit()
    if state.quick:  # the catch-up pass comes next and makes the downloads
        return
    project = load_config(root)
    tiles = tile_origin(project.tiles)
    state.background.start(
        preview_side_files(project, _results[config.config_file_path], config.site_url or ""),
        lambda uri, content: add_csp(content, tiles) if uri.endswith(".html")
        and isinstance(content, str) else content, site)


def _merge_search_index(config, state) -> None:
    """Material's search keeps, in a dirty build, the last index and replaces the entries of
    one page; the preview renders several: the entries of every page rendered now replace
    theirs, the others stay."""
    search = config.plugins.get("material/search")
    if search is None or getattr(search, "search_index_prev", None) is None:
        return
    if state.full:  # every page was rendered: the index is this build's alone
        search.search_index_prev = None
        return
    kept = [e for e in search.search_index_prev.entries
            if e["location"].split("#")[0] not in state.rendered]
    search.search_index.entries = kept + search.search_index.entries
    search.search_index_prev = None  # its own merge is for one page


# Material's search dialog has no accessible name (axe: aria-dialog-name); name it here
# rather than copying the theme's template into an override.
_SEARCH_DIALOG = '<div class="md-search" data-md-component="search" role="dialog">'
_SEARCH_DIALOG_NAMED = ('<div class="md-search" data-md-component="search" role="dialog" '
                        'aria-label="Pencarian situs">')


def on_post_page(output: str, page, config) -> str:
    """Every page gets the same kind of CSP as the map documents (see petakla/csp.py)."""
    output = output.replace(_SEARCH_DIALOG, _SEARCH_DIALOG_NAMED, 1)
    output = with_error_banner(output, _record_errors.get(config.config_file_path, []))
    tiles = _tiles.get(config.config_file_path) or tile_origin(load_config(_project(config)).tiles)
    return add_csp(output, tiles)


def on_post_template(output: str, template_name: str, config) -> str:
    """Theme pages that are not Markdown pages (404.html) get the same CSP."""
    if not template_name.endswith(".html"):
        return output
    tiles = _tiles.get(config.config_file_path) or tile_origin(load_config(_project(config)).tiles)
    return add_csp(output, tiles)


def on_serve(server, config, builder):
    for path in tracked(_project(config)):
        if path.exists():
            server.watch(str(path))
    return server
