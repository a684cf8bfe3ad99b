"""The live preview's incremental rebuilds (petakla.preview, MkDocs' dirty builds of `serve`)
make exactly what a full build makes: after a saved record, every file of the served folder is
byte-identical to a full build's of the same records (the search index: the same entries);
a changed configuration rebuilds every page; a removed record's pages go."""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from pathlib import Path

import pytest
from helpers_site import make_project
from mkdocs.commands.build import build
from mkdocs.config import load_config as mkdocs_config

from petakla.preview import preview_of

SERVE_URL = "http://127.0.0.1:8000/"
SEARCH_INDEX = "search/search_index.json"


def _build(root: Path, site: Path, dirty: bool) -> None:
    """What `serve` does per change: a fresh MkDocs configuration, then a build (dirty for
    build_map.py serve; the hook's side files are joined so the folder is complete)."""
    cfg = mkdocs_config(config_file=str(root / "mkdocs.yml"), site_dir=str(site))
    cfg.site_url = SERVE_URL
    cfg.plugins.on_startup(command="serve", dirty=dirty)
    if not dirty:  # MkDocs keeps the search plugin between builds in one process: a full
        cfg.plugins["material/search"].search_index_prev = None  # build starts afresh
    build(cfg, serve_url=SERVE_URL, dirty=dirty)
    preview_of(root).background.join()


