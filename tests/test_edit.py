"""`build_map.py fmt` (canonical key order and layout, comments kept) and `build_map.py new`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from petakla.config import load_config
from petakla.edit import SCHEMA_COMMENT, format_files, format_text, key_order
from petakla.load import load_document
from petakla.new import NewAnswers, collect

REPO = Path(__file__).resolve().parent.parent
VALID = sorted((REPO / "tests" / "fixtures" / "valid").glob("*.yml"))
REAL = sorted((REPO / "facilities").glob("*.yml"))


def run(*args: str, root: Path | None = None, stdin=subprocess.DEVNULL) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    extra = ["--root", str(root)] if root else []
    proc = subprocess.run([sys.executable, str(REPO / "build_map.py"), *extra, *args], cwd=REPO,
                          env=env, stdin=stdin, capture_output=True, text=True, timeout=120)
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr
    return proc


def data_of(path: Path, root: Path):
    doc = load_document(path, root)
    assert not [p for p in doc.problems if p.severity == "error"], doc.problems
    return doc.data


def test_fmt_is_idempotent_on_every_record_and_keeps_the_data(project):
    for path in REAL + VALID:
        shutil.copy(path, project / "facilities" / path.name)
    files = sorted((project / "facilities").glob("*.yml"))
    before = {p.name: data_of(p, project) for p in files}
    config = load_config(project)
    first = format_files(config)
    assert not first.problems, first.problems
    second = format_files(config)
    assert second.changed == [] and not second.problems
    for p in files:  # formatting never changes what a record says
        assert data_of(p, project) == before[p.name], p.name
        assert p.read_bytes().endswith(b"\n") and b"\r" not in p.read_bytes()
    proc = run("fmt", "--check", root=project)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_repository_records_are_formatted():
    proc = run("fmt", "--check")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert f"{len(REAL)} berkas diperiksa: 0 perlu dirapikan" in proc.stderr


COMMENTED = """\
# yaml-language-server: $schema=../petakla/data/fasilitas.schema.json
# Data dari survei Januari.
sumber: Data uji   # dari lembar survei
# Kategori sesuai SK.
kategori: ruang-laktasi
kontak:
  email: uji@contoh.example
  telepon: "(0511) 3352155"  # telepon kantor
# Titik diukur di pintu masuk.
lokasi:
  - -3.3263
  - 114.5892
nama: Contoh Ruang Laktasi   # nama di papan
kelurahan: Kertak Baru Ilir
catatan_internal: dibiarkan di akhir
# akhir berkas
"""


def test_comments_survive_and_move_with_their_keys():
    out = format_text(COMMENTED)
    assert [line for line in out.splitlines() if "#" in line] and all(
        line.split("#", 1)[1] in out for line in COMMENTED.splitlines() if "#" in line)
    lines = out.splitlines()
    assert lines[:2] == [SCHEMA_COMMENT, "# Data dari survei Januari."]
    assert lines[2] == "nama: Contoh Ruang Laktasi   # nama di papan"
    # A comment line stays right above the key it describes.
    assert lines[lines.index("kategori: ruang-laktasi") - 1] == "# Kategori sesuai SK."
    assert lines[lines.index("lokasi: [-3.3263, 114.5892]") - 1] == "# Titik diukur di pintu masuk."
    assert "  telepon: \"(0511) 3352155\"  # telepon kantor" in lines
    assert lines.index("  telepon: \"(0511) 3352155\"  # telepon kantor") < lines.index(
        "  email: uji@contoh.example")
    assert lines[-2:] == ["catatan_internal: dibiarkan di akhir", "# akhir berkas"]
    assert format_text(out) == out


def test_shuffled_keys_are_put_in_schema_order():
    shuffled = """\
status: aktif
verifikasi: {oleh: Petugas Uji, tanggal: "2026-01-15"}
osm: {versi: 3, id: node/1}
sumber: Data uji
keterangan: Teks.
kontak: {situs: "https://contoh.example", telepon: "(0511) 3352155"}
akses: umum
fasilitas:
  - wastafel
