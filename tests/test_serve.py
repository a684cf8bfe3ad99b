"""`build_map.py serve` is a live preview that also rebuilds when a record changes."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _fetch(url: str, timeout: float = 2) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return resp.read().decode("utf-8")
    except OSError:
        return None


def _wait_for(url: str, needle: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        body = _fetch(url)
        if body and needle in body:
            return True
        time.sleep(0.3)
    return False


def _project(root: Path, record: str) -> Path:
    """A project serving the repository's configuration and content, and one record."""
    for name in ("pyproject.toml", "mkdocs.yml"):
        shutil.copy(ROOT / name, root / name)
    shutil.copytree(ROOT / "content", root / "content")
    shutil.copytree(ROOT / "wilayah", root / "wilayah")  # batas_kelurahan, relative
    (root / "facilities").mkdir()
    (root / "petakla").symlink_to(ROOT / "petakla")  # mkdocs.yml names the hook by path
    path = root / "facilities" / "contoh-taman.yml"
    path.write_text(record, encoding="utf-8")
    return path


def _start(root: Path, port: int) -> subprocess.Popen:
    """`build_map.py serve` as a fresh process, its temporary files in root/tmp (TMPDIR)."""
    (root / "tmp").mkdir(exist_ok=True)
    return subprocess.Popen(
        [sys.executable, str(ROOT / "build_map.py"), "--root", str(root), "serve",
         "--dev-addr", f"127.0.0.1:{port}"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        env={**os.environ, "TMPDIR": str(root / "tmp")},
    )


def _stop(proc: subprocess.Popen) -> str:
    """SIGTERM, as a benchmark, a service manager or `kill` stops it; its output."""
    proc.terminate()
    try:
        return proc.communicate(timeout=60)[0].decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.communicate()[0].decode("utf-8", "replace")


def _left(root: Path) -> list[str]:
    """MkDocs-style site folders serve left in its temporary folder."""
    return sorted(p.name for p in (root / "tmp").glob("mkdocs_*"))


@contextlib.contextmanager
def _serving(root: Path) -> Iterator[str]:
    """`build_map.py serve` as a fresh process; yields its base URL; once stopped by SIGTERM:
    no traceback, exit status 0 and its site folder removed."""
    port = _free_port()
    proc = _start(root, port)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        output = _stop(proc)
    assert "Traceback" not in output, output
    assert proc.returncode == 0, output
    assert _left(root) == [], output


GOOD = ("nama: Contoh Taman Pertama\nkategori: ruang-bermain-ramah-anak\n"
        "kelurahan: Teluk Dalam\nlokasi: [-3.3225, 114.5805]\nsumber: uji\n")


def test_serve_rebuilds_when_a_record_changes(tmp_path):
    record = _project(tmp_path, GOOD)
    with _serving(tmp_path) as base:
        url = f"{base}fasilitas/contoh-taman/"
        assert _wait_for(url, "Contoh Taman Pertama", 60), "preview never served the record"
        record.write_text(record.read_text(encoding="utf-8").replace("Pertama", "Kedua"),
                          encoding="utf-8")
        assert _wait_for(url, "Contoh Taman Kedua", 30), "preview did not pick up the edit"
        # its page first (the quick pass), then the catch-up pass: its kecamatan page lists
        # the new name too, and the downloads follow (petakla.rebuild)
        listing = f"{base}kecamatan/banjarmasin-tengah/"
        assert _wait_for(listing, "Contoh Taman Kedua", 30), "kecamatan page not updated"
        assert "Contoh Taman Pertama" not in (_fetch(listing) or "")
        assert _wait_for(f"{base}data/fasilitas.csv", "Contoh Taman Kedua", 30)


def test_serve_keeps_serving_the_last_good_site_with_the_error_shown(tmp_path):
    record = _project(tmp_path, GOOD)
    with _serving(tmp_path) as base:
        url = f"{base}fasilitas/contoh-taman/"
        assert _wait_for(url, "Contoh Taman Pertama", 60), "preview never served the record"
        record.write_text(GOOD.replace("Pertama", "Kedua") + "warna: merah\n", encoding="utf-8")
        error = "facilities/contoh-taman.yml:6:1: error: warna: kunci &#x27;warna&#x27; tidak dikenal"
        assert _wait_for(base, error, 30), "the preview does not show the record's error"
        # Every page answers while the record is still broken (no request waits for a good
        # build, which would never come), from the last good data, with the banner.
        page = _fetch(url, timeout=30)
        assert page is not None
        assert "Contoh Taman Pertama" in page and error in page and "Kedua" not in page
        record.write_text(GOOD.replace("Pertama", "Ketiga"), encoding="utf-8")
        assert _wait_for(url, "Contoh Taman Ketiga", 30), "the preview did not recover"
        assert "pk-galat-data" not in (_fetch(url) or "pk-galat-data")


def test_serve_stopped_at_any_moment_leaves_no_site_folder(tmp_path):
    """SIGTERM the moment serve's temporary site folder exists (before its first build): it
    stops as after Ctrl-C, with the folder removed."""
    _project(tmp_path, GOOD)
    proc = _start(tmp_path, _free_port())
    try:
        deadline = time.monotonic() + 120
        while not _left(tmp_path) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.001)
        assert _left(tmp_path), "serve made no site folder"
    finally:
        output = _stop(proc)
    assert proc.returncode == 0, output
    assert "Traceback" not in output, output
    assert _left(tmp_path) == [], output


def test_serve_on_a_port_in_use_says_so_before_building(tmp_path):
    """Another program (say, a preview still running) holds the address: serve says so in
    one Indonesian line at once, without building first and without a traceback."""
    _project(tmp_path, GOOD)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = _start(tmp_path, port)
        try:
            output = proc.communicate(timeout=120)[0].decode("utf-8", "replace")
        finally:
            if proc.poll() is None:
                output = _stop(proc)
    assert proc.returncode == 1, output
    assert f"alamat 127.0.0.1:{port} sudah dipakai program lain" in output, output
    assert "Traceback" not in output and "Building documentation" not in output, output
    assert _left(tmp_path) == [], output
