"""The deployed site knows where it lives: a copy of the real repository built by
`build_map.py build --strict` as a fresh process, once with the environment GitHub Actions
gives the workflows (GITHUB_REPOSITORY, the Pages address, the default branch) and once with
none of it. The first puts that address in every share link, QR code (decoded from a
screenshot in Chromium), KML link and sitemap entry, and reaches that repository from the
report/edit buttons and the form; the second never publishes a made-up address. Both have
ordinary permissions (755/644) under umask 022 and 077."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest
from helpers_site import REPO, serve

REPOSITORY = "kota/peta-kla"
PAGES_URL = "https://kota.github.io/peta-kla/"  # what actions/configure-pages gives (plus "/")
BRANCH = "utama"  # the repository's default branch, as the workflows pass it
# An address under a reserved example domain, in any of the ways a file can carry it.
EXAMPLE_ADDRESS = re.compile(rb"\.example(?:/|:\d|%2F|\\/|\"|'|<|\s)", re.I)
TEXT_SUFFIXES = {".html", ".json", ".geojson", ".kml", ".csv", ".svg", ".xml", ".js", ".osm",
                 ".txt", ".md", ".css"}
ENV_KEYS = ("GITHUB_REPOSITORY", "GITHUB_SERVER_URL", "PETAKLA_SITE_URL", "PETAKLA_REPOSITORI",
            "PETAKLA_CABANG", "GITHUB_ACTIONS")


@dataclass(frozen=True)
class Built:
    root: Path
    site: Path
    umask: int


def copy_of_repository(root: Path) -> Path:
    """The repository as a clone has it: configuration, content, records, boundaries; the
    package by symlink (mkdocs.yml names its hook by path)."""
    root.mkdir(parents=True)
    for name in ("pyproject.toml", "mkdocs.yml", "build_map.py"):
        shutil.copy(REPO / name, root / name)
    for name in ("content", "facilities", "wilayah"):
        shutil.copytree(REPO / name, root / name)
    (root / "petakla").symlink_to(REPO / "petakla")
    return root


def build(root: Path, env: dict[str, str], umask: int) -> Built:
    clean = {k: v for k, v in os.environ.items() if k not in ENV_KEYS}
    proc = subprocess.run(
        ["bash", "-c", f"umask {umask:03o} && exec \"$0\" \"$@\"", sys.executable,
         str(root / "build_map.py"), "--root", str(root), "build", "--strict"],
        env={**clean, **env}, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return Built(root, root / "site", umask)


@pytest.fixture(scope="module")
def addressed(tmp_path_factory) -> Built:
    """Built as terbitkan.yml builds it on GitHub Actions (umask 022, a runner's)."""
    root = copy_of_repository(tmp_path_factory.mktemp("terbit") / "proyek")
    return build(root, {"GITHUB_ACTIONS": "true", "GITHUB_REPOSITORY": REPOSITORY,
                        "GITHUB_SERVER_URL": "https://github.com", "PETAKLA_SITE_URL": PAGES_URL,
                        "PETAKLA_CABANG": BRANCH}, umask=0o022)


@pytest.fixture(scope="module")
def bare(tmp_path_factory) -> Built:
    """Built on someone's machine with nothing set, under a strict umask (077)."""
    root = copy_of_repository(tmp_path_factory.mktemp("lokal") / "proyek")
    return build(root, {}, umask=0o077)


def facility_ids(site: Path) -> list[str]:
    return sorted(p.parent.name for p in (site / "fasilitas").glob("*/index.html"))


def text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


# --- with the workflow's environment ---------------------------------------------------------


def test_share_links_carry_the_pages_address(addressed):
    ids = facility_ids(addressed.site)
    assert len(ids) >= 20
    for fid in ids:
        html = text(addressed.site / "fasilitas" / fid / "index.html")
        page = f"{PAGES_URL}fasilitas/{fid}/"
        wa = re.search(r'href="(https://wa\.me/\?text=[^"]+)"', html).group(1)
        assert unquote(wa.replace("&amp;", "&")).endswith(f" — {page}"), wa
        assert f'data-pk-salin="{page}"' in html
        assert "data-pk-wa" not in html  # nothing left to fill in at run time


def test_report_and_edit_buttons_reach_the_repository(addressed):
    for fid in facility_ids(addressed.site):
        html = text(addressed.site / "fasilitas" / fid / "index.html").replace("&amp;", "&")
        assert f'href="https://github.com/{REPOSITORY}/edit/{BRANCH}/facilities/{fid}.yml"' in html
        report = re.search(rf'href="(https://github\.com/{REPOSITORY}/issues/new\?[^"]+)"',
                           html).group(1)
        body = parse_qs(urlsplit(report).query)["body"][0]
        assert f"Halaman: {PAGES_URL}fasilitas/{fid}/" in body


def test_kml_links_and_sitemap_use_the_address(addressed):
    kml = text(addressed.site / "data" / "fasilitas.kml")
    ids = facility_ids(addressed.site)
    links = re.findall(r'href="([^"]+)"|href=&quot;(.+?)&quot;', kml)
    found = sorted(a or b for a, b in links)
    assert found == sorted(f"{PAGES_URL}fasilitas/{fid}/" for fid in ids)
    assert f"{PAGES_URL}data/" in kml
    sitemap = text(addressed.site / "sitemap.xml")
    locs = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert len(locs) >= len(ids) + 8
    assert all(loc.startswith(PAGES_URL) for loc in locs), [x for x in locs if
                                                              not x.startswith(PAGES_URL)][:3]
    assert f"{PAGES_URL}fasilitas/{ids[0]}/" in locs
    data = text(addressed.site / "data" / "index.html")
    assert f"({PAGES_URL}data/)" in data  # the attribution example


def test_poster_qr_code_decodes_to_the_facility_page(addressed, browser):
    """A screenshot of the poster in Chromium, read by a real QR decoder (zxing-cpp)."""
    import io

    import zxingcpp
    from PIL import Image

    ids = facility_ids(addressed.site)
    with serve(addressed.site) as url:
        page = browser.new_page(viewport={"width": 900, "height": 1300})
        try:
            for fid in (ids[0], ids[-1]):
                page.goto(f"{url}fasilitas/{fid}/poster.html")
                shot = page.locator("figure.qr svg").screenshot()
                found = zxingcpp.read_barcodes(Image.open(io.BytesIO(shot)))
                assert [r.text for r in found] == [f"{PAGES_URL}fasilitas/{quote(fid)}/"], fid
                assert page.locator(".tanpa-alamat").count() == 0
        finally:
            page.close()


def test_the_form_opens_a_pull_request_in_the_repository(addressed, browser):
    with serve(addressed.site) as url:
        page = browser.new_page()
        try:
            page.goto(url + "tambah/")
            frame = page.locator("iframe[src*='form.html']").element_handle().content_frame()
            frame.locator("html[data-pk-ready]").wait_for(state="attached", timeout=15_000)
            frame.select_option("#f-kategori", "pojok-baca")
            frame.fill("#f-nama", "Contoh Pojok Baca Uji Terbit")
            frame.select_option("#f-kelurahan", "Teluk Dalam")
            frame.fill("#f-alamat", "Jl. Uji No. 1")
            frame.fill("#f-sumber", "Uji formulir pada situs yang diterbitkan")
            frame.locator("#pk-form[data-pk-valid=true]").wait_for(state="attached")
            href = frame.locator("#pk-kirim").get_attribute("href")
        finally:
            page.close()
    parts = urlsplit(href)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "github.com",
                                                        f"/{REPOSITORY}/new/{BRANCH}")
    assert parse_qs(parts.query)["filename"] == ["facilities/contoh-pojok-baca-uji-terbit.yml"]
    options = text(addressed.site / "tambah" / "form.html")
    assert json.dumps(REPOSITORY) in options


