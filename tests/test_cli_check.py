"""`python build_map.py check` as editors and CI run it: through a subprocess."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from petakla.config import load_config
from petakla.pipeline import check
from petakla.report import render

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
VALID = sorted((FIXTURES / "valid").glob("*.yml"))
INVALID = sorted((FIXTURES / "invalid").glob("*.yml"))
LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<severity>error|warning): "
                  r"(?:(?P<field>[a-z_]+(?:\.[a-z0-9_]+)*): )?(?P<message>\S.*)$")


def run(*args: str, github: bool = False, cwd: Path = REPO) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_ACTIONS"}
    if github:
        env["GITHUB_ACTIONS"] = "true"
    proc = subprocess.run([sys.executable, str(REPO / "build_map.py"), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)
    assert "Traceback" not in proc.stdout + proc.stderr, proc.stderr
    return proc


@pytest.fixture
def invalid_project(project, checked_name) -> Path:
    for path in INVALID:
        shutil.copyfile(path, project / "facilities" / checked_name(path.stem))
    return project


def report_lines(proc: subprocess.CompletedProcess) -> list[re.Match]:
    lines = [LINE.match(line) for line in proc.stderr.splitlines()]
    return [m for m in lines if m]


def test_valid_fixtures_exit_0(project):
    for path in VALID:
        shutil.copy(path, project / "facilities")
    proc = run("--root", str(project), "check")
    assert proc.returncode == 0, proc.stderr
    assert not [m for m in report_lines(proc) if m["severity"] == "error"]
    assert f"{len(VALID)} berkas diperiksa" in proc.stderr


def test_valid_fixtures_named_on_the_command_line(project):
    proc = run("--root", str(project), "check", *[str(p) for p in VALID])
    assert proc.returncode == 0, proc.stderr
    assert f"{len(VALID)} berkas diperiksa" in proc.stderr


def test_empty_facilities_folder(project):
    proc = run("--root", str(project), "check")
    assert proc.returncode == 0
    assert proc.stderr.strip() == "0 berkas diperiksa: semua benar."


def test_invalid_folder_every_file_in_one_run(invalid_project, invalid_expectations,
                                              checked_name):
    proc = run("--root", str(invalid_project), "check")
    assert proc.returncode == 1
    got = {(m["file"], int(m["line"]), int(m["col"]), m["field"] or "")
           for m in report_lines(proc) if m["severity"] == "error"}
    want = {(f"facilities/{checked_name(stem)}", r["line"], r["col"], r["field"])
            for stem, rows in invalid_expectations.items() for r in rows
            if r["severity"] == "error"}
    assert got == want
    assert {file for file, *_ in got} == {f"facilities/{checked_name(p.stem)}" for p in INVALID}
    n_errors = sum(1 for m in report_lines(proc) if m["severity"] == "error")
    assert f"{len(INVALID)} berkas diperiksa: {n_errors} galat" in proc.stderr


def test_output_lines_are_exact(invalid_project):
    """Every line is `file:line:col: severity: field: message`, exactly what the pipeline found,
    and nothing else is printed but the summary."""
    proc = run("--root", str(invalid_project), "check")
    result = check(load_config(invalid_project))
    expected = render(result.problems).splitlines()
    lines = proc.stderr.splitlines()
    assert lines[:-1] == expected
    assert lines[-1].endswith("peringatan.") and "galat" in lines[-1]
    assert all(LINE.match(line) for line in lines[:-1])
    assert proc.stdout == ""


def test_known_lines(invalid_project):
    out = run("--root", str(invalid_project), "check").stderr.splitlines()
    assert ("facilities/kategori-unknown.yml:3:11: error: kategori: nilai 'ruang-laktsi' tidak "
            "dikenal. Maksud Anda 'ruang-laktasi'? Pilih salah satu: forum-anak, kampung-bermain, "
            "perpustakaan-ramah-anak, pojok-baca, pusat-kreativitas-anak, puskesmas, "
            "puskesmas-ramah-anak, puspaga, ruang-bermain-ramah-anak, ruang-laktasi, rumah-aman, "
            "rumah-ibadah-ramah-anak, sekolah-ramah-anak, taman-bermain, uptd-ppa.") in out
    assert ("facilities/lokasi-swapped.yml:5:9: error: lokasi: lintang dan bujur tertukar; tulis "
            "[-3.3263, 114.5892] (lintang dulu, lalu bujur).") in out
    assert ("facilities/root-tab-indent.yml:7:1: error: ada karakter tab; gunakan spasi untuk "
            "indentasi.") in out


def test_committed_fixture_folder_directly():
    """Run on tests/fixtures/invalid itself (names with '_' add a file-name error each)."""
    proc = run("check", str(FIXTURES / "invalid"))
    assert proc.returncode == 1
    reported = {m["file"] for m in report_lines(proc) if m["severity"] == "error"}
    assert reported == {f"tests/fixtures/invalid/{p.name}" for p in INVALID}


def test_github_annotations(invalid_project):
    plain = run("--root", str(invalid_project), "check")
    proc = run("--root", str(invalid_project), "check", github=True)
    assert proc.returncode == 1
    lines = proc.stderr.splitlines()
    annotations = [line for line in lines if line.startswith("::")]
    problems = [m for m in map(LINE.match, lines) if m]
    assert len(annotations) == len(problems) > 30
    for m in problems:
        where = f"{m['field']}: " if m["field"] else ""
        annotation = (f"::{m['severity']} file={m['file']},line={m['line']},col={m['col']}::"
                      f"{where}{m['message']}")
        assert annotation in annotations
    # without GITHUB_ACTIONS=true there are no workflow commands
    assert not [line for line in plain.stderr.splitlines() if line.startswith("::")]


def test_github_annotation_follows_its_line(project):
    shutil.copyfile(FIXTURES / "invalid" / "status_unknown.yml",
                    project / "facilities" / "status-unknown.yml")
    proc = run("--root", str(project), "check", github=True)
    assert proc.stderr.splitlines()[:2] == [
        "facilities/status-unknown.yml:7:9: error: status: nilai 'buka' tidak dikenal. Pilih "
        "salah satu: aktif, tutup-sementara, direncanakan, tutup.",
        "::error file=facilities/status-unknown.yml,line=7,col=9::status: nilai 'buka' tidak "
        "dikenal. Pilih salah satu: aktif, tutup-sementara, direncanakan, tutup.",
    ]


def test_warning_does_not_fail(project):
    text = (FIXTURES / "valid" / "taman-bermain-minimal.yml").read_text(encoding="utf-8")
    (project / "facilities" / "taman-bermain-uji.yml").write_text(
        text.replace("kelurahan: Sungai Jingah", "kelurahan: Sei Jingah"), encoding="utf-8")
    proc = run("--root", str(project), "check", github=True)
    assert proc.returncode == 0, proc.stderr
    assert ("facilities/taman-bermain-uji.yml:4:12: warning: kelurahan: ejaan resmi: "
            "'Sungai Jingah'; sebaiknya tulis ejaan itu.") in proc.stderr.splitlines()
    assert "::warning file=facilities/taman-bermain-uji.yml,line=4,col=12::" in proc.stderr
    assert "1 berkas diperiksa: 0 galat, 1 peringatan." in proc.stderr


def test_missing_file_is_reported_not_raised(project):
    proc = run("--root", str(project), "check", str(project / "facilities" / "tidak-ada.yml"))
    assert proc.returncode == 1
    assert "facilities/tidak-ada.yml:1:1: error: berkas tidak dapat dibaca" in proc.stderr


def test_python_tag_runs_no_code(project, tmp_path):
    shutil.copyfile(FIXTURES / "invalid" / "root_python_tag.yml",
                    project / "facilities" / "python-tag.yml")
    proc = run("--root", str(project), "check", cwd=tmp_path)
    assert proc.returncode == 1
    assert "pwned" not in proc.stdout
    assert not (tmp_path / "petakla-pwned.txt").exists()
    assert not list(tmp_path.rglob("petakla-pwned.txt"))


def test_help():
    top = run("--help")
    assert top.returncode == 0
    for command in ("check", "build", "serve", "schema"):
        assert command in top.stdout
    sub = run("check", "--help")
    assert sub.returncode == 0
    assert "BERKAS" in sub.stdout and "baris dan kolom" in sub.stdout


def test_unknown_command_is_a_usage_error():
    proc = run("periksa")
    assert proc.returncode == 2
    assert "pemakaian:" in proc.stderr


def test_records_read_on_every_core_give_the_same_result(invalid_project, monkeypatch):
    """Above PARALLEL_ABOVE records, check() reads them in a process pool: same facilities,
    same problems in the same order as reading them one by one (valid and invalid mixed)."""
    import petakla.pipeline as pipeline

    if (os.cpu_count() or 1) < 2:
        pytest.skip("one CPU: check() reads serially there, so there is no pool to compare")
    for path in VALID:
        shutil.copyfile(path, invalid_project / "facilities" / path.name)
    config = load_config(invalid_project)
    serial = check(config)
    monkeypatch.setattr(pipeline, "PARALLEL_ABOVE", 5)
    monkeypatch.setattr(pipeline, "_CHUNK", 7)  # several chunks, the last one short
    parallel = check(config)
    assert serial.n_files == parallel.n_files > 3 * 7
    assert serial.facilities and parallel.facilities == serial.facilities
    assert render(parallel.problems) == render(serial.problems)
    assert len(serial.problems) >= len(INVALID)


@pytest.mark.parametrize("pyproject, expected", [
    (None, "pyproject.toml: error: berkas tidak ada. Jalankan perintah dari folder proyek"),
    ("[tool.petakla\njudul = 'x'\n", "pyproject.toml: error: bukan TOML yang sah"),
    ("[tool.petakla]\njudul = 'Peta'\nkota_kode = '63.71'\n",
     "pyproject.toml: error: tool.petakla: kunci kota_nama, batas, pusat tidak ada."),
])
def test_a_folder_without_the_citys_settings_is_said_in_one_line(tmp_path, pyproject, expected):
    """`--root` at a folder with no, broken or incomplete pyproject.toml: one Indonesian line
    naming the file and what to do, exit status 2, no traceback (run() asserts that)."""
    (tmp_path / "facilities").mkdir()
    if pyproject is not None:
        (tmp_path / "pyproject.toml").write_text(pyproject, encoding="utf-8")
    for command in ("check", "build"):
        proc = run("--root", str(tmp_path), command)
        assert proc.returncode == 2
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(str(tmp_path.resolve())), proc.stderr
        assert expected in lines[0]
