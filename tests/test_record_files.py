"""What sits in facilities/ besides plain record files, and what a killed build leaves beside
site/: `check`, `fmt` and `build` run as editors run them (fresh processes)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from helpers_site import make_project

REPO = Path(__file__).resolve().parent.parent
RECORD = ("nama: Contoh Ruang Laktasi Uji\nkategori: ruang-laktasi\nkelurahan: Kertak Baru Ilir\n"
          "lokasi: [-3.3263, 114.5892]\nsumber: Data uji\n")


def run(root: Path, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, str(REPO / "build_map.py"), "--root", str(root), *args],
                          capture_output=True, text=True, timeout=timeout)
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


# --- 3. anything named like a record that is not a regular file ------------------------------


def test_fifo_named_like_a_record_is_an_error_not_a_hang(project):
    os.mkfifo(project / "facilities" / "x.yml")
    (project / "facilities" / "baik.yml").write_text(RECORD, encoding="utf-8")
    for args in (("check",), ("check", str(project / "facilities" / "x.yml"))):
        proc = run(project, *args, timeout=60)  # a read of the FIFO would block forever
        assert proc.returncode == 1, proc.stderr
        assert "facilities/x.yml:1:1: error: 'x.yml' tidak dapat dibaca: ini FIFO" in proc.stderr
    assert "2 berkas diperiksa" in run(project, "check").stderr


def test_folder_named_like_a_record_is_an_error(project):
    (project / "facilities" / "x.yml").mkdir()
    proc = run(project, "check")
    assert proc.returncode == 1 and "semua benar" not in proc.stderr
    assert "facilities/x.yml:1:1: error: 'x.yml' tidak dapat dibaca: ini folder" in proc.stderr
    assert "1 berkas diperiksa" in proc.stderr


# --- 4. records that used to be skipped or followed silently -----------------------------------


@pytest.mark.parametrize("name", ["X.YML", "x.Yml", "x.YAML"])
def test_upper_case_suffix_is_reported_and_the_suggested_name_is_read(project, name):
    path = project / "facilities" / name
    path.write_text(RECORD, encoding="utf-8")
    proc = run(project, "check")
    assert proc.returncode == 1 and "semua benar" not in proc.stderr
    suggested = name.split(".")[0].lower() + "." + name.split(".")[1].lower()
    assert f"facilities/{name}:1:1: error: " in proc.stderr
    assert f"ganti menjadi '{suggested}'" in proc.stderr
    path.rename(project / "facilities" / suggested)
    proc = run(project, "check")
    assert proc.returncode == 0 and "1 berkas diperiksa" in proc.stderr, proc.stderr


def test_symlink_out_of_the_repository_is_refused_by_check_and_fmt(project, tmp_path):
    outside = tmp_path / "di-luar.yml"
    outside.write_text("kategori: ruang-laktasi\n" + RECORD.replace("kategori: ruang-laktasi\n", ""),
                       encoding="utf-8")
    link = project / "facilities" / "tautan.yml"
    link.symlink_to(outside)
    proc = run(project, "check")
    assert proc.returncode == 1
    assert "facilities/tautan.yml:1:1: error: berkas ini tautan simbolik (symlink)" in proc.stderr
    from petakla.config import load_config
    from petakla.pipeline import check

    assert check(load_config(project)).facilities == []  # never published
    before = outside.read_bytes()
    proc = run(project, "fmt")
    assert proc.returncode == 1 and "tautan simbolik" in proc.stderr
    assert link.is_symlink() and outside.read_bytes() == before  # neither replaced nor rewritten


# --- 5. what a killed build leaves, and a `site` the build did not make -----------------------


def test_build_removes_stale_staging_folders_and_git_ignores_them(tmp_path):
    root = make_project(tmp_path / "proyek", records=tmp_path / "tanpa-data")
    (root / "facilities" / "baik.yml").write_text(RECORD, encoding="utf-8")
    stale = [root / ".site.new-abc123", root / ".site.side-def456", root / ".site.old-999"]
    for folder in stale:
        (folder / "peta").mkdir(parents=True)
        (folder / "peta" / "peta.html").write_text("<p>sisa</p>", encoding="utf-8")
    proc = run(root, "build", timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert not [p.name for p in stale if p.exists()]
    assert not [p.name for p in root.glob(".site.*") if p.is_dir()]
    assert (root / "site" / "sitemap.xml").is_file()
    ignored = subprocess.run(["git", "-C", str(REPO), "check-ignore", ".site.new-abc123",
                              ".site.side-def456", ".site.old-1"],
                             capture_output=True, text=True)
    assert ignored.stdout.split() == [".site.new-abc123", ".site.side-def456", ".site.old-1"]


@pytest.mark.parametrize("kind", ["file", "folder", "symlink"])
def test_build_refuses_to_replace_a_site_it_did_not_make(project, kind, tmp_path):
    (project / "facilities" / "baik.yml").write_text(RECORD, encoding="utf-8")
    site = project / "site"
    if kind == "file":
        site.write_text("catatan penting\n", encoding="utf-8")
    elif kind == "folder":
        site.mkdir()
        (site / "catatan.txt").write_text("catatan penting\n", encoding="utf-8")
    else:
        (tmp_path / "lain").mkdir()
        site.symlink_to(tmp_path / "lain")
    proc = run(project, "build")
    assert proc.returncode == 1 and "Situs tidak dibangun" in proc.stderr
    assert "pindahkan atau hapus dulu" in proc.stderr
    if kind == "file":
        assert site.read_text(encoding="utf-8") == "catatan penting\n"
    elif kind == "folder":
        assert [p.name for p in site.iterdir()] == ["catatan.txt"]
    else:
        assert site.is_symlink()
    assert not list(project.glob(".site.new-*"))