def test_an_explicit_setting_wins_over_the_environment(tmp_path):
    from petakla.config import load_config

    root = tmp_path / "proyek"
    root.mkdir()
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    env = {"GITHUB_REPOSITORY": REPOSITORY, "PETAKLA_CABANG": BRANCH}
    config = load_config(root, env=env)
    assert (config.repositori, config.cabang) == (f"https://github.com/{REPOSITORY}", BRANCH)
    assert load_config(root, env={}).repositori == ""
    assert load_config(root, env={**env, "GITHUB_SERVER_URL": "https://git.contoh.id"}
                       ).repositori == f"https://git.contoh.id/{REPOSITORY}"
    explicit = load_config(root, overrides={"repositori": "https://github.com/dinas/peta",
                                            "cabang": "main"}, env=env)
    assert (explicit.repositori, explicit.cabang) == ("https://github.com/dinas/peta", "main")
    assert load_config(root, env={**env, "PETAKLA_REPOSITORI": "https://github.com/x/y"}
                       ).repositori == "https://github.com/x/y"


# --- with nothing set --------------------------------------------------------------------------


def test_no_example_address_anywhere(bare):
    leaks = []
    n = 0
    for path in bare.site.rglob("*"):
        if path.is_file() and path.suffix in TEXT_SUFFIXES:
            n += 1
            for m in EXAMPLE_ADDRESS.finditer(path.read_bytes()):
                leaks.append(f"{path.relative_to(bare.site)}: {m.group(0)!r}")
    assert n > 100 and not leaks, leaks[:10]
    # The sitemap needs absolute addresses: without one it lists none rather than guessing.
    assert "<loc>" not in text(bare.site / "sitemap.xml")
    assert "<url>" not in text(bare.site / "sitemap.xml")