usia: [0, 2]
jam_buka: Mo-Fr 08:00-16:00
pengelola:
  sektor: pemerintah
  nama: Lembaga Uji
sumber_lokasi: Peta uji
ketelitian_lokasi: jalan
lokasi_perkiraan: true
lokasi: [-3.3263, 114.5892]
kelurahan: Kertak Baru Ilir
alamat: Jl. Uji
kategori: ruang-laktasi
nama: Uji
"""
    out = format_text(shuffled)
    top, nested = key_order()
    keys = [line.split(":")[0] for line in out.splitlines() if line and line[0] not in " #"]
    assert keys == [k for k in top if k in keys] == list(top)
    assert "pengelola:\n  nama: Lembaga Uji\n  sektor: pemerintah\n" in out
    assert 'kontak:\n  telepon: "(0511) 3352155"\n  situs: "https://contoh.example"\n' in out
    assert 'verifikasi:\n  tanggal: "2026-01-15"\n  oleh: Petugas Uji\n' in out
    assert "fasilitas: [wastafel]\n" in out
    assert list(nested["kontak"]) == ["telepon", "situs", "email"]


def test_bom_and_crlf_are_normalised(project):
    path = project / "facilities" / "uji-bom.yml"
    path.write_bytes(b"\xef\xbb\xbfnama: Uji\r\nkategori: pojok-baca\r\nkelurahan: Mawar\r\n"
                     b"sumber: Data uji\r\nalamat: Jl. Uji\r\n")
    assert run("fmt", "--check", root=project).returncode == 1
    assert run("fmt", root=project).returncode == 0
    assert path.read_bytes() == (b"nama: Uji\nkategori: pojok-baca\nalamat: Jl. Uji\n"
                                 b"kelurahan: Mawar\nsumber: Data uji\n")


def test_fmt_check_lists_a_misformatted_file_and_changes_nothing(project):
    good = project / "facilities" / "rapi.yml"
    good.write_text("nama: Rapi\nkategori: pojok-baca\nalamat: Jl. Uji\nkelurahan: Mawar\n"
                    "sumber: Data uji\n", encoding="utf-8")
    bad = project / "facilities" / "berantakan.yml"
    text = "kelurahan: Kertak Baru Ilir\nnama: Berantakan\nkategori: pojok-baca\nsumber: Data uji\n" \
           "lokasi:\n    - -3.3263\n    - 114.5892\n"
    bad.write_text(text, encoding="utf-8")
    mtime = good.stat().st_mtime_ns
    proc = run("fmt", "--check", root=project)
    assert proc.returncode == 1
    assert "facilities/berantakan.yml" in proc.stdout and "rapi.yml" not in proc.stdout
    assert bad.read_text(encoding="utf-8") == text
    proc = run("fmt", root=project)
    assert proc.returncode == 0 and "dirapikan: facilities/berantakan.yml" in proc.stdout
    assert bad.read_text(encoding="utf-8") == ("nama: Berantakan\nkategori: pojok-baca\n"
                                               "kelurahan: Kertak Baru Ilir\nlokasi: [-3.3263, 114.5892]\n"
                                               "sumber: Data uji\n")
    assert good.stat().st_mtime_ns == mtime  # unchanged files are not rewritten
    assert not list((project / "facilities").glob(".*.tmp"))
    assert run("fmt", "--check", root=project).returncode == 0


def test_a_file_that_does_not_parse_is_reported_and_left_untouched(project):
    path = project / "facilities" / "rusak.yml"
    text = "nama: Rusak\nkategori: pojok-baca\npengelola:\n\tnama: Tab\n"
    path.write_text(text, encoding="utf-8")
    proc = run("fmt", root=project)
    assert proc.returncode == 1
    assert "facilities/rusak.yml:4:1: error:" in proc.stderr and "tab" in proc.stderr
    assert path.read_text(encoding="utf-8") == text


def test_new_with_flags_writes_a_record_that_passes_check(project):
    args = ["new", "--nama", "Ruang Laktasi Kantor Uji: Lantai 2", "--kategori", "ruang-laktasi",
            "--kelurahan", "teluk dalam", "--alamat", "Jl. Uji No. 2",
            "--lokasi", "-3.3178, 114.5835", "--pengelola-nama", "Lembaga Uji",
            "--sektor", "pemerintah", "--sumber", "https://contoh.example/berita"]
    proc = run(*args, root=project)
    assert proc.returncode == 0, proc.stderr
    path = project / "facilities" / "ruang-laktasi-kantor-uji-lantai-2.yml"
    text = path.read_text(encoding="utf-8")
    assert text.splitlines()[0] == SCHEMA_COMMENT
    assert data_of(path, project) == {
        "nama": "Ruang Laktasi Kantor Uji: Lantai 2", "kategori": "ruang-laktasi",
        "alamat": "Jl. Uji No. 2", "kelurahan": "Teluk Dalam", "lokasi": [-3.3178, 114.5835],
        "pengelola": {"nama": "Lembaga Uji", "sektor": "pemerintah"},
        "sumber": "https://contoh.example/berita"}
    assert run("check", root=project).returncode == 0
    assert run("fmt", "--check", root=project).returncode == 0
    # never overwrites
    again = run(*args, root=project)
    assert again.returncode == 1 and "sudah ada" in again.stderr
    assert path.read_text(encoding="utf-8") == text


def test_new_without_flags_and_no_terminal_exits_2(project):
    proc = run("new", root=project)
    assert proc.returncode == 2
    assert "belum diisi: --nama, --kategori, --kelurahan" in proc.stderr
    assert not list((project / "facilities").iterdir())


def test_new_refuses_a_location_for_a_protected_category(project):
    proc = run("new", "--nama", "Rumah Aman Uji", "--kategori", "rumah-aman", "--kelurahan",
               "Mawar", "--lokasi", "-3.3263,114.5892", "--sumber", "Data uji", root=project)
    assert proc.returncode == 2 and "dilindungi" in proc.stderr
    proc = run("new", "--nama", "Rumah Aman Uji", "--kategori", "rumah-aman", "--kelurahan",
               "Mawar", "--sumber", "Data uji", root=project)
    assert proc.returncode == 0, proc.stderr


def test_new_asks_for_what_is_missing_when_interactive(project):
    answers = iter(["Pojok Baca Uji", "pojok-bacaan", "Pojok baca", "Kelurahan Ngawur",
                    "Kertak Baru Ilir",
                    "-3,3263 114,5892", "", "", "Senin-Jumat 8-16", "Mo-Fr 08:00-16:00", "12-0",
                    "0-12", "1, rak-buku", "Umum", "12345", "(0511) 3352155", "Data uji"])
    prompts: list[str] = []

    def ask(prompt: str) -> str:
        prompts.append(prompt)
        return next(answers)

    values = collect(load_config(project), NewAnswers(), interactive=True, ask=ask)
    assert values == {"nama": "Pojok Baca Uji", "kategori": "pojok-baca",
                      "kelurahan": "Kertak Baru Ilir",
                      "lokasi": [-3.3263, 114.5892], "alamat": None, "jam_buka": "Mo-Fr 08:00-16:00",
                      "usia": [0, 12], "fasilitas": ["buku-anak", "rak-buku"], "akses": "umum",
                      "kontak": {"telepon": "(0511) 3352155"}, "sumber": "Data uji",
                      "id": "pojok-baca-uji"}
    assert len(prompts) == 17  # wrong answers are asked again
    assert any(p.startswith("Jam buka") for p in prompts)


@pytest.mark.parametrize("flags", [{"lokasi": "abc"}, {"id": "Bukan Slug"}, {"sektor": "pemerintah"}])
def test_new_rejects_bad_flags_with_exit_2(project, flags):
    given = {"nama": "Uji", "kategori": "pojok-baca",
                      "kelurahan": "Kertak Baru Ilir", "alamat": "Jl. Uji",
             "sumber": "Data uji", **flags}
    args = [a for k, v in given.items() for a in (f"--{k.replace('_', '-')}", v)]
    proc = run("new", *args, root=project)
    assert proc.returncode == 2, proc.stderr
