"""`build_map.py banding`: how a pull request moves the coverage and data-quality figures, on a
two-commit fixture git repository (the second commit adds one facility), run as fresh
processes and as the pull-request workflow's own step."""

from __future__ import annotations

import datetime
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from helpers_site import FIXTURE_RECORDS, REPO, make_project
from test_workflows import PR_WORKFLOW, load, runner_bash, steps_running

from petakla.compare import figures
from petakla.config import load_config
from petakla.pipeline import check
from petakla.regions import load_city
from petakla.vocab import load_vocab

NEW = """# A new ruang laktasi in Telawang (the fixture has one only in Teluk Dalam).
nama: Contoh Ruang Laktasi Baru Telawang
kategori: ruang-laktasi
alamat: Jl. Contoh Uji No. 9
kelurahan: Telawang
lokasi: [-3.32959, 114.582857]
jam_buka: "Mo-Fr 08:00-16:00"
sumber: Data uji (tests/test_compare.py)
"""


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True,
                          text=True).stdout.strip()


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> tuple[Path, str, str]:
    """The fixture project (with a copy of the code, as a pull request's checkout has) in a git
    repository of two commits: the fixture records, then one added facility."""
    root = make_project(tmp_path_factory.mktemp("banding") / "repo")
    shutil.copytree(REPO / "petakla", root / "petakla",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "build_map.py", root)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "user.email", "uji@contoh.example")
    git(root, "config", "user.name", "Uji")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "dasar")
    base = git(root, "rev-parse", "HEAD")
    (root / "facilities" / "contoh-ruang-laktasi-baru-telawang.yml").write_text(NEW,
                                                                              encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "tambah ruang laktasi")
    return root, base, git(root, "rev-parse", "HEAD")


def rows(markdown: str) -> dict[str, tuple[str, str, str]]:
    return {m[1]: (m[2], m[3], m[4]) for m in
            re.finditer(r"^\| (.+?) \| ([\d,]+) \| ([\d,]+) \| ([+−][\d,]+) \|$", markdown, re.M)}


def banding(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(root / "build_map.py"), "--root", str(root),
                           "banding", *args], capture_output=True, text=True, timeout=300)


def test_adding_one_facility_shows_the_figures_it_moves(repo):
    root, base, head = repo
    proc = banding(root, base, head)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert f"`{base[:12]}` ({len(list(FIXTURE_RECORDS.glob('*.yml')))} berkas)" in out
    table = rows(out)
    n_laktasi = sum("kategori: ruang-laktasi" in p.read_text(encoding="utf-8")
                    for p in FIXTURE_RECORDS.glob("*.yml"))
    assert table["Ruang Laktasi: fasilitas"] == (str(n_laktasi), str(n_laktasi + 1), "+1")
    assert table["Ruang Laktasi: kelurahan yang memiliki"][2] == "+1"
    assert table["Fasilitas yang dihitung (aktif/tutup sementara)"][2] == "+1"
    assert table["Belum pernah diverifikasi"][2] == "+1"
    assert table["Klaster III: Kesehatan Dasar dan Kesejahteraan: kelurahan terlayani"][2] == "+1"
    assert any("Pojok ASI" in name and change == "+1" for name, (_, _, change) in table.items())
    assert "Rata-rata kelengkapan data (%)" in table
    # Only what moved: Telawang already had a facility, and nothing else changed.
    assert not any(name.startswith(("Kelurahan tanpa", "Pojok Baca", "Kampung")) for name in table)


def test_figures_are_those_of_the_records_at_each_commit(repo):
    root, base, head = repo
    config = load_config(root)
    vocab, city = load_vocab(), load_city(config.kota_kode)
    day = datetime.date(2026, 6, 1)
    after = figures(vocab, city, check(config).facilities, day)
    assert after["Ruang Laktasi: fasilitas"] == 2
    assert after["Kelurahan tanpa fasilitas (dari 52)"] == \
        52 - len({f.kelurahan.kode for f in check(config).facilities if not f.protected})


def test_no_change_and_a_bad_revision(repo):
    root, base, head = repo
    same = banding(root, head, head)
    assert same.returncode == 0 and "Tidak ada angka cakupan atau mutu yang berubah." in same.stdout
    bad = banding(root, "tidak-ada-cabang-ini", head)
    assert bad.returncode == 2
    assert "commit 'tidak-ada-cabang-ini' tidak ditemukan" in bad.stderr


def test_pull_request_step_adds_the_figures_to_the_summary(repo, tmp_path):
    root, base, head = repo
    (_, _, step), = steps_running(load(PR_WORKFLOW), "build_map.py banding")
    assert step["if"] == "${{ !cancelled() && steps.install.outcome == 'success' }}"
    assert step["env"]["BASE_SHA"] == "${{ github.event.pull_request.base.sha }}"
    summary = tmp_path / "summary.md"
    summary.write_text("## Fasilitas dalam pull request ini\n", encoding="utf-8")
    proc = runner_bash(step["run"], root, {"BASE_SHA": base, "GITHUB_STEP_SUMMARY": str(summary)})
    assert proc.returncode == 0, proc.stderr
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## Fasilitas dalam pull request ini\n")  # appended, not replaced
    assert "## Cakupan dan mutu data: sebelum → sesudah" in text
    assert rows(text)["Ruang Laktasi: fasilitas"][2] == "+1"