def _files(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


def _search_entries(site: Path) -> list[str]:
    data = json.loads((site / SEARCH_INDEX).read_text(encoding="utf-8"))
    return sorted(json.dumps(e, sort_keys=True, ensure_ascii=False) for e in data["docs"])


@pytest.fixture
def project(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # the workbook's timestamps
    return make_project(tmp_path / "proyek")


def _edit_name(record: Path, new: str) -> str:
    text = record.read_text(encoding="utf-8")
    old = re.search(r"(?m)^nama: *(.+)$", text)[1].strip().strip('"')
    record.write_text(re.sub(r"(?m)^nama:.*$", f'nama: "{new}"', text, count=1),
                      encoding="utf-8")
    time.sleep(0.01)
    return old


def test_after_a_saved_record_the_preview_equals_a_full_build(project, tmp_path):
    served = tmp_path / "served"
    _build(project, served, dirty=True)
    assert preview_of(project).full
    record = sorted((project / "facilities").glob("*.yml"))[0]
    old = _edit_name(record, "Nama Baru Hasil Suntingan")
    _build(project, served, dirty=True)
    state = preview_of(project)
    assert not state.full
    # only what the record touches was made anew: its page and poster, its kecamatan and
    # kategori pages, the map data, the pages that count or list it — not every facility's
    page = f"fasilitas/{record.stem}.md"
    assert page in state.changed and f"fasilitas/{record.stem}/poster.html" in state.changed
    assert "peta/fasilitas.json" in state.changed
    others = [u for u in state.built if u.startswith("fasilitas/") and u.endswith(".md")
              and u != page]
    assert others and not state.changed & set(others)
    assert f"{SERVE_URL}fasilitas/{record.stem}/".removeprefix(SERVE_URL) in state.rendered
    assert not state.rendered & {o.removesuffix(".md") + "/" for o in others}
    # a full build of the same records, from scratch
    full = tmp_path / "full"
    _build(project, full, dirty=False)
    incremental, complete = _files(served), _files(full)
    assert incremental.keys() == complete.keys()
    differ = [name for name in complete if incremental[name] != complete[name]]
    assert differ in ([], [SEARCH_INDEX])  # the index lists the same entries in another order
    assert _search_entries(served) == _search_entries(full)
    html = (served / "fasilitas" / record.stem / "index.html").read_text(encoding="utf-8")
    assert "Nama Baru Hasil Suntingan" in html and old not in html
    assert (served / "data" / "fasilitas.csv").read_bytes() == (full / "data" /
                                                                "fasilitas.csv").read_bytes()


def test_a_removed_record_leaves_the_preview(project, tmp_path):
    served = tmp_path / "served"
    _build(project, served, dirty=True)
    record = sorted((project / "facilities").glob("*.yml"))[-1]
    assert (served / "fasilitas" / record.stem / "index.html").is_file()
    record.unlink()
    _build(project, served, dirty=True)
    assert not preview_of(project).full
    assert not (served / "fasilitas" / record.stem / "index.html").exists()
    assert not (served / "fasilitas" / record.stem / "poster.html").exists()
    full = tmp_path / "full"
    _build(project, full, dirty=False)
    assert _files(served).keys() == _files(full).keys()


def test_a_changed_configuration_rebuilds_every_page(project, tmp_path):
    served = tmp_path / "served"
    _build(project, served, dirty=True)
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    text, n = re.subn(r'(?m)^judul\s*=.*$', 'judul = "Peta Uji Pratinjau"', text)
    assert n == 1
    pyproject.write_text(text, encoding="utf-8")
    _build(project, served, dirty=True)
    assert preview_of(project).full
    # a facility page no record change touched carries the new site name
    untouched = sorted((served / "fasilitas").glob("*/index.html"))[0]
    assert "Peta Uji Pratinjau" in untouched.read_text(encoding="utf-8")
    full = tmp_path / "full"
    _build(project, full, dirty=False)
    incremental, complete = _files(served), _files(full)
    assert incremental.keys() == complete.keys()
    assert [n for n in complete if incremental[n] != complete[n]] == []


def test_a_changed_vocabulary_or_template_rebuilds_everything(project, tmp_path, monkeypatch):
    """The package's vocabularies and templates are inputs too: a changed stamp makes the
    next build a full one (here the stamp of one template, its bytes unchanged)."""
    import petakla.preview as preview

    served = tmp_path / "served"
    _build(project, served, dirty=True)
    template = preview.PACKAGE / "templates" / "fasilitas.md.j2"
    assert template in preview.inputs(project)
    assert (preview.PACKAGE / "data" / "kategori.yml") in preview.inputs(project)
    before = preview.inputs_key(preview.inputs(project))
    st = template.stat()
    try:
        os.utime(template, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
        assert preview.inputs_key(preview.inputs(project)) != before
        _build(project, served, dirty=True)
        assert preview_of(project).full
    finally:
        os.utime(template, ns=(st.st_atime_ns, st.st_mtime_ns))



# --- build_map.py serve's two passes (petakla.rebuild): quick, then catch-up ----------------


def _rebuild(root: Path, site: Path, waiting=lambda: False) -> None:
    """What `serve` does when a file changes: a quick pass, then catch-up passes."""
    from petakla.rebuild import rebuild

    rebuild(lambda: _build(root, site, dirty=True), preview_of(root), waiting)
    preview_of(root).background.join()


def _assert_same_as_full(project: Path, served: Path, tmp_path: Path) -> None:
    full = tmp_path / "full"
    _build(project, full, dirty=False)
    incremental, complete = _files(served), _files(full)
    assert incremental.keys() == complete.keys()
    differ = [name for name in complete if incremental[name] != complete[name]]
    assert differ in ([], [SEARCH_INDEX])
    assert _search_entries(served) == _search_entries(full)


def test_a_saved_record_is_shown_by_a_quick_pass_then_everything_catches_up(project, tmp_path):
    from petakla.rebuild import rebuild

    served = tmp_path / "served"
    _rebuild(project, served)
    record = sorted((project / "facilities").glob("*.yml"))[1]
    _edit_name(record, "Nama Cepat Tampil")
    state = preview_of(project)
    passes: list[tuple[bool, set, set]] = []

    def build() -> None:
        _build(project, served, dirty=True)
        passes.append((state.quick, set(state.changed), set(state.rendered)))
        if state.quick:  # the edit is visible after the quick pass alone
            page = served / "fasilitas" / record.stem / "index.html"
            assert "Nama Cepat Tampil" in page.read_text(encoding="utf-8")
            kecamatan = [p for p in (served / "kecamatan").glob("*/index.html")
                         if "Nama Cepat Tampil" in p.read_text(encoding="utf-8")]
            assert kecamatan == []  # the pages that list it follow in the catch-up

    rebuild(build, state, lambda: False)
    state.background.join()
    (quick, made, rendered), (catch_up, made_later, _) = passes
    assert quick and not catch_up and len(passes) == 2
    assert made == {f"fasilitas/{record.stem}.md", f"fasilitas/{record.stem}/poster.html",
                    f"tambah/asli/{record.stem}.yml"}
    assert rendered == {f"fasilitas/{record.stem}/"}
    assert "peta/fasilitas.json" in made_later and f"fasilitas/{record.stem}.md" not in made_later
    assert not state.behind and not state.pending
    _assert_same_as_full(project, served, tmp_path)


def test_a_newer_save_interrupts_the_catch_up_and_the_preview_still_converges(
        project, tmp_path, monkeypatch):
    """The catch-up stops between pages when another save waits (here before its first page,
    after the map data was written); the next rebuild renders what it may have written."""
    import petakla.rebuild as rebuild_module

    monkeypatch.setattr(rebuild_module, "can_fork", lambda: False)  # rendering is interrupted
    served = tmp_path / "served"
    _rebuild(project, served)
    records = sorted((project / "facilities").glob("*.yml"))
    _edit_name(records[0], "Sunting Pertama")
    asked = []
    _rebuild(project, served, waiting=lambda: asked.append(1) or len(asked) > 1)
    state = preview_of(project)
    assert len(asked) > 1 and state.behind and state.pending
    _edit_name(records[2], "Sunting Kedua")
    _rebuild(project, served)
    assert not state.behind and not state.pending
    _assert_same_as_full(project, served, tmp_path)


def test_a_removed_record_leaves_the_preview_in_a_quick_pass(project, tmp_path):
    served = tmp_path / "served"
    _rebuild(project, served)
    record = sorted((project / "facilities").glob("*.yml"))[-1]
    record.unlink()
    _rebuild(project, served)
    assert not (served / "fasilitas" / record.stem / "index.html").exists()
    _assert_same_as_full(project, served, tmp_path)