def test_without_an_address_posters_and_kml_say_so(bare):
    ids = facility_ids(bare.site)
    for fid in ids:
        poster = text(bare.site / "fasilitas" / fid / "poster.html")
        assert "Poster ini tanpa kode QR" in poster and "PETAKLA_SITE_URL" in poster
        assert "<svg" not in poster.split('class="kategori"')[1].split("</p>", 1)[1]
    kml = text(bare.site / "data" / "fasilitas.kml")
    assert "Dibangun tanpa alamat situs" in kml and "PETAKLA_SITE_URL" in kml
    assert "Halaman fasilitas" not in kml
    data = text(bare.site / "data" / "index.html")
    assert f"Data: {'Peta Kota Layak Anak Banjarmasin'}, CC BY 4.0." in data


def test_without_an_address_share_links_use_the_pages_own(bare, browser):
    fid = facility_ids(bare.site)[0]
    html = text(bare.site / "fasilitas" / fid / "index.html")
    assert 'data-pk-salin=""' in html and "data-pk-wa=" in html
    # No repository either: no report/edit buttons.
    assert "/issues/new?" not in html and "/edit/" not in html
    with serve(bare.site) as url:
        context = browser.new_context(permissions=["clipboard-read", "clipboard-write"])
        context.route("https://wa.me/**", lambda route: route.abort())  # no internet here
        page = context.new_page()
        try:
            page.goto(f"{url}fasilitas/{fid}/?dari=uji#peta")
            page.get_by_role("button", name="Salin tautan").click()
            page.get_by_text("Tautan disalin").wait_for()
            assert page.evaluate("navigator.clipboard.readText()") == f"{url}fasilitas/{fid}/"
            with page.expect_request("https://wa.me/**") as followed:  # the link is followed
                page.get_by_role("link", name="Bagikan lewat WhatsApp").click()
            shared = parse_qs(urlsplit(followed.value.url).query)["text"][0]
            assert shared.endswith(f" — {url}fasilitas/{fid}/"), shared
        finally:
            context.close()


# --- permissions ---------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["addressed", "bare"])
def test_site_has_ordinary_permissions_whatever_the_umask(which, request):
    built: Built = request.getfixturevalue(which)
    site = built.site
    sample = [site, site / "index.html", site / "peta", site / "peta" / "peta.html",
              site / "data" / "fasilitas.kml", site / "assets"]
    fid = facility_ids(site)[0]
    sample += [site / "fasilitas" / fid, site / "fasilitas" / fid / "poster.html",
               site / "fasilitas" / fid / "index.html"]
    modes = {p.relative_to(site.parent).as_posix(): oct(stat.S_IMODE(p.stat().st_mode))
             for p in sample}
    expected = {k: oct(0o755 if (site.parent / k).is_dir() else 0o644) for k in modes}
    assert modes == expected, built.umask
    # And every entry, not only the sample.
    odd = [p for p in site.rglob("*") if stat.S_IMODE(p.lstat().st_mode) not in
           ((0o755,) if p.is_dir() else (0o644,))]
    assert not odd, odd[:5]
    # `stat` as a person would run it.
    out = subprocess.run(["stat", "-c", "%a %n", str(site), str(site / "index.html")],
                         capture_output=True, text=True, check=True).stdout.split()
    assert out[0::2] == ["755", "644"]


# --- the workflows pass what the build needs ----------------------------------------------------


@pytest.mark.parametrize("name,site_url", [("terbitkan.yml", True), ("periksa.yml", False)])
def test_workflow_build_steps_pass_address_and_branch(name, site_url):
    import yaml

    workflow = yaml.safe_load(text(REPO / ".github" / "workflows" / name))
    builds = [s for job in workflow["jobs"].values() for s in job["steps"]
              if "build_map.py build" in s.get("run", "")]
    assert len(builds) == 1, name
    env = builds[0].get("env", {})
    assert env.get("PETAKLA_CABANG") == "${{ github.event.repository.default_branch }}"
    if site_url:  # the Pages address from actions/configure-pages, ending in "/"
        assert env.get("PETAKLA_SITE_URL") == "${{ steps.pages.outputs.base_url }}/"
    # GITHUB_REPOSITORY is on every runner; nothing may hide it from the build.
    assert "GITHUB_REPOSITORY" not in env and "PETAKLA_REPOSITORI" not in env
