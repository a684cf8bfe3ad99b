"""The Nu HTML checker (vnu-jar from npm, on Debian's Java) over the project's own documents
in the fixture site: the Folium documents (maps, the form, a poster) and every kind of MkDocs
page. What comes from the theme's own markup (Material) is set apart and printed; everything
else must have no error."""

from __future__ import annotations

import json
import subprocess
from html.parser import HTMLParser

import pytest
from lsp_client import JS

VNU = JS / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
FOLIUM_DOCUMENTS = ["peta/peta.html", "peta/mini.html", "tambah/form.html"]
PAGES = ["index.html", "peta/index.html", "cakupan/index.html", "data/index.html",
         "tambah/index.html", "kecamatan/banjarmasin-tengah/index.html",
         "kategori/ruang-laktasi/index.html", "tentang/index.html", "404.html"]
# Material's own markup (its header toggles and search box), reported by the checker on every
# page; not the project's to fix. (message start, a marker of the theme's element)
THEME = [("Attribute “autocomplete” is only allowed when", 'class="md-toggle"'),
         ("Attribute “autocorrect” not allowed", 'class="md-search__input"')]


def is_theme(message: dict) -> bool:
    return any(message["message"].startswith(text) and marker in message.get("extract", "")
               for text, marker in THEME)


@pytest.fixture(scope="module")
def checked(fixture_site) -> dict[str, list[dict]]:
    poster = f"fasilitas/{fixture_site.public_ids[0]}/poster.html"
    files = [str(fixture_site.site / p) for p in [*FOLIUM_DOCUMENTS, poster, *PAGES]]
    proc = subprocess.run(["java", "-jar", str(VNU), "--format", "json", "--exit-zero-always",
                           *files], capture_output=True, text=True, timeout=300)
    out: dict[str, list[dict]] = {p.split(str(fixture_site.site) + "/", 1)[1]: [] for p in files}
    for message in json.loads(proc.stderr)["messages"]:
        path = message["url"].split(f"{fixture_site.site}/", 1)[-1]  # file:/… URLs
        out[path].append(message)
    return out


def test_project_documents_have_no_checker_error(checked):
    theme = sorted({m["message"] for ms in checked.values() for m in ms if is_theme(m)})
    print("theme (Material) findings, set apart:", *theme, sep="\n  ")
    errors = {path: [f"{m.get('lastLine')}: {m['message']}" for m in ms
                     if m["type"] == "error" and not is_theme(m)]
              for path, ms in checked.items()}
    assert {p: e for p, e in errors.items() if e} == {}
    assert len(checked) == len(FOLIUM_DOCUMENTS) + 1 + len(PAGES)


@pytest.mark.parametrize("path", FOLIUM_DOCUMENTS)
def test_folium_documents_are_well_formed(checked, path):
    messages = [m["message"] for m in checked[path]]
    assert not [m for m in messages if m.startswith("Stray start tag")], messages
    assert not [m for m in messages if "“http-equiv” attribute whose value is “content-type”" in m]


class _Landmarks(HTMLParser):
    def __init__(self):
        super().__init__()
        self.nav_labels: list[str] = []
        self.headings: list[str] = []
        self.div_regions = 0
        self._in_heading = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and attrs.get("aria-label"):
            self.nav_labels.append(attrs["aria-label"])
        if tag == "div" and attrs.get("role") == "region":
            self.div_regions += 1
        if tag in ("h2", "h3"):
            self._in_heading = True
            self.headings.append("")

    def handle_endtag(self, tag):
        if tag in ("h2", "h3"):
            self._in_heading = False

    def handle_data(self, data):
        if self._in_heading:
            self.headings[-1] += data


def test_coverage_page_has_no_heading_landmark_twice_and_native_regions(fixture_site):
    """Material draws the table of contents twice (the drawer and the sidebar); a section with
    subheadings becomes a <nav> named after its heading in both: the same landmark twice.
    (Material's own fixed labels, such as its table of contents, are the theme's.)"""
    parser = _Landmarks()
    parser.feed((fixture_site.site / "cakupan" / "index.html").read_text(encoding="utf-8"))
    headings = {" ".join(h.split()) for h in parser.headings}
    assert "Siapa penyedianya: kontribusi per sektor" in headings
    named_after_headings = [n for n in parser.nav_labels if n in headings]
    assert named_after_headings == [] and parser.div_regions == 0
