"""Helpers for the site tests: a throwaway project built from tests/fixtures/site/ with the real
pipeline and MkDocs, and a real HTTP server on 127.0.0.1 serving its site/."""

from __future__ import annotations

import contextlib
import functools
import hashlib
import http.server
import re
import shutil
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIXTURE_RECORDS = Path(__file__).resolve().parent / "fixtures" / "site"

# What the fixture records contain (tests/fixtures/site/*.yml).
HTML_NAME = 'Taman <b>Uji</b> "Kutip" & Co'
HTML_NAME_ID = "contoh-taman-html-sungai-miai"
PROTECTED_NAME = "Contoh Rumah Aman Zamrud Rahasia"
PROTECTED_ID = "contoh-rumah-aman-rahasia"
# The fixture project's repository (tests set it; the real one is not known yet): facility
# pages link "Laporkan perubahan" and "Ubah data ini" to it.
REPOSITORI = "https://github.com/contoh/peta-kla"
KECAMATAN = ["banjarmasin-selatan", "banjarmasin-timur", "banjarmasin-barat",
             "banjarmasin-utara", "banjarmasin-tengah"]


@dataclass(frozen=True)
class FixtureSite:
    root: Path  # the project (pyproject.toml, mkdocs.yml, content/, facilities/)
    site: Path  # root / "site", built once per session
    url: str  # "http://127.0.0.1:PORT/", a real HTTP server serving `site`
    public_ids: tuple[str, ...]  # ids of the published (non-protected) records


def make_project(root: Path, records: Path = FIXTURE_RECORDS, site_url: str = "",
                 boundaries: bool = False) -> Path:
    """A project root made of the repository's configuration and content plus fixture records.
    mkdocs.yml names its hook relative to itself, so it is rewritten to the repository's copy.
    `site_url` is added when given: Material's instant navigation only takes over links listed
    in sitemap.xml, which MkDocs leaves empty without a site_url. The project's [tool.petakla]
    gets `repositori = REPOSITORI`, and the repository's kelurahan boundaries only with
    `boundaries` (the session's fixture site is the city without a boundaries file)."""
    (root / "facilities").mkdir(parents=True)
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    pyproject = re.sub(r'(?m)^repositori\s*=.*\n', "", pyproject)
    pyproject = absolute_boundaries(pyproject) if boundaries else without_boundaries(pyproject)
    pyproject, n = re.subn(r"(?m)^\[tool\.petakla\]\n",
                           f'[tool.petakla]\nrepositori = "{REPOSITORI}"\n', pyproject)
    assert n == 1, "pyproject.toml no longer has a [tool.petakla] table"
    (root / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    shutil.copytree(REPO / "content", root / "content")
    hook = (REPO / "petakla" / "mkdocs_hook.py").as_posix()
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    text, n = re.subn(r"(?m)^(\s*-\s*)petakla/mkdocs_hook\.py\s*$", rf"\g<1>{hook}", text)
    assert n == 1, "mkdocs.yml no longer lists hooks: [petakla/mkdocs_hook.py]"
    if site_url:  # serve the fixture under its real address, replacing the configured one
        text, n = re.subn(r"(?m)^site_url:.*$", f"site_url: {site_url}", text)
        assert n == 1, "mkdocs.yml no longer sets site_url"
    (root / "mkdocs.yml").write_text(text, encoding="utf-8")
    for path in sorted(records.glob("*.yml")):
        shutil.copy(path, root / "facilities" / path.name)
    return root


def absolute_boundaries(pyproject: str) -> str:
    """The [tool.petakla] text with its relative `batas_kelurahan` made absolute (to the
    repository's wilayah/), so a copy elsewhere has the same boundaries as the repository."""
    return re.sub(r'(?m)^(batas_kelurahan\s*=\s*")(?!/)([^"]+)"',
                  lambda m: f'{m[1]}{(REPO / m[2]).resolve().as_posix()}"', pyproject)


def without_boundaries(pyproject: str) -> str:
    """The [tool.petakla] text without `batas_kelurahan`: a city that has no boundaries file."""
    return re.sub(r'(?m)^batas_kelurahan\s*=.*\n', "", pyproject)


def tree_digest(folder: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file below `folder`."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".geojson": "application/geo+json", ".json": "application/json",
                      ".js": "text/javascript"}

    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A browser that cancels a request (a page left, an iframe re-navigated) is normal.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve `folder` on 127.0.0.1 (a free port); yields the base URL ending in '/'."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@contextlib.contextmanager
def build_fixture_site(root: Path) -> Iterator[FixtureSite]:
    """Make the fixture project in `root`, serve root/site on 127.0.0.1 and build it once with
    `petakla.site.build_site(load_config(root), strict=True)`. The server starts first so its
    address can be the site_url (the folder is served as soon as the build swaps it in)."""
    from petakla.config import load_config
    from petakla.site import build_site

    with serve(root / "site") as url:
        make_project(root, site_url=url)
        code = build_site(load_config(root), strict=True)
        assert code == 0, f"the fixture site did not build (build_site returned {code})"
        ids = tuple(sorted(p.stem for p in FIXTURE_RECORDS.glob("*.yml") if p.stem != PROTECTED_ID))
        yield FixtureSite(root=root, site=root / "site", url=url, public_ids=ids)
