"""The build's shortcuts for large sites give exactly what the long way gives: HTML-only pages
skip the Markdown pass (pages.HtmlOnly), pages outside the navigation share one rendering of
the navigation, header, styles, scripts and footer (petakla.blockmemo), the search plugin
reads pages without the lists it leaves out of its index (petakla.searchinput), and posters
and downloads are made by background processes (background.SideFiles)."""

from __future__ import annotations

import hashlib
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from hypothesis import given
from hypothesis import strategies as st
from mkdocs.config import load_config as mkdocs_config
from mkdocs.utils.meta import get_data

from petakla.background import SideFiles
from petakla.config import load_config
from petakla.csp import tile_origin
from petakla.pages import HtmlOnly
from petakla.pipeline import check
from petakla.poster import posters
from petakla.site import build_site, generate, side_files

# the KLA report's files that build_site() makes in the background (laporan_side_files)
LAPORAN_SIDE = {"laporan/laporan-kla.xlsx", "laporan/cetak.html", "laporan/indikator.csv",
                "laporan/kelurahan-indikator.csv", "laporan/fasilitas-indikator.csv",
                "laporan/terlindung-kecamatan.csv", "laporan/mutu-data.csv"}


def digest(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


class _Events(HTMLParser):
    """An HTML document as a list of (start/end/text, tag, attributes), whitespace-only text
    left out: two documents that differ only in the spacing between blocks compare equal."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[tuple] = []

    def handle_starttag(self, tag, attrs):
        self.events.append(("start", tag, tuple(attrs)))

    def handle_endtag(self, tag):
        self.events.append(("end", tag))

    def handle_data(self, data):
        if data.strip():
            self.events.append(("text", data))


def events(html: str) -> list[tuple]:
    parser = _Events()
    parser.feed(html)
    parser.close()
    return parser.events


@pytest.fixture(scope="module")
def generated(fixture_site) -> dict:
    return generate(load_config(fixture_site.root), site_url=fixture_site.url)


def test_html_only_pages_are_what_python_markdown_makes_of_them(fixture_site, generated):
    cfg = mkdocs_config(config_file=str(fixture_site.root / "mkdocs.yml"))
    pages = {uri: text for uri, text in generated.items() if isinstance(text, HtmlOnly)}
    # every facility page, the kecamatan pages and their text lists, the category pages
    facility_pages = [uri for uri in pages if uri.startswith("fasilitas/")]
    facilities = check(load_config(fixture_site.root)).facilities
    assert len(facility_pages) == sum(not f.protected for f in facilities)
    assert {uri.split("/")[0] for uri in pages} == {"fasilitas", "kecamatan", "kategori"}
    for uri, text in pages.items():
        body, meta = get_data(text)  # as MkDocs reads any page
        assert (body.strip(), meta) == (text[text.body_start:], text.meta), uri
        md = markdown.Markdown(extensions=cfg["markdown_extensions"],
                               extension_configs=cfg["mdx_configs"])
        converted = md.convert(body)
        assert events(converted) == events(text[text.body_start:]), uri
        assert converted.count("<") == body.count("<"), uri  # Markdown added no element


def test_the_navigation_shortcut_leaves_every_page_byte_identical(fixture_site, tmp_path,
                                                                  monkeypatch):
    from petakla.blockmemo import TitledMemo

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    config = load_config(fixture_site.root)
    titles = []
    get = TitledMemo.get

    def counting(self, key, title):
        titles.append(title)
        return get(self, key, title)

    monkeypatch.setattr(TitledMemo, "get", counting)
    assert build_site(config, site_dir=tmp_path / "memo") == 0
    assert len(set(titles)) >= 4  # headers reused with other titles
    monkeypatch.setenv("PETAKLA_NAV_MEMO", "0")
    assert build_site(config, site_dir=tmp_path / "full") == 0
    memo, full = digest(tmp_path / "memo"), digest(tmp_path / "full")
    facility_pages = [n for n in memo if n.startswith("fasilitas/") and n.endswith("index.html")]
    assert len(facility_pages) >= 5  # the memo is used: one rendering, four reuses
    assert memo.keys() == full.keys()
    assert [name for name in memo if memo[name] != full[name]] == []


def test_raw_html_blocks_set_aside_leave_every_page_byte_identical(fixture_site, tmp_path,
                                                                    monkeypatch):
    """petakla.rawblocks: the report, quality and coverage pages' tables skip Markdown."""
    import petakla.rawblocks as rawblocks

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setattr(rawblocks, "MIN_CHARS", 200)  # the fixture's tables are small
    config = load_config(fixture_site.root)
    set_aside = {}
    split = rawblocks.split

    def counting(text):
        skeleton, blocks = split(text)
        set_aside[len(set_aside)] = len(blocks)
        return skeleton, blocks

    monkeypatch.setattr(rawblocks, "split", counting)
    assert build_site(config, site_dir=tmp_path / "short") == 0
    assert sum(set_aside.values()) >= 10  # the shortcut is used
    monkeypatch.setenv("PETAKLA_RAW_BLOCKS", "0")
    assert build_site(config, site_dir=tmp_path / "long") == 0
    short, long = digest(tmp_path / "short"), digest(tmp_path / "long")
    assert short.keys() == long.keys()
    assert [name for name in short if short[name] != long[name]] == []


def test_search_reads_less_and_leaves_the_index_and_every_page_byte_identical(
        fixture_site, tmp_path, monkeypatch):
    """petakla.searchinput: the search plugin reads the excluded lists emptied, and nothing of
    the pages it leaves out of its index (the facility pages)."""
    import json

    import petakla.searchinput as searchinput

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    config = load_config(fixture_site.root)
    emptied = []
    for_search = searchinput.for_search

    def counting(html):
        shorter = for_search(html)
        emptied.append(len(html) - len(shorter))
        return shorter

    for_page = searchinput.for_page
    unread = []

    def counting_pages(html, meta):
        given = for_page(html, meta)
        unread.append(given == "")
        return given

    monkeypatch.setattr(searchinput, "for_search", counting)
    monkeypatch.setattr(searchinput, "for_page", counting_pages)
    assert build_site(config, site_dir=tmp_path / "short") == 0
    assert len(emptied) >= 3 and min(emptied) > 0  # /mutu/, /laporan/, /cakupan/
    facilities = sum(not f.protected for f in check(config).facilities)
    assert sum(unread) >= facilities  # pages left out of search: the plugin reads nothing
    monkeypatch.setenv("PETAKLA_SEARCH_INPUT", "0")
    assert build_site(config, site_dir=tmp_path / "long") == 0
    short, long = digest(tmp_path / "short"), digest(tmp_path / "long")
    assert short.keys() == long.keys()
    assert [name for name in short if short[name] != long[name]] == []
    index = json.loads((tmp_path / "short" / "search" / "search_index.json").read_text("utf-8"))
    assert any(d["location"] == "mutu/" for d in index["docs"])


def test_compiled_templates_kept_between_builds_change_nothing(fixture_site, tmp_path,
                                                               monkeypatch):
    """petakla.templatecache: a cold cache, a warm one (nothing compiled again) and none give
    byte-identical sites."""
    from jinja2 import FileSystemBytecodeCache

    from petakla import pages

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    config = load_config(fixture_site.root)
    cache = tmp_path / "cache"
    cache.mkdir()
    load = FileSystemBytecodeCache.load_bytecode
    reused: dict[str, int] = {}

    def counting(self, bucket):
        load(self, bucket)
        reused[name] = reused.get(name, 0) + (bucket.code is not None)

    monkeypatch.setattr(FileSystemBytecodeCache, "load_bytecode", counting)
    digests, stored = {}, {}
    try:
        for name, where in (("cold", str(cache)), ("warm", str(cache)), ("none", "0")):
            monkeypatch.setenv("PETAKLA_TEMPLATE_CACHE", where)
            pages._env.cache_clear()  # the project's templates: one environment per process
            assert build_site(config, site_dir=tmp_path / name) == 0
            digests[name] = digest(tmp_path / name)
            if name == "cold":
                stored = {p.name: p.stat().st_mtime_ns for p in cache.iterdir()}
    finally:
        pages._env.cache_clear()
    assert len(stored) >= 40  # Material's templates and the project's
    # (templates loaded only by the forked page maker are counted in that process)
    assert reused["warm"] >= 40 > reused.get("cold", 0) and "none" not in reused
    assert {p.name: p.stat().st_mtime_ns for p in cache.iterdir()} == stored  # none compiled again
    assert digests["cold"] == digests["warm"] == digests["none"]


def _index(html: str) -> list[tuple]:
    from material.plugins.search.plugin import Parser

    parser = Parser()
    parser.feed(html)
    parser.close()
    return [(s.id, s.title, s.text, s.depth) for s in parser.data if not s.is_excluded()]


_LIST = '<ul class="x" data-search-exclude><li><a href="#a">A</a> <br>satu</li><li>dua</li></ul>'


@pytest.mark.parametrize("html, emptied", [
    (f"<h1 id='j'>J</h1><p>a</p>\n{_LIST}\n<p>b</p>", True),
    (f"<p>a</p>{_LIST}{_LIST}<h2 id='k'>K</h2><p>c</p>", True),
    ('<p>a</p><table data-search-exclude="1"><tr><td>x</td></tr></table>x', True),
    # the plugin's own quirks, where emptying would change its index: left alone
    ("<p>a</p><div data-search-exclude><div>x</div>y</div>z", False),  # y is indexed
    ("<p>a</p><div data-search-exclude><h2 id='d'>D</h2>x</div>y", False),
    ("<p>a</p><div data-search-exclude><p>x</div>y", False),
    ("<p>a</p><div data-search-exclude><!-- c -->x</div>y", False),
    ("<p>a</p><div data-search-exclude><script>x</script></div>y", False),
    ("<p>a</p><div data-search-exclude>1 < 2</div>y", False),
    ("<p>a</p><div data-search-exclude><b>x</div>y", False),
    # not the attribute: text, or inside another attribute's value
    ('<p title="a data-search-exclude b">data-search-exclude</p><div>x</div>', False),
    ("<p>a</p><img data-search-exclude src=x>y", False),
])
def test_search_input_gives_the_search_plugin_the_same_index(html, emptied):
    from petakla.searchinput import for_search

    shorter = for_search(html)
    assert (shorter != html) == emptied
    assert _index(shorter) == _index(html)


@given(st.text(alphabet='id="x_é -<>', max_size=40))
def test_html_ids_finds_what_the_word_boundary_regex_finds(text):
    import re

    from petakla.pages import html_ids

    assert html_ids(text) == re.findall(r'\bid="([^"]+)"', text)


def test_raw_html_blocks_keep_the_anchors_mkdocs_collects():
    from mkdocs.structure.pages import _HTMLHandler

    from petakla.rawblocks import anchors, split

    block = ('<table id="t1" class="x">\n<tr><td><a name="baris-2" href="#t1">a</a>'
             "<span id='s&amp;1' title=\"x\">b</span></td></tr>\n" + "<tr></tr>" * 300
             + "\n</table>")
    text = f"# Judul\n\nTeks *biasa*.\n\n{block}\n\n## Lagi\n"
    skeleton, blocks = split(text)
    assert blocks == [block] and block not in skeleton
    parser = _HTMLHandler()
    parser.feed(block)
    parser.close()
    assert anchors(blocks) == parser.present_anchor_ids == {"t1", "baris-2", "s&1"}


def test_files_made_in_the_background_are_the_ones_generate_makes(fixture_site, generated):
    """Posters, downloads and the records' own files for the form (tambah/asli/)."""
    config = load_config(fixture_site.root)
    made = {uri: text for uri, text in generated.items()
            if uri.endswith("/poster.html")
            or uri.startswith(("data/fasilitas", "tambah/asli/"))}
    assert sum(uri.startswith("tambah/asli/") for uri in made) >= 5  # the records' own files
    assert {u for u in made if u.endswith("/poster.html")} == set(
        posters(check(config).facilities, fixture_site.url, config.judul, config.kota_nama))
    assert {u for u in made if u.startswith("data/")} == {
        "data/fasilitas.geojson", "data/fasilitas.csv", "data/fasilitas.kml",
        "data/fasilitas.osm", "data/fasilitas-osm.geojson"}
    assert len(made) >= 8
    for uri, content in made.items():
        if uri.endswith(".html"):
            assert content.count('http-equiv="Content-Security-Policy"') == 1, uri
        data = (content.encode("utf-8") if isinstance(content, str)
                else content.read_bytes() if isinstance(content, Path) else content)
        assert (fixture_site.site / uri).read_bytes() == data, uri  # build_site's, in the background


def test_report_files_made_in_the_background_are_the_ones_generate_makes(fixture_site, tmp_path,
                                                                         monkeypatch):
    """The KLA report's workbook (its timestamps too), CSV files and print version: one date
    (SOURCE_DATE_EPOCH, as a build from a git checkout has) for both ways."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    config = load_config(fixture_site.root)
    assert build_site(config, site_dir=tmp_path / "site") == 0
    long_way = generate(config)
    assert long_way.keys() >= LAPORAN_SIDE
    for uri in LAPORAN_SIDE:
        content = long_way[uri]
        data = content.encode("utf-8") if isinstance(content, str) else content
        assert len(data) > 100, uri
        assert (tmp_path / "site" / uri).read_bytes() == data, uri


def test_pages_made_by_another_process_are_what_generate_makes(fixture_site, generated,
                                                                tmp_path):
    """build_site() has the coverage page, its charts and the facility pages made by the first
    background process before its own files (SideFiles(first=)): the same as generate()
    makes in one process."""
    from petakla.site import _early_files

    config = load_config(fixture_site.root)
    result = check(config)
    job = SideFiles([lambda: {}], tile_origin(config.tiles), tmp_path,
                    first=lambda: _early_files(config, result, fixture_site.url))
    assert job.procs and job.signal >= 0  # forked, with a pipe to hear back on
    made = job.first_result()
    assert not (tmp_path / "first.pickle").exists()  # handed over, then removed
    job.wait()
    assert any(uri.endswith(".svg") for uri in made) and "cakupan/index.md" in made
    assert sum(uri.startswith("fasilitas/") for uri in made) >= 5
    for uri, content in made.items():
        assert content == generated[uri] and type(content) is type(generated[uri]), uri
    assert [getattr(made[u], "meta", None) for u in made] == [
        getattr(generated[u], "meta", None) for u in made]


def test_pages_the_background_process_could_not_make_are_made_here(tmp_path):
    """If the first background process fails to make `first`, or never says (killed), the
    build makes it itself; the other files are still made."""
    def failing() -> dict:
        raise ValueError("gagal")

    job = SideFiles([lambda: {"a.txt": "a"}], "", tmp_path, first=failing)
    with pytest.raises(ValueError, match="gagal"):  # made here: the error is the build's
        job.first_result()
    job.finish(tmp_path / "site")
    assert (tmp_path / "site" / "a.txt").read_text() == "a"
    slow = SideFiles([lambda: {}], "", tmp_path, first=lambda: __import__("time").sleep(60))
    slow.procs[0].kill()
    slow.procs[0].join()
    slow.first = lambda: {"b.txt": "b"}
    assert slow.first_result() == {"b.txt": "b"}
    slow.cancel()


def test_a_background_process_that_fails_fails_the_build_step(fixture_site, tmp_path):
    config = load_config(fixture_site.root)
    tasks = side_files(config, check(config), fixture_site.url)
    job = SideFiles(tasks, tile_origin(config.tiles), tmp_path / "missing-folder")
    with pytest.raises(RuntimeError, match="gagal dibuat"):
        job.wait()


def test_without_fork_the_side_files_are_made_in_finish(fixture_site, tmp_path, monkeypatch):
    import petakla.background as background

    monkeypatch.setattr(background, "can_fork", lambda: False)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # the workbook's timestamps
    config = load_config(fixture_site.root)
    generated = generate(config, site_url=fixture_site.url)
    (tmp_path / "staging").mkdir()
    job = SideFiles(side_files(config, check(config), fixture_site.url),
                    tile_origin(config.tiles), tmp_path / "staging")
    assert job.procs == []
    job.finish(tmp_path / "site")
    made = sorted(p.relative_to(tmp_path / "site").as_posix()
                  for p in (tmp_path / "site").rglob("*") if p.is_file())
    assert len(made) >= 15
    assert any(uri.startswith("tambah/asli/") for uri in made)
    for uri in made:
        content = generated[uri]
        data = (content.encode("utf-8") if isinstance(content, str)
                else content.read_bytes() if isinstance(content, Path) else content)
        assert (tmp_path / "site" / uri).read_bytes() == data, uri


@pytest.mark.parametrize("html, meta, unread", [
    ("<h1 id='a'>A</h1><p>x</p>", {"search": {"exclude": True}}, True),
    # the plugin would take its attributes out of the page: it reads it
    ('<p data-search-exclude="1">x</p><h2 id="b">B</h2>', {"search": {"exclude": True}}, False),
    ('<p data-search-boost="2">x</p>', {"search": {"exclude": True}}, False),
    ("<h1 id='a'>A</h1><p>x</p>", {"search": {"exclude": False}}, False),
    ("<h1 id='a'>A</h1><p>x</p>", {"search": {"boost": 2}}, False),
    ("<h1 id='a'>A</h1><p>x</p>", {}, False),
])
def test_a_page_left_out_of_search_is_not_read_unless_the_plugin_would_change_it(
        html, meta, unread):
    import re

    from material.plugins.search.plugin import SearchIndex

    from petakla.searchinput import PLUGIN_REMOVES, for_page

    given = for_page(html, meta)
    assert (given == "") == unread
    if unread:  # what the plugin does with the page: nothing to the index, nothing to it
        page = type("P", (), {"meta": meta, "content": html, "toc": [], "url": "a/"})()
        index = SearchIndex()
        index.add_entry_from_context(page)
        assert index.entries == [] and re.sub(PLUGIN_REMOVES, "", html) == html


def test_a_header_is_reused_only_for_a_title_put_where_the_first_one_was():
    from petakla.blockmemo import TitledMemo

    header = ('<header><a title="Peta">Peta</a><div class="md-header__topic" '
              'data-md-component="header-topic">\n  <span class="md-ellipsis">\n    Peta\n'
              '  </span>\n</div></header>')
    memo = TitledMemo()
    assert memo.put("k", "Peta", header) == header
    assert memo.has("k", "Taman A") and memo.get("k", "Taman A") == header.replace(
        "    Peta\n", "    Taman A\n")
    # a title that escaping would change, a missing or empty one: rendered anew
    assert not memo.has("k", "A & B") and not memo.has("k", None) and not memo.has("k", "")
    assert not memo.has(None, "Taman A") and not memo.has("other", "Taman A")
    odd = TitledMemo()  # the title is not where Material puts it: never reused
    odd.put("k", "Lain", header)
    assert not odd.has("k", "Taman A")
    twice = TitledMemo()
    twice.put("k", "Peta", header + header)
    assert not twice.has("k", "Taman A")
