"""Shared pytest fixtures (add yours; keep the existing ones)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
INVALID = REPO / "tests" / "fixtures" / "invalid"


# What GitHub Actions (or a person) may set that changes a build: the tests set it themselves
# where they need it, so the suite behaves the same on a runner and on a laptop.
DEPLOY_ENV = ("GITHUB_REPOSITORY", "GITHUB_SERVER_URL", "PETAKLA_SITE_URL", "PETAKLA_REPOSITORI",
              "PETAKLA_CABANG")


@pytest.fixture(scope="session", autouse=True)
def _no_deploy_environment():
    import os

    saved = {k: os.environ.pop(k) for k in DEPLOY_ENV if k in os.environ}
    yield
    os.environ.update(saved)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A throwaway project root: a copy of the repository's pyproject.toml (the city and its
    settings, without `batas_kelurahan`: checks that do not depend on boundaries; see
    `geo_project`) and an empty facilities/ folder."""
    root = tmp_path / "proyek"
    (root / "facilities").mkdir(parents=True)
    from helpers_site import without_boundaries

    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    (root / "pyproject.toml").write_text(without_boundaries(text), encoding="utf-8")
    return root


@pytest.fixture
def geo_project(project: Path) -> Path:
    """`project` with the repository's kelurahan boundaries (wilayah/kelurahan.geojson, by
    absolute path) as `batas_kelurahan`, like the real configuration."""
    from helpers_site import absolute_boundaries

    text = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    (project / "pyproject.toml").write_text(absolute_boundaries(text), encoding="utf-8")
    return project


@pytest.fixture(scope="session")
def invalid_expectations() -> dict[str, list[dict]]:
    """tests/fixtures/invalid/expectations.csv: fixture stem -> its expected problems, each
    {line, col, severity, field, contains} (line and col as int)."""
    with open(INVALID / "expectations.csv", encoding="utf-8", newline="") as fh:
        rows = csv.DictReader(line for line in fh if not line.startswith("#"))
        table: dict[str, list[dict]] = {}
        for row in rows:
            row = dict(row, line=int(row["line"]), col=int(row["col"]))
            table.setdefault(row.pop("fixture"), []).append(row)
    return table


@pytest.fixture(scope="session")
def checked_name():
    """The file name an invalid fixture is checked under (see expectations.csv): ids must be
    slugs, so `nama_missing` is checked as `nama-missing.yml`."""

    def name(stem: str) -> str:
        return "File_Name.yml" if stem == "root_bad_filename" else stem.replace("_", "-") + ".yml"

    return name


# --- site tests (tests/test_site_build.py, tests/test_browser.py) ---------------------------


@pytest.fixture(scope="session")
def fixture_site(tmp_path_factory: pytest.TempPathFactory):
    """A project made of the repository's configuration and content plus the records in
    tests/fixtures/site/, built once per session with the real pipeline and MkDocs (strict),
    and served by a real HTTP server on 127.0.0.1 (FixtureSite.url)."""
    from helpers_site import build_fixture_site

    with build_fixture_site(tmp_path_factory.mktemp("situs") / "proyek") as site:
        yield site


@pytest.fixture(scope="session")
def site_url(fixture_site) -> str:
    """Base URL ('http://127.0.0.1:PORT/') of the server serving the fixture site."""
    return fixture_site.url


# -- a real headless Chromium (Debian's package, driven by Playwright) ------------------------
# One browser per session (Playwright launches it with a new temporary profile); every test gets
# its own context (a fresh profile) whose requests are recorded and, but for 127.0.0.1, aborted.

DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture(scope="session")
def browser():
    from browser_util import CHROMIUM_ARGS, chromium_path
    from playwright.sync_api import sync_playwright

    path = chromium_path()
    if path is None:
        pytest.fail("chromium not found: install Debian's package (sudo apt-get install chromium)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def screenshot_dir(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("screenshots")
    print(f"\nscreenshots: {folder}")
    return folder


@pytest.fixture
def context(browser):
    """A fresh browser context (its own profile) whose requests are recorded."""
    from browser_util import Recorder

    ctx = browser.new_context(viewport=DESKTOP, locale="id-ID")
    ctx.recorder = Recorder()
    ctx.recorder.attach(ctx)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context):
    from browser_util import WAIT_MS

    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    return page
